/**
 * What the bench can start. Each target is a server command; the memory and
 * bare targets are built into this package, the database services are added
 * here as they land (they need their emulators running).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localEngines, type PreparedEngine } from '@adaptors/testkit';

export interface TargetDefinition {
  readonly name: string;
  readonly description: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly collectionId: string;
  /** Only `capabilities/get` makes sense (the bare baseline answers a constant). */
  readonly baselineOnly?: boolean;
  /** Starts the target's database engine (a fresh emulator per series); env for the service. */
  readonly prepare?: () => Promise<PreparedEngine>;
  /** Seed 1,000 items through the API before the load (database targets start empty). */
  readonly seed?: boolean;
  /**
   * A database service's Google client, for the cold-start yardstick: a bare
   * `node -e "await import('<client>')"` run from `dir` (cold-start.ts).
   */
  readonly client?: { readonly name: string; readonly dir: string };
  /** Node arguments run once (from `dir`) before the target starts: what the image's build does (bakes NODE_COMPILE_CACHE). */
  readonly warmUp?: { readonly args: readonly string[]; readonly dir: string };
}

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export function builtInTargets(publicKeyPem: string): TargetDefinition[] {
  return [
    {
      name: 'bare',
      description: 'bare Fastify route verifying the same JWT (baseline)',
      command: process.execPath,
      args: [here('./targets/bare-server.js')],
      env: { WIX_PUBLIC_KEYS: publicKeyPem },
      collectionId: 'plants',
      baselineOnly: true,
    },
    {
      name: 'memory',
      description: 'the full core on the memory storage (1,000 items)',
      command: process.execPath,
      args: [here('./targets/memory-server.js')],
      env: { WIX_PUBLIC_KEYS: publicKeyPem, BENCH_ITEMS: '1000' },
      collectionId: 'plants',
    },
  ];
}

/** The Google client each database service is built on (its yardstick for cold start). */
const CLIENTS: Record<string, string> = {
  spanner: '@google-cloud/spanner',
  firestore: '@google-cloud/firestore',
  bigquery: '@google-cloud/bigquery',
};

/**
 * The database services, each on a fresh local engine (the same launchers as
 * `npm start`), run as the image runs them: the bundle (services/<name>/bundle,
 * built by scripts/bundle-service.mjs, which the image copies to /app/dist), the
 * Dockerfile's NODE_ENV and NODE_OPTIONS, and a compile cache baked by the
 * Dockerfile's own warm-up into a folder of the bench. The Spanner emulator slows
 * down with use, so every series starts a new one.
 */
export function databaseTargets(
  publicKeyPem: string,
  repoRoot: string,
  artefact: 'bundle' | 'dist' = 'bundle',
): TargetDefinition[] {
  return localEngines()
    .filter((engine) => engine.name !== 'memory')
    .map((engine) => {
      const serviceDir = join(repoRoot, dirname(dirname(engine.main)));
      const bundle = join(serviceDir, 'bundle');
      const client = CLIENTS[engine.name] ?? '';
      // `dist`: the image before bundling (tsc output over node_modules, the cache warmed by importing
      // the core and the client), kept to measure what the bundle changes.
      const run =
        artefact === 'bundle'
          ? { main: join(bundle, 'main.mjs'), warmUp: [join(bundle, 'warm-cache.mjs')] }
          : {
              main: join(serviceDir, 'dist', 'main.js'),
              warmUp: ['--input-type=module', '-e', `await import('@adaptors/core'); await import('${client}');`],
            };
      return {
        name: engine.name,
        description: `the ${engine.name} service (${artefact}) on ${engine.description}`,
        command: process.execPath,
        args: [run.main],
        env: {
          ...(artefact === 'bundle'
            ? productionNodeEnv(join(serviceDir, 'Dockerfile'))
            : // The image's settings before bundling (commit eb31bbb), so `dist` measures that image.
              { NODE_ENV: 'production', NODE_OPTIONS: '--max-semi-space-size=8' }),
          NODE_COMPILE_CACHE: join(repoRoot, '.bench', 'compile-cache', engine.name),
          WIX_PUBLIC_KEYS: publicKeyPem,
          METADATA_SERVER_DETECTION: 'none',
        },
        collectionId: 'plants',
        prepare: () => engine.prepare(),
        seed: true,
        ...(client ? { client: { name: client, dir: serviceDir } } : {}),
        warmUp: { args: run.warmUp, dir: serviceDir },
      };
    });
}

