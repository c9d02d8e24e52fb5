/**
 * Schema changes on the memory reference storage and what they do to the state
 * around a collection: the reference pairs that point into it, the pairs a
 * MULTI_REFERENCE field holds, the indexes over its fields and the declared
 * index limits (docs/semantics.md §8, docs/protocol.md §5.3–§5.4, §6, §7).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, startHarness } from '../src/index.ts';
import { memoryCapabilities } from '../src/memory/capabilities.ts';

let h: Harness;
let n = 0;
/** A fresh collection id per use: the tests share one storage. */
const fresh = (prefix: string) => `${prefix}_${++n}`;

beforeAll(async () => {
  h = await startHarness({ storage: createMemoryStorage() });
});
afterAll(() => h.close());

type Pair = { referringItemId: string; referencedItemId: string };

/** A → B with a MULTI_REFERENCE field `m`, items a1 and b1, and the pair a1 → b1. */
async function linked(): Promise<{ a: string; b: string; fields: Record<string, unknown>[] }> {
  const a = fresh('a');
  const b = fresh('b');
  expect((await h.client.createCollection({ id: b, fields: [{ key: 'name', type: 'TEXT' }] })).status).toBe(200);
  const fields = [
    { key: 'name', type: 'TEXT' },
    { key: 'm', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: b } },
  ];
  expect((await h.client.createCollection({ id: a, fields })).status).toBe(200);
  await h.client.insert(b, [{ _id: 'b1', name: 'B one' }]);
  await h.client.insert(a, [{ _id: 'a1', name: 'A one' }]);
  const inserted = await h.client.insertReferences(a, 'm', [{ referringItemId: 'a1', referencedItemId: 'b1' }]);
  expect(inserted.body.results[0].error).toBeUndefined();
  return { a, b, fields };
}

async function pairsOf(collectionId: string, fieldKey: string): Promise<Pair[]> {
  const result = await h.client.queryReferenced(collectionId, fieldKey, { includeReferencedItems: false });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body.items;
}

describe('references and collection changes', () => {
  test('deleting the referenced collection removes the pairs that point into it, for good', async () => {
    const { a, b } = await linked();
    expect((await h.client.deleteCollection(b)).status).toBe(200);
    expect(await pairsOf(a, 'm')).toEqual([]);
    // Recreating the collection and the item does not bring the old pair back.
    expect((await h.client.createCollection({ id: b, fields: [{ key: 'name', type: 'TEXT' }] })).status).toBe(200);
    await h.client.insert(b, [{ _id: 'b1', name: 'B again' }]);
    expect(await pairsOf(a, 'm')).toEqual([]);
    // The field itself stays and takes new pairs.
    const again = await h.client.insertReferences(a, 'm', [{ referringItemId: 'a1', referencedItemId: 'b1' }]);
    expect(again.body.results[0].error).toBeUndefined();
    expect(await pairsOf(a, 'm')).toEqual([{ referringItemId: 'a1', referencedItemId: 'b1' }]);
  });

  test('a MULTI_REFERENCE field holding pairs cannot change its type; without pairs it can', async () => {
    const { a, fields } = await linked();
    const retyped = fields.map((f) => (f.key === 'm' ? { key: 'm', type: 'TEXT' } : f));
    const refused = await h.client.updateCollection({ id: a, fields: retyped });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(refused.body.data.errors).toEqual([{ fieldKey: 'm', message: expect.stringContaining('references') }]);
    // Nothing changed: the field and its pair are still there.
    const [collection] = (await h.client.listCollections([a])).body.collections;
    expect(collection.fields.find((f: { key: string }) => f.key === 'm').type).toBe('MULTI_REFERENCE');
    expect(await pairsOf(a, 'm')).toEqual([{ referringItemId: 'a1', referencedItemId: 'b1' }]);

    await h.client.removeReferences(a, 'm', [{ referringItemId: 'a1', referencedItemId: 'b1' }]);
    const changed = await h.client.updateCollection({ id: a, fields: retyped });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await h.client.update(a, [{ _id: 'a1', name: 'A one', m: 'text now' }]);
    // Back to MULTI_REFERENCE once the text is cleared: no pair comes back.
    await h.client.update(a, [{ _id: 'a1', name: 'A one' }]);
    expect((await h.client.updateCollection({ id: a, fields })).status).toBe(200);
    expect(await pairsOf(a, 'm')).toEqual([]);
  });
});

