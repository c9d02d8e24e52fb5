/**
 * Composition root of the BigQuery adaptor (docs/design.md §3): read config,
 * build the real client, hand the storage to the core, which listens on
 * 0.0.0.0:$PORT, drains on SIGTERM and closes the storage.
 * `node dist/main.js check` prints the configuration report instead.
 */
import { packageVersion, runService } from '@adaptors/core';
import { bigquerySettings } from './settings.ts';

await runService({
  name: 'bigquery',
  version: packageVersion(import.meta.url),
  settings: bigquerySettings,
  async createStorage(config) {
    const [{ openBigQuery }, { createBigQueryStorage }] = await Promise.all([
      import('./bigquery-client.ts'),
      import('./bigquery-storage.ts'),
    ]);
    const projectId = config.bigqueryProject ?? config.googleCloudProject;
    const bq = await openBigQuery({
      projectId,
      datasetId: config.bigqueryDataset,
      location: config.bigqueryLocation,
      apiEndpoint: config.bigqueryApiEndpoint ?? config.bigqueryEmulatorHost,
      createDataset: config.bigqueryCreateDataset,
    });
    return createBigQueryStorage({
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
    });
  },
});