/** Runtime settings of the image that the bench repeats (NODE_COMPILE_CACHE's /app path is the image's own: the bench bakes its own). */
const PRODUCTION_ENV = ['NODE_ENV', 'NODE_OPTIONS', 'MALLOC_ARENA_MAX'] as const;

/**
 * The Node settings a service runs with in production, read from the `ENV`
 * lines of its Dockerfile's runtime (last) stage and of the stages it is built
 * FROM (`FROM settings-${SERVICE}`: the per-service V8 flags), so the bench
 * measures the service the way Cloud Run runs it with one place to change
 * them. A service without a Dockerfile runs with none.
 */
export function productionNodeEnv(dockerfile: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(dockerfile, 'utf8');
  } catch {
    return {};
  }
  const stages = dockerfileStages(text);
  const env: Record<string, string> = {};
  for (const stage of stageChain(stages, stages.at(-1))) {
    for (const line of stage.env) {
      for (const [, name, quoted, bare] of line.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/g)) {
        if (name && (PRODUCTION_ENV as readonly string[]).includes(name)) env[name] = quoted ?? bare ?? '';
      }
    }
  }
  return env;
}

interface DockerStage {
  readonly name: string;
  /** The FROM image or stage, global `${ARG}` defaults expanded. */
  readonly from: string;
  /** The arguments of its ENV lines. */
  readonly env: string[];
}

/** A Dockerfile's stages: continuation lines joined, global ARG defaults expanded in FROM. */
function dockerfileStages(text: string): DockerStage[] {
  const args: Record<string, string> = {};
  const stages: DockerStage[] = [];
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const from = /^\s*FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from?.[1]) {
      const image = from[1].replace(/\$\{(\w+)\}/g, (whole, name: string) => args[name] ?? whole);
      stages.push({ name: from[2] ?? String(stages.length), from: image, env: [] });
      continue;
    }
    const arg = /^\s*ARG\s+(\w+)=(\S*)/i.exec(line);
    if (arg?.[1] && stages.length === 0) args[arg[1]] = arg[2] ?? '';
    const env = /^\s*ENV\s+(.*)$/i.exec(line);
    if (env?.[1]) stages.at(-1)?.env.push(env[1]);
  }
  return stages;
}

/** A stage and the stages it is built FROM, base first. */
function stageChain(stages: readonly DockerStage[], stage: DockerStage | undefined): DockerStage[] {
  if (!stage) return [];
  const base = stages.find((s) => s.name === stage.from && s !== stage);
  return [...stageChain(stages, base), stage];
}

/**
 * The memory reference paired with a database target (cli.ts, goals.ts): the memory target
 * with that target's runtime settings (PRODUCTION_ENV: the image's V8 heap flags and
 * allocator setting), so the CPU and no-database columns compare what the database service
 * does per call, not two V8 configurations. With V8's defaults the reference's young
 * generation is up to eight times larger, which alone made it ~10% faster on the
 * no-database call (RESULTS.md, "Run of 20:52 UTC"). The bench's own additions
 * (`--node-options`, the compile cache) stay the database target's.
 */
export function pairedReference(memory: TargetDefinition, target: TargetDefinition): TargetDefinition {
  const runtime: Record<string, string> = {};
  for (const name of PRODUCTION_ENV) {
    const value = target.env[name];
    if (value !== undefined) runtime[name] = value;
  }
  return { ...memory, env: { ...memory.env, ...runtime } };
}

/**
 * The image's build-time warm-up, repeated: a fresh NODE_COMPILE_CACHE folder
 * filled by the bundle's warm-cache.mjs (the Dockerfile's RUN), so cold starts
 * are measured with the cache an image starts with.
 */
export function warmUp(target: TargetDefinition): void {
  if (!target.warmUp) return;
  const cache = target.env.NODE_COMPILE_CACHE;
  if (cache) rmSync(cache, { recursive: true, force: true });
  const result = spawnSync(process.execPath, target.warmUp.args, {
    cwd: target.warmUp.dir,
    env: { ...process.env, ...target.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`warm-up of ${target.name} failed: ${result.stderr.slice(-2000)}`);
}
