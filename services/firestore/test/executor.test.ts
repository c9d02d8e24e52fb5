/**
 * The executor on the real emulator, held against the memory storage (the
 * core evaluator) on the same data: the scan bound, cursors and offsets
 * across residual filters, counts/aggregates/distinct over residual filters,
 * native aggregation, collections without metadata, large bulks and truncate.
 */
import { createMemoryStorage, type Harness, startHarness, type WixClient } from '@adaptors/testkit';
import { FieldPath } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { DocumentReader } from '../src/run-query.ts';
import { emulatorStorage } from './support.ts';

const FIELDS = [
  { key: 'title', type: 'TEXT' },
  { key: 'count', type: 'NUMBER' },
  { key: 'at', type: 'DATETIME' },
  { key: 'tags', type: 'ARRAY_STRING' },
  { key: 'obj', type: 'OBJECT' },
];
const WORDS = ['Red', 'red', 'GREEN', 'blue', 'Blüte'];

function items(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const item: Record<string, unknown> = { _id: `it-${String(i).padStart(4, '0')}` };
    if (i % 7 !== 3) item.title = `${WORDS[i % WORDS.length]} ${i % 13}`;
    if (i % 11 !== 5) item.count = i % 5 === 0 ? null : (i * 37) % 50;
    if (i % 3 === 0) item.at = { $date: new Date(Date.UTC(2024, 0, 1) + (i % 17) * 3_600_000).toISOString() };
    if (i % 4 !== 0) item.tags = [WORDS[i % 5], WORDS[(i * 3) % 5]];
    item.obj = i % 2 === 0 ? { n: i % 9, city: WORDS[i % 4] } : null;
    return item;
  });
}

const closers: (() => Promise<void>)[] = [];
let firestore: Harness;
/** The gapic reader of `firestore`'s storage: its requests show the page sizes asked for. */
let firestoreReader: DocumentReader;
let memory: Harness;
let limited: Harness;
const collectionId = 'things';
const N = 300;

beforeAll(async () => {
  const { storage, reader } = emulatorStorage();
  firestoreReader = reader;
  closers.push(() => storage.close());
  // One clock for both, so system dates agree.
  const now = () => new Date('2025-01-01T00:00:00.000Z');
  firestore = await startHarness({ storage, now });
  memory = await startHarness({ storage: createMemoryStorage(), now });
  // Its own database with the same data, and a scan bound smaller than the collection.
  const small = emulatorStorage({ scanLimit: 100 });
  closers.push(() => small.storage.close());
  limited = await startHarness({ storage: small.storage, now });
  for (const h of [firestore, memory]) {
    expect((await h.client.createCollection({ id: collectionId, fields: FIELDS })).status).toBe(200);
    const inserted = await h.client.insert(collectionId, items(N));
    expect(inserted.body.results.every((r: { item?: unknown }) => r.item)).toBe(true);
  }
  expect((await limited.client.createCollection({ id: collectionId, fields: FIELDS })).status).toBe(200);
  await limited.client.insert(collectionId, items(N));
});

afterAll(async () => {
  await Promise.all([firestore?.close(), memory?.close(), limited?.close()]);
  await Promise.all(closers.map((close) => close()));
});

async function both<T>(call: (client: WixClient) => Promise<{ status: number; body: T }>) {
  const [got, want] = await Promise.all([call(firestore.client), call(memory.client)]);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  expect(want.status).toBe(200);
  return { got: got.body, want: want.body };
}

const RESIDUAL = { title: { $contains: 'RED' } };
const NARROWED = { $and: [{ count: { $lt: 10 } }, { title: { $contains: 'RED' } }] };

