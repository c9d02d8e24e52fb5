/**
 * The bundle's loader and warm-up (scripts/bundle-runtime/): chunks load as Node would load them
 * (relative requires, cycles, built-ins, line numbers), the code cache written after a run is
 * read by the next process, and a cache that does not fit (corrupt, other V8 flags, another
 * build) is never used — the file is compiled from source and the service still answers.
 * The end-to-end part runs the BigQuery service's bundle (built by `npm test` before the tests).
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWixSigner, freePort } from '@adaptors/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, serviceDir } from './support/services.ts';

const LOADER = join(repoRoot, 'scripts', 'bundle-runtime', 'loader.cjs');

interface Loader {
  load(file: string): Record<string, unknown>;
  loadAll(): void;
  writeCache(): { files: number; bytes: number; cacheDir: string };
  counts: { cached: number; rejected: number; compiled: number };
}
const { createLoader, cacheFolder } = createRequire(import.meta.url)(LOADER) as {
  createLoader(dir: string, buildId: string, env?: Record<string, string | undefined>): Loader;
  cacheFolder(buildId: string, env?: Record<string, string | undefined>): string | undefined;
};

const scratch = mkdtempSync(join(tmpdir(), 'bundle-loader-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A folder of chunks shaped as rolldown writes them: CommonJS, requiring each other by "./x.cjs". */
function chunks(): string {
  const dir = mkdtempSync(join(scratch, 'chunks-'));
  mkdirSync(join(dir, 'separate'));
  writeFileSync(
    join(dir, 'start.cjs'),
    [
      "const a = require('./a.cjs');",
      "const { sep } = require('node:path');",
      "const separate = require(__dirname + '/separate/c.cjs');",
      'exports.result = () => ({ a: a.value, b: a.fromB, sep, separate: separate.name, dirname: __dirname });',
      'exports.fail = () => {',
      "  throw new Error('on line 6');",
      '};',
    ].join('\n'),
  );
  // A cycle: b sees what a exported before requiring it, as with Node's require.
  writeFileSync(join(dir, 'a.cjs'), "exports.value = 'a';\nexports.fromB = require('./b.cjs').seen;\n");
  writeFileSync(join(dir, 'b.cjs'), "exports.seen = require('./a.cjs').value;\n");
  writeFileSync(join(dir, 'separate', 'c.cjs'), "exports.name = 'c';\n");
  return dir;
}

