/** A BigQuery storage on a fresh emulator dataset, for the hostile-input suites of @adaptors/testkit. */
import type { OpenStorage } from '@adaptors/testkit';
import { clientOf } from '../src/client.ts';
import { createBigQueryStorage } from '../src/storage.ts';
import { openTestDataset } from './emulator-dataset.ts';

export const openBigQueryStorage: OpenStorage = async () => {
  const ds = await openTestDataset();
  const storage = createBigQueryStorage({ bq: clientOf(ds.bq), projectId: ds.projectId, datasetId: ds.datasetId });
  return { storage, close: () => storage.close() };
};
