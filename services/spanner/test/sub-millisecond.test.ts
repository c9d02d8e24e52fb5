/**
 * Microsecond TIMESTAMPs written by another program (the Spanner client here), compared at the
 * millisecond the adaptor answers: the shared suite (testkit conformance/suite-sub-millisecond.ts).
 */
import { SUB_MILLISECOND_ROWS, subMillisecondSuite } from '@adaptors/testkit/conformance';
import { afterAll, beforeAll } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

let h: SpannerHarness;
beforeAll(async () => {
  h = await startSpannerHarness({
    schema: [
      'CREATE TABLE owner_ts (_id STRING(MAX) NOT NULL, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, ' +
        '_owner STRING(MAX), ts TIMESTAMP) PRIMARY KEY (_id)',
    ],
  });
  await h.db.database.table('owner_ts').insert(SUB_MILLISECOND_ROWS.map(([_id, ts]) => ({ _id, ts })));
});
afterAll(async () => {
  await h?.close();
});

subMillisecondSuite(() => ({ client: h.harness.client, collectionId: 'owner_ts' }));
