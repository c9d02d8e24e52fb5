/**
 * `connect … --write-secret` with the real Secret Manager client on a machine
 * without Google credentials, as a real process (an uncaught rejection or a
 * process warning only shows there). Offline and fast: HOME is an empty folder
 * (no gcloud application-default credentials), and the metadata server is a
 * local one answering 500, which google-auth-library reports as "unexpected"
 * with a MetadataLookupWarning.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, envKey, tempDir } from './support/run-cli.ts';

const exec = promisify(execFile);
const packageDir = fileURLToPath(new URL('../', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const hooks = fileURLToPath(new URL('../../testkit/src/source-hooks.ts', import.meta.url));
// Only the type-stripping notice is silenced: any other warning must reach stderr for the test to see it.
const SOURCE = [
  '--experimental-transform-types',
  '--disable-warning=ExperimentalWarning',
  '--import',
  hooks,
  `${packageDir}src/cli.ts`,
];

let metadata: ReturnType<typeof createServer>;
let metadataHost: string;
let home: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  metadata = createServer((_req, res) => {
    res.writeHead(500);
    res.end('no metadata here');
  });
  await new Promise<void>((resolve) => metadata.listen(0, '127.0.0.1', resolve));
  metadataHost = `127.0.0.1:${(metadata.address() as AddressInfo).port}`;
  home = await tempDir();
});
afterAll(async () => {
  await new Promise<void>((resolve) => metadata.close(() => resolve()));
  await home.remove();
});

async function spawnCli(args: string[], extraEnv: Record<string, string> = {}) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home.path,
    GCE_METADATA_HOST: metadataHost,
    WIX_API_KEY: 'IST.no-credentials-test',
    WIX_SITE_ID: 'site',
    ...extraEnv,
  };
  try {
    const { stdout, stderr } = await exec(process.execPath, [...SOURCE, ...args], { cwd: home.path, env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('--write-secret without Google credentials', () => {
  it('exits 1 with the cause and the fix; no stack, no uncaught error, no metadata warning', async () => {
    const wix = `http://127.0.0.1:${await closedPort()}`;
    const result = await spawnCli([
      'connect',
      'create',
      'lc3',
      '--type',
      'standalone',
      '--endpoint',
      'https://x.run.app',
      '--write-secret',
      'projects/p/secrets/s',
      '--api-base',
      wix,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('adaptors connect: could not add a version to projects/p/secrets/s:');
    expect(result.stderr).toContain('no Google credentials on this machine');
    expect(result.stderr).toContain('gcloud auth application-default login');
    expect(result.stderr).not.toMatch(/node_modules|\n\s+at |MetadataLookupWarning|Node\.js v/);
    // One message, the explained one: nothing else reached the terminal.
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  }, 30_000);
});

describe('config check of a Secret Manager reference without Google credentials', () => {
  it('tells the problem once (no MetadataLookupWarning besides it), and warns that the reference names no version', async () => {
    const keys = await spawnCli(['keys', 'generate', '--out', join(home.path, 'keys')]);
    const publicKey = envKey(keys.stdout);
    const result = await spawnCli(['config', 'check', '--service', join(repo, 'services', 'spanner')], {
      WIX_PUBLIC_KEYS: publicKey,
      SPANNER_INSTANCE: 'garden',
      SPANNER_DATABASE: 'plants',
      CURSOR_SECRET: 'sm://my-project/cursor',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/Configuration has 1 problem\. 1 warning below\./);
    expect(result.stdout.match(/no Google credentials to read Secret Manager with/g)).toHaveLength(1);
    expect(result.stdout).toContain(
      "  - CURSOR_SECRET: sm://my-project/cursor names no version, so the service reads the secret's latest version at every start",
    );
    expect(result.stdout).toContain('Pin a version: sm://my-project/cursor/VERSION');
  }, 30_000);
});