describe('scan bound', () => {
  test('a residual filter over more documents than the bound is refused, naming the filter', async () => {
    // Two letters: no trigram narrows it, and it matches nothing, so every document is read.
    const result = await limited.client.query(collectionId, { filter: { title: { $contains: 'zz' } } });
    expect(result.status).toBe(400);
    expect(result.body.errorCode).toBe('BAD_REQUEST');
    expect(result.body.errorMessage).toContain('title $contains "zz"');
    expect(result.body.errorMessage).toContain('FIRESTORE_SCAN_LIMIT');
    expect(result.body.data).toMatchObject({ scanLimit: 100, evaluatedInMemory: ['title $contains "zz"'] });
  });

  test('an unpushable sort is named too', async () => {
    const result = await limited.client.count(collectionId, { count: { $ne: 3 } });
    expect(result.status).toBe(400);
    expect(result.body.errorMessage).toContain('count $ne 3');
    // Decided by a count() of the candidates before reading any (fail fast).
    expect(result.body.data).toMatchObject({ candidates: N });
    const sorted = await limited.client.query(collectionId, {
      filter: { title: { $contains: 'zz' } },
      sort: [{ fieldName: 'obj.n' }],
    });
    expect(sorted.body.errorMessage).toContain('sort by obj.n asc');
    expect(sorted.body.data).toMatchObject({ candidates: N });
  });

  test('a pushed condition that narrows the candidates under the bound answers exactly', async () => {
    const result = await limited.client.query(collectionId, { filter: NARROWED, paging: { limit: 100 } });
    const want = await memory.client.query(collectionId, { filter: NARROWED, paging: { limit: 100 } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.items).toEqual(want.body.items);
  });

  test('a pushed sort with a residual stops reading once the page is full', async () => {
    // 300 candidates in count order; the first page of 3 matches is found long before the bound.
    const body = {
      filter: { $and: [{ count: { $gte: 0 } }, RESIDUAL] },
      sort: [{ fieldName: 'count' }],
      paging: { limit: 3 },
    };
    const result = await limited.client.query(collectionId, body);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.items).toEqual((await memory.client.query(collectionId, body)).body.items);
  });

  test('a residual under a pushed order reads pages sized to the page it fills, not 500 documents', async () => {
    // Every document read is decoded and held until its page is read: 50 such requests at once
    // with 500-document pages were the service's peak memory (src/paged-reads.ts scanPageSize).
    // Two letters: no trigram narrows it, so Firestore returns every document in id order.
    const body = { filter: { title: { $contains: 'ed' } }, paging: { offset: 2, limit: 4 } };
    const limits = vi.spyOn(firestoreReader, 'runQuery');
    try {
      const result = await firestore.client.query(collectionId, body);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.body.items).toEqual((await memory.client.query(collectionId, body)).body.items);
      const asked = limits.mock.calls.map(([request]) => request.structuredQuery.limit?.value);
      // The residual matches about one document in three: more than one page, each at most twice the last.
      expect(asked.length).toBeGreaterThan(1);
      expect(asked[0]).toBe(6);
      for (let i = 1; i < asked.length; i++) expect(asked[i]).toBeLessThanOrEqual(2 * (asked[i - 1] as number));
    } finally {
      limits.mockRestore();
    }
  });
});

test('a page read whole gives up the decoded documents once they are items (core release.ts)', async () => {
  // Offset and limit pushed to Firestore (readPage): the reader's answer is kept by the stream's
  // promises after the call, so it must be empty of documents by then.
  const body = {
    filter: { count: { $gt: 10 } },
    sort: [{ fieldName: 'count', order: 'ASC' }],
    paging: { offset: 3, limit: 5 },
  };
  const reads = vi.spyOn(firestoreReader, 'runQuery');
  try {
    const result = await firestore.client.query(collectionId, body);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.items).toHaveLength(5);
    expect(result.body.items).toEqual((await memory.client.query(collectionId, body)).body.items);
    expect(reads.mock.results.length).toBeGreaterThan(0);
    for (const read of reads.mock.results) expect(await read.value).toEqual([]);
  } finally {
    reads.mockRestore();
  }
});

