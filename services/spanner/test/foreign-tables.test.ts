/**
 * Tables the adaptor did not create: typed from their columns, values read
 * exactly, writable only under Wix's read-write rule (all four system columns,
 * `_id` the primary key), read-only otherwise with the reason; collections/update
 * adds missing system columns and makes such a table writable.
 */
import { Spanner } from '@google-cloud/spanner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const SCHEMA = [
  'CREATE TABLE legacy_orders (_id STRING(MAX) NOT NULL, qty INT64, price NUMERIC, shipped DATE, paid BOOL, ' +
    'info JSON, tags ARRAY<STRING(MAX)>, scores ARRAY<FLOAT64>, blob BYTES(MAX), placed_at TIMESTAMP, note STRING(100), ' +
    'weight FLOAT32) PRIMARY KEY (_id)',
  'CREATE TABLE audit_log (entry_id INT64 NOT NULL, message STRING(MAX)) PRIMARY KEY (entry_id)',
  'CREATE TABLE keyed_by_name (name STRING(MAX) NOT NULL, _id STRING(MAX)) PRIMARY KEY (name)',
];

type Field = { key: string; type: string };

/** The same keys as `item`, every value null. */
function nullsOf(item: Record<string, unknown>): Record<string, null> {
  return Object.fromEntries(Object.keys(item).map((key) => [key, null]));
}

