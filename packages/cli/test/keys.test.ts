import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPublicKeys } from '@adaptors/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envKey, runCli, tempDir } from './support/run-cli.ts';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

/** The blocks `keys generate` prints, by their heading. */
function printed(stdout: string) {
  const pem = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----\n/.exec(stdout)?.[0];
  const after = (heading: string) => stdout.split('\n')[stdout.split('\n').findIndex((l) => l.startsWith(heading)) + 1];
  return { pem, base64Pem: after('Public key as base64 of PEM'), base64Der: after('Public key as bare base64 DER') };
}

describe('keys generate', () => {
  for (const alg of ['ES256', 'RS256'] as const) {
    it(`${alg}: every printed form loads with core's loadPublicKeys as the same key`, async () => {
      const result = await runCli(['keys', 'generate', '--alg', alg, '--out', 'keys'], { cwd: dir.path });
      expect(result.code).toBe(0);
      const forms = printed(result.stdout);
      const fingerprints = new Set<string>();
      for (const form of [forms.pem, forms.base64Pem, forms.base64Der, envKey(result.stdout)]) {
        expect(form).toBeTruthy();
        const keys = await loadPublicKeys(form!);
        expect(keys).toHaveLength(1);
        expect(keys[0]!.alg).toBe(alg);
        fingerprints.add(keys[0]!.fingerprint);
      }
      expect(fingerprints.size).toBe(1);
      expect(result.stdout).toContain(`fingerprint  ${[...fingerprints][0]}`);
      // The env line is last, and uses the one-line DER form.
      expect(result.stdout.trimEnd().split('\n').pop()).toBe(`WIX_PUBLIC_KEYS=${forms.base64Der}`);
      if (alg === 'ES256') expect(forms.base64Der).toHaveLength(124);

      const privatePath = join(dir.path, 'keys', 'wix-dev-private.pem');
      expect((await stat(privatePath)).mode & 0o777).toBe(0o600);
      expect(await readFile(privatePath, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      expect(await readFile(join(dir.path, 'keys', 'wix-dev-public.pem'), 'utf8')).toBe(forms.pem);
    });
  }

  it('defaults to ES256 in .dev-keys; a second run keeps the pair and prints its key again, --force replaces it', async () => {
    const first = await runCli(['keys', 'generate'], { cwd: dir.path });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('.dev-keys/wix-dev-private.pem');
    expect(first.stdout).toContain('ES256');
    const privateKey = await readFile(join(dir.path, '.dev-keys', 'wix-dev-private.pem'), 'utf8');
    // DEPLOY.md pipes `keys generate | tail -1` into Secret Manager: after `npm start` made
    // .dev-keys/, that must still be the key, never an empty line.
    const again = await runCli(['keys', 'generate'], { cwd: dir.path });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Kept the existing ES256 key pair');
    expect(again.stdout.trimEnd().split('\n').pop()).toBe(first.stdout.trimEnd().split('\n').pop());
    expect(printed(again.stdout)).toEqual(printed(first.stdout));
    expect(await readFile(join(dir.path, '.dev-keys', 'wix-dev-private.pem'), 'utf8')).toBe(privateKey);
    const forced = await runCli(['keys', 'generate', '--force'], { cwd: dir.path });
    expect(forced.code).toBe(0);
    expect(envKey(forced.stdout)).not.toBe(envKey(first.stdout));
  });

  it('an existing pair: a missing public file is rewritten; a mismatch, a lone public key or another --alg is refused', async () => {
    const keys = join(dir.path, '.dev-keys');
    const first = await runCli(['keys', 'generate', '--alg', 'RS256'], { cwd: dir.path });
    await rm(join(keys, 'wix-dev-public.pem'));
    const rewritten = await runCli(['keys', 'generate'], { cwd: dir.path });
    expect(rewritten.code).toBe(0);
    expect(envKey(rewritten.stdout)).toBe(envKey(first.stdout));
    expect(await readFile(join(keys, 'wix-dev-public.pem'), 'utf8')).toBe(printed(first.stdout).pem);

    const otherAlg = await runCli(['keys', 'generate', '--alg', 'ES256'], { cwd: dir.path });
    expect(otherAlg.code).toBe(2);
    expect(otherAlg.stderr).toContain('holds an RS256 key, not ES256; pass --force');
    expect(otherAlg.stdout).toBe('');

    const other = await runCli(['keys', 'generate', '--out', 'other'], { cwd: dir.path });
    await writeFile(join(keys, 'wix-dev-public.pem'), printed(other.stdout).pem!);
    const mismatch = await runCli(['keys', 'generate'], { cwd: dir.path });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toContain('is not the public key of .dev-keys/wix-dev-private.pem; pass --force');
    expect(mismatch.stdout).toBe('');

    await rm(join(keys, 'wix-dev-private.pem'));
    const lone = await runCli(['keys', 'generate'], { cwd: dir.path });
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain('exists without .dev-keys/wix-dev-private.pem; pass --force');
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['keys'], { cwd: dir.path })).code).toBe(2);
    expect((await runCli(['keys', 'rotate'], { cwd: dir.path })).code).toBe(2);
    const bad = await runCli(['keys', 'generate', '--alg', 'HS256'], { cwd: dir.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--alg must be ES256 or RS256');
    expect((await runCli(['keys', 'generate', '--bogus'], { cwd: dir.path })).stderr).toContain(
      "Unknown option '--bogus'",
    );
  });
});
