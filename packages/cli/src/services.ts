/**
 * Finds a service's settings definition for `config check`.
 *
 * A service is a folder `services/<name>/` of this monorepo whose settings
 * module exports its `defineSettings(...)` record (spanner: `spannerSettings`
 * in `src/settings.ts`). The CLI imports that module directly — no server is
 * built or started, no database client is loaded — in this order:
 *
 *   1. `dist/settings.js`  (what `node dist/main.js` runs, after `pnpm build`)
 *   2. `src/settings.ts`   (Node ≥ 22.18 strips the types; vitest transforms it)
 *
 * `--service` takes a name (looked up under `services/` of the repository that
 * contains the working directory or this CLI) or a path to a service folder.
 * Importing instead of spawning `node dist/main.js check` keeps one process
 * and works before a build.
 */
import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { SettingSpecs } from '@adaptors/core';
import { isPlainObject } from './input.ts';
import { CommandError, type Io, UsageError } from './output.ts';
import { exists, shown } from './paths.ts';

export interface ServiceSettings {
  readonly name: string;
  /** The module the settings came from, relative to the working directory when inside it. */
  readonly module: string;
  readonly specs: SettingSpecs;
}

const SETTINGS_MODULES = ['dist/settings.js', 'src/settings.ts'] as const;
const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

export async function loadServiceSettings(io: Io, service: string): Promise<ServiceSettings> {
  const dir = await serviceDir(io, service);
  const name = dir.split(/[\\/]/).filter(Boolean).pop() ?? service;
  for (const candidate of SETTINGS_MODULES) {
    const file = join(dir, candidate);
    if (!(await exists(file))) continue;
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (err) {
      throw new CommandError(
        `could not load ${shown(io, file)}: ${(err as Error).message}; build the workspace first (pnpm build) and try again`,
      );
    }
    return { name, module: shown(io, file), specs: pickSettings(module, name, shown(io, file)) };
  }
  throw new CommandError(
    `${shown(io, dir)} has no settings module (${SETTINGS_MODULES.join(' or ')}); a service declares its settings there`,
  );
}

/**
 * A module of a service other than its settings (e.g. `backfill` of Firestore for
 * `adaptors firestore backfill`): `dist/<name>.js`, else `src/<name>.ts`, in the
 * same order and from the same places as the settings module.
 */
export async function loadServiceModule(io: Io, service: string, name: string): Promise<Record<string, unknown>> {
  const dir = await serviceDir(io, service);
  for (const candidate of [`dist/${name}.js`, `src/${name}.ts`]) {
    const file = join(dir, candidate);
    if (!(await exists(file))) continue;
    try {
      return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (err) {
      throw new CommandError(
        `could not load ${shown(io, file)}: ${(err as Error).message}; build the workspace first (pnpm build) and try again`,
      );
    }
  }
  throw new CommandError(`${shown(io, dir)} has no module ${name} (dist/${name}.js or src/${name}.ts)`);
}

async function serviceDir(io: Io, service: string): Promise<string> {
  if (service.includes('/') || service.includes('\\') || service.startsWith('.')) {
    const dir = resolve(io.cwd, service);
    if (!(await exists(dir))) throw new UsageError(`--service ${service}: no such folder`);
    return dir;
  }
  if (!SERVICE_NAME.test(service)) throw new UsageError(`--service "${service}" is not a service name`);
  const roots = await repositoryRoots(io);
  for (const root of roots) {
    const dir = join(root, 'services', service);
    if (await exists(dir)) return dir;
  }
  if (roots.length === 0) {
    throw new UsageError(
      `cannot find the repository's services/ folder from ${io.cwd}; run inside the repository or pass --service <path to the service folder>`,
    );
  }
  const known = await availableServices(roots[0]!);
  throw new UsageError(
    `no service "${service}" in ${join(roots[0]!, 'services')}${known.length > 0 ? `; available: ${known.join(', ')}` : ''}`,
  );
}

/** The workspace roots (a folder with pnpm-workspace.yaml and services/) above the cwd and above this file. */
async function repositoryRoots(io: Io): Promise<string[]> {
  const roots: string[] = [];
  for (const start of [io.cwd, dirname(fileURLToPath(import.meta.url))]) {
    let dir = resolve(start);
    for (;;) {
      if ((await exists(join(dir, 'pnpm-workspace.yaml'))) && (await exists(join(dir, 'services')))) {
        if (!roots.includes(dir)) roots.push(dir);
        break;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return roots;
}

async function availableServices(root: string): Promise<string[]> {
  const entries = await readdir(join(root, 'services'), { withFileTypes: true });
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    for (const candidate of SETTINGS_MODULES) {
      if (await exists(join(root, 'services', entry.name, candidate))) {
        names.push(entry.name);
        break;
      }
    }
  }
  return names.sort();
}

/** `<name>Settings` (bigquery → bigquerySettings), else the one export that is a settings record. */
function pickSettings(module: Record<string, unknown>, name: string, file: string): SettingSpecs {
  const conventional = `${name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())}Settings`;
  const named = module[conventional];
  if (isSettingSpecs(named)) return named;
  const found = Object.values(module).filter(isSettingSpecs);
  if (found.length === 1) return found[0]!;
  throw new CommandError(
    found.length === 0
      ? `${file} exports no settings record (expected \`export const ${conventional} = defineSettings({...})\`)`
      : `${file} exports several settings records; name the service's one ${conventional}`,
  );
}

function isSettingSpecs(value: unknown): value is SettingSpecs {
  if (!isPlainObject(value)) return false;
  const specs = Object.values(value);
  return (
    specs.length > 0 &&
    specs.every(
      (spec) =>
        isPlainObject(spec) &&
        typeof spec.name === 'string' &&
        typeof spec.description === 'string' &&
        typeof spec.parse === 'function',
    )
  );
}
