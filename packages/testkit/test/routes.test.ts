/**
 * Every v3 route over real HTTP on the memory storage: documented shapes,
 * system fields, full-replace update, positional bulk results, paging, cursors,
 * collections, references, indexes, and 400s that name the offending path.
 */
import { ENDPOINTS, type EndpointName, errors, openApiDocument, RESPONSE_KEYS } from '@adaptors/core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, plantsCollection, samplePlants, startHarness } from '../src/index.ts';

let h: Harness;
let clock = new Date('2026-06-03T07:20:11.402Z');

beforeAll(async () => {
  h = await startHarness({
    storage: createMemoryStorage({ collections: [plantsCollection] }),
    now: () => clock,
  });
});
afterAll(() => h.close());

beforeEach(async () => {
  clock = new Date('2026-06-03T07:20:11.402Z');
  await h.client.truncate('plants');
  const seeded = await h.client.insert('plants', [...samplePlants]);
  expect(seeded.status).toBe(200);
});

const ids = (items: { _id: string }[]) => items.map((item) => item._id);

describe('items/insert', () => {
  test('stamps system dates as {$date}, keeps 0/false/"" and answers positionally', async () => {
    const result = await h.client.insert('plants', [
      { _id: 'zero', commonName: '', heightCm: 0, perennial: false, tags: [] },
      { _id: 'thyme', commonName: 'Duplicate' },
      { commonName: 'No id' },
    ]);
    expect(result.status).toBe(200);
    const [first, second, third] = result.body.results;
    expect(first.item).toEqual({
      _id: 'zero',
      commonName: '',
      heightCm: 0,
      perennial: false,
      tags: [],
      _createdDate: { $date: '2026-06-03T07:20:11.402Z' },
      _updatedDate: { $date: '2026-06-03T07:20:11.402Z' },
      // Every declared field is answered, null when the item has none (SEMANTICS.md rule 39).
      _owner: null,
      care: null,
      family: null,
      lastWatered: null,
      plantedOn: null,
    });
    expect(second.error).toMatchObject({ errorCode: 'ITEM_ALREADY_EXISTS', data: { itemId: 'thyme' } });
    expect(third.item._id).toMatch(/^[0-9a-f-]{36}$/);
    const stored = await h.client.query('plants', { filter: { _id: 'zero' } });
    expect(stored.body.items[0]).toMatchObject({ heightCm: 0, perennial: false, commonName: '' });
  });

  test('one invalid item is an error entry, the others are stored', async () => {
    const result = await h.client.insert('plants', [
      { _id: 'a1', heightCm: 'tall' },
      { _id: 'a2', heightCm: 10 },
      { _id: 'a3', unknownField: 1 },
    ]);
    expect(result.status).toBe(200);
    expect(result.body.results[0].error.errorCode).toBe('VALIDATION_ERROR');
    expect(result.body.results[0].error.data.violations[0].fieldPath).toContain('heightCm');
    expect(result.body.results[1].item._id).toBe('a2');
    expect(result.body.results[2].error.errorCode).toBe('VALIDATION_ERROR');
    expect((await h.client.count('plants', { _id: { $in: ['a1', 'a2', 'a3'] } })).body.totalCount).toBe(1);
  });

  test('DATETIME values round-trip as {$date}; a DATE stays a string', async () => {
    const result = await h.client.insert('plants', [
      { _id: 'd', lastWatered: { $date: '2026-06-03T07:15:00Z' }, plantedOn: '2026-04-12' },
    ]);
    expect(result.body.results[0].item.lastWatered).toEqual({ $date: '2026-06-03T07:15:00.000Z' });
    const read = await h.client.query('plants', { filter: { _id: 'd' } });
    expect(read.body.items[0].lastWatered).toEqual({ $date: '2026-06-03T07:15:00.000Z' });
    expect(read.body.items[0].plantedOn).toBe('2026-04-12');
  });
});

