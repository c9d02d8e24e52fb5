/**
 * An owner's table with no `_id` and no key (core StoredCollection.rowKey `[]`): offset pages sort
 * by every sortable column, so they neither overlap nor skip rows (equal rows are the only ties,
 * and they are interchangeable); cursor paging, which could not resume between two equal rows,
 * is refused with what to use instead, and the collection declares offset paging.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

// Two equal rows, and rows that differ only in one column.
const ROWS = ["('x', 1)", "('x', 1)", "('x', 2)", "('y', 2)", "('z', NULL)", '(NULL, 3)', "('w', 0)"];

let h: BigQueryHarness;
beforeAll(async () => {
  h = await startBigQueryHarness();
  const table = `\`${h.ds.datasetId}.bq_noid\``;
  await h.ds.bq.query({
    query: `CREATE TABLE ${table} (name STRING, qty INT64); INSERT INTO ${table} (name, qty) VALUES ${ROWS.join(', ')}`,
  });
});
afterAll(async () => {
  await h?.close();
});

test('offset pages read every row once; the collection declares offset paging', async () => {
  const listed = await h.harness.client.listCollections(['bq_noid']);
  expect(listed.body.collections[0].pagingMode).toBe('OFFSET');
  const seen: string[] = [];
  for (let offset = 0; offset < 10; offset += 2) {
    const page = await h.harness.client.query('bq_noid', { paging: { limit: 2, offset } });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    seen.push(...page.body.items.map((item: { name: unknown; qty: unknown }) => `${item.name}:${item.qty}`));
  }
  expect(seen.sort()).toEqual(['null:3', 'w:0', 'x:1', 'x:1', 'x:2', 'y:2', 'z:null']);
});

test('cursor paging is refused, saying what to use instead', async () => {
  const page = await h.harness.client.query('bq_noid', { cursorPaging: { limit: 2 } });
  expect(page.status, JSON.stringify(page.body)).toBe(400);
  expect(page.body.errorMessage).toContain('Use offset paging');
});
