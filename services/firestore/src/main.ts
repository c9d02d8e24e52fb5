/**
 * Composition root (docs/design.md §3): read config, create the Firestore client,
 * hand the storage to the core's runService (listen on 0.0.0.0:$PORT, drain
 * on SIGTERM, storage.close() terminates the client). The client honours
 * FIRESTORE_EMULATOR_HOST itself; the Admin API (indexes) is only wired
 * against real Firestore.
 */
import { packageVersion, runService } from '@adaptors/core';
import { type AdminClientLike, adminApiOf } from './firestore-indexes.ts';
import { createFirestoreStorage } from './firestore-storage.ts';
import { FIRESTORE_CLIENT_SETTINGS } from './firestore-values.ts';
import { firestoreSettings } from './settings.ts';

await runService({
  name: 'firestore',
  version: packageVersion(import.meta.url),
  settings: firestoreSettings,
  async createStorage(config, logger) {
    // Imported here, not at the top: `main.ts check` should not pay for the client.
    const [{ Firestore, v1 }, { firestoreDeadlineSettings }] = await Promise.all([
      import('@google-cloud/firestore'),
      import('./firestore-deadline.ts'),
    ]);
    const projectId = config.firestoreProject ?? config.googleCloudProject;
    const db = new Firestore({
      ...(projectId ? { projectId } : {}),
      databaseId: config.firestoreDatabase,
      ...FIRESTORE_CLIENT_SETTINGS,
      ...firestoreDeadlineSettings(config.requestDeadlineMs),
    });
    const emulator = process.env.FIRESTORE_EMULATOR_HOST;
    const manageIndexes = config.manageIndexes && !emulator;
    const admin = manageIndexes ? new v1.FirestoreAdminClient(projectId ? { projectId } : {}) : undefined;
    const resolvedProject = admin ? (projectId ?? (await admin.getProjectId())) : undefined;
    if (config.manageIndexes && emulator) {
      logger.log('NOTICE', 'FIRESTORE_EMULATOR_HOST is set: the emulator has no index API, indexes endpoints are off');
    }
    return createFirestoreStorage(db, {
      metadataCollection: config.metadataCollection,
      referencesCollection: config.referencesCollection,
      scanLimit: config.scanLimit,
      inferSample: config.inferSample,
      schemaCacheSeconds: config.schemaCacheSeconds,
      schemaCheckMs: config.schemaCheckMs,
      writeConcurrency: config.writeConcurrency,
      logger,
      ...((resolvedProject ?? projectId) ? { project: resolvedProject ?? projectId } : {}),
      database: config.firestoreDatabase,
      ...(admin && resolvedProject
        ? {
            indexAdmin: adminApiOf(admin as unknown as AdminClientLike),
            databasePath: `projects/${resolvedProject}/databases/${config.firestoreDatabase}`,
          }
        : {}),
    });
  },
});
