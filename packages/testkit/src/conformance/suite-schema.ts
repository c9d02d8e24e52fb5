/**
 * Collections (docs/protocol.md §5), capabilities (§6), indexes (§7) and references
 * (§4.9–§4.11), each held to what the storage declares.
 */
import { describe, expect, test } from 'vitest';
import { createZoo } from './suite-queries.ts';
import { type ConformanceTarget, uniqueCollectionId } from './target.ts';

type FieldOut = {
  key: string;
  type: string;
  displayName?: string;
  capabilities: { sortable: boolean; queryOperators: string[] };
};

export function schemaSuite(get: () => ConformanceTarget): void {
  test('capabilities/get reports the storage declaration', async () => {
    const { client, capabilities } = get();
    const result = await client.capabilities();
    expect(result.status).toBe(200);
    expect(result.body.supportsCollectionModifications).toBe(capabilities.supportsCollectionModifications);
    expect(result.body.indexOptions).toEqual(capabilities.indexOptions);
    for (const type of result.body.supportedFieldTypes) {
      expect(['PAGE_LINK', 'TIMESTAMP', 'JSON', 'LONG_TEXT', 'SINGLE_REFERENCE']).not.toContain(type);
    }
  });

  test('create → get → update (add, change, remove) → delete', async () => {
    const { client, capabilities } = get();
    const id = uniqueCollectionId('schema');
    const created = await client.createCollection({
      id,
      displayName: 'Suppliers',
      fields: [
        { key: 'name', type: 'TEXT', displayName: 'Name', description: 'Shown to visitors' },
        { key: 'rating', type: 'NUMBER' },
        { key: 'website', type: 'URL' },
        { key: 'logo', type: 'IMAGE' },
        { key: 'since', type: 'DATE' },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const collection = created.body.collection;
    expect(collection.displayName).toBe('Suppliers');
    expect(collection.pagingMode).toBe(capabilities.defaultPagingMode);
    expect(collection.capabilities.dataOperations).toEqual(capabilities.dataOperations);
    const byKey = new Map<string, FieldOut>(collection.fields.map((f: FieldOut) => [f.key, f]));
    for (const key of ['_id', '_createdDate', '_updatedDate', '_owner']) expect(byKey.has(key)).toBe(true);
    expect(byKey.get('logo')?.type).toBe('IMAGE');
    expect(byKey.get('since')?.type).toBe('DATE');
    expect(byKey.get('name')).toMatchObject({ displayName: 'Name', description: 'Shown to visitors' });
    expect(byKey.get('rating')?.capabilities).toEqual(
      capabilities.fieldCapabilities({ key: 'rating', type: 'NUMBER' }),
    );

    const listed = await client.listCollections([id, 'missing_collection']);
    expect(listed.body.collections).toEqual([collection]);
    const all = await client.listCollections();
    expect(all.body.collections.map((c: { id: string }) => c.id)).toContain(id);

    expect((await client.createCollection({ id, fields: [] })).body.errorCode).toBe('COLLECTION_ALREADY_EXISTS');

    const updated = await client.updateCollection({
      id,
      displayName: 'Suppliers',
      fields: [
        { key: 'name', type: 'TEXT', displayName: 'Name' },
        { key: 'rating', type: 'TEXT' },
        { key: 'country', type: 'TEXT' },
        { key: 'logo', type: 'IMAGE' },
        { key: 'since', type: 'DATE' },
      ],
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const keys = updated.body.collection.fields.map((f: FieldOut) => f.key);
    expect(keys).toContain('country');
    expect(keys).not.toContain('website');
    expect(updated.body.collection.fields.find((f: FieldOut) => f.key === 'rating').type).toBe('TEXT');
    const insert = await client.insert(id, [{ _id: 's1', name: 'Acme', rating: 'five', country: 'NL' }]);
    expect(insert.body.results[0].item).toMatchObject({ rating: 'five', country: 'NL' });

    expect((await client.deleteCollection(id)).body).toEqual({});
    expect((await client.query(id)).status).toBe(404);
    expect((await client.deleteCollection(id)).status).toBe(404);
  });

  test('a field type the storage cannot create is refused per field', async () => {
    const { client, capabilities } = get();
    const unsupported = ['TEXT', 'NUMBER', 'BOOLEAN', 'DATETIME', 'OBJECT', 'ARRAY_STRING', 'ANY', 'ADDRESS'].find(
      (t) => !capabilities.supportedFieldTypes.includes(t as never),
    );
    const result = await client.createCollection({
      id: uniqueCollectionId('badtype'),
      fields: [{ key: 'x', type: unsupported ?? 'PAGE_LINK' }],
    });
    expect(result.status).toBe(400);
    expect(['COLLECTION_CHANGE_NOT_SUPPORTED', 'VALIDATION_ERROR']).toContain(result.body.errorCode);
  });

  test('indexes: declared support is honoured', async () => {
    const { client, capabilities } = get();
    const zoo = await createZoo(get(), 'idx');
    const listed = await client.listIndexes(zoo);
    if (!capabilities.indexOptions.supportsIndexes) {
      expect(listed.status).toBe(400);
      return;
    }
    expect(listed.body.indexes.some((i: { unique: boolean }) => i.unique)).toBe(true);
    const created = await client.createIndex(zoo, {
      name: 'by_title',
      fields: [{ path: 'title', order: 'ASC' }],
      unique: false,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.index).toMatchObject({ name: 'by_title', unique: false });
    expect(['BUILDING', 'ACTIVE']).toContain(created.body.index.status);
    expect((await client.listIndexes(zoo)).body.indexes.map((i: { name: string }) => i.name)).toContain('by_title');
    expect((await client.removeIndex(zoo, 'by_title')).status).toBe(200);
  });

  test('indexes: a unique index refuses a second item with its value, not items without one', async () => {
    const { client, capabilities } = get();
    if (!capabilities.indexOptions.supportsIndexes) return;
    const id = uniqueCollectionId('uniq');
    const fields = [
      { key: 'code', type: 'TEXT' },
      { key: 'n', type: 'NUMBER' },
    ];
    expect((await client.createCollection({ id, fields })).status).toBe(200);
    await client.insert(id, [
      { _id: 'a', code: 'same', n: 1 },
      { _id: 'b', code: 'same', n: 2 },
    ]);
    // Over items that already share a value: refused, and no index is left behind.
    const over = await client.createIndex(id, {
      name: 'by_code',
      fields: [{ path: 'code', order: 'ASC' }],
      unique: true,
    });
    expect(over.status, JSON.stringify(over.body)).toBe(400);
    expect((await client.listIndexes(id)).body.indexes.map((i: { name: string }) => i.name)).not.toContain('by_code');
    const created = await client.createIndex(id, { name: 'by_n', fields: [{ path: 'n', order: 'ASC' }], unique: true });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const inserted = await client.insert(id, [
      { _id: 'c', n: 1 },
      { _id: 'd', code: 'x' },
      { _id: 'e', code: 'y' },
      { _id: 'f', n: 3 },
    ]);
    expect(inserted.body.results.map((r: { error?: { errorCode: string } }) => r.error?.errorCode ?? 'ok')).toEqual([
      'VALIDATION_ERROR',
      'ok',
      'ok',
      'ok',
    ]);
    const updated = await client.update(id, [{ _id: 'f', n: 2 }]);
    expect(updated.body.results[0].error?.errorCode).toBe('VALIDATION_ERROR');
    expect((await client.update(id, [{ _id: 'f', n: 4 }])).body.results[0].error).toBeUndefined();
    const ids = await client.query(id, { sort: [{ fieldName: '_id' }] });
    expect(ids.body.items.map((i: { _id: string; n?: number }) => [i._id, i.n ?? null])).toEqual([
      ['a', 1],
      ['b', 2],
      ['d', null],
      ['e', null],
      ['f', 4],
    ]);
  });

  describe('references', () => {
    test('insert, query with items and projection, duplicates, missing items, remove', async () => {
      const { client, capabilities } = get();
      const suppliers = uniqueCollectionId('sup');
      const plants = uniqueCollectionId('pl');
      expect((await client.createCollection({ id: suppliers, fields: [{ key: 'name', type: 'TEXT' }] })).status).toBe(
        200,
      );
      const createdPlants = await client.createCollection({
        id: plants,
        fields: [
          { key: 'name', type: 'TEXT' },
          { key: 'suppliers', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: suppliers } },
        ],
      });
      const supported = capabilities.dataOperations.includes('INSERT_REFERENCES');
      if (!capabilities.supportedFieldTypes.includes('MULTI_REFERENCE')) {
        expect(createdPlants.status).toBe(400);
        return;
      }
      expect(createdPlants.status, JSON.stringify(createdPlants.body)).toBe(200);
      await client.insert(suppliers, [
        { _id: 's1', name: 'Acme' },
        { _id: 's2', name: 'Bloom' },
        { _id: 's3', name: 'Cedar' },
      ]);
      await client.insert(plants, [
        { _id: 'p1', name: 'Thyme' },
        { _id: 'p2', name: 'Sage' },
      ]);
      const pairs = [
        { referringItemId: 'p1', referencedItemId: 's2' },
        { referringItemId: 'p1', referencedItemId: 's1' },
        { referringItemId: 'p2', referencedItemId: 's1' },
      ];
      const inserted = await client.insertReferences(plants, 'suppliers', [
        ...pairs,
        pairs[0],
        { referringItemId: 'p1', referencedItemId: 'nope' },
      ]);
      if (!supported) {
        expect(inserted.status).toBe(400);
        return;
      }
      const codes = inserted.body.results.map(
        (r: { reference?: unknown; error?: { errorCode: string } }) => r.error?.errorCode ?? 'ok',
      );
      expect(codes).toEqual(['ok', 'ok', 'ok', 'REFERENCE_ALREADY_EXISTS', 'ITEM_NOT_FOUND']);

      // Its pairs are no value on the item: no distinct values either (rule 24), a 400 naming the field.
      const distinct = await client.distinct(plants, 'suppliers');
      expect(distinct.status, JSON.stringify(distinct.body)).toBe(400);
      expect(distinct.body.errorMessage).toContain("'suppliers' is a MULTI_REFERENCE field");

      const queried = await client.queryReferenced(plants, 'suppliers', {
        referringItemIds: ['p1'],
        fieldsToReturn: ['name'],
        order: 'ASC',
        paging: { limit: 10, offset: 0 },
        returnTotalCount: true,
      });
      expect(queried.status, JSON.stringify(queried.body)).toBe(200);
      expect(queried.body.items).toEqual([
        { referringItemId: 'p1', referencedItemId: 's2', referencedItem: { _id: 's2', name: 'Bloom' } },
        { referringItemId: 'p1', referencedItemId: 's1', referencedItem: { _id: 's1', name: 'Acme' } },
      ]);
      expect(queried.body.pagingMetadata.total).toBe(2);

      const byReferenced = await client.queryReferenced(plants, 'suppliers', {
        referencedItemIds: ['s1'],
        includeReferencedItems: false,
      });
      expect(byReferenced.body.items).toEqual([
        { referringItemId: 'p1', referencedItemId: 's1' },
        { referringItemId: 'p2', referencedItemId: 's1' },
      ]);

      // Cursor paging: follow-ups carry only the cursor, which keeps the ids, the order and the field.
      const walked: unknown[] = [];
      let page = await client.queryReferenced(plants, 'suppliers', {
        referringItemIds: ['p1'],
        includeReferencedItems: false,
        order: 'DESC',
        cursorPaging: { limit: 1 },
      });
      for (let i = 0; i < 5 && page.status === 200; i++) {
        walked.push(...page.body.items);
        const next = page.body.pagingMetadata.cursors?.next;
        if (!next) break;
        page = await client.call('items/query-referenced', {
          collectionId: plants,
          cursorPaging: { limit: 1, cursor: next },
        });
      }
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(walked).toEqual([
        { referringItemId: 'p1', referencedItemId: 's1' },
        { referringItemId: 'p1', referencedItemId: 's2' },
      ]);

      // A field holding pairs keeps its type (docs/protocol.md §5.3): the pairs would stay behind.
      const retyped = await client.updateCollection({
        id: plants,
        fields: [
          { key: 'name', type: 'TEXT' },
          { key: 'suppliers', type: 'TEXT' },
        ],
      });
      expect(retyped.status, JSON.stringify(retyped.body)).toBe(400);
      expect(retyped.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');

      const removed = await client.removeReferences(plants, 'suppliers', [pairs[1], pairs[1]]);
      expect(removed.body.results[0]).toEqual({ reference: pairs[1] });
      expect(removed.body.results[1].error.errorCode).toBe('REFERENCE_NOT_FOUND');

      // Removing an item removes its pairs (docs/semantics.md §8).
      await client.remove(suppliers, ['s1']);
      const after = await client.queryReferenced(plants, 'suppliers', { includeReferencedItems: false });
      expect(after.body.items).toEqual([{ referringItemId: 'p1', referencedItemId: 's2' }]);
    });

    test('deleting the referenced collection removes the pairs into it, for good', async () => {
      const { client, capabilities } = get();
      if (!capabilities.supportedFieldTypes.includes('MULTI_REFERENCE')) return;
      if (!capabilities.dataOperations.includes('INSERT_REFERENCES')) return;
      const suppliers = uniqueCollectionId('sup');
      const plants = uniqueCollectionId('pl');
      const supplierFields = [{ key: 'name', type: 'TEXT' }];
      expect((await client.createCollection({ id: suppliers, fields: supplierFields })).status).toBe(200);
      const created = await client.createCollection({
        id: plants,
        fields: [
          { key: 'name', type: 'TEXT' },
          { key: 'suppliers', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: suppliers } },
        ],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      await client.insert(suppliers, [{ _id: 's1', name: 'Acme' }]);
      await client.insert(plants, [{ _id: 'p1', name: 'Thyme' }]);
      const pair = { referringItemId: 'p1', referencedItemId: 's1' };
      expect((await client.insertReferences(plants, 'suppliers', [pair])).body.results).toEqual([{ reference: pair }]);

      // Deleting a collection removes the pairs that involve it (docs/semantics.md §8), not only its own.
      expect((await client.deleteCollection(suppliers)).status).toBe(200);
      const pairs = async () =>
        (await client.queryReferenced(plants, 'suppliers', { includeReferencedItems: false })).body;
      expect((await pairs()).items).toEqual([]);
      // A collection and item recreated under the same ids do not bring the pair back.
      expect((await client.createCollection({ id: suppliers, fields: supplierFields })).status).toBe(200);
      await client.insert(suppliers, [{ _id: 's1', name: 'Acme again' }]);
      expect((await pairs()).items).toEqual([]);
      await client.deleteCollection(plants);
      await client.deleteCollection(suppliers);
    });
  });
}
