import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createVerifier, loadPublicKeys } from '@adaptors/core';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envKey, runCli, tempDir } from './support/run-cli.ts';

let dir: { path: string; remove: () => Promise<void> };
let publicKey: string;

async function keys(alg: 'ES256' | 'RS256' = 'ES256') {
  const generated = await runCli(['keys', 'generate', '--alg', alg, '--force'], { cwd: dir.path });
  expect(generated.code).toBe(0);
  publicKey = envKey(generated.stdout);
}

beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir.remove());

describe('sign', () => {
  for (const alg of ['ES256', 'RS256'] as const) {
    it(`${alg}: the token verifies with core's createVerifier and carries the request`, async () => {
      await keys(alg);
      const request = { collectionId: 'plants', query: { filter: { perennial: true } } };
      const result = await runCli(['sign', JSON.stringify(request)], { cwd: dir.path });
      expect(result.code).toBe(0);
      const token = result.stdout.trim();
      expect(token.split('.')).toHaveLength(3);
      const verify = createVerifier({ keys: await loadPublicKeys(publicKey) });
      const call = await verify(token);
      expect(call.request).toEqual(request);
      expect(call.claims.iss).toBe('wix.com');
      expect(call.claims.exp! - call.claims.iat!).toBe(60);
      expect(call.metadata.identity?.identityType).toBe('WIX_USER');
    });
  }

  it('--audience, --expires and --metadata (merged over the default) reach the claims', async () => {
    await keys();
    await writeFile(join(dir.path, 'req.json'), '{"collectionId":"plants"}');
    const metadata = JSON.stringify({ identity: { identityType: 'ANONYMOUS_VISITOR', anonymousVisitorId: 'v-1' } });
    const result = await runCli(
      ['sign', '--audience', 'app-123', '--expires', '600', '--metadata', metadata, '@req.json'],
      { cwd: dir.path },
    );
    expect(result.code).toBe(0);
    const verify = createVerifier({ keys: await loadPublicKeys(publicKey), audience: 'app-123' });
    const call = await verify(result.stdout.trim());
    expect(call.request).toEqual({ collectionId: 'plants' });
    expect(call.claims.exp! - call.claims.iat!).toBe(600);
    expect(call.metadata.identity).toEqual({ identityType: 'ANONYMOUS_VISITOR', anonymousVisitorId: 'v-1' });
    const payload = decodeJwt(result.stdout.trim()) as { data: { metadata: Record<string, unknown> } };
    expect(payload.data.metadata.instanceId).toBeTruthy();
    expect(payload.data.metadata.requestId).toBeTruthy();
  });

  it('reads the request from standard input with -', async () => {
    await keys();
    const result = await runCli(['sign', '-'], { cwd: dir.path, stdin: '{"collectionIds":[]}\n' });
    expect(result.code).toBe(0);
    const call = await createVerifier({ keys: await loadPublicKeys(publicKey) })(result.stdout.trim());
    expect(call.request).toEqual({ collectionIds: [] });
  });

  it('explains bad input and bad keys (exit 2)', async () => {
    await keys();
    const badJson = await runCli(['sign', '{collectionId:plants}'], { cwd: dir.path });
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toContain('request: invalid JSON from the command line');
    const badFile = await runCli(['sign', '@missing.json'], { cwd: dir.path });
    expect(badFile.code).toBe(2);
    expect(badFile.stderr).toContain('cannot read file missing.json (ENOENT)');
    const notObject = await runCli(['sign', '[1,2]'], { cwd: dir.path });
    expect(notObject.stderr).toContain('expected a JSON object');
    const publicAsKey = await runCli(['sign', '--key', '.dev-keys/wix-dev-public.pem', '{}'], { cwd: dir.path });
    expect(publicAsKey.code).toBe(2);
    expect(publicAsKey.stderr).toContain('holds a public key');
    const mismatch = await runCli(['sign', '--alg', 'RS256', '{}'], { cwd: dir.path });
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain('--alg RS256 does not match');
    const noKey = await runCli(['sign', '--key', 'nope.pem', '{}'], { cwd: dir.path });
    expect(noKey.stderr).toContain('cannot read the private key nope.pem (ENOENT)');
    const badExpiry = await runCli(['sign', '--expires', '-5', '{}'], { cwd: dir.path });
    expect(badExpiry.code).toBe(2);
  });

  it('without a key pair, says how to make one', async () => {
    const result = await runCli(['sign', '{}'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('adaptors keys generate');
  });
});