describe('paging across residual filters', () => {
  const walk = async (client: WixClient, query: Record<string, unknown>, limit: number) => {
    const ids: string[] = [];
    let result = await client.query(collectionId, { ...query, cursorPaging: { limit } });
    for (let page = 0; page < 100; page++) {
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      ids.push(...result.body.items.map((i: { _id: string }) => i._id));
      const next = result.body.pagingMetadata.cursors?.next;
      if (!next) break;
      result = await client.query(collectionId, { cursorPaging: { limit, cursor: next } });
    }
    return ids;
  };

  test.each([
    [
      'pushed sort + residual',
      { filter: { $and: [{ count: { $gte: 5 } }, RESIDUAL] }, sort: [{ fieldName: 'count', order: 'DESC' }] },
    ],
    [
      'in-memory sort + residual',
      { filter: RESIDUAL, sort: [{ fieldName: 'title' }, { fieldName: 'count', order: 'DESC' }] },
    ],
    ['_id order + residual', { filter: { tags: { $hasAll: ['red', 'GREEN'] } } }],
    ['pushed everything', { filter: { count: { $in: [1, 2, 3, 4, 12] } }, sort: [{ fieldName: 'count' }] }],
  ])('cursor walk: %s', async (_name, query) => {
    const [got, want] = await Promise.all([walk(firestore.client, query, 7), walk(memory.client, query, 7)]);
    expect(got).toEqual(want);
    expect(got.length).toBeGreaterThan(7);
  });

  test('offset pages with totals', async () => {
    for (const offset of [0, 5, 40]) {
      const body = { filter: NARROWED, sort: [{ fieldName: 'at', order: 'DESC' }], paging: { offset, limit: 6 } };
      const { got, want } = await both((c) => c.query(collectionId, body, { returnTotalCount: true }));
      expect(got).toEqual(want);
    }
  });
});

describe('count, aggregate and distinct', () => {
  test.each([
    ['residual', RESIDUAL],
    ['pushed exactly (native count())', { count: { $gte: 10 } }],
    ['$eq null', { count: null }],
    ['nested', { 'obj.n': { $gt: 3 } }],
  ])('count: %s', async (_name, filter) => {
    const { got, want } = await both((c) => c.count(collectionId, filter));
    expect(got).toEqual(want);
  });

  const ofCount = [
    { resultFieldName: 'n', itemCount: {} },
    { resultFieldName: 's', sum: { itemFieldName: 'count' } },
    { resultFieldName: 'a', average: { itemFieldName: 'count' } },
  ];
  // Firestore aggregates sum/average over the field's index: a query asking them counts only the documents
  // holding every aggregated field (src/aggregation-queries.ts), so each field and the count are asked apart.
  const ofFieldsSomeLack = [
    { resultFieldName: 'n', itemCount: {} },
    { resultFieldName: 'nested', average: { itemFieldName: 'obj.n' } },
    { resultFieldName: 's', sum: { itemFieldName: 'count' } },
    { resultFieldName: 'none', average: { itemFieldName: 'obj.missing' } },
  ];
  test.each([
    ['residual filter', RESIDUAL, ofCount],
    ['pushed filter (native sum/average)', { count: { $gte: 10 } }, ofCount],
    ['no number at all (sum is null, not 0)', { count: { $lt: -1 } }, ofCount],
    ['no filter, a count beside averages of fields some items lack', {}, ofFieldsSomeLack],
    ['pushed filter, a count beside averages of fields some items lack', { count: { $gte: 10 } }, ofFieldsSomeLack],
  ])('aggregate without grouping: %s', async (_name, initialFilter, operations) => {
    const body = { initialFilter, aggregation: { groupingFields: [], operations }, returnTotalCount: true };
    const { got, want } = await both((c) => c.aggregate(collectionId, body));
    expect(got).toEqual(want);
  });

  test('aggregate without grouping: more aggregations than one Firestore query holds (5), each field asked once', async () => {
    const fields = [...['a', 'b', 'c'].map((key) => ({ key, type: 'NUMBER' })), { key: 'obj', type: 'OBJECT' }];
    const rows = Array.from({ length: 12 }, (_, i) => ({
      _id: `w${i}`,
      a: i,
      b: i % 3 === 0 ? null : i * 2,
      c: -i,
      obj: i % 2 === 0 ? { n: i } : null,
    }));
    for (const h of [firestore, memory]) {
      expect((await h.client.createCollection({ id: 'numbers', fields })).status).toBe(200);
      expect((await h.client.insert('numbers', rows)).status).toBe(200);
    }
    const operations = [
      { resultFieldName: 'n', itemCount: {} },
      ...['a', 'b', 'c'].flatMap((key) => [
        { resultFieldName: `sum_${key}`, sum: { itemFieldName: key } },
        { resultFieldName: `avg_${key}`, average: { itemFieldName: key } },
      ]),
      { resultFieldName: 'again', sum: { itemFieldName: 'a' } },
      { resultFieldName: 'nested', average: { itemFieldName: 'obj.n' } },
    ];
    const body = { initialFilter: { a: { $gte: 2 } }, aggregation: { groupingFields: [], operations } };
    const { got, want } = await both((c) => c.aggregate('numbers', body));
    expect(got).toEqual(want);
  });

  test('aggregate with grouping and min/max over a residual filter', async () => {
    const body = {
      initialFilter: RESIDUAL,
      aggregation: {
        groupingFields: ['obj.city'],
        operations: [
          { resultFieldName: 'n', itemCount: {} },
          { resultFieldName: 'low', min: { itemFieldName: 'at' } },
          { resultFieldName: 'high', max: { itemFieldName: 'count' } },
        ],
      },
      sort: [{ fieldName: 'n', order: 'DESC' }],
      returnTotalCount: true,
    };
    const { got, want } = await both((c) => c.aggregate(collectionId, body));
    expect(got).toEqual(want);
  });

  test('distinct values over a residual filter', async () => {
    const { got, want } = await both((c) =>
      c.distinct(collectionId, 'tags', { filter: { title: { $endsWith: ' 1' } }, returnTotalCount: true }),
    );
    expect(got).toEqual(want);
  });
});

