/**
 * Numbers without loss on an existing Spanner table (googlesql exact-numbers.ts):
 * the shared exact-numbers suite over INT64/NUMERIC/FLOAT64 columns written by
 * the Spanner client, and a table keyed by large INT64 ids (Spanner's
 * bit-reversed keys are almost all above 2^53).
 */
import { EXACT_NUMBER_ROWS, exactNumbersSuite } from '@adaptors/testkit/conformance';
import { Spanner } from '@google-cloud/spanner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const SCHEMA = [
  'CREATE TABLE numbers (_id STRING(MAX) NOT NULL, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, ' +
    '_owner STRING(MAX), n INT64, d NUMERIC, f FLOAT64) PRIMARY KEY (_id)',
  'CREATE TABLE accounts (id INT64 NOT NULL, name STRING(MAX)) PRIMARY KEY (id)',
];

// Bit-reversed positive keys: the high bits set, far above 2^53.
const ACCOUNT_IDS = ['4611686018427387905', '6917529027641081857', '2305843009213693953'];

let h: SpannerHarness;
beforeAll(async () => {
  h = await startSpannerHarness({ schema: SCHEMA });
  await h.db.database
    .table('numbers')
    .insert(EXACT_NUMBER_ROWS.map((r) => ({ _id: r._id, n: r.n, d: Spanner.numeric(r.d), f: Spanner.float(r.f) })));
  await h.db.database.table('accounts').insert(ACCOUNT_IDS.map((id, i) => ({ id, name: `acct${i}` })));
});
afterAll(async () => {
  await h?.close();
});

describe('exact numbers', () => {
  exactNumbersSuite(() => ({
    client: h.harness.client,
    collectionId: 'numbers',
    numeric: true,
    typed: true,
    async stored(id, key) {
      const [rows] = await h.db.database.run({
        sql: `SELECT CAST(${key} AS STRING) AS v FROM numbers WHERE _id = @id`,
        params: { id },
        json: true,
      });
      return (rows[0] as { v: string | null } | undefined)?.v ?? null;
    },
  }));
});

test('a table keyed by large INT64 ids answers every id exactly and finds each by it', async () => {
  const { client } = h.harness;
  const all = await client.query('accounts', { sort: [{ fieldName: 'id', order: 'ASC' }] });
  expect(all.status, JSON.stringify(all.body)).toBe(200);
  expect(all.body.items.map((i: { id: string }) => i.id)).toEqual(
    [...ACCOUNT_IDS].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)),
  );
  for (const [i, id] of ACCOUNT_IDS.entries()) {
    const one = await client.query('accounts', { filter: { id } });
    expect(one.body.items).toEqual([{ id, name: `acct${i}` }]);
  }
});