describe('items/update', () => {
  test('replaces the whole item, keeps _createdDate, stamps _updatedDate, answers dates as {$date}', async () => {
    clock = new Date('2026-06-05T18:02:47.119Z');
    const result = await h.client.update('plants', [
      { _id: 'thyme', commonName: 'Lemon thyme', heightCm: 30, _createdDate: { $date: '1999-01-01T00:00:00Z' } },
      { _id: 'ghost', commonName: 'Ghost plant' },
      { commonName: 'no id' },
    ]);
    expect(result.status).toBe(200);
    const [first, second, third] = result.body.results;
    expect(first.item).toEqual({
      _id: 'thyme',
      commonName: 'Lemon thyme',
      heightCm: 30,
      _createdDate: { $date: '2026-06-03T07:20:11.402Z' },
      _updatedDate: { $date: '2026-06-05T18:02:47.119Z' },
      _owner: null,
      care: null,
      family: null,
      lastWatered: null,
      perennial: null,
      plantedOn: null,
      tags: null,
    });
    expect(second.error).toMatchObject({ errorCode: 'ITEM_NOT_FOUND', data: { itemId: 'ghost' } });
    expect(third.error.errorCode).toBe('VALIDATION_ERROR');
    const read = await h.client.query('plants', { filter: { _id: 'thyme' } });
    expect(read.body.items[0].family).toBeNull();
    expect(read.body.items[0].tags).toBeNull();
  });
});

describe('items/remove and truncate', () => {
  test('remove answers the removed items and ITEM_NOT_FOUND in place', async () => {
    const result = await h.client.remove('plants', ['sage', 'nope', 'rose']);
    expect(
      result.body.results.map(
        (r: { item?: { _id: string }; error?: { errorCode: string } }) => r.item?._id ?? r.error?.errorCode,
      ),
    ).toEqual(['sage', 'ITEM_NOT_FOUND', 'rose']);
    expect(result.body.results[0].item.commonName).toBe('Sage');
    expect((await h.client.count('plants')).body.totalCount).toBe(samplePlants.length - 2);
  });

  test('truncate empties the collection and answers {}', async () => {
    const result = await h.client.truncate('plants');
    expect(result).toMatchObject({ status: 200, body: {} });
    expect((await h.client.count('plants')).body.totalCount).toBe(0);
  });
});

