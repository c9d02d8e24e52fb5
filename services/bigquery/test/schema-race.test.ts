/**
 * A collection changed through instance A while instance B still has the old definition cached:
 * the shared suite (testkit conformance/suite-schema-race.ts). On BigQuery B's statements naming a
 * dropped column fail ("Unrecognized name", "Column … is not present in table") and B re-reads
 * the schema (schema.ts `columnMissed`, `refresh`); B never reads the schema label on its own here.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { concurrentUpdateSuite, removedFieldRaceSuite } from '@adaptors/testkit/conformance';
import { afterAll, beforeAll, describe } from 'vitest';
import { clientOf } from '../src/client.ts';
import { createBigQueryStorage } from '../src/storage.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

describe('a collection changed on another instance', () => {
  let a: BigQueryHarness;
  let b: Harness;
  beforeAll(async () => {
    a = await startBigQueryHarness({ retry: { baseDelayMs: 1 } });
    const storage = createBigQueryStorage({
      bq: clientOf(a.ds.bq),
      projectId: a.ds.projectId,
      datasetId: a.ds.datasetId,
      schemaCheckMs: 60_000,
      retry: { baseDelayMs: 1 },
    });
    b = await startHarness({ storage });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  removedFieldRaceSuite(() => ({ a: a.harness.client, b: b.client }));
  concurrentUpdateSuite(() => ({ a: a.harness.client, b: b.client }));
});
