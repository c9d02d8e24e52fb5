/**
 * A table of Wix's reference adaptor (wix/velo-external-db): its system fields stored as
 * `x_id`, `x_createdDate`, `x_updatedDate`, `x_owner`, PRIMARY KEY (x_id) (its spanner_utils.ts
 * `patchFieldName`). Served as `_id`, `_createdDate` … and read-write, keyed by `x_id`
 * (collections.ts `fieldColumn`). Before, the fields kept their x_ names, items had no `_id`,
 * a filter on `_id` was refused and the table was read-only. Through the signed Wix client.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

// The reference adaptor's DDL (spanner_schema_provider.ts `create`), exactly.
const SCHEMA = [
  'CREATE TABLE refitems (x_id STRING(255), x_createdDate TIMESTAMP, x_updatedDate TIMESTAMP, x_owner STRING(255), ' +
    'title STRING(2048), price FLOAT64, active BOOL) PRIMARY KEY (x_id)',
];

const T1 = '2021-03-04T05:06:07.089Z';
const T2 = '2022-03-04T05:06:07.089Z';
const T3 = '2023-03-04T05:06:07.089Z';

type Item = Record<string, unknown>;
const ids = (items: Item[]) => items.map((item) => item._id);

let h: SpannerHarness;
beforeAll(async () => {
  h = await startSpannerHarness({ schema: SCHEMA });
  // As the reference wrote them: mutations, Spanner.float prices, Date timestamps.
  const { Spanner } = await import('@google-cloud/spanner');
  await h.db.database.table('refitems').insert([
    {
      x_id: 'a1',
      x_createdDate: new Date(T2),
      x_updatedDate: new Date(T2),
      x_owner: 'o1',
      title: 'one',
      price: Spanner.float(1.5),
      active: true,
    },
    {
      x_id: 'a2',
      x_createdDate: new Date(T1),
      x_updatedDate: new Date(T1),
      x_owner: 'o2',
      title: 'two',
      price: Spanner.float(3),
      active: false,
    },
    {
      x_id: 'a3',
      x_createdDate: new Date(T3),
      x_updatedDate: new Date(T3),
      x_owner: null,
      title: 'three',
      price: Spanner.float(2),
      active: true,
    },
  ]);
});
afterAll(async () => {
  await h?.close();
});

test('collections/get shows the system fields under their Wix names, read-write', async () => {
  const answer = await h.harness.client.listCollections(['refitems']);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const collection = answer.body.collections[0] as {
    fields: { key: string; type: string }[];
    capabilities: { dataOperations: string[] };
  };
  const fields = Object.fromEntries(collection.fields.map((f) => [f.key, f.type]));
  expect(fields).toMatchObject({
    _id: 'TEXT',
    _createdDate: 'DATETIME',
    _updatedDate: 'DATETIME',
    _owner: 'TEXT',
    title: 'TEXT',
    price: 'NUMBER',
    active: 'BOOLEAN',
  });
  expect(Object.keys(fields).filter((key) => key.startsWith('x_'))).toEqual([]);
  expect(collection.capabilities.dataOperations).toEqual(
    expect.arrayContaining(['QUERY', 'COUNT', 'INSERT', 'UPDATE', 'REMOVE', 'TRUNCATE', 'AGGREGATE', 'DISTINCT']),
  );
  const indexes = await h.harness.client.listIndexes('refitems');
  expect(indexes.status, JSON.stringify(indexes.body)).toBe(200);
  expect(JSON.stringify(indexes.body)).toContain('"path":"_id"');
});

test('reads, filters, sorts, distinct and aggregations by _id and _createdDate', async () => {
  const { client } = h.harness;
  const all = await client.query('refitems', { sort: [{ fieldName: '_createdDate', order: 'ASC' }] });
  expect(all.status, JSON.stringify(all.body)).toBe(200);
  expect(all.body.items[0]).toEqual({
    _id: 'a2',
    _createdDate: { $date: T1 },
    _updatedDate: { $date: T1 },
    _owner: 'o2',
    title: 'two',
    price: 3,
    active: false,
  });
  expect(ids(all.body.items)).toEqual(['a2', 'a1', 'a3']);
  const byId = await client.query('refitems', { filter: { _id: 'a1' } });
  expect(byId.status, JSON.stringify(byId.body)).toBe(200);
  expect(ids(byId.body.items)).toEqual(['a1']);
  const desc = await client.query('refitems', { sort: [{ fieldName: '_id', order: 'DESC' }] });
  expect(ids(desc.body.items)).toEqual(['a3', 'a2', 'a1']);
  const after = await client.query('refitems', { filter: { _createdDate: { $gt: { $date: T1 } } }, fields: ['title'] });
  expect(after.status, JSON.stringify(after.body)).toBe(200);
  expect(after.body.items).toEqual(
    expect.arrayContaining([
      { _id: 'a1', title: 'one' },
      { _id: 'a3', title: 'three' },
    ]),
  );
  expect(after.body.items).toHaveLength(2);
  const owned = await client.count('refitems', { _owner: 'o1' });
  expect(owned.status, JSON.stringify(owned.body)).toBe(200);
  expect(owned.body.totalCount).toBe(1);
  const distinct = await client.distinct('refitems', '_owner', { order: 'ASC' });
  expect(distinct.status, JSON.stringify(distinct.body)).toBe(200);
  expect(distinct.body.distinctValues).toEqual(['o1', 'o2']);
  const aggregate = await client.aggregate('refitems', {
    aggregation: {
      groupingFields: ['active'],
      operations: [
        { resultFieldName: 'first', min: { itemFieldName: '_createdDate' } },
        { resultFieldName: 'n', count: {} },
      ],
    },
    sort: [{ fieldName: 'active', order: 'ASC' }],
  });
  expect(aggregate.status, JSON.stringify(aggregate.body)).toBe(200);
  expect(aggregate.body.items).toEqual([
    { active: false, first: { $date: T1 }, n: 1 },
    { active: true, first: { $date: T2 }, n: 2 },
  ]);
});

test('cursor paging walks the rows once, in _id order', async () => {
  const { client } = h.harness;
  const seen: unknown[] = [];
  let answer = await client.query('refitems', {
    sort: [{ fieldName: '_id', order: 'ASC' }],
    cursorPaging: { limit: 1 },
  });
  for (let page = 0; page < 10; page++) {
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    seen.push(...ids(answer.body.items));
    const next = answer.body.pagingMetadata.cursors.next;
    if (!next) break;
    answer = await client.query('refitems', { cursorPaging: { limit: 1, cursor: next } });
  }
  expect(seen).toEqual(['a1', 'a2', 'a3']);
});

test('insert, update, remove and truncate write the x_ columns, keyed by x_id', async () => {
  const { client } = h.harness;
  const inserted = await client.insert('refitems', [{ _id: 'n1', title: 'new', price: 4 }]);
  expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
  const item = inserted.body.results[0].item as Item;
  expect(item).toMatchObject({ _id: 'n1', title: 'new', price: 4 });
  expect(item._createdDate).toBeDefined();
  const [rows] = await h.db.database.run({
    sql: "SELECT x_id, x_createdDate, title FROM refitems WHERE x_id = 'n1'",
    json: true,
  });
  expect(rows).toHaveLength(1);
  expect((rows[0] as Item).x_createdDate).not.toBeNull();

  const again = await client.insert('refitems', [{ _id: 'a1', title: 'dup' }]);
  expect(again.body.results[0].error?.errorCode, JSON.stringify(again.body)).toBe('ITEM_ALREADY_EXISTS');

  // An update replaces the item and keeps its stored _createdDate.
  const updated = await client.update('refitems', [{ _id: 'a1', _owner: 'o1', title: 'one again', price: 9 }]);
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  expect(updated.body.results[0].item).toMatchObject({ _id: 'a1', _createdDate: { $date: T2 }, title: 'one again' });
  const read = await client.query('refitems', { filter: { _id: 'a1' } });
  expect(read.body.items[0]).toMatchObject({ _id: 'a1', _createdDate: { $date: T2 }, _owner: 'o1', price: 9 });
  expect(read.body.items[0]._updatedDate).not.toEqual({ $date: T2 });
  const missing = await client.update('refitems', [{ _id: 'zz', title: 'x' }]);
  expect(missing.body.results[0].error?.errorCode, JSON.stringify(missing.body)).toBe('ITEM_NOT_FOUND');

  const removed = await client.remove('refitems', ['a2']);
  expect(removed.status, JSON.stringify(removed.body)).toBe(200);
  expect(removed.body.results[0].item).toMatchObject({ _id: 'a2', title: 'two' });
  expect((await client.count('refitems')).body.totalCount).toBe(3);

  const truncated = await client.truncate('refitems');
  expect(truncated.status, JSON.stringify(truncated.body)).toBe(200);
  expect((await client.count('refitems')).body.totalCount).toBe(0);
});

test('collections/update (the Wix CMS save) keeps the x_ columns and adds new fields', async () => {
  const { client } = h.harness;
  const update = await client.updateCollection({
    id: 'refitems',
    fields: [
      { key: '_id', type: 'TEXT' },
      { key: '_createdDate', type: 'DATETIME' },
      { key: '_updatedDate', type: 'DATETIME' },
      { key: '_owner', type: 'TEXT' },
      { key: 'title', type: 'TEXT' },
      { key: 'price', type: 'NUMBER' },
      { key: 'active', type: 'BOOLEAN' },
      { key: 'notes', type: 'TEXT' },
    ],
  });
  expect(update.status, JSON.stringify(update.body)).toBe(200);
  const [columns] = await h.db.database.run({
    sql: "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'refitems' ORDER BY COLUMN_NAME",
    json: true,
  });
  expect((columns as { COLUMN_NAME: string }[]).map((c) => c.COLUMN_NAME)).toEqual([
    'active',
    'notes',
    'price',
    'title',
    'x_createdDate',
    'x_id',
    'x_owner',
    'x_updatedDate',
  ]);
  const inserted = await client.insert('refitems', [{ _id: 'm1', notes: 'hi' }]);
  expect(inserted.body.results[0].item, JSON.stringify(inserted.body)).toMatchObject({ _id: 'm1', notes: 'hi' });
  const read = await client.query('refitems', { filter: { _id: 'm1' } });
  expect(read.body.items[0]).toMatchObject({ _id: 'm1', notes: 'hi' });
  expect(read.body.items[0]._createdDate).toBeDefined();
});

test('indexes name the fields, and a unique index refusal names _owner, not x_owner', async () => {
  const { client } = h.harness;
  const created = await client.createIndex('refitems', {
    name: 'by_owner',
    fields: [{ path: '_owner', order: 'ASC' }],
    unique: true,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const listed = await client.listIndexes('refitems');
  expect(listed.body.indexes).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: 'by_owner', fields: [{ path: '_owner', order: 'ASC' }] })]),
  );
  const first = await client.insert('refitems', [{ _id: 'm2', _owner: 'dup' }]);
  expect(first.body.results[0].item, JSON.stringify(first.body)).toMatchObject({ _id: 'm2', _owner: 'dup' });
  const clash = await client.insert('refitems', [{ _id: 'm3', _owner: 'dup' }]);
  expect(clash.status, JSON.stringify(clash.body)).toBe(200);
  const error = clash.body.results[0].error;
  expect(error, JSON.stringify(clash.body)).toBeDefined();
  expect(JSON.stringify(error)).toContain('"_owner"');
  expect(JSON.stringify(error)).not.toContain('x_owner');
});
