/**
 * The one place a real `Spanner` client is built (main.ts). The client module
 * is imported lazily so `main.ts check` does not pay its ~400 ms import.
 */
import { GRPC } from '@adaptors/core';
import type { Database, Spanner } from '@google-cloud/spanner';
import { grpcCode } from './errors.ts';

export interface ClientConfig {
  readonly projectId: string | undefined;
  readonly instanceId: string;
  readonly databaseId: string;
  readonly emulatorHost: string | undefined;
  /** With an emulator: create the instance and database when missing. */
  readonly createOnEmulator?: boolean;
}

/**
 * With an emulator, multiplexed sessions must be off or the client crashes
 * ("Unable to release unknown resource", docs/engines.md §2); production keeps
 * the client's defaults. Explicit settings in the environment win.
 */
const EMULATOR_CLIENT_ENV = [
  'GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS',
  'GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW',
  'GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_PARTITIONED_OPS',
] as const;

export async function openDatabase(config: ClientConfig): Promise<{ spanner: Spanner; database: Database }> {
  if (config.emulatorHost) {
    process.env.SPANNER_EMULATOR_HOST = config.emulatorHost;
    for (const name of EMULATOR_CLIENT_ENV) {
      if (!process.env[name]) process.env[name] = 'false';
    }
  }
  const { Spanner } = await import('@google-cloud/spanner');
  const spanner = new Spanner({
    ...(config.projectId ? { projectId: config.projectId } : {}),
    disableBuiltInMetrics: builtInMetricsDisabled(process.env),
  });
  const instance = spanner.instance(config.instanceId);
  let database = instance.database(config.databaseId);
  if (config.emulatorHost && config.createOnEmulator && !(await databaseExists(database))) {
    const created = await createOnEmulator(spanner, config.instanceId, config.databaseId);
    // createDatabase's Database is the cached object `database` was: close it and take a fresh one.
    await created?.close();
    database = instance.database(config.databaseId);
  }
  return { spanner, database };
}

/**
 * The client's built-in metrics (OpenTelemetry, exported to Cloud Monitoring
 * every minute, a tracer on every call) are off unless
 * SPANNER_DISABLE_BUILTIN_METRICS=false: CPU and memory on every call for
 * figures Cloud Run and Spanner's own monitoring already give
 * (services/spanner/DEPLOY.md, "Runtime").
 */
export function builtInMetricsDisabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.SPANNER_DISABLE_BUILTIN_METRICS !== 'false';
}

/**
 * With an emulator and `createOnEmulator`: what the storage calls when it finds
 * the database gone (a restarted emulator is empty, docs/engines.md §2) to
 * create the instance and database again; undefined otherwise (a real Spanner
 * database is never created by the adaptor). The Database object the storage
 * holds stays open: it is the client's cached object for that id, and works
 * again once the database exists.
 */
export function databaseRecreator(spanner: Spanner, config: ClientConfig): (() => Promise<void>) | undefined {
  if (!config.emulatorHost || !config.createOnEmulator) return undefined;
  return async () => {
    await createOnEmulator(spanner, config.instanceId, config.databaseId);
  };
}

/**
 * Whether the database (and its instance) exist, asked on the data plane: a
 * CreateSession answers NOT_FOUND otherwise. `instance.exists()` and
 * `database.exists()` build the instance and database admin clients, ~200 ms
 * of proto loading on every start (cpu-prof of a cold start on the emulator)
 * that a service whose database exists never needs.
 */
async function databaseExists(database: Database): Promise<boolean> {
  try {
    const [session] = await database.createSession({});
    session.delete().catch(() => {});
    return true;
  } catch (error) {
    if (grpcCode(error) === GRPC.NOT_FOUND) return false;
    throw error;
  }
}

/** Creates what is missing; returns the Database object of a database it created (the client's cached one). */
async function createOnEmulator(
  spanner: Spanner,
  instanceId: string,
  databaseId: string,
): Promise<Database | undefined> {
  const instance = spanner.instance(instanceId);
  const [instanceExists] = await instance.exists();
  if (!instanceExists) {
    const [, operation] = await spanner.createInstance(instanceId, { config: 'emulator-config', nodes: 1 });
    await operation.promise();
  }
  const [databaseExists] = await instance.database(databaseId).exists();
  if (databaseExists) return undefined;
  const [created, operation] = await instance.createDatabase(databaseId);
  await operation.promise();
  return created;
}
