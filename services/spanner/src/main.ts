/**
 * Composition root of the Cloud Spanner adaptor (docs/design.md §3): read config,
 * build the real client, hand the storage to the core, which listens on
 * 0.0.0.0:$PORT, drains on SIGTERM and closes the storage.
 * `node dist/main.js check` prints the configuration report instead.
 */
import { enableCompileCache } from 'node:module';

// Before anything heavy is imported: V8's code cache for every module loaded
// after this line (the image bakes one under NODE_COMPILE_CACHE; elsewhere
// Node keeps it in the OS temp folder). ~40% off the imports, which are most
// of a cold start (docs/engines.md §5). Hence the dynamic imports below.
enableCompileCache();

const [{ packageVersion, runService }, { spannerSettings }] = await Promise.all([
  import('@adaptors/core'),
  import('./settings.ts'),
]);

await runService({
  name: 'spanner',
  version: packageVersion(import.meta.url),
  settings: spannerSettings,
  async createStorage(config, logger) {
    const [{ databaseRecreator, openDatabase }, { createSpannerStorage }, { takeTurnsOnEmulator }] = await Promise.all([
      import('./spanner-client.ts'),
      import('./spanner-storage.ts'),
      import('./spanner-emulator-turns.ts'),
    ]);
    const clientConfig = {
      projectId: config.spannerProject ?? config.googleCloudProject,
      instanceId: config.spannerInstance,
      databaseId: config.spannerDatabase,
      emulatorHost: config.spannerEmulatorHost,
      createOnEmulator: config.spannerEmulatorCreate,
    };
    const { spanner, database } = await openDatabase(clientConfig);
    const recreateDatabase = databaseRecreator(spanner, clientConfig);
    // The session pool reports background failures as 'error' events; unhandled, one would end the process.
    database.on('error', (error: unknown) => {
      logger.log('ERROR', 'Spanner session pool error', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    // The emulator runs one read-write transaction at a time (spanner-emulator-turns.ts).
    if (config.spannerEmulatorHost) takeTurnsOnEmulator(database);
    const storage = createSpannerStorage({
      database,
      close: () => spanner.close(),
      readOnlySchema: config.readOnlySchema,
      schemaCacheSeconds: config.schemaCacheSeconds,
      ...(config.numberColumns ? { numberColumns: config.numberColumns } : {}),
      schemaCheckMs: config.schemaCheckMs,
      ...(recreateDatabase ? { recreateDatabase } : {}),
    });
    // Read the schema while the HTTP server is built and starts listening, so
    // the first call finds it cached instead of waiting for its 4 catalog
    // queries. A failure here is not fatal: the first call reads it again
    // and reports the error.
    storage.listCollections().catch(() => {});
    return storage;
  },
});