describe('items/query', () => {
  test('filter, sort, projection, offset paging and total', async () => {
    const result = await h.client.query(
      'plants',
      {
        filter: { $and: [{ perennial: true }, { heightCm: { $lte: 120 } }] },
        sort: [{ fieldName: 'heightCm', order: 'DESC' }],
        fields: ['commonName', 'heightCm'],
        paging: { limit: 2, offset: 0 },
      },
      { returnTotalCount: true },
    );
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      items: [
        { _id: 'lavender', commonName: 'Lavender', heightCm: 90 },
        { _id: 'sage', commonName: 'Sage', heightCm: 60 },
      ],
      pagingMetadata: { count: 2, offset: 0, total: 4 },
    });
  });

  test('no total unless asked; default order is stable by _id', async () => {
    const result = await h.client.query('plants', { paging: { limit: 3, offset: 1 } });
    expect(result.body.pagingMetadata).toEqual({ count: 3, offset: 1 });
    expect(ids(result.body.items)).toEqual(['lavender', 'rose', 'sage']);
  });

  test('case-insensitive startsWith, $hasAll, $matches', async () => {
    const starts = await h.client.query('plants', { filter: { commonName: { $startsWith: 'LA' } } });
    expect(ids(starts.body.items)).toEqual(['lavender']);
    const all = await h.client.query('plants', { filter: { tags: { $hasAll: ['culinary', 'herb'] } } });
    expect(ids(all.body.items)).toEqual(['basil', 'sage', 'thyme']);
    const matches = await h.client.query('plants', {
      filter: {
        commonName: {
          $matches: {
            ignoreCase: true,
            spec: [
              { type: 'literal', value: 'ros' },
              { type: 'anyOf', value: 'eE' },
            ],
          },
        },
      },
    });
    expect(ids(matches.body.items)).toEqual(['rose']);
  });

  test('cursor paging walks every item once, follow-ups carry only the cursor', async () => {
    const seen: string[] = [];
    let result = await h.client.query('plants', {
      filter: { perennial: { $exists: true } },
      sort: [{ fieldName: 'family', order: 'ASC' }],
      fields: ['commonName'],
      cursorPaging: { limit: 2 },
    });
    for (let guard = 0; guard < 10; guard++) {
      expect(result.status).toBe(200);
      expect(result.body.pagingMetadata.total).toBeUndefined();
      for (const item of result.body.items) {
        expect(Object.keys(item).sort()).toEqual(['_id', 'commonName']);
        seen.push(item._id);
      }
      const next = result.body.pagingMetadata.cursors.next;
      if (!next) break;
      result = await h.client.query('plants', { filter: {}, cursorPaging: { limit: 2, cursor: next } });
    }
    expect(seen).toEqual(['basil', 'lavender', 'sage', 'thyme', 'rose', 'tomato']);
  });

  test('a tampered cursor is a 400, never a wrong page', async () => {
    const first = await h.client.query('plants', { cursorPaging: { limit: 2 } });
    const cursor: string = first.body.pagingMetadata.cursors.next;
    const tampered = `${cursor.slice(0, 10)}${cursor[10] === 'A' ? 'B' : 'A'}${cursor.slice(11)}`;
    const result = await h.client.query('plants', { cursorPaging: { limit: 2, cursor: tampered } });
    expect(result.status).toBe(400);
    expect(result.body.errorCode).toBe('BAD_REQUEST');
  });

  test('unknown field or operator → 400 VALIDATION_ERROR naming the path', async () => {
    const unknownField = await h.client.query('plants', { filter: { nickname: 'x' } });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errorCode).toBe('VALIDATION_ERROR');
    expect(unknownField.body.data.violations[0].fieldPath).toContain('nickname');
    const unknownOp = await h.client.query('plants', { filter: { heightCm: { $near: 3 } } });
    expect(unknownOp.status).toBe(400);
    expect(JSON.stringify(unknownOp.body)).toContain('$near');
  });

  test('unknown collection → 404 COLLECTION_NOT_FOUND', async () => {
    const result = await h.client.query('orchids');
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ errorCode: 'COLLECTION_NOT_FOUND', data: { collectionId: 'orchids' } });
  });
});

describe('items/count, aggregate, distinct', () => {
  test('count', async () => {
    const result = await h.client.count('plants', { tags: { $hasSome: ['herb'] } });
    expect(result.body).toEqual({ totalCount: 4 });
  });

  test('aggregate with itemCount, finalFilter, sort, total = rows', async () => {
    const result = await h.client.aggregate('plants', {
      initialFilter: { perennial: true },
      aggregation: {
        groupingFields: ['family'],
        operations: [
          { resultFieldName: 'avgHeight', average: { itemFieldName: 'heightCm' } },
          { resultFieldName: 'tallest', max: { itemFieldName: 'heightCm' } },
          { resultFieldName: 'plantCount', itemCount: {} },
        ],
      },
      finalFilter: { plantCount: { $gte: 1 } },
      sort: [{ fieldName: 'avgHeight', order: 'DESC' }],
      paging: { limit: 10, offset: 0 },
      returnTotalCount: true,
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      items: [
        { family: 'Lamiaceae', avgHeight: 175 / 3, tallest: 90, plantCount: 3 },
        { family: 'Rosaceae', avgHeight: 55, tallest: 55, plantCount: 1 },
      ],
      pagingMetadata: { count: 2, offset: 0, total: 2 },
    });
  });

  test('aggregate accepts `count: {}` (reference variant)', async () => {
    const result = await h.client.aggregate('plants', {
      aggregation: { groupingFields: [], operations: [{ resultFieldName: 'n', count: {} }] },
    });
    expect(result.body.items).toEqual([{ n: samplePlants.length }]);
  });

  test('distinct values unwind arrays, with total', async () => {
    const result = await h.client.distinct('plants', 'tags', {
      filter: { perennial: true },
      order: 'ASC',
      paging: { limit: 50, offset: 0 },
      returnTotalCount: true,
    });
    expect(result.body).toEqual({
      distinctValues: ['culinary', 'herb', 'pollinator'],
      pagingMetadata: { count: 3, offset: 0, total: 3 },
    });
  });

  test('distinct with cursor paging', async () => {
    const first = await h.client.distinct('plants', 'family', { order: 'DESC', cursorPaging: { limit: 2 } });
    expect(first.body.distinctValues).toEqual(['Solanaceae', 'Rosaceae']);
    const second = await h.client.distinct('plants', 'family', {
      cursorPaging: { limit: 2, cursor: first.body.pagingMetadata.cursors.next },
    });
    expect(second.body.distinctValues).toEqual(['Lamiaceae']);
    expect(second.body.pagingMetadata.cursors.next).toBeNull();
  });
});