describe('collections without metadata', () => {
  test('are listed with inferred fields and queried exactly', async () => {
    const { db, storage } = emulatorStorage();
    const h = await startHarness({ storage });
    try {
      const external = db.collection('legacy');
      await external.doc('x1').set({ name: 'Ada', age: 36, born: new Date('1815-12-10T00:00:00Z'), tags: ['math'] });
      await external.doc('x2').set({ name: 'Alan', age: 41, mixed: 'text' });
      await external.doc('x3').set({ name: 'grace', mixed: 3, nested: [[1, 2]].map((a) => ({ a })) });
      const listed = await h.client.listCollections();
      const legacy = listed.body.collections.find((c: { id: string }) => c.id === 'legacy');
      const types = Object.fromEntries(legacy.fields.map((f: { key: string; type: string }) => [f.key, f.type]));
      expect(types).toMatchObject({
        _id: 'TEXT',
        name: 'TEXT',
        age: 'NUMBER',
        born: 'DATETIME',
        tags: 'ARRAY',
        mixed: 'ANY',
      });
      // Only the system fields its documents carry are listed (as Spanner and BigQuery list columns).
      expect(Object.keys(types).filter((k) => k.startsWith('_'))).toEqual(['_id']);
      const found = await h.client.query('legacy', {
        filter: { age: { $gt: 30 } },
        sort: [{ fieldName: 'age', order: 'DESC' }],
      });
      expect(found.body.items.map((i: { _id: string }) => i._id)).toEqual(['x2', 'x1']);
      expect(found.body.items[1].born).toEqual({ $date: '1815-12-10T00:00:00.000Z' });
      const ci = await h.client.query('legacy', { filter: { name: { $startsWith: 'A' } } });
      expect(ci.body.items.map((i: { _id: string }) => i._id)).toEqual(['x1', 'x2']);
      // A field a document lacks is not in its index: the count is asked apart from the average of it
      // (src/aggregation-queries.ts), or x3 would not be counted.
      const aggregated = await h.client.aggregate('legacy', {
        aggregation: {
          groupingFields: [],
          operations: [
            { resultFieldName: 'n', itemCount: {} },
            { resultFieldName: 'age', average: { itemFieldName: 'age' } },
          ],
        },
      });
      expect(aggregated.body.items).toEqual([{ n: 3, age: 38.5 }]);
      // Its documents lack _createdDate, _updatedDate and _owner: read-only (Wix's read-write rule), saying why.
      expect(legacy.capabilities.dataOperations).not.toContain('INSERT');
      const refused = await h.client.insert('legacy', [{ _id: 'x4', name: 'Hedy' }]);
      expect(refused.status).toBe(400);
      expect(refused.body.errorMessage).toContain('it lacks _createdDate, _updatedDate, _owner');

      // Documents that carry the system fields make a writable, non-strict collection.
      const stamped = {
        _createdDate: new Date('2024-01-01T00:00:00Z'),
        _updatedDate: new Date('2024-01-02T00:00:00Z'),
      };
      await db
        .collection('legacy_app')
        .doc('y1')
        .set({ name: 'Mary', _owner: 'owner-1', ...stamped });
      const app = (await h.client.listCollections(['legacy_app'])).body.collections[0];
      expect(app.fields.map((f: { key: string }) => f.key)).toEqual(
        expect.arrayContaining(['_id', '_createdDate', '_updatedDate', '_owner', 'name']),
      );
      const inserted = await h.client.insert('legacy_app', [{ _id: 'y2', name: 'Hedy', extra: [[1], [2, 3]] }]);
      expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
      // Not strict: an undeclared field is accepted.
      expect(inserted.body.results[0].item).toMatchObject({ extra: [[1], [2, 3]] });
      const read = await h.client.query('legacy_app', { filter: { _id: 'y2' } });
      expect(read.body.items[0].extra).toEqual([[1], [2, 3]]);

      // collections/update adopts the read-only one: a definition with the system fields, then writable.
      const fields = legacy.fields.map(({ key, type }: { key: string; type: string }) => ({ key, type }));
      const adopted = await h.client.updateCollection({ id: 'legacy', fields });
      expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
      expect(adopted.body.collection.capabilities.dataOperations).toContain('INSERT');
      const hedy = await h.client.insert('legacy', [{ _id: 'x4', name: 'Hedy' }]);
      expect(hedy.body.results[0].item).toMatchObject({ _id: 'x4', name: 'Hedy', _owner: null });
      expect(hedy.body.results[0].item._createdDate).toEqual({ $date: expect.stringMatching(/Z$/) });
    } finally {
      await h.close();
      await storage.close();
    }
  });
});

