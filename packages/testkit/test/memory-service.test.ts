/**
 * The memory reference service (src/bin/memory-service.ts, what `npm start` serves) reports the
 * project's release as the database services do (packageVersion, packages/core/src/server/version.ts):
 * `--version`, the startup line and every log line's serviceContext.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../src/bin/memory-service.ts', import.meta.url));
const hooks = fileURLToPath(new URL('../src/source-hooks.ts', import.meta.url));
const NODE = ['--experimental-transform-types', '--disable-warning=ExperimentalWarning', '--import', hooks, bin];
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/**
 * Starts the memory service on a free port with a fresh public key; resolves with the process and
 * its startup line ("… listening on <url>") once it listens.
 */
async function startMemoryService(): Promise<{ child: ChildProcess; line: Record<string, unknown>; url: string }> {
  const { generateKeyPairSync } = await import('node:crypto');
  const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const child = spawn(process.execPath, NODE, {
    env: { PATH: process.env.PATH ?? '', WIX_PUBLIC_KEYS: pem, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => /listening on/.test(String(l.message)));
      if (found) resolve(found);
    });
    child.on('exit', (code) => reject(new Error(`memory-service exited (${code}) before listening: ${out}`)));
  });
  const url = /listening on (http:\/\/\S+)/.exec(String(line.message))?.[1];
  if (!url) throw new Error(`no URL in the startup line: ${String(line.message)}`);
  return { child, line, url };
}

describe('memory-service', () => {
  it('--version prints the project release, not 0.0.0-unknown', async () => {
    const { stdout } = await exec(process.execPath, [...NODE, '--version']);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(stdout).toBe(`wix-gcp-adaptors memory ${version}\n`);
  });

  it('its startup line and serviceContext carry the release', async () => {
    const { child, line } = await startMemoryService();
    try {
      expect(line.message).toMatch(new RegExp(`^memory adaptor ${version.replaceAll('.', '\\.')} listening on `));
      expect(line.serviceContext).toEqual({ service: 'wix-gcp-adaptors-memory', version });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('on SIGTERM, a call arriving on an open connection is still answered before the process exits', async () => {
    const { child, url } = await startMemoryService();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      // One kept-alive connection, as a load balancer holds to an instance.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const get = () =>
        new Promise<number>((resolve, reject) => {
          const req = request(`${url}/healthz`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', reject);
          req.end();
        });
      expect(await get()).toBe(200);
      child.kill('SIGTERM');
      // A call already on its way when the signal came (Cloud Run stops routing new ones).
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(await get()).toBe(200);
      // The client keeps its connection open: the server still ends well within its grace period.
      const stopped = Date.now();
      expect(await exited).toBe(0);
      expect(Date.now() - stopped).toBeLessThan(5000);
      agent.destroy();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
