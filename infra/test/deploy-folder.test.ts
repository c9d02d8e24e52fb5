/**
 * The image without Docker: for each service, replay its Dockerfile's build stage on a
 * copy of the repo filtered by .dockerignore (pnpm fetch, offline frozen install,
 * turbo build with the service's bundle — the Dockerfile's own commands), assemble /app
 * like the runtime stage's COPY lines, run its warm-up RUN, then start the service with
 * the image's CMD against the local emulator and answer signed Wix calls. The bench
 * (packages/bench) runs the same bundle.
 *
 * Differences from a real image, and why: pnpm comes from the machine (same pinned
 * version, checked below) instead of `npm install -g`; packages come from the
 * machine's pnpm store (offline) instead of the registry; the runtime stage's `rm`
 * of npm/yarn is not run (it edits the base image); `node` is this Node 24.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWixSigner, freePort, type WixSigner } from '@adaptors/testkit';
import type { SpannerAdminClient } from '@adaptors/testkit/emulators/spanner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execForm, parseDockerfile, replayStage, stage, stageChain } from './support/dockerfile.ts';
import { copyBuildContext, readDockerignore } from './support/dockerignore.ts';
import { hasMain, repoRoot, type ServiceName, serviceDir } from './support/services.ts';

const pnpmBin = ['/node_modules/.bin', '/.tools/node_modules/.bin'].map((dir) => join(repoRoot, dir));
const PATH = [...pnpmBin, process.env.PATH ?? ''].join(':');

interface Engine {
  /** Settings that point the service at the emulator. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

interface EngineCase {
  /** The testkit launcher this case needs (written by the service's engineer). */
  readonly launcher: string;
  start(): Promise<Engine>;
}

const ENGINES: Partial<Record<ServiceName, EngineCase>> = {
  spanner: {
    launcher: 'packages/testkit/src/emulators/spanner.ts',
    async start() {
      const { startSpannerEmulator, SPANNER_EMULATOR_CLIENT_ENV } = await import('@adaptors/testkit/emulators/spanner');
      // The admin client is the service's own dependency (the image holds it only inside the bundle).
      const { Spanner } = createRequire(join(serviceDir('spanner'), 'package.json'))('@google-cloud/spanner') as {
        Spanner: new (options: { projectId: string }) => SpannerAdminClient;
      };
      const emulator = await startSpannerEmulator({ connect: (options) => new Spanner(options) });
      try {
        const { databaseId } = await emulator.createDatabase();
        return {
          env: {
            ...SPANNER_EMULATOR_CLIENT_ENV,
            SPANNER_EMULATOR_HOST: emulator.host,
            SPANNER_PROJECT: emulator.projectId,
            SPANNER_INSTANCE: emulator.instanceId,
            SPANNER_DATABASE: databaseId,
            READ_ONLY_SCHEMA: 'false',
          },
          stop: () => emulator.stop(),
        };
      } catch (error) {
        await emulator.stop();
        throw error;
      }
    },
  },
  firestore: {
    launcher: 'packages/testkit/src/emulators/firestore.ts',
    async start() {
      const { startFirestoreEmulator } = await import('@adaptors/testkit/emulators/firestore');
      const emulator = await startFirestoreEmulator();
      return {
        env: {
          FIRESTORE_EMULATOR_HOST: emulator.host,
          FIRESTORE_PROJECT: emulator.projectId,
          FIRESTORE_MANAGE_INDEXES: 'false',
        },
        stop: () => emulator.stop(),
      };
    },
  },
  bigquery: {
    launcher: 'packages/testkit/src/emulators/bigquery.ts',
    async start() {
      const { startBigQueryEmulatorProcess } = await import('@adaptors/testkit/emulators/bigquery');
      const emulator = await startBigQueryEmulatorProcess();
      return {
        env: {
          BIGQUERY_API_ENDPOINT: emulator.url,
          BIGQUERY_PROJECT: 'deploy-test',
          BIGQUERY_DATASET: 'deploy_test',
          BIGQUERY_CREATE_DATASET: 'true',
          READ_ONLY_SCHEMA: 'false',
        },
        stop: () => emulator.stop(),
      };
    },
  },
};

