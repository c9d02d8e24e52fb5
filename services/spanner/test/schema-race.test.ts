/**
 * A field removed through instance A while instance B still has the old definition cached
 * (packages/core/SCALING.md): B's statements that name the dropped column fail in Spanner, and
 * B re-reads the schema and runs the call once more (schema.ts `noticeStale`, `refresh`) —
 * never a 500, never a per-item ITEM_NOT_FOUND. B here never reads the schema version on its
 * own (a minute's interval), so only that path can bring it up to date.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSpannerStorage } from '../src/storage.ts';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

describe('a field removed on another instance', () => {
  let a: SpannerHarness;
  let b: Harness;
  let closeB: () => Promise<void>;
  beforeAll(async () => {
    a = await startSpannerHarness();
    const storage = createSpannerStorage({ database: a.db.database, schemaCheckMs: 60_000 });
    b = await startHarness({ storage });
    closeB = async () => {
      await b.close();
    };
  });
  afterAll(async () => {
    await closeB?.();
    await a?.close();
  });

  let n = 0;
  /** A collection with `name` and `gone`, cached by B with one item, then `gone` removed through A. */
  async function removedOnA(): Promise<string> {
    const id = `race${++n}`;
    const fields = [
      { key: 'name', type: 'TEXT' },
      { key: 'gone', type: 'TEXT' },
    ];
    expect((await a.harness.client.createCollection({ id, fields })).status).toBe(200);
    const seeded = await b.client.insert(id, [{ _id: 'old', name: 'Basil', gone: 'g' }]);
    expect(seeded.body.results[0].error, JSON.stringify(seeded.body)).toBeUndefined();
    const updated = await a.harness.client.updateCollection({ id, fields: fields.slice(0, 1) });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    return id;
  }

  test('a query on B is answered from the fresh schema', async () => {
    const id = await removedOnA();
    const read = await b.client.query(id, {});
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.items).toEqual([expect.objectContaining({ _id: 'old', name: 'Basil' })]);
    expect(read.body.items[0]).not.toHaveProperty('gone');
  });

  test('an insert on B of an item without the field is written', async () => {
    const id = await removedOnA();
    const inserted = await b.client.insert(id, [{ _id: 'new', name: 'Mint' }]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    expect(inserted.body.results[0].error).toBeUndefined();
    expect(inserted.body.results[0].item).toMatchObject({ _id: 'new', name: 'Mint' });
  });

  test('an insert on B of an item with the removed field refuses the field, not the item id', async () => {
    const id = await removedOnA();
    const inserted = await b.client.insert(id, [{ _id: 'new', name: 'Mint', gone: 'x' }]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    expect(inserted.body.results[0].error).toMatchObject({
      errorCode: 'VALIDATION_ERROR',
      data: { violations: [expect.objectContaining({ fieldPath: 'items[0].gone' })] },
    });
  });

  test('a filter on B on the removed field is a 400 naming it; updates and removes on B go through', async () => {
    const id = await removedOnA();
    const filtered = await b.client.query(id, { filter: { gone: 'g' } });
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(400);
    expect(filtered.body.errorCode).toBe('VALIDATION_ERROR');
    const next = await removedOnA();
    const updated = await b.client.update(next, [{ _id: 'old', name: 'Sage' }]);
    expect(updated.body.results[0].error, JSON.stringify(updated.body)).toBeUndefined();
    const last = await removedOnA();
    const removed = await b.client.remove(last, ['old']);
    expect(removed.body.results[0].error, JSON.stringify(removed.body)).toBeUndefined();
  });

  test('an update whose DDL Spanner refuses keeps the definition it would have replaced', async () => {
    const { client } = a.harness;
    const fields = [
      { key: 'name', type: 'TEXT' },
      { key: 'kept', type: 'TEXT', displayName: 'Kept' },
    ];
    expect((await client.createCollection({ id: 'guarded', displayName: 'Guarded', fields })).status).toBe(200);
    // An owner's constraint on the column: the plan cannot see it, Spanner refuses the DROP.
    const [operation] = await a.db.database.updateSchema([
      "ALTER TABLE guarded ADD CONSTRAINT kept_not_x CHECK (kept IS NULL OR kept != 'x')",
    ]);
    await operation.promise();
    const refused = await client.updateCollection({ id: 'guarded', displayName: 'Renamed', fields: [fields[0]] });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    const cold = createSpannerStorage({ database: a.db.database });
    const stored = await cold.getCollection('guarded');
    expect(stored?.displayName).toBe('Guarded');
    expect(stored?.fields.find((f) => f.key === 'kept')).toMatchObject({ type: 'TEXT', displayName: 'Kept' });
  });

  test('an index removed on A meanwhile is, on B, the 400 of an unknown index name at once', async () => {
    const id = `idx${++n}`;
    expect((await a.harness.client.createCollection({ id, fields: [{ key: 'name', type: 'TEXT' }] })).status).toBe(200);
    const index = { name: 'i1', fields: [{ path: 'name', order: 'ASC' }] };
    expect((await a.harness.client.createIndex(id, index)).status).toBe(200);
    // B reads the indexes (its cached collection now lists i1), then A removes it.
    expect((await b.client.listIndexes(id)).body.indexes.map((i: { name: string }) => i.name)).toContain('i1');
    expect((await a.harness.client.removeIndex(id, 'i1')).status).toBe(200);
    const removed = await b.client.removeIndex(id, 'i1');
    expect(removed.status, JSON.stringify(removed.body)).toBe(400);
    expect(removed.body).toMatchObject({
      errorCode: 'VALIDATION_ERROR',
      errorMessage: expect.stringContaining("no index named 'i1'"),
    });
  });
});
