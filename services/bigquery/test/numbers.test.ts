/**
 * Numbers without loss on an existing BigQuery table (googlesql exact-numbers.ts):
 * the shared exact-numbers suite over INT64/NUMERIC/BIGNUMERIC/FLOAT64/ARRAY<INT64> columns written
 * by the BigQuery client, and a table keyed by large INT64 ids.
 */
import { startHarness } from '@adaptors/testkit';
import { EXACT_NUMBER_ROWS, exactNumbersSuite } from '@adaptors/testkit/conformance';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clientOf } from '../src/client.ts';
import { createBigQueryStorage } from '../src/storage.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

const ACCOUNT_IDS = ['4611686018427387905', '6917529027641081857', '2305843009213693953'];

/** A double as a GoogleSQL literal that is exactly that double (−0 included). */
const floatLiteral = (f: number) => (Object.is(f, -0) ? "CAST('-0' AS FLOAT64)" : `CAST('${f}' AS FLOAT64)`);

let h: BigQueryHarness;
const table = (name: string) => `\`${h.ds.datasetId}.${name}\``;
beforeAll(async () => {
  h = await startBigQueryHarness();
  await h.ds.bq.query({
    query:
      `CREATE TABLE ${table('numbers')} (_id STRING, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, _owner STRING, ` +
      `n INT64, d NUMERIC, f FLOAT64, b BIGNUMERIC, ns ARRAY<INT64>); CREATE TABLE ${table('accounts')} (id INT64, name STRING); ` +
      `CREATE TABLE ${table('stock')} (_id STRING, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, _owner STRING, ` +
      'qty INT64, big INT64, price NUMERIC)',
  });
  const rows = EXACT_NUMBER_ROWS.map(
    (r) =>
      `('${r._id}', ${r.n}, NUMERIC '${r.d}', ${floatLiteral(r.f)}, BIGNUMERIC '${r.b}', ARRAY<INT64>[${r.ns.join(', ')}])`,
  );
  const accounts = ACCOUNT_IDS.map((id, i) => `(${id}, 'acct${i}')`);
  await h.ds.bq.query({
    query:
      `INSERT INTO ${table('numbers')} (_id, n, d, f, b, ns) VALUES ${rows.join(', ')}; ` +
      `INSERT INTO ${table('accounts')} (id, name) VALUES ${accounts.join(', ')}; ` +
      `INSERT INTO ${table('stock')} (_id, qty, big, price) VALUES ('s1', 3, 9007199254740993, NUMERIC '0.1'), ` +
      "('s2', 12, NULL, NUMERIC '2.5')",
  });
});
afterAll(async () => {
  await h?.close();
});

describe('exact numbers', () => {
  exactNumbersSuite(() => ({
    client: h.harness.client,
    collectionId: 'numbers',
    numeric: true,
    bignumeric: true,
    arrays: true,
    typed: true,
    async stored(id, key) {
      const [rows] = await h.ds.bq.query({
        query: `SELECT CAST(${key} AS STRING) AS v FROM ${table('numbers')} WHERE _id = @id`,
        params: { id },
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
  const storage = createBigQueryStorage({
    bq: clientOf(h.ds.bq),
    projectId: h.ds.projectId,
    datasetId: h.ds.datasetId,
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
    const small = await client.query('stock', {
      filter: { qty: { $gt: 2 } },
      fields: ['qty', 'price'],
      sort: [{ fieldName: 'qty', order: 'ASC' }],
    });
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
