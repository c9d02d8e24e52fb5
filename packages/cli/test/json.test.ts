/** `--json` on every command: one JSON document on stdout, nothing else there. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdaptor } from './support/adaptor.ts';
import { runCli, tempDir } from './support/run-cli.ts';

let dir: { path: string; remove: () => Promise<void> };
let adaptor: { url: string; close: () => Promise<void> };
let keys: { alg: string; fingerprint: string; publicKey: { base64Der: string }; env: string };

beforeAll(async () => {
  dir = await tempDir();
  const generated = await runCli(['keys', 'generate', '--json'], { cwd: dir.path });
  expect(generated.code).toBe(0);
  keys = JSON.parse(generated.stdout);
  adaptor = await startAdaptor(keys.publicKey.base64Der);
});
afterAll(async () => {
  await adaptor.close();
  await dir.remove();
});

const cli = (argv: string[]) => runCli(argv, { cwd: dir.path });

describe('--json', () => {
  it('keys generate: the key files, fingerprint, every public key form and the env line', () => {
    expect(keys).toMatchObject({
      alg: 'ES256',
      privateKeyFile: expect.stringContaining('wix-dev-private.pem'),
      publicKeyFile: expect.stringContaining('wix-dev-public.pem'),
      publicKey: { pem: expect.stringContaining('BEGIN PUBLIC KEY'), base64Pem: expect.any(String) },
    });
    expect(keys.env).toBe(`WIX_PUBLIC_KEYS=${keys.publicKey.base64Der}`);
  });

  it('sign: { token }', async () => {
    const signed = await cli(['sign', '--json', '{"collectionId":"plants"}']);
    expect(signed.code).toBe(0);
    expect(JSON.parse(signed.stdout).token.split('.')).toHaveLength(3);
  });

  it('call: { url, status, body }, for an error answer too', async () => {
    const ok = await cli(['call', '--json', adaptor.url, 'collections/get', '{"collectionIds":[]}']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ url: `${adaptor.url}/v3/collections/get`, status: 200, body: {} });
    const missing = await cli(['call', '--json', adaptor.url, 'items/count', '{"collectionId":"nope"}']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({ status: 404, body: { errorCode: 'COLLECTION_NOT_FOUND' } });
  });

  it('config check: { service, ok, settings, problems }, secrets never shown', async () => {
    const repo = new URL('../../../', import.meta.url).pathname;
    const env = { WIX_PUBLIC_KEYS: keys.publicKey.base64Der, CURSOR_SECRET: 'x'.repeat(40), SPANNER_DATABASE: 'p' };
    const result = await runCli(['config', 'check', '--service', 'spanner', '--json'], { cwd: repo, env });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ service: 'spanner', ok: false });
    const byName = new Map(report.settings.map((s: { name: string }) => [s.name, s]));
    expect(byName.get('SPANNER_INSTANCE')).toMatchObject({ state: 'missing', problem: expect.any(String) });
    expect(byName.get('SPANNER_DATABASE')).toEqual({ name: 'SPANNER_DATABASE', state: 'set', shown: 'p' });
    expect(byName.get('PORT')).toEqual({ name: 'PORT', state: 'default', shown: '8080' });
    expect(result.stdout).not.toContain('x'.repeat(40));
    expect(report.problems).toHaveLength(1);
  });
});
