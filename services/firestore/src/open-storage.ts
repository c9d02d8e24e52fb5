/**
 * The Firestore storage as main.ts opens it: the real client (honouring
 * FIRESTORE_EMULATOR_HOST itself), the Admin API for indexes only against real
 * Firestore, and the storage over them. storage.close() terminates the client.
 */
import { type ConfigOf, type CoreConfig, detectProject, type Logger, type Storage } from '@adaptors/core';
import type { AdminClientLike } from './indexes.ts';
import type { firestoreSettings } from './settings.ts';

/** What runService hands createStorage: this service's settings and the core's. */
type FirestoreConfig = ConfigOf<typeof firestoreSettings>;

export async function openStorage(config: FirestoreConfig & CoreConfig, logger: Logger): Promise<Storage> {
  const [
    firestoreModule,
    gaxModule,
    { firestoreDeadlineSettings },
    { adminApiOf },
    { documentReader },
    { createFirestoreStorage },
    { FIRESTORE_CLIENT_SETTINGS },
  ] = await Promise.all([
    import('@google-cloud/firestore'),
    import('google-gax'),
    import('./deadline.ts'),
    import('./indexes.ts'),
    import('./run-query.ts'),
    import('./storage.ts'),
    import('./values.ts'),
  ]);
  // Both packages are CommonJS: their members through the module object, which Node's ESM
  // loader and the bundle hand out alike (Node does not detect `v1` as a named export).
  const { Firestore, v1 } = firestoreModule.default;
  const projectId = config.firestoreProject ?? config.googleCloudProject;
  const deadlineSettings = firestoreDeadlineSettings(config.requestDeadlineMs);
  const db = new Firestore({
    ...(projectId ? { projectId } : {}),
    databaseId: config.firestoreDatabase,
    ...FIRESTORE_CLIENT_SETTINGS,
    ...deadlineSettings,
  });
  const emulator = process.env.FIRESTORE_EMULATOR_HOST;
  // Document reads through the same client's gapic runQuery (run-query.ts), with its settings.
  const reader = documentReader(
    { FirestoreClient: v1.FirestoreClient, gax: gaxModule.default },
    { projectId, databaseId: config.firestoreDatabase, ...deadlineSettings, emulatorHost: emulator },
  );
  const manageIndexes = config.manageIndexes && !emulator;
  const admin = manageIndexes ? new v1.FirestoreAdminClient(projectId ? { projectId } : {}) : undefined;
  // Without a project setting, the admin client's detected one: a missing one stops the start
  // naming the settings (detectProject), not with the library's "Unable to detect a Project Id".
  const resolvedProject = admin
    ? (projectId ?? (await detectProject('FIRESTORE_PROJECT', () => admin.getProjectId())))
    : undefined;
  if (config.manageIndexes && emulator) {
    logger.log('NOTICE', 'FIRESTORE_EMULATOR_HOST is set: the emulator has no index API, indexes endpoints are off');
  }
  // The read ahead below is the metadata collection only, not a listing (which infers every root
  // collection without metadata from a sample of its documents: reads a first call on one
  // collection does not need).
  const storage = createFirestoreStorage(db, {
    metadataCollection: config.metadataCollection,
    referencesCollection: config.referencesCollection,
    scanLimit: config.scanLimit,
    inferSample: config.inferSample,
    schemaCacheSeconds: config.schemaCacheSeconds,
    readOnlySchema: config.readOnlySchema,
    schemaCheckMs: config.schemaCheckMs,
    writeConcurrency: config.writeConcurrency,
    logger,
    ...((resolvedProject ?? projectId) ? { project: resolvedProject ?? projectId } : {}),
    database: config.firestoreDatabase,
    documentReader: reader,
    ...(admin && resolvedProject
      ? {
          indexAdmin: adminApiOf(admin as unknown as AdminClientLike),
          databasePath: `projects/${resolvedProject}/databases/${config.firestoreDatabase}`,
        }
      : {}),
  });
  // But the client builds its gRPC client (the Firestore protos), its channel and its credentials
  // on its first call: start that with one read while the HTTP server is built and starts
  // listening, the schema version and every collection's definition in one query (storage.ts
  // `prefetch`), so the first Wix call waits for none of it, nor reads the version or its
  // collection's definition (services/firestore/DEPLOY.md, "Runtime"). A failure here is not
  // fatal: the first call reports it.
  storage.prefetch().catch(() => {});
  return storage;
}
