/**
 * The memory reference service (src/bin/memory-service.ts, what `npm start` serves) reports the
 * project's release as the database services do (packageVersion, packages/core/src/server/version.ts):
 * `--version`, the startup line and every log line's serviceContext.
 */
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

describe('memory-service', () => {
  it('--version prints the project release, not 0.0.0-unknown', async () => {
    const { stdout } = await exec(process.execPath, [...NODE, '--version']);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(stdout).toBe(`wix-gcp-adaptors memory ${version}\n`);
  });

  it('its startup line and serviceContext carry the release', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    const child = spawn(process.execPath, NODE, {
      env: { PATH: process.env.PATH ?? '', WIX_PUBLIC_KEYS: pem, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
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
      expect(line.message).toMatch(new RegExp(`^memory adaptor ${version.replaceAll('.', '\\.')} listening on `));
      expect(line.serviceContext).toEqual({ service: 'wix-gcp-adaptors-memory', version });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
