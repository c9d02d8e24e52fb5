/**
 * What the bench can start. Each target is a server command; the memory and
 * bare targets are built into this package, the database services are added
 * here as they land (they need their emulators running).
 */
import { readFileSync } from 'node:fs';
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

/**
 * The database services, each on a fresh local engine (the same launchers as
 * `npm start`): built services only. The Spanner emulator slows down with use,
 * so every series starts a new one.
 */
export function databaseTargets(publicKeyPem: string, repoRoot: string): TargetDefinition[] {
  return localEngines()
    .filter((engine) => engine.name !== 'memory')
    .map((engine) => ({
      name: engine.name,
      description: `the ${engine.name} service on ${engine.description}`,
      command: process.execPath,
      args: [join(repoRoot, engine.main)],
      env: {
        ...productionNodeEnv(join(repoRoot, dirname(dirname(engine.main)), 'Dockerfile')),
        WIX_PUBLIC_KEYS: publicKeyPem,
        METADATA_SERVER_DETECTION: 'none',
      },
      collectionId: 'plants',
      prepare: () => engine.prepare(),
      seed: true,
    }));
}

/** Runtime settings of the image that the bench repeats (NODE_COMPILE_CACHE's /app path is the image's own). */
const PRODUCTION_ENV = ['NODE_ENV', 'NODE_OPTIONS'] as const;

/**
 * The Node settings a service runs with in production, read from the `ENV`
 * lines of its Dockerfile's last stage, so the bench measures the service the
 * way Cloud Run runs it (e.g. V8 heap flags in NODE_OPTIONS) with one place
 * to change them. A service without a Dockerfile runs with none.
 */
export function productionNodeEnv(dockerfile: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(dockerfile, 'utf8');
  } catch {
    return {};
  }
  // Continuation lines joined; only the last stage (the runtime image) counts.
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const lastFrom = lines.findLastIndex((line) => /^\s*FROM\s/i.test(line));
  const env: Record<string, string> = {};
  for (const line of lines.slice(lastFrom + 1)) {
    const match = /^\s*ENV\s+(.*)$/i.exec(line);
    if (!match?.[1]) continue;
    for (const [, name, quoted, bare] of match[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)=(?:"([^"]*)"|(\S*))/g)) {
      if (name && (PRODUCTION_ENV as readonly string[]).includes(name)) env[name] = quoted ?? bare ?? '';
    }
  }
  return env;
}
