/**
 * Reads over the zoo: every filter case, sorts, offset and cursor paging,
 * projection, count, distinct values and aggregation.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { LegacyClient } from '../legacy-client.ts';
import { FILTER_CASES } from './filter-cases.ts';
import { ALL_IDS, ZOO_FIELDS, ZOO_ITEMS } from './fixture.ts';
import {
  type ConformanceTarget,
  expectRefused,
  idsOf,
  supportsFilter,
  uniqueCollectionId,
  withoutNulls,
} from './target.ts';

export function zooCollection(id: string) {
  return {
    id,
    displayName: 'Conformance zoo',
    fields: ZOO_FIELDS.map((f) =>
      f.key === 'ref' ? { ...f, singleReferenceOptions: { referencedCollectionId: id } } : { ...f },
    ),
  };
}

export async function createZoo(target: ConformanceTarget, prefix = 'zoo'): Promise<string> {
  const id = uniqueCollectionId(prefix);
  const created = await target.client.createCollection(zooCollection(id));
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const inserted = await target.client.insert(id, [...ZOO_ITEMS]);
  expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
  for (const result of inserted.body.results) expect(result.error, JSON.stringify(result.error)).toBeUndefined();
  return id;
}

export function querySuite(get: () => ConformanceTarget): void {
  let zoo: string;
  beforeAll(async () => {
    zoo = await createZoo(get());
  });

  describe('filters (docs/semantics.md §1)', () => {
    test.each(FILTER_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const { client, capabilities } = get();
      const result = await client.query(zoo, {
        filter: c.filter,
        sort: [{ fieldName: '_id', order: 'ASC' }],
        paging: { limit: 50 },
      });
      if (!supportsFilter(c.filter, ZOO_FIELDS, capabilities)) {
        expectRefused(result);
        return;
      }
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(idsOf(result.body.items)).toEqual(c.expected);
      const counted = await client.count(zoo, c.filter);
      expect(counted.body).toEqual({ totalCount: c.expected.length });
    });
  });

  describe('sorting (§2)', () => {
    const cases: [string, { fieldName: string; order?: string }[], string[]][] = [
      [
        'number asc: null/missing lowest',
        [{ fieldName: 'count', order: 'ASC' }],
        ['e', 'f', 'c', 'd', 'a', 'b', 'g', 'h'],
      ],
      [
        'number desc: null/missing last',
        [{ fieldName: 'count', order: 'DESC' }],
        ['h', 'g', 'b', 'a', 'd', 'c', 'e', 'f'],
      ],
      [
        'lower-case order accepted (protocol §14)',
        [{ fieldName: 'count', order: 'desc' }],
        ['h', 'g', 'b', 'a', 'd', 'c', 'e', 'f'],
      ],
      ['text by code point', [{ fieldName: 'title' }], ['e', 'f', 'd', 'a', 'g', 'b', 'h', 'c']],
      ['datetime desc', [{ fieldName: 'at', order: 'DESC' }], ['h', 'b', 'g', 'a', 'c', 'd', 'e', 'f']],
      [
        'two keys, mixed directions, _id breaks ties',
        [
          { fieldName: 'active', order: 'DESC' },
          { fieldName: 'count', order: 'ASC' },
        ],
        ['c', 'a', 'd', 'b', 'e', 'f', 'g', 'h'],
      ],
      ['no sort: stable by _id', [], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']],
      // Firestore refuses a query ordered by the document id descending alone (docs/engines.md).
      ['_id desc alone', [{ fieldName: '_id', order: 'DESC' }], ['h', 'g', 'f', 'e', 'd', 'c', 'b', 'a']],
    ];
    test.each(cases)('%s', async (_name, sort, expected) => {
      const { client, capabilities } = get();
      const result = await client.query(zoo, { sort, paging: { limit: 50 } });
      const sortable = sort.every((s) => {
        const field = ZOO_FIELDS.find((f) => f.key === s.fieldName);
        return !field || capabilities.fieldCapabilities(field).sortable;
      });
      if (!sortable) return expectRefused(result);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(idsOf(result.body.items)).toEqual(expected);
    });

    test('_id desc with a filter on _id and an offset', async () => {
      const { client } = get();
      const page = await client.query(
        zoo,
        { filter: { _id: { $gt: 'b' } }, sort: [{ fieldName: '_id', order: 'DESC' }], paging: { offset: 1, limit: 3 } },
        { returnTotalCount: true },
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(idsOf(page.body.items)).toEqual(['g', 'f', 'e']);
      expect(page.body.pagingMetadata).toEqual({ count: 3, offset: 1, total: 6 });
    });

    test('a nested path holding dates, strings and arrays: the evaluator order, or a 400 naming it', async () => {
      const { client } = get();
      const id = uniqueCollectionId('nested');
      const fields = [
        { key: 'name', type: 'TEXT' },
        { key: 'o', type: 'OBJECT' },
      ];
      expect((await client.createCollection({ id, fields })).status).toBe(200);
      const inserted = await client.insert(id, [
        { _id: 'n1', name: 'b', o: { w: { $date: '2024-01-01T00:00:00Z' }, arr: [1, 2] } },
        { _id: 'n2', name: 'c', o: { w: { $date: '2025-01-01T00:00:00.000Z' }, arr: [3] } },
        { _id: 'n3', name: 'a', o: { w: '2024-06-01T00:00:00Z' } },
        { _id: 'n8', name: 'd', o: { w: { $date: '2020-01-01T00:00:00.000Z' } } },
      ]);
      expect(inserted.status).toBe(200);
      // Never an order of its own (Spanner and BigQuery answered 2024, 2025, 2020: _id order).
      for (const [order, expected] of [
        ['ASC', ['n3', 'n8', 'n1', 'n2']],
        ['DESC', ['n2', 'n1', 'n8', 'n3']],
      ] as const) {
        const answer = await client.query(id, { sort: [{ fieldName: 'o.w', order }] });
        if (answer.status === 400) {
          expect(answer.body.errorMessage).toContain("Sorting by the nested path 'o.w'");
          continue;
        }
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        expect(idsOf(answer.body.items)).toEqual(expected);
      }
      // Filters on the path still answer everywhere.
      const filtered = await client.query(id, {
        filter: { 'o.w': { $exists: true } },
        sort: [{ fieldName: 'name', order: 'DESC' }],
      });
      expect(idsOf(filtered.body.items)).toEqual(['n8', 'n2', 'n1', 'n3']);
    });

    test('an unsortable field is refused', async () => {
      const { client } = get();
      expectRefused(await client.query(zoo, { sort: [{ fieldName: 'obj' }] }));
    });
  });

  describe('offset paging (§3.1)', () => {
    const sort = [{ fieldName: '_id', order: 'ASC' }];
    test.each([
      ['first page', 0, 3, ['a', 'b', 'c']],
      ['middle page', 3, 3, ['d', 'e', 'f']],
      ['last page', 6, 3, ['g', 'h']],
      ['past the end', 20, 3, []],
      ['max limit', 0, 1000, [...ALL_IDS]],
    ] as const)('%s', async (_name, offset, limit, expected) => {
      const { client } = get();
      const result = await client.query(zoo, { sort, paging: { offset, limit } }, { returnTotalCount: true });
      expect(result.status).toBe(200);
      expect(idsOf(result.body.items)).toEqual(expected);
      expect(result.body.pagingMetadata).toEqual({ count: expected.length, offset, total: 8 });
    });

    test('limit 0: v3 answers one item (Wix never asks for an empty page), legacy none; the total of all', async () => {
      const { client } = get();
      const expected = client instanceof LegacyClient ? [] : ['c'];
      const result = await client.query(zoo, { sort, paging: { offset: 2, limit: 0 } }, { returnTotalCount: true });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(idsOf(result.body.items)).toEqual(expected);
      expect(result.body.pagingMetadata.total).toBe(8);
      const noTotal = await client.query(zoo, { sort, paging: { offset: 2, limit: 0 } });
      expect(idsOf(noTotal.body.items)).toEqual(expected);
    });

    test('default page is 50 items from offset 0, no total unless asked', async () => {
      const { client } = get();
      const result = await client.query(zoo, {});
      expect(result.body.items).toHaveLength(8);
      expect(result.body.pagingMetadata.total).toBeUndefined();
    });
  });

  test('projection keeps _id and only the named fields (§4)', async () => {
    const { client } = get();
    const result = await client.query(zoo, {
      fields: ['title', 'count'],
      sort: [{ fieldName: '_id' }],
      paging: { limit: 3 },
    });
    expect(result.body.items.map(withoutNulls)).toEqual([
      { _id: 'a', title: 'Alpha', count: 1 },
      { _id: 'b', title: 'alpha beta', count: 2.5 },
      { _id: 'c', title: 'Épée ÜBER', count: -3 },
    ]);
    expectRefused(await client.query(zoo, { fields: ['nope'] }));
  });

  test('values come back exactly as written (types, dates, nested)', async () => {
    const { client } = get();
    const result = await client.query(zoo, { filter: { _id: { $in: ['a', 'b'] } }, sort: [{ fieldName: '_id' }] });
    const [a, b] = result.body.items.map(withoutNulls);
    const { _createdDate, _updatedDate, ...rest } = a;
    expect(_createdDate).toEqual(expect.objectContaining({ $date: expect.stringMatching(/Z$/) }));
    expect(_updatedDate).toEqual(_createdDate);
    expect(rest).toEqual({ ...ZOO_ITEMS[0], at: { $date: '2024-01-01T00:00:00.000Z' } });
    expect(b.at).toEqual({ $date: '2024-02-29T12:30:00.500Z' });
  });

  describe('distinct values (§6.2)', () => {
    test('array values unwound, nulls excluded, code-point order', async () => {
      const { client } = get();
      const result = await client.distinct(zoo, 'tags', { returnTotalCount: true, paging: { limit: 50, offset: 0 } });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.body.distinctValues).toEqual(['RED', 'blue', 'green', 'red']);
      expect(result.body.pagingMetadata.total).toBe(4);
    });

    test('descending with a filter and paging', async () => {
      const { client } = get();
      const result = await client.distinct(zoo, 'title', {
        filter: { count: { $gte: 0 } },
        order: 'DESC',
        paging: { limit: 2, offset: 1 },
      });
      expect(result.body.distinctValues).toEqual(['alpha beta', 'Zebra 50%_x']);
    });

    test('dates as {$date}', async () => {
      const { client } = get();
      const result = await client.distinct(zoo, 'at', { filter: { at: { $lt: { $date: '2024-03-01T00:00:00Z' } } } });
      expect(result.body.distinctValues).toEqual([
        { $date: '2024-01-01T00:00:00.000Z' },
        { $date: '2024-02-29T12:30:00.000Z' },
        { $date: '2024-02-29T12:30:00.500Z' },
      ]);
    });

    test('cursor paging over distinct values', async () => {
      const { client } = get();
      const seen: unknown[] = [];
      let result = await client.distinct(zoo, 'count', { cursorPaging: { limit: 2 } });
      for (let i = 0; i < 10; i++) {
        seen.push(...result.body.distinctValues);
        const next = result.body.pagingMetadata.cursors?.next;
        if (!next) break;
        // Follow-ups carry only the cursor (docs/protocol.md §3.3): it holds the field and the filter.
        result = await client.call('items/query-distinct-values', {
          collectionId: zoo,
          cursorPaging: { limit: 2, cursor: next },
        });
      }
      expect(seen).toEqual([-3, 0, 1, 2.5, 100, 1_000_000]);
      const noField = await client.call('items/query-distinct-values', { collectionId: zoo });
      expect(noField.status).toBe(400);
      expect(noField.body.data.violations[0].fieldPath).toBe('fieldName');
    });
  });

  describe('aggregation (§6.1)', () => {
    test('groups with every operation, finalFilter, sort, total = rows', async () => {
      const { client } = get();
      const result = await client.aggregate(zoo, {
        initialFilter: { count: { $exists: true } },
        aggregation: {
          groupingFields: ['active'],
          operations: [
            { resultFieldName: 'n', itemCount: {} },
            { resultFieldName: 'total', sum: { itemFieldName: 'count' } },
            { resultFieldName: 'mean', average: { itemFieldName: 'count' } },
            { resultFieldName: 'low', min: { itemFieldName: 'count' } },
            { resultFieldName: 'high', max: { itemFieldName: 'count' } },
          ],
        },
        finalFilter: { n: { $gte: 2 } },
        sort: [{ fieldName: 'total', order: 'DESC' }],
        paging: { limit: 10, offset: 0 },
        returnTotalCount: true,
      });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      // Every row carries every grouping key and result name; the missing group's key is null (§6.1).
      expect(result.body.items).toEqual([
        { active: null, n: 2, total: 1_000_100, mean: 500_050, low: 100, high: 1_000_000 },
        { active: false, n: 2, total: 2.5, mean: 1.25, low: 0, high: 2.5 },
        { active: true, n: 2, total: -2, mean: -1, low: -3, high: 1 },
      ]);
      expect(result.body.pagingMetadata).toEqual({ count: 3, offset: 0, total: 3 });
    });

    test('no grouping: one row, even over no items', async () => {
      const { client } = get();
      const all = await client.aggregate(zoo, {
        aggregation: {
          groupingFields: [],
          operations: [
            { resultFieldName: 'n', count: {} },
            { resultFieldName: 'latest', max: { itemFieldName: 'at' } },
          ],
        },
      });
      expect(all.body.items).toEqual([{ n: 8, latest: { $date: '2030-12-31T23:59:59.999Z' } }]);
      const none = await client.aggregate(zoo, {
        initialFilter: { title: 'no such title' },
        aggregation: {
          groupingFields: [],
          operations: [
            { resultFieldName: 'n', itemCount: {} },
            { resultFieldName: 'total', sum: { itemFieldName: 'count' } },
            { resultFieldName: 'latest', max: { itemFieldName: 'at' } },
          ],
        },
      });
      // Over no items: counts 0, every other result null, and present (§6.1).
      expect(none.body.items).toEqual([{ n: 0, total: null, latest: null }]);
    });

    test('no grouping and no operation: one row with no keys; paging past it leaves none', async () => {
      const { client } = get();
      const bare = await client.aggregate(zoo, { aggregation: { groupingFields: [], operations: [] } });
      expect(bare.status, JSON.stringify(bare.body)).toBe(200);
      expect(bare.body.items).toEqual([{}]);
      const past = await client.call('items/aggregate', {
        collectionId: zoo,
        aggregation: { groupingFields: [], operations: [] },
        paging: { offset: 1, limit: 5 },
      });
      expect(past.body.items).toEqual([]);
    });

    test('a result named like a grouping key, or "__proto__", is a 400 naming it (§6.1)', async () => {
      const { client } = get();
      // A row holds one value per key, and no row can hold "__proto__": either result would be lost.
      for (const [name, says] of [
        ['active', "'active' is also a grouping field"],
        ['__proto__', 'cannot be named "__proto__"'],
      ]) {
        const result = await client.aggregate(zoo, {
          aggregation: { groupingFields: ['active'], operations: [{ resultFieldName: name, itemCount: {} }] },
        });
        expect(result.status, JSON.stringify(result.body)).toBe(400);
        expect(result.body.errorMessage).toContain(says);
        expect(result.body.errorMessage).toContain('Choose another name');
      }
    });

    test('paging over groups', async () => {
      const { client } = get();
      const body = {
        aggregation: { groupingFields: ['title'], operations: [{ resultFieldName: 'n', itemCount: {} }] },
        sort: [{ fieldName: 'title', order: 'ASC' }],
      };
      const page = await client.aggregate(zoo, { ...body, paging: { limit: 2, offset: 1 }, returnTotalCount: true });
      expect(page.body.items).toEqual([
        { title: '', n: 1 },
        { title: 'Alpha', n: 1 },
      ]);
      expect(page.body.pagingMetadata.total).toBe(7);
    });
  });

  test('case-insensitive operators fold a Greek final sigma like any sigma (§1.3)', async () => {
    const { client } = get();
    const id = uniqueCollectionId('sigma');
    expect((await client.createCollection({ id, fields: [{ key: 'title', type: 'TEXT' }] })).status).toBe(200);
    const items = [
      { _id: 'g1', title: 'ΣΊΣΥΦΟΣ' },
      { _id: 'g2', title: 'σίσυφος' },
      { _id: 'g3', title: 'Οδυσσέας' },
      { _id: 'g4', title: 'ΑΛΦΑ' },
    ];
    expect((await client.insert(id, items)).status).toBe(200);
    const cases: [unknown, string[]][] = [
      [{ $startsWith: 'ΣΊΣ' }, ['g1', 'g2']],
      [{ $contains: 'σίσυφος' }, ['g1', 'g2']],
      [{ $endsWith: 'ς' }, ['g1', 'g2', 'g3']],
      [{ $endsWith: 'ΟΣ' }, ['g1', 'g2']],
      [{ $contains: 'ΣΣ' }, ['g3']],
      [{ $contains: 'λφ' }, ['g4']],
      [
        {
          $matches: {
            ignoreCase: true,
            spec: [
              { type: 'literal', value: 'ΣΊΣ' },
              { type: 'literal', value: 'ΥΦΟΣ' },
            ],
          },
        },
        ['g1', 'g2'],
      ],
    ];
    for (const [condition, expected] of cases) {
      const result = await client.query(id, { filter: { title: condition }, sort: [{ fieldName: '_id' }] });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(idsOf(result.body.items), JSON.stringify(condition)).toEqual(expected);
    }
  });

  test('cursor paging by _id desc alone (§3.2)', async () => {
    const { client } = get();
    const seen: string[] = [];
    let result = await client.query(zoo, { sort: [{ fieldName: '_id', order: 'DESC' }], cursorPaging: { limit: 3 } });
    for (let page = 0; page < 5; page++) {
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      seen.push(...idsOf(result.body.items));
      const next = result.body.pagingMetadata.cursors?.next;
      if (!next) break;
      result = await client.query(zoo, { cursorPaging: { limit: 3, cursor: next } });
    }
    expect(seen).toEqual(['h', 'g', 'f', 'e', 'd', 'c', 'b', 'a']);
  });

  test('cursor paging walks everything once while items are inserted between pages (§3.2)', async () => {
    const { client } = get();
    const id = await createZoo(get(), 'walk');
    const seen: string[] = [];
    let result = await client.query(id, { sort: [{ fieldName: 'count', order: 'ASC' }], cursorPaging: { limit: 3 } });
    for (let page = 0; page < 20; page++) {
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      seen.push(...idsOf(result.body.items));
      if (page === 0) {
        // One item sorts before the cursor, one after it.
        await client.insert(id, [
          { _id: 'early', count: -100 },
          { _id: 'late', count: 5_000_000 },
        ]);
      }
      const next = result.body.pagingMetadata.cursors?.next;
      if (!next) break;
      result = await client.query(id, { cursorPaging: { limit: 3, cursor: next } });
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((x) => x !== 'late')).toEqual(['e', 'f', 'c', 'd', 'a', 'b', 'g', 'h']);
    expect(seen).toContain('late');
  });
}