describe('references', () => {
  test('insert, query (with items), duplicate, remove, missing', async () => {
    const pairs = [
      { referringItemId: 'thyme', referencedItemId: 'sage' },
      { referringItemId: 'thyme', referencedItemId: 'lavender' },
    ];
    const inserted = await h.client.insertReferences('plants', 'companions', [
      ...pairs,
      pairs[0],
      { referringItemId: 'thyme', referencedItemId: 'ghost' },
    ]);
    expect(
      inserted.body.results.map(
        (r: { reference?: unknown; error?: { errorCode: string } }) => r.error?.errorCode ?? 'ok',
      ),
    ).toEqual(['ok', 'ok', 'REFERENCE_ALREADY_EXISTS', 'ITEM_NOT_FOUND']);
    const queried = await h.client.queryReferenced('plants', 'companions', {
      referringItemIds: ['thyme'],
      fieldsToReturn: ['commonName'],
      paging: { limit: 20, offset: 0 },
      returnTotalCount: true,
    });
    expect(queried.body).toEqual({
      items: [
        { referringItemId: 'thyme', referencedItemId: 'sage', referencedItem: { _id: 'sage', commonName: 'Sage' } },
        {
          referringItemId: 'thyme',
          referencedItemId: 'lavender',
          referencedItem: { _id: 'lavender', commonName: 'Lavender' },
        },
      ],
      pagingMetadata: { count: 2, offset: 0, total: 2 },
    });
    const included = await h.client.query(
      'plants',
      { filter: { _id: 'thyme' } },
      { includeReferencedItems: [{ fieldKey: 'companions', limit: 1 }] },
    );
    expect(included.body.items[0].companions).toHaveLength(1);
    expect(included.body.items[0].companions[0]._id).toBe('sage');
    // A limit of 0 is protobuf JSON's unset int: the cap (50), as when none is sent.
    for (const include of [{ fieldKey: 'companions', limit: 0 }, { fieldKey: 'companions' }]) {
      const all = await h.client.query('plants', { filter: { _id: 'thyme' } }, { includeReferencedItems: [include] });
      expect(all.body.items[0].companions.map((item: { _id: string }) => item._id)).toEqual(['sage', 'lavender']);
    }
    const removed = await h.client.removeReferences('plants', 'companions', [pairs[0], pairs[0]]);
    expect(removed.body.results[0].reference).toEqual(pairs[0]);
    expect(removed.body.results[1].error.errorCode).toBe('REFERENCE_NOT_FOUND');
  });

  test('referringFieldKey must be a MULTI_REFERENCE field', async () => {
    const result = await h.client.insertReferences('plants', 'family', [
      { referringItemId: 'thyme', referencedItemId: 'sage' },
    ]);
    expect(result.status).toBe(400);
    expect(result.body.data.violations[0].fieldPath).toBe('referringFieldKey');
  });
});

