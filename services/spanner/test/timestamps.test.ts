/**
 * DATETIME values read back exactly on Spanner, at the edges of the TIMESTAMP
 * range and in the last second before 1970, which the client's PreciseDate
 * decoding reads one second late (docs/engines.md §2): googlesql reads every
 * returned TIMESTAMP as UNIX_MILLIS (spanner.ts), decoded to a Date here.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const INSTANTS = [
  '1969-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.000Z',
  '0001-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.999Z', // −1 ms, again under another id: distinct values answer it once
  '1970-01-01T00:00:00.001Z',
];
const SORTED = [...new Set(INSTANTS)].sort();
const id = (i: number) => `t${i}`;

let h: SpannerHarness;
beforeAll(async () => {
  h = await startSpannerHarness({
    // A table written by another program, with an ARRAY<TIMESTAMP> column (the adaptor never creates one).
    schema: [
      'CREATE TABLE stamps (_id STRING(MAX) NOT NULL, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, ' +
        '_owner STRING(MAX), ats ARRAY<TIMESTAMP>) PRIMARY KEY (_id)',
    ],
  });
  const created = await h.harness.client.createCollection({
    id: 'moments',
    fields: [
      { key: 'at', type: 'DATETIME' },
      { key: 'n', type: 'NUMBER' },
    ],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const inserted = await h.harness.client.insert(
    'moments',
    INSTANTS.map((at, i) => ({ _id: id(i), at: { $date: at }, n: i, _createdDate: { $date: at } })),
  );
  expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

test('query and get answer every instant exactly', async () => {
  const all = await h.harness.client.query('moments', { sort: [{ fieldName: '_id', order: 'ASC' }] });
  expect(all.status, JSON.stringify(all.body)).toBe(200);
  expect(all.body.items.map((item: { at: unknown }) => item.at)).toEqual(INSTANTS.map((at) => ({ $date: at })));
  for (const [i, at] of INSTANTS.entries()) {
    const one = await h.harness.client.query('moments', { filter: { _id: id(i) }, fields: ['at'] });
    expect(one.body.items, at).toEqual([{ _id: id(i), at: { $date: at } }]);
    // The value answered finds its item again (filters compare the TIMESTAMP itself).
    const found = await h.harness.client.query('moments', { filter: { at: { $eq: { $date: at } } }, fields: ['_id'] });
    expect(found.body.items.map((item: { _id: string }) => item._id)).toContain(id(i));
  }
});

test('aggregate min/max and group keys, and distinct values, are exact', async () => {
  const minMax = await h.harness.client.aggregate('moments', {
    aggregation: {
      groupingFields: [],
      operations: [
        { resultFieldName: 'first', min: { itemFieldName: 'at' } },
        { resultFieldName: 'last', max: { itemFieldName: 'at' } },
      ],
    },
  });
  expect(minMax.status, JSON.stringify(minMax.body)).toBe(200);
  expect(minMax.body.items).toEqual([{ first: { $date: SORTED[0] }, last: { $date: SORTED.at(-1) } }]);

  const grouped = await h.harness.client.aggregate('moments', {
    aggregation: {
      groupingFields: ['at'],
      operations: [{ resultFieldName: 'count', count: {} }],
    },
    sort: [{ fieldName: 'at', order: 'ASC' }],
  });
  expect(grouped.status, JSON.stringify(grouped.body)).toBe(200);
  expect(grouped.body.items).toEqual(
    SORTED.map((at) => ({ at: { $date: at }, count: INSTANTS.filter((x) => x === at).length })),
  );

  const distinct = await h.harness.client.distinct('moments', 'at', { order: 'DESC' });
  expect(distinct.status, JSON.stringify(distinct.body)).toBe(200);
  expect(distinct.body.distinctValues).toEqual([...SORTED].reverse().map((at) => ({ $date: at })));
});

test('an update keeps a stored _createdDate exactly', async () => {
  // A row written by another program: the adaptor's insert sets _createdDate itself.
  await h.db.database
    .table('moments')
    .insert([{ _id: 'old', at: new Date(INSTANTS[0]!), _createdDate: new Date(INSTANTS[0]!) }]);
  const updated = await h.harness.client.update('moments', [{ _id: 'old', n: 100 }]);
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  expect(updated.body.results[0].item._createdDate).toEqual({ $date: INSTANTS[0] });
  const stored = await h.harness.client.query('moments', { filter: { _id: 'old' } });
  expect(stored.body.items[0]._createdDate).toEqual({ $date: INSTANTS[0] });
});

test('distinct elements of an ARRAY<TIMESTAMP> column are exact', async () => {
  await h.db.database.table('stamps').insert([
    { _id: 'a', ats: INSTANTS.slice(0, 3).map((at) => new Date(at)) },
    { _id: 'b', ats: INSTANTS.slice(2).map((at) => new Date(at)) },
  ]);
  const distinct = await h.harness.client.distinct('stamps', 'ats', { order: 'ASC' });
  expect(distinct.status, JSON.stringify(distinct.body)).toBe(200);
  expect(distinct.body.distinctValues).toEqual(SORTED.map((at) => ({ $date: at })));
});
