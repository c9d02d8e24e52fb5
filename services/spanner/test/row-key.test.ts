/**
 * An owner's table keyed by other columns than `_id` (core StoredCollection.rowKey): every sort
 * ends with its primary key, so offset and cursor pages neither overlap nor skip rows. Before,
 * the `_id` tie-breaker named no column there: pages had no ORDER BY and a cursor resumed after
 * nothing (2 of 5 rows, 7 of 40).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const GROUPS = ['a', 'b', 'c', 'd'];
// 40 rows keyed by (grp, n); `label` repeats, so a sort by it alone ties in tens.
const ROWS = GROUPS.flatMap((grp) => Array.from({ length: 10 }, (_, n) => ({ grp, n, label: `L${n % 3}` })));
const keyOf = (row: { grp: string; n: string | number }) => `${row.grp}/${row.n}`;

let h: SpannerHarness;
beforeAll(async () => {
  h = await startSpannerHarness({
    schema: [
      'CREATE TABLE owner_big (grp STRING(10) NOT NULL, n INT64 NOT NULL, label STRING(MAX)) PRIMARY KEY (grp, n)',
    ],
  });
  await h.db.database.table('owner_big').insert(ROWS);
});
afterAll(async () => {
  await h?.close();
});

type Row = { grp: string; n: string; label: string };

async function cursorWalk(query: Record<string, unknown>): Promise<Row[]> {
  const rows: Row[] = [];
  let answer = await h.harness.client.query('owner_big', { ...query, cursorPaging: { limit: 7 } });
  for (let page = 0; page < 20; page++) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    rows.push(...answer.body.items);
    const next = answer.body.pagingMetadata.cursors.next;
    if (!next) return rows;
    answer = await h.harness.client.query('owner_big', { cursorPaging: { limit: 7, cursor: next } });
  }
  throw new Error('cursor paging did not end');
}

async function offsetWalk(query: Record<string, unknown>): Promise<Row[]> {
  const rows: Row[] = [];
  for (let offset = 0; offset < 60; offset += 7) {
    const answer = await h.harness.client.query('owner_big', { ...query, paging: { limit: 7, offset } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    rows.push(...answer.body.items);
  }
  return rows;
}

test('without a sort, pages follow the primary key: every row once, in key order', async () => {
  const expected = [...ROWS].map(keyOf);
  expect((await cursorWalk({})).map(keyOf)).toEqual(expected);
  expect((await offsetWalk({})).map(keyOf)).toEqual(expected);
});

test('sorted by a column with ties, the primary key breaks them: every row once', async () => {
  const sort = [{ fieldName: 'label', order: 'DESC' }];
  const expected = [...ROWS].sort((x, y) => (x.label === y.label ? 0 : x.label < y.label ? 1 : -1)).map(keyOf);
  expect((await cursorWalk({ sort })).map(keyOf)).toEqual(expected);
  expect((await offsetWalk({ sort })).map(keyOf)).toEqual(expected);
});