describe('collections', () => {
  test('create → get → update → delete round-trips Wix types and metadata', async () => {
    const created = await h.client.createCollection({
      id: 'suppliers',
      displayName: 'Suppliers',
      fields: [
        { key: 'name', displayName: 'Name', type: 'TEXT' },
        { key: 'rating', type: 'NUMBER' },
        { key: 'logo', type: 'IMAGE' },
        { key: 'website', type: 'URL' },
        {
          key: 'main',
          type: 'REFERENCE',
          typeOptions: { singleReferenceOptions: { referencedCollectionId: 'plants' } },
        },
      ],
      capabilities: { dataOperations: ['QUERY'] },
      pagingMode: 'CURSOR',
    });
    expect(created.status).toBe(200);
    const collection = created.body.collection;
    expect(collection.id).toBe('suppliers');
    expect(collection.pagingMode).toBe('OFFSET');
    expect(collection.capabilities.dataOperations).toContain('INSERT');
    expect(collection.fields.map((f: { key: string }) => f.key)).toEqual([
      '_id',
      '_createdDate',
      '_updatedDate',
      '_owner',
      'name',
      'rating',
      'logo',
      'website',
      'main',
    ]);
    const logo = collection.fields.find((f: { key: string }) => f.key === 'logo');
    expect(logo.type).toBe('IMAGE');
    const main = collection.fields.find((f: { key: string }) => f.key === 'main');
    expect(main.singleReferenceOptions).toEqual({ referencedCollectionId: 'plants' });
    expect(main.typeOptions).toBeUndefined();
    expect(main.capabilities.sortable).toBe(true);

    const again = await h.client.createCollection({ id: 'suppliers', fields: [] });
    expect(again.status).toBe(409);
    expect(again.body.errorCode).toBe('COLLECTION_ALREADY_EXISTS');

    const listed = await h.client.listCollections(['suppliers', 'does-not-exist']);
    expect(listed.body.collections).toHaveLength(1);
    expect(listed.body.collections[0]).toEqual(collection);

    const updated = await h.client.updateCollection({
      id: 'suppliers',
      fields: [
        { key: 'name', type: 'TEXT' },
        { key: 'country', type: 'TEXT' },
      ],
    });
    expect(updated.status).toBe(200);
    expect(updated.body.collection.fields.map((f: { key: string }) => f.key)).toEqual([
      '_id',
      '_createdDate',
      '_updatedDate',
      '_owner',
      'name',
      'country',
    ]);

    expect((await h.client.deleteCollection('suppliers')).body).toEqual({});
    expect((await h.client.deleteCollection('suppliers')).status).toBe(404);
    expect((await h.client.updateCollection({ id: 'suppliers', fields: [] })).status).toBe(404);
  });

  test('get with no ids lists everything; capabilities reported per field', async () => {
    const result = await h.client.listCollections();
    const plants = result.body.collections.find((c: { id: string }) => c.id === 'plants');
    const tags = plants.fields.find((f: { key: string }) => f.key === 'tags');
    expect(tags.capabilities).toEqual({
      sortable: false,
      queryOperators: expect.arrayContaining(['HAS_SOME', 'HAS_ALL']),
    });
  });

  test('an unknown field type is refused naming the field', async () => {
    const result = await h.client.createCollection({ id: 'bad', fields: [{ key: 'x', type: 'PAGE_LINK' }] });
    expect(result.status).toBe(400);
    expect(JSON.stringify(result.body)).toContain('fields[0].type');
  });
});

