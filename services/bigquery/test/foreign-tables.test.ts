/**
 * Tables the adaptor did not create, made with tables.insert and DDL: typed
 * from their columns, values read exactly, writable only under Wix's
 * read-write rule (all four system columns), read-only otherwise with the
 * reason; collections/update adds missing system columns (not `_id`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

type Field = { key: string; type: string; description?: string };

describe('tables created outside the adaptor', () => {
  let h: BigQueryHarness;
  beforeAll(async () => {
    h = await startBigQueryHarness();
    const ds = h.ds.bq.dataset(h.ds.datasetId);
    await ds.createTable('legacy_orders', {
      schema: [
        { name: '_id', type: 'STRING' },
        { name: 'qty', type: 'INTEGER', description: 'Units ordered' },
        { name: 'price', type: 'NUMERIC' },
        { name: 'shipped', type: 'DATE' },
        { name: 'paid', type: 'BOOLEAN' },
        { name: 'info', type: 'JSON' },
        { name: 'tags', type: 'STRING', mode: 'REPEATED' },
        { name: 'scores', type: 'FLOAT', mode: 'REPEATED' },
        { name: 'placed_at', type: 'TIMESTAMP' },
        { name: 'local_time', type: 'DATETIME' },
      ],
    });
    await h.ds.bq.query({
      query: `CREATE TABLE \`${h.ds.datasetId}.audit_log\` (entry_id INT64, message STRING)`,
    });
    await h.ds.bq.query({
      query:
        `INSERT INTO \`${h.ds.datasetId}.legacy_orders\` (_id, qty, price, shipped, paid, info, tags, scores, placed_at) VALUES ` +
        `('o1', 3, NUMERIC '19.99', DATE '2024-05-01', TRUE, JSON '{"carrier":"DHL","boxes":2}', ['gift','express'], [1.5, 2.0], TIMESTAMP '1969-07-20T20:17:40.123Z'), ` +
        `('o2', 1, NULL, NULL, NULL, NULL, [], [], NULL); ` +
        `INSERT INTO \`${h.ds.datasetId}.audit_log\` (entry_id, message) VALUES (7, 'created')`,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('listed and typed from their columns; unsupported column types are left out', async () => {
    const listed = await h.harness.client.listCollections();
    expect(listed.status).toBe(200);
    const byId = new Map(listed.body.collections.map((c: { id: string }) => [c.id, c]));
    expect([...byId.keys()].sort()).toEqual(['audit_log', 'legacy_orders']);
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
      ['placed_at', 'DATETIME'],
    ]);
    expect(orders.fields.find((f) => f.key === 'qty')?.description).toBe('Units ordered');
    // Only _id of the four system fields: read-only until they are added (Wix's read-write rule).
    expect(orders.capabilities.dataOperations).not.toContain('INSERT');
    const log = byId.get('audit_log') as { capabilities: { dataOperations: string[] } };
    expect(log.capabilities.dataOperations).not.toContain('INSERT');
    expect(log.capabilities.dataOperations).toContain('QUERY');
  });

  test('values are read exactly (pre-1970 instants too), filters and sorts use the real column types', async () => {
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
      placed_at: { $date: '1969-07-20T20:17:40.123Z' },
    });
    // NULL columns are answered as null (SEMANTICS.md rule 39); REPEATED columns hold [] instead of NULL.
    expect(all.body.items[1]).toEqual({
      _id: 'o2',
      qty: '1',
      price: null,
      shipped: null,
      paid: null,
      info: null,
      tags: [],
      scores: [],
      placed_at: null,
    });
    const filtered = await client.query('legacy_orders', {
      filter: { $and: [{ qty: { $gt: '2' } }, { shipped: { $gte: '2024-01-01' } }, { tags: { $hasSome: ['gift'] } }] },
    });
    expect(filtered.body.items.map((i: { _id: string }) => i._id)).toEqual(['o1']);
    expect((await client.query('audit_log', {})).body.items).toEqual([{ entry_id: '7', message: 'created' }]);
  });

  test('a table lacking system columns is read-only, says which and how; collections/update adds them', async () => {
    const { client } = h.harness;
    const refused = await client.insert('legacy_orders', [{ _id: 'o9', qty: '1' }]);
    expect(refused.status).toBe(400);
    expect(refused.body.errorMessage).toContain('it lacks _createdDate, _updatedDate, _owner');
    expect(refused.body.errorMessage).toContain('_createdDate TIMESTAMP');
    const listed = await client.listCollections(['legacy_orders']);
    const fields = (listed.body.collections[0].fields as Field[]).map(({ key, type }) => ({ key, type }));
    const updated = await client.updateCollection({ id: 'legacy_orders', fields });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.collection.capabilities.dataOperations).toContain('INSERT');
    const [table] = await h.ds.bq.dataset(h.ds.datasetId).table('legacy_orders').getMetadata();
    const types = new Map(
      (table.schema.fields as { name: string; type: string }[]).map((f) => [f.name, f.type] as const),
    );
    expect(types.get('_createdDate')).toBe('TIMESTAMP');
    expect(types.get('_updatedDate')).toBe('TIMESTAMP');
    expect(types.get('_owner')).toBe('STRING');
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
    const answered = result.body.results[0].item;
    expect(answered).toMatchObject({
      _id: 'o3',
      qty: '5',
      price: '2.5',
      shipped: '2024-06-01',
      tags: ['x'],
      scores: [],
    });
    // Every insert answer carries the server's dates as {"$date"}.
    expect(answered._createdDate).toEqual({ $date: expect.stringMatching(/Z$/) });
    expect(answered._updatedDate).toEqual(answered._createdDate);
    expect(result.body.results[1].error).toMatchObject({ errorCode: 'VALIDATION_ERROR' });
    expect(result.body.results[1].error.errorMessage).toContain('whole number');
    const read = await client.query('legacy_orders', { filter: { _id: 'o3' } });
    expect(read.body.items).toEqual([answered]);
  });

  test('a table without _id is read-only: writes and schema changes are refused saying why', async () => {
    const { client } = h.harness;
    const insert = await client.insert('audit_log', [{ message: 'x' }]);
    expect(insert.status).toBe(400);
    expect(insert.body.errorMessage).toContain('read-only');
    expect(insert.body.errorMessage).toContain('unique text id for every existing row');
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
});
