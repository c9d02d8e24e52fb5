/**
 * A BigQuery storage on a fresh emulator dataset behind the real core and a
 * signed Wix-like client: what the focused tests call. `statements` records
 * every SQL statement the storage sent through the real client (no mock:
 * each one ran on the emulator), so tests can count round trips.
 */
import type { Storage } from '@adaptors/core';
import { type Harness, startHarness } from '@adaptors/testkit';
import { clientOf } from '../src/client.ts';
import { type BigQueryStorageOptions, createBigQueryStorage } from '../src/storage.ts';
import { openTestDataset, type TestDataset } from './emulator-dataset.ts';

export interface BigQueryHarness {
  readonly ds: TestDataset;
  readonly storage: Storage;
  readonly harness: Harness;
  readonly statements: string[];
  close(): Promise<void>;
}

export async function startBigQueryHarness(
  options: Omit<BigQueryStorageOptions, 'bq' | 'datasetId'> = {},
  harnessOptions: { readonly legacySecretKeys?: readonly string[] } = {},
): Promise<BigQueryHarness> {
  const ds = await openTestDataset();
  const statements: string[] = [];
  const storage = createBigQueryStorage({
    ...options,
    bq: clientOf(ds.bq),
    projectId: ds.projectId,
    datasetId: ds.datasetId,
    onStatement: (sql) => {
      statements.push(sql);
      options.onStatement?.(sql);
    },
  });
  const harness = await startHarness({ storage, legacySecretKeys: harnessOptions.legacySecretKeys });
  return {
    ds,
    storage,
    harness,
    statements,
    async close() {
      await harness.close();
      await storage.close();
    },
  };
}
