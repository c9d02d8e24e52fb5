/**
 * The Spanner storage as main.ts opens it: the real client (client.ts,
 * settings in services/spanner/DEPLOY.md, "Runtime"), the storage over it, and
 * the schema read started while the HTTP server is built.
 */
import { type ConfigOf, type CoreConfig, detectProject, type Logger, type Storage } from '@adaptors/core';
import type { spannerSettings } from './settings.ts';

/** What runService hands createStorage: this service's settings and the core's. */
type SpannerConfig = ConfigOf<typeof spannerSettings>;

export async function openStorage(config: SpannerConfig & CoreConfig, logger: Logger): Promise<Storage> {
  const [{ databaseRecreator, openDatabase }, { createSpannerStorage }, { takeTurnsOnEmulator }] = await Promise.all([
    import('./client.ts'),
    import('./storage.ts'),
    import('./emulator-turns.ts'),
  ]);
  const clientConfig = {
    projectId: config.spannerProject ?? config.googleCloudProject,
    instanceId: config.spannerInstance,
    databaseId: config.spannerDatabase,
    emulatorHost: config.spannerEmulatorHost,
    createOnEmulator: config.spannerEmulatorCreate,
  };
  const { spanner, database } = await openDatabase(clientConfig);
  // No project set: ask for the client's now, so a missing one stops the start naming the
  // settings, not the first call with the library's "Unable to detect a Project Id".
  if (!clientConfig.projectId && !clientConfig.emulatorHost) {
    await detectProject('SPANNER_PROJECT', () => spanner.auth.getProjectId());
  }
  const recreateDatabase = databaseRecreator(spanner, clientConfig);
  // The emulator runs one read-write transaction at a time (emulator-turns.ts).
  if (config.spannerEmulatorHost) takeTurnsOnEmulator(database);
  const storage = createSpannerStorage({
    database,
    close: () => spanner.close(),
    readOnlySchema: config.readOnlySchema,
    schemaCacheSeconds: config.schemaCacheSeconds,
    ...(config.numberColumns ? { numberColumns: config.numberColumns } : {}),
    schemaCheckMs: config.schemaCheckMs,
    // The session pool's background failures (storage.ts `onClientError`).
    onClientError: (error) => logger.log('ERROR', 'Spanner session pool error', { err: error }),
    ...(recreateDatabase ? { recreateDatabase } : {}),
  });
  // Read the schema while the HTTP server is built and starts listening, so the first call
  // finds it cached. A failure here is not fatal: the first call reads it again and reports it.
  storage.listCollections().catch(() => {});
  return storage;
}