describe('indexes and collection changes', () => {
  test('a field an index covers cannot be removed: the refusal names the index, nothing changes', async () => {
    const id = fresh('people');
    const fields = [
      { key: 'email', type: 'TEXT' },
      { key: 'care', type: 'OBJECT' },
      { key: 'name', type: 'TEXT' },
    ];
    expect((await h.client.createCollection({ id, fields })).status).toBe(200);
    const unique = { name: 'u_email', fields: [{ path: 'email', order: 'ASC' }], unique: true };
    expect((await h.client.createIndex(id, unique)).status).toBe(200);
    const nested = { name: 'by_sun', fields: [{ path: 'care.sun', order: 'ASC' }] };
    expect((await h.client.createIndex(id, nested)).status).toBe(200);

    const refused = await h.client.updateCollection({ id, fields: [{ key: 'name', type: 'TEXT' }] });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(refused.body.data.errors).toEqual([
      { fieldKey: 'email', message: expect.stringContaining("'u_email'") },
      { fieldKey: 'care', message: expect.stringContaining("'by_sun'") },
    ]);
    const [collection] = (await h.client.listCollections([id])).body.collections;
    expect(collection.fields.map((f: { key: string }) => f.key)).toContain('email');

    // Once the index is removed, the field goes, and a field re-added under its key meets no old index.
    expect((await h.client.removeIndex(id, 'u_email')).status).toBe(200);
    const withoutEmail = fields.filter((f) => f.key !== 'email');
    const removed = await h.client.updateCollection({ id, fields: withoutEmail });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    const names = (await h.client.listIndexes(id)).body.indexes.map((i: { name: string }) => i.name);
    expect(names).toEqual(['_id_', 'by_sun']);
    const readded = await h.client.updateCollection({
      id,
      fields: [...withoutEmail, { key: 'email', type: 'NUMBER' }],
    });
    expect(readded.status, JSON.stringify(readded.body)).toBe(200);
    const inserted = await h.client.insert(id, [
      { _id: 'x', email: 1 },
      { _id: 'y', email: 1 },
    ]);
    expect(inserted.body.results.map((r: { error?: unknown }) => r.error)).toEqual([undefined, undefined]);
  });

  test('the declared limits per kind of index are enforced', async () => {
    const limits = memoryCapabilities.indexOptions;
    const id = fresh('many');
    const count = limits.maxNumberOfIndexesPerCollection + 1;
    const fields = Array.from({ length: count }, (_, i) => ({ key: `f${i}`, type: 'TEXT' }));
    expect((await h.client.createCollection({ id, fields })).status).toBe(200);
    const create = (i: number, unique: boolean) =>
      h.client.createIndex(id, { name: `i${i}`, fields: [{ path: `f${i}`, order: 'ASC' }], unique });

    let i = 0;
    for (; i < limits.maxNumberOfRegularIndexesPerCollection; i++) expect((await create(i, false)).status).toBe(200);
    const regular = await create(i++, false);
    expect(regular.status).toBe(400);
    expect(JSON.stringify(regular.body)).toContain(
      `at most ${limits.maxNumberOfRegularIndexesPerCollection} regular (non-unique) indexes`,
    );

    const uniqueLimit = Math.min(
      limits.maxNumberOfUniqueIndexesPerCollection,
      limits.maxNumberOfIndexesPerCollection - limits.maxNumberOfRegularIndexesPerCollection,
    );
    for (let u = 0; u < uniqueLimit; u++) expect((await create(i++, true)).status).toBe(200);
    const unique = await create(i++, true);
    expect(unique.status).toBe(400);
    const listed = (await h.client.listIndexes(id)).body.indexes as { unique: boolean }[];
    // The primary key on _id is listed besides the user's indexes and counts in none of the limits.
    expect(listed.length - 1).toBe(limits.maxNumberOfRegularIndexesPerCollection + uniqueLimit);
    expect(listed.filter((x) => !x.unique)).toHaveLength(limits.maxNumberOfRegularIndexesPerCollection);
  });
});
