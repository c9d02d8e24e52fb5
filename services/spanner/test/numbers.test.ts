/**
 * Numbers without loss on an existing Spanner table (googlesql exact-numbers.ts):
 * the shared exact-numbers suite over INT64/NUMERIC/FLOAT64 columns written by
 * the Spanner client, and a table keyed by large INT64 ids (Spanner's
 * bit-reversed keys are almost all above 2^53).
 */
import { startHarness } from '@adaptors/testkit';
import { EXACT_NUMBER_ROWS, exactNumbersSuite } from '@adaptors/testkit/conformance';
import { Spanner } from '@google-cloud/spanner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSpannerStorage } from '../src/spanner-storage.ts';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const SCHEMA = [
  'CREATE TABLE numbers (_id STRING(MAX) NOT NULL, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, ' +
    '_owner STRING(MAX), n INT64, d NUMERIC, f FLOAT64) PRIMARY KEY (_id)',
  'CREATE TABLE accounts (id INT64 NOT NULL, name STRING(MAX)) PRIMARY KEY (id)',
  'CREATE TABLE stock (_id STRING(MAX) NOT NULL, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, ' +
    '_owner STRING(MAX), qty INT64, big INT64, price NUMERIC) PRIMARY KEY (_id)',
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
  await h.db.database.table('stock').insert([
    { _id: 's1', qty: '3', big: '9007199254740993', price: Spanner.numeric('0.1') },
    { _id: 's2', qty: '12', big: null, price: Spanner.numeric('2.5') },
  ]);
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

test('NUMBER_COLUMNS shows listed columns as NUMBER; a value no double holds is an error, never rounded', async () => {
  const storage = createSpannerStorage({
    database: h.db.database,
    numberColumns: ['stock.qty', 'stock.big', 'stock.price'],
  });
  const listed = await startHarness({ storage });
  try {
    const { client } = listed;
    const fields = (await client.listCollections(['stock'])).body.collections[0].fields as {
      key: string;
      type: string;
    }[];
    expect(fields.filter((f) => ['qty', 'big', 'price'].includes(f.key)).map((f) => f.type)).toEqual([
      'NUMBER',
      'NUMBER',
      'NUMBER',
    ]);
    const small = await client.query('stock', { filter: { qty: { $gt: 2 } }, fields: ['qty', 'price'] });
    expect(small.status, JSON.stringify(small.body)).toBe(200);
    expect(small.body.items.map((i: { qty: number; price: number }) => [i.qty, i.price])).toEqual([
      [3, 0.1],
      [12, 2.5],
    ]);
    const big = await client.query('stock', { filter: { _id: 's1' } });
    expect(big.status).toBe(400);
    expect(big.body.errorMessage).toContain("'big' holds 9007199254740993");
    const written = await client.insert('stock', [
      { _id: 's3', qty: 7, price: 0.25 },
      { _id: 's4', qty: 2.5 },
      { _id: 's5', price: 1e-10 },
    ]);
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    expect(written.body.results[0].error).toBeUndefined();
    expect(written.body.results[1].error?.errorMessage).toContain('qty');
    expect(written.body.results[2].error?.errorMessage).toContain('price');
  } finally {
    await listed.close();
    await storage.close();
  }
});