describe('bulk writes', () => {
  test('an id inserted again in the same millisecond is a duplicate: each insert call tags what it creates', async () => {
    const { db, storage } = emulatorStorage();
    // One fixed clock: both calls stamp the same _createdDate and _updatedDate.
    const h = await startHarness({ storage, now: () => new Date('2025-01-01T00:00:00.000Z') });
    try {
      await h.client.createCollection({ id: 'twice', fields: FIELDS });
      const first = await h.client.insert('twice', [{ _id: 'a', title: 'first' }]);
      expect(first.body.results[0].item).toMatchObject({ _id: 'a', title: 'first' });
      const second = await h.client.insert('twice', [{ _id: 'a', title: 'second' }, { _id: 'b' }]);
      expect(second.body.results.map((r: { error?: { errorCode: string } }) => r.error?.errorCode ?? 'ok')).toEqual([
        'ITEM_ALREADY_EXISTS',
        'ok',
      ]);
      expect((await h.client.query('twice', { filter: { _id: 'a' } })).body.items[0].title).toBe('first');
      // The token a retried transaction recognises its own documents by: one per call.
      const tokens = await Promise.all(
        ['a', 'b'].map(async (id) => (await db.doc(`twice/${id}`).get()).get(new FieldPath('$wix', 'op'))),
      );
      expect(tokens.every((t) => typeof t === 'string' && t.length >= 16)).toBe(true);
      expect(tokens[0]).not.toBe(tokens[1]);
    } finally {
      await h.close();
      await storage.close();
    }
  });

  test('1,200 items inserted with positional results, then truncate removes every one', async () => {
    const { storage } = emulatorStorage();
    const h = await startHarness({ storage });
    try {
      await h.client.createCollection({ id: 'bulk', fields: FIELDS });
      const all = items(1200);
      const first = await h.client.insert('bulk', all.slice(0, 1000));
      expect(first.body.results.map((r: { item: { _id: string } }) => r.item._id)).toEqual(
        all.slice(0, 1000).map((i) => i._id),
      );
      const second = await h.client.insert('bulk', [...all.slice(1000), all[0]]);
      expect(second.body.results.at(-1).error.errorCode).toBe('ITEM_ALREADY_EXISTS');
      expect((await h.client.count('bulk')).body.totalCount).toBe(1200);
      expect((await h.client.truncate('bulk')).status).toBe(200);
      expect((await h.client.count('bulk')).body.totalCount).toBe(0);
    } finally {
      await h.close();
      await storage.close();
    }
  });
});
