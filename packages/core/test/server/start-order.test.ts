/**
 * The order runService loads things in (src/server/start.ts): the core's index holds no part of
 * the HTTP server, and the server's modules (Fastify) load only once the storage has opened, so
 * what a storage reads ahead at start is on the network while Fastify loads; pino is never loaded
 * (server/log.ts is the logger, Fastify's included). Run in a process of its own (Node strips the
 * TypeScript), where nothing else loaded Fastify before.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

function probe(storage: 'opens' | 'fails'): Record<string, unknown> {
  const script = `
    import { generateKeyPairSync } from 'node:crypto';
    import { createRequire } from 'node:module';
    const cache = createRequire(import.meta.url).cache;
    const fastifyLoaded = () => Object.keys(cache).some((file) => /[\\\\/]node_modules[\\\\/]fastify[\\\\/]/.test(file));
    const pinoLoaded = () => Object.keys(cache).some((file) => /[\\/]node_modules[\\/]pino[\\/]/.test(file));
    const core = await import(${JSON.stringify(index)});
    const seen = { afterIndex: fastifyLoaded() };
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    await core.runService(
      {
        name: 'probe',
        settings: core.coreSettings,
        async createStorage() {
          seen.atCreateStorage = fastifyLoaded();
          if (${JSON.stringify(storage)} === 'fails') throw new Error('no database here');
          return { capabilities: {}, close: async () => {} };
        },
      },
      [],
      { WIX_PUBLIC_KEYS: pem, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' },
    );
    seen.afterStart = fastifyLoaded();
    seen.pino = pinoLoaded();
    seen.exitCode = process.exitCode ?? 0;
    process.stdout.write('\\nprobe ' + JSON.stringify(seen) + '\\n');
    process.exit(0);
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  // The service's own log lines (JSON, on stdout) come before the probe's line.
  const line = out.split('\n').find((l) => l.startsWith('probe '));
  return JSON.parse(line?.slice('probe '.length) ?? 'null') as Record<string, unknown>;
}

describe('runService load order', () => {
  it('loads Fastify only after the storage has opened, then serves', () => {
    expect(probe('opens')).toEqual({
      afterIndex: false,
      atCreateStorage: false,
      afterStart: true,
      pino: false,
      exitCode: 0,
    });
  });

  it('never loads Fastify when the storage cannot open', () => {
    expect(probe('fails')).toEqual({
      afterIndex: false,
      atCreateStorage: false,
      afterStart: false,
      pino: false,
      exitCode: 1,
    });
  });
});
