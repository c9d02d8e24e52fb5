/**
 * A field removed through instance A while instance B still has the old definition cached
 * (packages/core/SCALING.md): B's statements that name the dropped column fail in BigQuery
 * ("Unrecognized name", "Column … is not present in table"), and B re-reads the schema and runs
 * the call once more (schema.ts `columnMissed`, `refresh`) — never a 500, never a per-item
 * error on the item id. B here never reads the schema label on its own (a minute's interval),
 * so only that path can bring it up to date.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBigQueryStorage } from '../src/storage.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

describe('a field removed on another instance', () => {
  let a: BigQueryHarness;
  let b: Harness;
  beforeAll(async () => {
    a = await startBigQueryHarness({ retry: { baseDelayMs: 1 } });
    const storage = createBigQueryStorage({
      bq: a.ds.bq,
      projectId: a.ds.projectId,
      datasetId: a.ds.datasetId,
      schemaCheckMs: 60_000,
      retry: { baseDelayMs: 1 },
    });
    b = await startHarness({ storage });
  });
  afterAll(async () => {
    await b?.close();
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

  test('a filter on B on the removed field is a 400 naming it; updates on B go through', async () => {
    const id = await removedOnA();
    const filtered = await b.client.query(id, { filter: { gone: 'g' } });
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(400);
    expect(filtered.body.errorCode).toBe('VALIDATION_ERROR');
    const next = await removedOnA();
    const updated = await b.client.update(next, [{ _id: 'old', name: 'Sage' }]);
    expect(updated.body.results[0].error, JSON.stringify(updated.body)).toBeUndefined();
  });

  test('an update on B planned without a field A added a moment ago is refused, not a silent removal', async () => {
    const id = `concurrent${++n}`;
    const f = { key: 'f', type: 'TEXT' };
    expect((await a.harness.client.createCollection({ id, fields: [f] })).status).toBe(200);
    expect((await b.client.query(id, {})).status).toBe(200); // B serves the collection as [f]
    const added = await a.harness.client.updateCollection({ id, fields: [f, { key: 'x', type: 'TEXT' }] });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    // B's caller, who saw [f], adds y: the full list it sends lacks x.
    const refused = await b.client.updateCollection({ id, fields: [f, { key: 'y', type: 'TEXT' }] });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(refused.body.data.errors).toEqual([
      { fieldKey: 'x', message: expect.stringContaining('read the collection again') },
    ]);
    const keys = async (client: Harness['client']) =>
      (await client.listCollections([id])).body.collections[0].fields
        .map((field: { key: string }) => field.key)
        .filter((key: string) => !key.startsWith('_'));
    expect(await keys(a.harness.client)).toEqual(['f', 'x']);
    // Read again, the change is made; and a removal the caller does list goes through.
    expect(await keys(b.client)).toEqual(['f', 'x']);
    const both = await b.client.updateCollection({
      id,
      fields: [f, { key: 'x', type: 'TEXT' }, { key: 'y', type: 'TEXT' }],
    });
    expect(both.status, JSON.stringify(both.body)).toBe(200);
    const removed = await b.client.updateCollection({ id, fields: [f, { key: 'y', type: 'TEXT' }] });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.collection.fields.map((field: { key: string }) => field.key)).not.toContain('x');
    expect(await keys(b.client)).toEqual(['f', 'y']);
  });
});
