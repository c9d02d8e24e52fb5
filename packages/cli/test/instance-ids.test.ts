/**
 * WIX_INSTANCE_IDS from the CLI: `config check` reports a malformed list (an empty entry, an id
 * with a space inside) as it reports any invalid setting; `call` and `doctor` against an adaptor
 * that serves other sites get the 403 and a hint to sign as a listed site with --metadata.
 */
import { fileURLToPath } from 'node:url';
import { createAdaptor, createVerifier, loadPublicKeys } from '@adaptors/core';
import { build } from '@adaptors/core/server';
import { createMemoryStorage, plantsCollection } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envKey, runCli, tempDir } from './support/run-cli.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const LISTED = '5d1c7a3e-0000-4000-8000-000000000001';
const CURSOR_SECRET = 'a-cursor-secret-that-is-long-enough-1234567890';
const LEGACY_SECRET = 'legacy-secret-key-for-the-cli-test';

let dir: { path: string; remove: () => Promise<void> };
let publicKey: string;
let app: ReturnType<typeof build>;
let url: string;
beforeAll(async () => {
  dir = await tempDir();
  publicKey = envKey((await runCli(['keys', 'generate'], { cwd: dir.path })).stdout);
  const adaptor = createAdaptor({
    storage: createMemoryStorage({ collections: [plantsCollection] }),
    cursorSecret: CURSOR_SECRET,
  });
  app = build({
    adaptor,
    verify: createVerifier({ keys: await loadPublicKeys(publicKey) }),
    instanceIds: [LISTED],
    legacy: { secretKeys: [LEGACY_SECRET] },
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await dir.remove();
});

describe('config check', () => {
  const env = (ids: string) => ({
    WIX_PUBLIC_KEYS: publicKey,
    SPANNER_INSTANCE: 'garden',
    SPANNER_DATABASE: 'plants',
    CURSOR_SECRET,
    WIX_INSTANCE_IDS: ids,
  });

  it('shows the sites allowed', async () => {
    const result = await runCli(['config', 'check', '--service', 'spanner'], { cwd: repo, env: env(`${LISTED}, b-2`) });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`WIX_INSTANCE_IDS\\s+2 sites: ${LISTED}, b-2\\n`));
  });

  it.each([
    [`${LISTED},,b-2`, 'entry 2 of 3 is empty'],
    [`${LISTED} b-2`, 'entry 1 of 1 has a space inside'],
  ])('%j: INVALID with the entry named, exit 1', async (ids, reason) => {
    const result = await runCli(['config', 'check', '--service', 'spanner'], { cwd: repo, env: env(ids) });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/WIX_INSTANCE_IDS\s+INVALID\n/);
    expect(result.stdout).toContain(`  - WIX_INSTANCE_IDS is invalid: ${reason}`);
  });
});

describe('call and doctor against an adaptor serving other sites', () => {
  it('call: 403 PERMISSION_DENIED and the hint; signed as the listed site with --metadata: 200', async () => {
    const refused = await runCli(['call', url, 'items/count', '{"collectionId":"plants"}'], { cwd: dir.path });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('HTTP 403 PERMISSION_DENIED');
    expect(refused.stderr).toContain(`sign as a listed one with --metadata '{"instanceId":"<a listed id>"}'`);
    const listed = await runCli(
      ['call', url, 'items/count', '{"collectionId":"plants"}', '--metadata', JSON.stringify({ instanceId: LISTED })],
      { cwd: dir.path },
    );
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
  });

  it('call --legacy: 403 and the hint without --instance-id; with the listed one: 200', async () => {
    const args = ['call', '--legacy', '--secret-key', LEGACY_SECRET, url, '/data/count', '{"collectionName":"plants"}'];
    const refused = await runCli(args, { cwd: dir.path });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('HTTP 403: ');
    expect(refused.stderr).toContain('pass --instance-id <a listed id>');
    const listed = await runCli([...args, '--instance-id', LISTED], { cwd: dir.path });
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
  });

  it('doctor: the first step fails with 403 and the hint names WIX_INSTANCE_IDS', async () => {
    const result = await runCli(['doctor', url], { cwd: dir.path });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED capabilities\s+capabilities\/get\s+HTTP 403/);
    expect(result.stderr).toContain('serves only the Wix sites in its WIX_INSTANCE_IDS setting');
  });
});
