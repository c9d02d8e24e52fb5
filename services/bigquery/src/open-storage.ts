/**
 * The BigQuery storage as main.ts opens it: the real client (client.ts)
 * and the storage over it.
 */
import { type ConfigOf, type CoreConfig, detectProject, type Logger, type Storage } from '@adaptors/core';
import type { bigquerySettings } from './settings.ts';

/** What runService hands createStorage: this service's settings and the core's. */
type BigQueryConfig = ConfigOf<typeof bigquerySettings>;

export async function openStorage(config: BigQueryConfig & CoreConfig, logger: Logger): Promise<Storage> {
  const [{ openBigQuery }, { createBigQueryStorage }] = await Promise.all([
    import('./client.ts'),
    import('./storage.ts'),
  ]);
  const projectId = config.bigqueryProject ?? config.googleCloudProject;
  const bq = await openBigQuery({
    projectId,
    datasetId: config.bigqueryDataset,
    location: config.bigqueryLocation,
    apiEndpoint: config.bigqueryApiEndpoint ?? config.bigqueryEmulatorHost,
    createDataset: config.bigqueryCreateDataset,
  });
  // No project set: ask for the client's now, so a missing one stops the start naming the
  // settings, not the first call with the library's "Unable to detect a Project Id".
  if (!projectId && !config.bigqueryApiEndpoint && !config.bigqueryEmulatorHost) {
    await detectProject('BIGQUERY_PROJECT', () => bq.getProjectId());
  }
  const storage = createBigQueryStorage({
    bq,
    projectId,
    datasetId: config.bigqueryDataset,
    location: config.bigqueryLocation,
    readOnlySchema: config.readOnlySchema,
    schemaCacheSeconds: config.schemaCacheSeconds,
    schemaCheckMs: config.schemaCheckMs,
    maximumBytesBilled: config.maximumBytesBilled,
    ...(config.numberColumns ? { numberColumns: config.numberColumns } : {}),
    createDataset: config.bigqueryCreateDataset,
    // The schema is read while the HTTP server is built and starts listening, so the first call
    // finds it cached (every table's definition only in a small dataset: schema.ts `warm`).
    warm: true,
    logger,
  });
  return storage;
}