describe('capabilities, indexes, provision', () => {
  test('capabilities/get', async () => {
    const result = await h.client.capabilities();
    expect(result.body).toMatchObject({
      supportsCollectionModifications: true,
      supportedFieldTypes: expect.arrayContaining(['TEXT', 'NUMBER', 'MULTI_REFERENCE']),
      indexOptions: { supportsIndexes: true },
    });
    expect(result.body.supportedFieldTypes).not.toContain('PAGE_LINK');
  });

  test('indexes list/create/remove', async () => {
    const list = await h.client.listIndexes('plants');
    expect(list.body.indexes[0]).toMatchObject({ name: '_id_', unique: true, status: 'ACTIVE' });
    const created = await h.client.createIndex('plants', {
      name: 'by_family',
      fields: [{ path: 'family', order: 'ASC' }],
    });
    expect(created.body.index).toMatchObject({ name: 'by_family', status: 'ACTIVE', unique: false });
    expect((await h.client.listIndexes('plants')).body.indexes).toHaveLength(2);
    expect((await h.client.removeIndex('plants', 'by_family')).body).toEqual({});
    const unknownField = await h.client.createIndex('plants', { name: 'x', fields: [{ path: 'nope' }] });
    expect(unknownField.status).toBe(400);
  });

  test('provision answers signed and unsigned', async () => {
    const signed = await h.client.call('provision', {});
    expect(signed.body).toEqual({ type: 'memory', vendor: 'gcp', protocolVersion: 3, adapterVersion: 'v3' });
    const unsigned = await fetch(`${h.url}/v3/provision`, { method: 'POST' });
    expect(unsigned.status).toBe(200);
  });
});