describe('tables created outside the adaptor', () => {
  let h: SpannerHarness;
  beforeAll(async () => {
    h = await startSpannerHarness({ schema: SCHEMA });
    const nulls = {
      price: null,
      shipped: null,
      paid: null,
      info: null,
      tags: null,
      scores: null,
      blob: null,
      placed_at: null,
      note: null,
      weight: null,
    };
    await h.db.database.table('legacy_orders').insert([
      {
        _id: 'o1',
        qty: '3',
        price: Spanner.numeric('19.99'),
        shipped: '2024-05-01',
        paid: true,
        info: JSON.stringify({ carrier: 'DHL', boxes: 2 }),
        tags: ['gift', 'express'],
        scores: [Spanner.float(1.5), Spanner.float(2)],
        blob: Buffer.from('hello'),
        placed_at: new Date('2024-05-01T10:00:00.123Z'),
        note: 'first',
        weight: Spanner.float32(1.5),
      },
      { ...nulls, _id: 'o2', qty: '1' },
    ]);
    await h.db.database.table('audit_log').insert([{ entry_id: '7', message: 'created' }]);
  });
  afterAll(async () => {
    await h?.close();
  });

  test('listed and typed from their columns; unsupported column types are left out', async () => {
    const listed = await h.harness.client.listCollections();
    expect(listed.status).toBe(200);
    const byId = new Map(listed.body.collections.map((c: { id: string }) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(['audit_log', 'keyed_by_name', 'legacy_orders']);
    const orders = byId.get('legacy_orders') as { fields: Field[]; capabilities: { dataOperations: string[] } };
    expect(orders.fields.map((f) => [f.key, f.type])).toEqual([
      ['_id', 'TEXT'],
      // Integer and decimal columns carry their exact decimal text (googlesql exact-numbers.ts).
      ['qty', 'TEXT'],
      ['price', 'TEXT'],
      ['shipped', 'DATE'],
      ['paid', 'BOOLEAN'],
      ['info', 'ANY'],
      ['tags', 'ARRAY_STRING'],
      ['scores', 'ARRAY'],
      ['blob', 'ANY'],
      ['placed_at', 'DATETIME'],
      ['note', 'TEXT'],
    ]);
    // Only _id of the four system fields: read-only until they are added (Wix's read-write rule).
    expect(orders.capabilities.dataOperations).not.toContain('INSERT');
    for (const id of ['audit_log', 'keyed_by_name']) {
      const readOnly = byId.get(id) as { capabilities: { dataOperations: string[] } };
      expect(readOnly.capabilities.dataOperations).not.toContain('INSERT');
      expect(readOnly.capabilities.dataOperations).toContain('QUERY');
    }
  });

  test('values are read exactly, and filters and sorts work on the real column types', async () => {
    const { client } = h.harness;
    const all = await client.query('legacy_orders', { sort: [{ fieldName: 'qty', order: 'DESC' }] });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.items[0]).toEqual({
      _id: 'o1',
      qty: '3',
      price: '19.99',
      shipped: '2024-05-01',
      paid: true,
      info: { carrier: 'DHL', boxes: 2 },
      tags: ['gift', 'express'],
      scores: [1.5, 2],
      blob: Buffer.from('hello').toString('base64'),
      placed_at: { $date: '2024-05-01T10:00:00.123Z' },
      note: 'first',
    });
    // NULL columns are answered as null (SEMANTICS.md rule 39).
    expect(all.body.items[1]).toEqual({ ...nullsOf(all.body.items[0]), _id: 'o2', qty: '1' });
    const filtered = await client.query('legacy_orders', {
      filter: { $and: [{ qty: { $gt: '2' } }, { shipped: { $gte: '2024-01-01' } }, { tags: { $hasSome: ['gift'] } }] },
    });
    expect(filtered.body.items.map((i: { _id: string }) => i._id)).toEqual(['o1']);
    const log = await client.query('audit_log', {});
    expect(log.body.items).toEqual([{ entry_id: '7', message: 'created' }]);
  });

  test('a table lacking system columns is read-only, says which and how; collections/update adds them', async () => {
    const { client } = h.harness;
    const refused = await client.insert('legacy_orders', [{ _id: 'o9', qty: '1' }]);
    expect(refused.status).toBe(400);
    expect(refused.body.errorMessage).toContain('read-only');
    expect(refused.body.errorMessage).toContain('it lacks _createdDate, _updatedDate, _owner');
    expect(refused.body.errorMessage).toContain('_createdDate TIMESTAMP');
    const listed = await client.listCollections(['legacy_orders']);
    const fields = (listed.body.collections[0].fields as Field[]).map(({ key, type }) => ({ key, type }));
    const updated = await client.updateCollection({ id: 'legacy_orders', fields });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.collection.capabilities.dataOperations).toContain('INSERT');
    const [columns] = await h.db.database.run({
      sql: "SELECT COLUMN_NAME, SPANNER_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'legacy_orders' AND COLUMN_NAME IN ('_createdDate', '_updatedDate', '_owner') ORDER BY COLUMN_NAME",
      json: true,
    });
    expect(columns).toEqual([
      { COLUMN_NAME: '_createdDate', SPANNER_TYPE: 'TIMESTAMP' },
      { COLUMN_NAME: '_owner', SPANNER_TYPE: 'STRING(MAX)' },
      { COLUMN_NAME: '_updatedDate', SPANNER_TYPE: 'TIMESTAMP' },
    ]);
    // Rows written before keep their values and read the new columns as null.
    const o1 = (await client.query('legacy_orders', { filter: { _id: 'o1' } })).body.items[0];
    expect(o1).toMatchObject({ qty: '3', _createdDate: null, _updatedDate: null, _owner: null });
  });

  test('writes follow the column types; a value the column cannot hold fails only its item', async () => {
    const { client } = h.harness;
    const result = await client.insert('legacy_orders', [
      { _id: 'o3', qty: '5', price: '2.5', shipped: '2024-06-01', tags: ['x'] },
      { _id: 'o4', qty: '2.5' },
    ]);
    expect(result.status).toBe(200);
    const written = { _id: 'o3', qty: '5', price: '2.5', shipped: '2024-06-01', tags: ['x'] };
    const answered = result.body.results[0].item;
    expect(answered).toMatchObject(written);
    // Every insert answer carries the server's dates as {"$date"}.
    expect(answered._createdDate).toEqual({ $date: expect.stringMatching(/Z$/) });
    expect(answered._updatedDate).toEqual(answered._createdDate);
    expect(result.body.results[1].error).toMatchObject({ errorCode: 'VALIDATION_ERROR' });
    expect(result.body.results[1].error.errorMessage).toContain('whole number');
    const read = await client.query('legacy_orders', { filter: { _id: 'o3' } });
    expect(read.body.items).toEqual([answered]);
  });

  test('read-only tables refuse writes and schema changes with a message saying why', async () => {
    const { client } = h.harness;
    const insert = await client.insert('audit_log', [{ message: 'x' }]);
    expect(insert.status).toBe(400);
    expect(insert.body.errorMessage).toContain('read-only');
    expect(insert.body.errorMessage).toContain('primary key is not the single column _id');
    const keyed = await client.remove('keyed_by_name', ['a']);
    expect(keyed.status).toBe(400);
    const update = await client.updateCollection({ id: 'audit_log', fields: [{ key: 'message', type: 'TEXT' }] });
    expect(update.status).toBe(400);
    expect(update.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    // Nor is the owner's table dropped from Wix: its rows are still there after the refusal.
    const before = await client.count('audit_log');
    const drop = await client.deleteCollection('audit_log');
    expect(drop.status).toBe(400);
    expect(drop.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(JSON.stringify(drop.body)).toContain('drop it in the database');
    expect((await client.count('audit_log')).body).toEqual(before.body);
    expect(before.body.totalCount).toBeGreaterThan(0);
  });

  test('a writable foreign table can gain a field; its existing columns keep their inferred types', async () => {
    const { client } = h.harness;
    const listed = await client.listCollections(['legacy_orders']);
    const fields = (listed.body.collections[0].fields as Field[]).map(({ key, type }) => ({ key, type }));
    const updated = await client.updateCollection({
      id: 'legacy_orders',
      fields: [...fields, { key: 'cover', type: 'IMAGE', displayName: 'Cover' }],
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const after = updated.body.collection.fields as (Field & { displayName?: string })[];
    expect(after.find((f) => f.key === 'cover')).toMatchObject({ type: 'IMAGE', displayName: 'Cover' });
    expect(after.find((f) => f.key === 'qty')?.type).toBe('TEXT');
    const [columns] = await h.db.database.run({
      sql: "SELECT COLUMN_NAME, SPANNER_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'legacy_orders' AND COLUMN_NAME IN ('qty', 'cover') ORDER BY COLUMN_NAME",
      json: true,
    });
    expect(columns).toEqual([
      { COLUMN_NAME: 'cover', SPANNER_TYPE: 'STRING(MAX)' },
      { COLUMN_NAME: 'qty', SPANNER_TYPE: 'INT64' },
    ]);
  });
});
