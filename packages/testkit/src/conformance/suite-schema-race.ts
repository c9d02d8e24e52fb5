/**
 * A collection changed through instance A while instance B still has the old definition cached
 * (packages/core/SCALING.md). On services whose engine refuses a statement naming a column that
 * is gone (Spanner, BigQuery), B re-reads the schema and runs the call once more — never a 500,
 * never a per-item error on the item id. On every service, a definition B's caller planned
 * without a field A added a moment ago is refused rather than applied as a removal of it.
 *
 * The service opens A and B on one database, B never reading the schema version on its own (a
 * minute's interval, so only the paths under test bring it up to date), then calls the suites
 * that apply to it inside its own `describe`: `concurrentUpdateSuite` on every engine,
 * `removedFieldRaceSuite` where B's statements naming a dropped column fail (on Firestore B
 * answers reads from its cache within SCHEMA_CHECK_MS, packages/core/SCALING.md).
 */
import { expect, test } from 'vitest';
import type { WixClient } from '../client.ts';

export interface SchemaRaceTarget {
  /** Instance A: makes the changes. */
  readonly a: WixClient;
  /** Instance B: its cache is older. */
  readonly b: WixClient;
}

/** A field removed on A, on engines whose statements naming a dropped column fail (B then re-reads). */
export function removedFieldRaceSuite(get: () => SchemaRaceTarget): void {
  let n = 0;
  /** A collection with `name` and `gone`, cached by B with one item, then `gone` removed through A. */
  async function removedOnA(): Promise<string> {
    const { a, b } = get();
    const id = `race${++n}`;
    const fields = [
      { key: 'name', type: 'TEXT' },
      { key: 'gone', type: 'TEXT' },
    ];
    expect((await a.createCollection({ id, fields })).status).toBe(200);
    const seeded = await b.insert(id, [{ _id: 'old', name: 'Basil', gone: 'g' }]);
    expect(seeded.body.results[0].error, JSON.stringify(seeded.body)).toBeUndefined();
    const updated = await a.updateCollection({ id, fields: fields.slice(0, 1) });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    return id;
  }

  test('a field removed on A: a query on B is answered from the fresh schema', async () => {
    const id = await removedOnA();
    const read = await get().b.query(id, {});
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.items).toEqual([expect.objectContaining({ _id: 'old', name: 'Basil' })]);
    expect(read.body.items[0]).not.toHaveProperty('gone');
  });

  test('a field removed on A: an insert on B of an item without the field is written', async () => {
    const id = await removedOnA();
    const inserted = await get().b.insert(id, [{ _id: 'new', name: 'Mint' }]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    expect(inserted.body.results[0].error).toBeUndefined();
    expect(inserted.body.results[0].item).toMatchObject({ _id: 'new', name: 'Mint' });
  });

  test('a field removed on A: an insert on B of an item with the field refuses the field, not the item id', async () => {
    const id = await removedOnA();
    const inserted = await get().b.insert(id, [{ _id: 'new', name: 'Mint', gone: 'x' }]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    expect(inserted.body.results[0].error).toMatchObject({
      errorCode: 'VALIDATION_ERROR',
      data: { violations: [expect.objectContaining({ fieldPath: 'items[0].gone' })] },
    });
  });

  test('a field removed on A: a filter on B on it is a 400 naming it; updates and removes on B go through', async () => {
    const { b } = get();
    const id = await removedOnA();
    const filtered = await b.query(id, { filter: { gone: 'g' } });
    expect(filtered.status, JSON.stringify(filtered.body)).toBe(400);
    expect(filtered.body.errorCode).toBe('VALIDATION_ERROR');
    const next = await removedOnA();
    const updated = await b.update(next, [{ _id: 'old', name: 'Sage' }]);
    expect(updated.body.results[0].error, JSON.stringify(updated.body)).toBeUndefined();
    const last = await removedOnA();
    const removed = await b.remove(last, ['old']);
    expect(removed.body.results[0].error, JSON.stringify(removed.body)).toBeUndefined();
  });
}

/**
 * What every service with several instances must refuse, whatever its engine: an update B's
 * caller planned without a field A added a moment ago (core concurrent-change.ts).
 */
export function concurrentUpdateSuite(get: () => SchemaRaceTarget): void {
  let n = 0;
  test('an update on B planned without a field A added a moment ago is refused, not a silent removal', async () => {
    const { a, b } = get();
    const id = `concurrent${++n}`;
    const f = { key: 'f', type: 'TEXT' };
    expect((await a.createCollection({ id, fields: [f] })).status).toBe(200);
    expect((await b.query(id, {})).status).toBe(200); // B serves the collection as [f]
    const added = await a.updateCollection({ id, fields: [f, { key: 'x', type: 'TEXT' }] });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    // B's caller, who saw [f], adds y: the full list it sends lacks x.
    const refused = await b.updateCollection({ id, fields: [f, { key: 'y', type: 'TEXT' }] });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(refused.body.data.errors).toEqual([
      { fieldKey: 'x', message: expect.stringContaining('read the collection again') },
    ]);
    const keys = async (client: WixClient) =>
      (await client.listCollections([id])).body.collections[0].fields
        .map((field: { key: string }) => field.key)
        .filter((key: string) => !key.startsWith('_'));
    expect(await keys(a)).toEqual(['f', 'x']);
    // Read again, the change is made; and a removal the caller does list goes through.
    expect(await keys(b)).toEqual(['f', 'x']);
    const both = await b.updateCollection({ id, fields: [f, { key: 'x', type: 'TEXT' }, { key: 'y', type: 'TEXT' }] });
    expect(both.status, JSON.stringify(both.body)).toBe(200);
    const removed = await b.updateCollection({ id, fields: [f, { key: 'y', type: 'TEXT' }] });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.collection.fields.map((field: { key: string }) => field.key)).not.toContain('x');
    expect(await keys(b)).toEqual(['f', 'y']);
  });
}