describe('transport', () => {
  test('unknown paths → JSON 404', async () => {
    const post = await h.client.call('items/explode', {});
    expect(post.status).toBe(404);
    expect(post.body.errorCode).toBe('NOT_FOUND');
    const get = await fetch(`${h.url}/nothing-here`);
    expect(get.status).toBe(404);
    expect(((await get.json()) as { errorCode: string }).errorCode).toBe('NOT_FOUND');
    // A legacy caller (JSON body, reads `message`) of a path its protocol does not have.
    const legacy = await fetch(`${h.url}/schemas/drop`, { method: 'POST', body: '{"requestContext":{}}' });
    expect(legacy.status).toBe(404);
    const body = (await legacy.json()) as { message?: string; errorMessage?: string };
    expect(body.message, JSON.stringify(body)).toBe(body.errorMessage);
    expect(body.message).toContain('/schemas/drop');
  });

  test('health and readiness are unsigned', async () => {
    expect(await (await fetch(`${h.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${h.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  test('readiness of a database that does not exist gives its fix, not "retry shortly"', async () => {
    const storage = createMemoryStorage({});
    storage.ready = async () => {
      throw errors.databaseMissing('The memory database', 'create it, or fix its setting');
    };
    const missing = await startHarness({ storage });
    try {
      const answer = await fetch(`${missing.url}/readyz`);
      expect(answer.status).toBe(503);
      const body = (await answer.json()) as { reason: string; errorMessage: string };
      expect(body.reason).toBe('The memory database does not exist: create it, or fix its setting.');
      expect(body.errorMessage).toBe(body.reason);
      expect(body.errorMessage).not.toMatch(/retry shortly/);
    } finally {
      await missing.close();
    }
  });

  test('the Wix requestId is echoed in x-request-id', async () => {
    const result = await h.client.call('capabilities/get', {}, { metadata: { requestId: 'req-123' } });
    expect(result.headers.get('x-request-id')).toBe('req-123');
  });

  test('a requestId no header can carry (non-Latin-1, control characters, 100 KB) gets a new id, not a 500', async () => {
    for (const requestId of ['日本', 'a\nb', 'x'.repeat(100_000)]) {
      const result = await h.client.call('capabilities/get', {}, { metadata: { requestId } });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('the API description (/openapi.json)', () => {
  test('is public JSON, the document the core builds, the same on every request', async () => {
    const first = await fetch(`${h.url}/openapi.json`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await first.text();
    expect(JSON.parse(text)).toEqual(openApiDocument());
    expect(await (await fetch(`${h.url}/openapi.json`)).text()).toBe(text);
  });

  // One valid call per endpoint: its real answer has the keys the document promises.
  const calls: { readonly [E in EndpointName]: Record<string, unknown> } = {
    'items/query': { collectionId: 'plants', query: {} },
    'items/count': { collectionId: 'plants' },
    'items/aggregate': {
      collectionId: 'plants',
      aggregation: { groupingFields: [], operations: [{ resultFieldName: 'n', itemCount: {} }] },
    },
    'items/query-distinct-values': { collectionId: 'plants', fieldName: 'family' },
    'items/insert': { collectionId: 'plants', items: [{ _id: 'openapi-new' }] },
    'items/update': { collectionId: 'plants', items: [{ _id: 'thyme', commonName: 'Thyme' }] },
    'items/remove': { collectionId: 'plants', itemIds: ['sage'] },
    'items/truncate': { collectionId: 'plants' },
    'items/query-referenced': {
      collectionId: 'plants',
      referringItemIds: ['thyme'],
      referringFieldKey: 'companions',
      order: 'ASC',
    },
    'items/insert-references': {
      collectionId: 'plants',
      referringFieldKey: 'companions',
      references: [{ referringItemId: 'thyme', referencedItemId: 'lavender' }],
    },
    'items/remove-references': {
      collectionId: 'plants',
      referringFieldKey: 'companions',
      references: [{ referringItemId: 'thyme', referencedItemId: 'lavender' }],
    },
    'collections/get': { collectionIds: [] },
    'collections/create': { collection: { id: 'openapi_notes', fields: [] } },
    'collections/update': { collection: { id: 'openapi_notes', fields: [{ key: 'text', type: 'TEXT' }] } },
    'collections/delete': { collectionId: 'openapi_notes' },
    'capabilities/get': {},
    'indexes/list': { collectionId: 'plants' },
    'indexes/create': { collectionId: 'plants', index: { name: 'openapi_family', fields: [{ path: 'family' }] } },
    'indexes/remove': { collectionId: 'plants', indexName: 'openapi_family' },
    provision: {},
  };

  test('every endpoint answers with the top-level keys its description names', async () => {
    for (const endpoint of ENDPOINTS) {
      const result = await h.client.call(endpoint, calls[endpoint]);
      expect(result.status, `${endpoint}: ${JSON.stringify(result.body)}`).toBe(200);
      for (const key of RESPONSE_KEYS[endpoint]) expect(result.body, endpoint).toHaveProperty(key);
    }
  });
});

describe('bad bodies → 400 with a useful path, for every route', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['items/query', { query: {} }, 'collectionId'],
    ['items/query', { collectionId: 'plants', query: { paging: { limit: -1 } } }, 'limit'],
    ['items/query', { collectionId: 'plants', query: { paging: { limit: 1 }, cursorPaging: { limit: 1 } } }, 'aging'],
    ['items/count', { collectionId: 7 }, 'collectionId'],
    [
      'items/aggregate',
      { collectionId: 'plants', aggregation: { operations: [{ resultFieldName: 'x', median: {} }] } },
      'operations',
    ],
    ['items/query-distinct-values', { collectionId: 'plants' }, 'fieldName'],
    ['items/insert', { collectionId: 'plants', items: 'x' }, 'items'],
    ['items/update', { collectionId: 'plants' }, 'items'],
    ['items/remove', { collectionId: 'plants', itemIds: [1] }, 'itemIds'],
    ['items/truncate', {}, 'collectionId'],
    ['items/query-referenced', { collectionId: 'plants' }, 'referringFieldKey'],
    [
      'items/insert-references',
      { collectionId: 'plants', referringFieldKey: 'companions', references: [{ referringItemId: 1 }] },
      'references',
    ],
    [
      'items/remove-references',
      { collectionId: 'plants', referringFieldKey: 'companions', references: [{}] },
      'references',
    ],
    ['collections/get', { collectionIds: 'plants' }, 'collectionIds'],
    ['collections/create', {}, 'collection'],
    ['collections/update', { collection: { fields: [] } }, 'id'],
    ['collections/delete', {}, 'collectionId'],
    ['indexes/list', {}, 'collectionId'],
    ['indexes/create', { collectionId: 'plants' }, 'index'],
    ['indexes/remove', { collectionId: 'plants' }, 'indexName'],
  ];
  test.each(cases)('%s %j', async (path, body, mention) => {
    const result = await h.client.call(path, body);
    expect(result.status).toBe(400);
    expect(['VALIDATION_ERROR', 'BAD_REQUEST']).toContain(result.body.errorCode);
    expect(JSON.stringify(result.body)).toContain(mention);
  });
});