function readiness(service: ServiceName): string | undefined {
  if (!hasMain(service)) return `services/${service} has no package.json + src/main.ts yet`;
  const engine = ENGINES[service];
  if (!engine) return `no local engine case for ${service} in this test yet`;
  if (!existsSync(join(repoRoot, engine.launcher))) return `${engine.launcher} does not exist yet`;
  return undefined;
}

for (const service of ['spanner', 'firestore', 'bigquery'] as const) {
  const notReady = readiness(service);
  const title = `services/${service}: the image's deploy folder${notReady ? ` (skipped: ${notReady})` : ''}`;

  describe.skipIf(notReady !== undefined)(title, () => {
    let scratch = '';
    let app = '';
    let runtimeEnv: Record<string, string | undefined> = {};
    let skippedRuns: readonly string[] = [];
    let cmd: string[] = [];
    // Step timings, printed so a slow CI run shows where the time went.
    const log = (line: string) => process.stdout.write(`[deploy-folder ${service}] ${line}\n`);

    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), `deploy-${service}-`));
      const context = join(scratch, 'context');
      const copyStarted = Date.now();
      copyBuildContext(repoRoot, context, readDockerignore(join(repoRoot, '.dockerignore')));
      log(`build context copied (${Date.now() - copyStarted} ms)`);
      const dockerfile = parseDockerfile(readFileSync(join(serviceDir(service), 'Dockerfile'), 'utf8'));
      const paths = { '/repo': join(scratch, 'repo'), '/out': join(scratch, 'out'), '/app': join(scratch, 'app') };
      const store = execFileSync('pnpm', ['store', 'path'], {
        cwd: repoRoot,
        env: { ...process.env, PATH },
        encoding: 'utf8',
      }).trim();
      const build = stage(dockerfile, 'build');
      const pnpmVersion = build.instructions
        .find((i) => i.keyword === 'ARG' && i.args.startsWith('PNPM_VERSION='))
        ?.args.split('=')[1];
      const machinePnpm = execFileSync('pnpm', ['--version'], {
        env: { ...process.env, PATH },
        encoding: 'utf8',
      }).trim();
      expect(machinePnpm, "this machine's pnpm is the Dockerfile's PNPM_VERSION").toBe(pnpmVersion);
      const baseEnv = {
        PATH,
        HOME: process.env.HOME,
        // The machine's store, offline: the registry is not part of this test.
        npm_config_store_dir: store,
        npm_config_offline: 'true',
      };
      replayStage(build, dockerfile.globalArgs, {
        context,
        paths,
        stageRoots: {},
        baseEnv,
        decide: (command) => (command.startsWith('npm install -g') ? 'pnpm is on PATH at the same version' : true),
        log,
      });
      mkdirSync(paths['/app'], { recursive: true });
      // The runtime stage starts from this service's settings stage (its NODE_OPTIONS).
      const chain = stageChain(dockerfile, 'runtime');
      let env: Record<string, string | undefined> = { PATH, HOME: process.env.HOME };
      const skipped: string[] = [];
      for (const part of chain) {
        const result = replayStage(part, dockerfile.globalArgs, {
          context,
          paths,
          stageRoots: { build: scratch },
          baseEnv: env,
          decide: (command) => (command.startsWith('node ') ? true : 'changes the base image, not the app'),
          log,
        });
        app = result.workdir;
        env = result.env;
        skipped.push(...result.skipped);
      }
      runtimeEnv = env;
      skippedRuns = skipped;
      const runtime = stage(dockerfile, 'runtime');
      cmd = execForm(runtime.instructions.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? '[]');
    }, 180_000);

    afterAll(() => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    it('replays every build command; skips only the pnpm install and base-image edits', () => {
      expect(skippedRuns).toHaveLength(1);
      expect(skippedRuns[0]).toMatch(/^rm -rf \/usr\/local\/lib\/node_modules\/npm /);
      expect(existsSync(join(app, 'dist', 'main.mjs'))).toBe(true);
    });

    it('holds only the bundle (dist), package.json and the baked compile cache: no node_modules', () => {
      expect(readdirSync(app).sort()).toEqual(['.node-compile-cache', 'dist', 'package.json']);
      const files = readdirSync(join(app, 'dist'));
      expect(files).toContain('warm-cache.mjs');
      expect(
        files.filter((f) => f.endsWith('.js') || f.endsWith('.ts')),
        'only bundle files (.mjs)',
      ).toEqual([]);
      expect(readdirSync(join(app, '.node-compile-cache')).length, 'compile cache warmed').toBeGreaterThan(0);
    });

    it('starts with the image CMD against the emulator and answers signed calls', async () => {
      const engineCase = ENGINES[service];
      if (!engineCase) throw new Error(`no engine case for ${service}`);
      const engine = await engineCase.start();
      let child: ChildProcess | undefined;
      let output = '';
      try {
        const signer: WixSigner = await createWixSigner();
        const port = await freePort();
        const [command = '', ...args] = cmd;
        expect(command).toBe('node');
        child = spawn(process.execPath, args, {
          cwd: app,
          env: {
            ...runtimeEnv,
            ...engine.env,
            PORT: String(port),
            WIX_PUBLIC_KEYS: signer.publicKeyPem,
            METADATA_SERVER_DETECTION: 'none',
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const keep = (chunk: Buffer) => {
          output = (output + chunk.toString()).slice(-8000);
        };
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        const base = `http://127.0.0.1:${port}`;
        await waitReady(`${base}/readyz`, child, () => output);

        const call = async (path: string, request: unknown) => {
          const response = await fetch(`${base}/v3/${path}`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: await signer.sign(request),
          });
          const body = (await response.json()) as Record<string, unknown>;
          return { status: response.status, body };
        };
        const collectionId = `deploy_check_${Date.now().toString(36)}`;
        const created = await call('collections/create', {
          collection: { id: collectionId, fields: [{ key: 'title', type: 'TEXT' }] },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(200);
        const inserted = await call('items/insert', {
          collectionId,
          items: [
            { _id: 'a', title: 'Pasta' },
            { _id: 'b', title: 'Soup' },
          ],
        });
        expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);

        const listed = await call('collections/get', { collectionIds: [collectionId] });
        expect(listed.status, JSON.stringify(listed.body)).toBe(200);
        expect((listed.body.collections as { id: string }[]).map((c) => c.id)).toEqual([collectionId]);

        const queried = await call('items/query', {
          collectionId,
          query: { filter: { title: { $eq: 'Pasta' } } },
          consistentRead: false,
          returnTotalCount: true,
        });
        expect(queried.status, JSON.stringify(queried.body)).toBe(200);
        expect(
          (queried.body.items as { _id: string; title: string }[]).map(({ _id, title }) => ({ _id, title })),
        ).toEqual([{ _id: 'a', title: 'Pasta' }]);

        const unsigned = await fetch(`${base}/v3/items/query`, { method: 'POST', body: 'not-a-token' });
        expect(unsigned.status).toBe(401);

        // SIGTERM (what Cloud Run sends) ends node, PID 1 in the image, cleanly.
        const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
        child.kill('SIGTERM');
        expect(await exited, output).toBe(0);
        child = undefined;
      } finally {
        if (child && child.exitCode === null) child.kill('SIGKILL');
        await engine.stop();
      }
    }, 60_000);
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}:\n${log()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer 200 within 30 s:\n${log()}`);
}
