/**
 * WIX_INSTANCE_IDS through the whole composition (packages/core/src/server/start.ts runService):
 * the memory service (src/bin/memory-service.ts, composed like every database service) reads the
 * setting from its environment and serves only the listed site; `check` reports a malformed list.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WixClient } from '../src/client.ts';
import { createWixSigner, defaultMetadata, type WixSigner } from '../src/signer.ts';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../src/bin/memory-service.ts', import.meta.url));
const hooks = fileURLToPath(new URL('../src/source-hooks.ts', import.meta.url));
const NODE = ['--experimental-transform-types', '--disable-warning=ExperimentalWarning', '--import', hooks, bin];

const LISTED = '5d1c7a3e-0000-4000-8000-000000000001';
const OTHER = '9a8b7c6d-0000-4000-8000-0000000000ff';
const STATUS_TOKEN = 'status-token-for-the-test-0123456789';

/** Starts the memory service with `env` on a free port; resolves once it listens. */
async function startMemoryService(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, NODE, {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = /listening on (http:\/\/[^\s"]+)/.exec(out);
      if (found?.[1]) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`memory-service exited (${code}) before listening: ${out}`)));
  });
  return { child, url };
}

describe('memory service with WIX_INSTANCE_IDS', () => {
  let signer: WixSigner;
  let service: { child: ChildProcess; url: string };
  beforeAll(async () => {
    signer = await createWixSigner({ alg: 'ES256' });
    service = await startMemoryService({
      WIX_PUBLIC_KEYS: signer.publicKeyPem,
      WIX_INSTANCE_IDS: `${LISTED}, 7c0e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b`,
      STATUS_TOKEN,
    });
  });
  afterAll(() => {
    service?.child.kill('SIGKILL');
  });

  it('serves the listed site and refuses another with 403', async () => {
    const client = new WixClient({ baseUrl: service.url, signer });
    const as = (instanceId: string) => ({ metadata: { ...defaultMetadata(), instanceId } });
    expect((await client.call('collections/get', { collectionIds: [] }, as(LISTED))).status).toBe(200);
    const other = await client.call('collections/get', { collectionIds: [] }, as(OTHER));
    expect(other.status).toBe(403);
    expect(other.body.errorMessage).toContain(`add ${OTHER} to WIX_INSTANCE_IDS`);
    const answer = await fetch(`${service.url}/status.json`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } });
    const status = (await answer.json()) as {
      instances: { configured: string[] | null };
      advice: { setting: string }[];
    };
    expect(status.instances.configured).toEqual([LISTED, '7c0e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b']);
    expect(status.advice.map((a) => a.setting)).not.toContain('WIX_INSTANCE_IDS');
  });
});

describe('memory service check', () => {
  it('reports an empty entry in WIX_INSTANCE_IDS and exits 1', async () => {
    const signer = await createWixSigner({ alg: 'ES256' });
    const run = exec(process.execPath, [...NODE, 'check'], {
      env: {
        PATH: process.env.PATH ?? '',
        WIX_PUBLIC_KEYS: signer.publicKeyPem,
        WIX_INSTANCE_IDS: `${LISTED},,${OTHER}`,
      },
    });
    const failed = await run.then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/WIX_INSTANCE_IDS\s+INVALID\n/);
    expect(failed?.stdout).toContain('WIX_INSTANCE_IDS is invalid: entry 2 of 3 is empty');
  });
});
