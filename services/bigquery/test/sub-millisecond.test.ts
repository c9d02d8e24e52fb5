/**
 * Microsecond TIMESTAMPs written by another program (a BigQuery INSERT here), compared at the
 * millisecond the adaptor answers: the shared suite (testkit conformance/suite-sub-millisecond.ts).
 */
import { SUB_MILLISECOND_ROWS, subMillisecondSuite } from '@adaptors/testkit/conformance';
import { afterAll, beforeAll } from 'vitest';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

let h: BigQueryHarness;
beforeAll(async () => {
  h = await startBigQueryHarness();
  const table = `\`${h.ds.datasetId}.owner_ts\``;
  const rows = SUB_MILLISECOND_ROWS.map(([id, ts]) => `('${id}', ${ts === null ? 'NULL' : `TIMESTAMP '${ts}'`})`);
  await h.ds.bq.query({
    query:
      `CREATE TABLE ${table} (_id STRING, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, _owner STRING, ts TIMESTAMP); ` +
      `INSERT INTO ${table} (_id, ts) VALUES ${rows.join(', ')}`,
  });
});
afterAll(async () => {
  await h?.close();
});

subMillisecondSuite(() => ({ client: h.harness.client, collectionId: 'owner_ts' }));