/** Loads start.cjs in a process of its own and answers the loader's counts (a fresh V8 each time). */
function countsInChild(dir: string, env: Record<string, string>, nodeArgs: string[] = []) {
  const script = `const { createLoader } = require(${JSON.stringify(LOADER)});
const loader = createLoader(${JSON.stringify(dir)}, 'b1');
const start = loader.load(${JSON.stringify(join(dir, 'start.cjs'))});
process.stdout.write(JSON.stringify({ counts: loader.counts, result: start.result() }));`;
  const out = execFileSync(process.execPath, [...nodeArgs, '-e', script], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { counts: Loader['counts']; result: Record<string, unknown> };
}

describe('the bundle loader', () => {
  it('loads chunks as Node would: relative requires, a cycle, built-ins, separate/ by path', () => {
    const dir = chunks();
    const loader = createLoader(dir, 'b1', {});
    const start = loader.load(join(dir, 'start.cjs')) as { result(): unknown; fail(): void };
    expect(start.result()).toEqual({ a: 'a', b: 'a', sep: '/', separate: 'c', dirname: dir });
    // The same module object for every require of one chunk.
    expect(loader.load(join(dir, 'a.cjs'))).toBe(loader.load(join(dir, 'a.cjs')));
    expect(loader.counts).toEqual({ cached: 0, rejected: 0, compiled: 4 });
  });

  it('runs a chunk that threw while loading again on the next require, as Node does', () => {
    const dir = chunks();
    writeFileSync(
      join(dir, 'flaky.cjs'),
      "globalThis.flakyRuns = (globalThis.flakyRuns ?? 0) + 1;\nif (globalThis.flakyRuns === 1) throw new Error('first run');\nexports.ok = true;\n",
    );
    const loader = createLoader(dir, 'b1', {});
    expect(() => loader.load(join(dir, 'flaky.cjs'))).toThrow('first run');
    expect(loader.load(join(dir, 'flaky.cjs'))).toEqual({ ok: true });
  });

  it("keeps the chunk's own line numbers in stack traces", () => {
    const dir = chunks();
    const start = createLoader(dir, 'b1', {}).load(join(dir, 'start.cjs')) as { fail(): void };
    let stack = '';
    try {
      start.fail();
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toContain(`${join(dir, 'start.cjs')}:6:`);
  });

  it('has no cache folder when the compile cache is off, and one per build', () => {
    expect(cacheFolder('b1', {})).toBeUndefined();
    expect(cacheFolder('b1', { NODE_COMPILE_CACHE: '/c', NODE_DISABLE_COMPILE_CACHE: '1' })).toBeUndefined();
    expect(cacheFolder('b1', { NODE_COMPILE_CACHE: '/c' })).toBe('/c/bundle-b1');
    expect(cacheFolder('b2', { NODE_COMPILE_CACHE: '/c' })).not.toBe(cacheFolder('b1', { NODE_COMPILE_CACHE: '/c' }));
  });

  it('writes the cache after a run, and the next process reads it', () => {
    const dir = chunks();
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const first = createLoader(dir, 'b1', { NODE_COMPILE_CACHE: cache });
    (first.load(join(dir, 'start.cjs')) as { result(): unknown }).result();
    const written = first.writeCache();
    expect(written.files).toBe(4);
    expect(readdirSync(written.cacheDir).sort()).toEqual([
      'a.cjs.v8',
      'b.cjs.v8',
      'separate__c.cjs.v8',
      'start.cjs.v8',
    ]);
    const next = countsInChild(dir, { NODE_COMPILE_CACHE: cache });
    expect(next.counts).toEqual({ cached: 4, rejected: 0, compiled: 0 });
    expect(next.result).toMatchObject({ a: 'a', b: 'a', separate: 'c' });
  });

  it('compiles from source when a cache does not fit: corrupt, or made under other V8 flags', () => {
    const dir = chunks();
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const loader = createLoader(dir, 'b1', { NODE_COMPILE_CACHE: cache });
    loader.load(join(dir, 'start.cjs'));
    const { cacheDir } = loader.writeCache();
    // Other flags: V8 keys its code cache by them (the image bakes with its own NODE_OPTIONS).
    const otherFlags = countsInChild(dir, { NODE_COMPILE_CACHE: cache }, ['--max-lazy']);
    expect(otherFlags.counts.cached).toBe(0);
    expect(otherFlags.counts.rejected).toBe(4);
    expect(otherFlags.result).toMatchObject({ a: 'a', b: 'a', separate: 'c' });
    writeFileSync(join(cacheDir, 'start.cjs.v8'), Buffer.alloc(64, 7));
    const corrupt = countsInChild(dir, { NODE_COMPILE_CACHE: cache });
    expect(corrupt.counts).toEqual({ cached: 3, rejected: 1, compiled: 0 });
    expect(corrupt.result).toMatchObject({ a: 'a', b: 'a', separate: 'c' });
  });
});

describe("a service bundle's warm-up (BigQuery)", () => {
  const bundle = join(serviceDir('bigquery'), 'bundle');
  const offlineEnv = () =>
    (JSON.parse(readFileSync(join(bundle, 'warm-up.json'), 'utf8')) as { offlineEnv: Record<string, string> })
      .offlineEnv;

  it('is built (npm test builds every service before its tests)', () => {
    expect(existsSync(join(bundle, 'main.mjs')), 'services/bigquery/bundle: run `npm run build`').toBe(true);
  });

  it('refuses to run without a folder to bake into, saying which setting is missing', () => {
    const run = spawnSync(process.execPath, [join(bundle, 'warm-cache.mjs')], {
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('NODE_COMPILE_CACHE is not set');
  });

  it('bakes every chunk, and a start then compiles none of them from source', async () => {
    const cache = mkdtempSync(join(scratch, 'service-cache-'));
    const baked = spawnSync(process.execPath, [join(bundle, 'warm-cache.mjs')], {
      env: { PATH: process.env.PATH, NODE_COMPILE_CACHE: cache },
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(baked.status, baked.stderr).toBe(0);
    expect(baked.stdout).toMatch(/^warm-cache: \d+ files/);
    const chunkCount = readdirSync(bundle).filter((f) => f.endsWith('.cjs') && f !== 'loader.cjs').length;
    const [folder] = readdirSync(cache).filter((f) => f.startsWith('bundle-'));
    expect(readdirSync(join(cache, folder ?? '')).length).toBeGreaterThanOrEqual(chunkCount);

    // A start as the image runs it (offline: the capabilities call needs no database).
    const signer = await createWixSigner();
    const port = await freePort();
    const child = spawn(process.execPath, [join(bundle, 'main.mjs')], {
      env: {
        PATH: process.env.PATH,
        NODE_COMPILE_CACHE: cache,
        ...offlineEnv(),
        PORT: String(port),
        WIX_PUBLIC_KEYS: signer.publicKeyPem,
        METADATA_SERVER_DETECTION: 'none',
        LOG_LEVEL: 'warn',
        BUNDLE_CODE_CACHE_REPORT: '1',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    try {
      let status = 0;
      for (let attempt = 0; attempt < 200 && status === 0; attempt++) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/v3/capabilities/get`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: await signer.sign({}),
          });
          status = response.status;
        } catch {
          await new Promise((done) => setTimeout(done, 50));
        }
      }
      expect(status, stderr).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const report = /bundle code cache: (\{.*\})/.exec(stderr)?.[1];
    expect(report, stderr).toBeDefined();
    const counts = JSON.parse(report ?? '{}') as Loader['counts'];
    expect(counts.compiled).toBe(0);
    expect(counts.rejected).toBe(0);
    expect(counts.cached).toBeGreaterThan(5);
  }, 120_000);
});
