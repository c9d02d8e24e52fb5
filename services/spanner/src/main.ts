/**
 * Composition root of the Cloud Spanner adaptor (DESIGN.md §3): read config,
 * build the real client, hand the storage to the core, which listens on
 * 0.0.0.0:$PORT, drains on SIGTERM and closes the storage.
 * `node dist/main.js check` prints the configuration report instead.
 */
import { runService } from '@adaptors/core';
import { spannerSettings } from './settings.ts';

await runService({
  name: 'spanner',
  settings: spannerSettings,
  async createStorage(config, logger) {
    const [{ openDatabase }, { createSpannerStorage }] = await Promise.all([
      import('./spanner-client.ts'),
      import('./spanner-storage.ts'),
    ]);
    const { spanner, database } = await openDatabase({
      projectId: config.spannerProject ?? config.googleCloudProject,
      instanceId: config.spannerInstance,
      databaseId: config.spannerDatabase,
      emulatorHost: config.spannerEmulatorHost,
      createOnEmulator: config.spannerEmulatorCreate,
    });
    // The session pool reports background failures as 'error' events; unhandled, one would end the process.
    database.on('error', (error: unknown) => {
      logger.log('ERROR', 'Spanner session pool error', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    return createSpannerStorage({
      database,
      close: () => spanner.close(),
      readOnlySchema: config.readOnlySchema,
      schemaCacheSeconds: config.schemaCacheSeconds,
    });
  },
});
