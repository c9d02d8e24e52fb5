/** A fresh emulator and a real @google-cloud/bigquery client pointed at it. */
import { BigQuery } from '@google-cloud/bigquery';
import { type RunningEmulator, startBigQueryEmulator } from '../src/index.ts';

export interface Harness {
  readonly emulator: RunningEmulator;
  readonly bq: BigQuery;
}

export async function startHarness(projectId = 'test'): Promise<Harness> {
  const emulator = await startBigQueryEmulator();
  // No retries: an emulator error must surface at once, not after the client's backoff.
  const bq = new BigQuery({ projectId, apiEndpoint: emulator.url, autoRetry: false, maxRetries: 0 });
  return { emulator, bq };
}
