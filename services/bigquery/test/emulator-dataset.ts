/**
 * A fresh dataset on the run's emulator (test/global-setup.ts) with a real
 * `@google-cloud/bigquery` client, without credentials as client.ts builds it for an
 * emulator (`PassThroughClient`). Client retries are off so an emulator
 * error surfaces at once; the adaptor's own DML retry still runs.
 */
import { randomUUID } from 'node:crypto';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { inject } from 'vitest';

export interface TestDataset {
  readonly bq: BigQuery;
  readonly projectId: string;
  readonly datasetId: string;
  readonly url: string;
}

export async function openTestDataset(): Promise<TestDataset> {
  const { url, projectId } = inject('bigqueryEmulator');
  const bq = new BigQuery({
    projectId,
    apiEndpoint: url,
    authClient: new PassThroughClient(),
    autoRetry: false,
    maxRetries: 0,
  });
  const datasetId = `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  await bq.createDataset(datasetId);
  return { bq, projectId, datasetId, url };
}

/**
 * Creates `name` the way Wix's reference adaptor (velo-external-db) does (tables.insert; docs/migrating.md):
 * its four system columns, then `columns`. The reference sends mode '' for every column but `_id`,
 * which the emulator refuses; NULLABLE means the same.
 */
export async function createReferenceTable(
  ds: TestDataset,
  name: string,
  columns: readonly { name: string; type: string; mode?: 'NULLABLE' | 'REPEATED' }[],
): Promise<void> {
  await ds.bq.dataset(ds.datasetId).createTable(name, {
    schema: [
      { name: '_id', type: 'STRING', mode: 'REQUIRED' },
      { name: '_createdDate', type: 'TIMESTAMP', mode: 'NULLABLE' },
      { name: '_updatedDate', type: 'TIMESTAMP', mode: 'NULLABLE' },
      { name: '_owner', type: 'STRING', mode: 'NULLABLE' },
      ...columns.map((c) => ({ name: c.name, type: c.type, mode: c.mode ?? 'NULLABLE' })),
    ],
  });
}
