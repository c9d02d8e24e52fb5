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
