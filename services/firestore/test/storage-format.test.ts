/**
 * The storage format (src/format.ts, README.md "Storage format") on
 * the real emulator: what a written document holds, that `$wix` is never
 * answered, and that sorts, offsets, cursors, null checks and
 * case-insensitive text are answered by Firestore itself — checked by a scan
 * bound far below the collection size (a scan would be refused) and against
 * the memory storage on the same data.
 */
import { createMemoryStorage, type Harness, startHarness, type WixClient } from '@adaptors/testkit';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emulatorStorage } from './support.ts';

const FIELDS = [
  { key: 'title', type: 'TEXT' },
  { key: 'n', type: 'NUMBER' },
  { key: 'cat', type: 'TEXT' },
  { key: 'at', type: 'DATETIME' },
  { key: 'ok', type: 'BOOLEAN' },
  { key: 'obj', type: 'OBJECT' },
];
const WORDS = ['Alpha', 'alpine', 'BETA', 'Ünïcode', 'gamma ray', 'Zeta'];
const N = 240;

function items() {
  return Array.from({ length: N }, (_, i) => {
    const item: Record<string, unknown> = { _id: `d${String((i * 7919) % 1000).padStart(4, '0')}` };
    if (i % 9 !== 4) item.title = `${WORDS[i % WORDS.length]} ${i % 17}`;
    if (i % 5 !== 2) item.n = i % 11 === 0 ? null : (i * 37) % 23;
    item.cat = i % 13 === 0 ? null : `c${i % 6}`;
    if (i % 3 === 0) item.at = { $date: new Date(Date.UTC(2024, 0, 1) + (i % 7) * 86_400_000).toISOString() };
    if (i % 4 !== 1) item.ok = i % 2 === 0;
    if (i % 3 === 1) item.obj = { w: i % 5 };
    return item;
  });
}

const closers: (() => Promise<void>)[] = [];
let firestore: Harness;
let memory: Harness;
let db: Firestore;
const collectionId = 'formatted';

beforeAll(async () => {
  // A bound far below the collection: whatever must be scanned is refused, so a 200 proves the pushdown.
  const opened = emulatorStorage({ scanLimit: 30 });
  db = opened.db;
  closers.push(() => opened.storage.close());
  const now = () => new Date('2025-01-01T00:00:00.000Z');
  firestore = await startHarness({ storage: opened.storage, now });
  memory = await startHarness({ storage: createMemoryStorage(), now });
  for (const h of [firestore, memory]) {
    expect((await h.client.createCollection({ id: collectionId, fields: FIELDS })).status).toBe(200);
    const inserted = await h.client.insert(collectionId, items());
    expect(inserted.body.results.every((r: { item?: unknown }) => r.item)).toBe(true);
  }
});

afterAll(async () => {
  await Promise.all([firestore?.close(), memory?.close()]);
  await Promise.all(closers.map((close) => close()));
});

async function both(call: (client: WixClient) => Promise<{ status: number; body: unknown }>) {
  const [got, want] = await Promise.all([call(firestore.client), call(memory.client)]);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  expect(want.status).toBe(200);
  expect(got.body).toEqual(want.body);
}

describe('stored documents', () => {
  test('every declared field is on every document, with folded shadows and trigrams of text', async () => {
    const snapshot = await db.collection(collectionId).get();
    expect(snapshot.size).toBe(N);
    for (const doc of snapshot.docs) {
      const data = doc.data();
      for (const f of [...FIELDS.map((x) => x.key), '_createdDate', '_updatedDate', '_owner']) {
        expect(Object.hasOwn(data, f), `${doc.id}.${f}`).toBe(true);
      }
      if (typeof data.title === 'string') {
        expect(data.$wix.lc.title).toBe(data.title.toLowerCase());
        expect(data.$wix.tri.title[data.title.toLowerCase().slice(0, 3)]).toBe(true);
      } else {
        expect(data.title).toBeNull();
        expect(data.$wix.lc.title).toBeUndefined();
      }
    }
  });

  test('the format map is never answered, and the marker lists every field', async () => {
    const result = await firestore.client.query(collectionId, { paging: { limit: 5 } });
    for (const item of result.body.items) expect(Object.keys(item)).not.toContain('$wix');
    const marker = JSON.parse((await db.collection('_wix_collections').doc(collectionId).get()).get('format'));
    expect(marker.complete).toEqual(expect.arrayContaining(['title', 'n', 'cat', 'at', 'ok', '_owner']));
  });
});

// A prefix is a range on the shadow: sorted in memory, so these prefixes are narrow (≤ 30 candidates).
describe('answered by Firestore, exactly (scan bound 30 of 240 documents)', () => {
  test.each([
    ['number asc', [{ fieldName: 'n' }]],
    ['number desc', [{ fieldName: 'n', order: 'DESC' }]],
    ['text asc', [{ fieldName: 'title' }]],
    ['datetime desc', [{ fieldName: 'at', order: 'DESC' }]],
    ['two fields', [{ fieldName: 'cat' }, { fieldName: 'n', order: 'DESC' }]],
  ])('sort by %s with an offset, nulls placed as Wix places them', async (_name, sort) => {
    for (const offset of [0, 17, 200]) {
      await both((c) => c.query(collectionId, { sort, paging: { offset, limit: 25 } }));
    }
  });

  test('cursor walk over a sort whose field holds nulls', async () => {
    const walk = async (client: WixClient) => {
      const seen: unknown[] = [];
      let result = await client.query(collectionId, { sort: [{ fieldName: 'n' }], cursorPaging: { limit: 20 } });
      for (;;) {
        expect(result.status, JSON.stringify(result.body)).toBe(200);
        seen.push(...result.body.items.map((i: { _id: string; n: unknown }) => [i._id, i.n]));
        const next = result.body.pagingMetadata.cursors?.next;
        if (!next) return seen;
        result = await client.query(collectionId, { cursorPaging: { limit: 20, cursor: next } });
      }
    };
    const [got, want] = await Promise.all([walk(firestore.client), walk(memory.client)]);
    expect(got).toHaveLength(N);
    expect(got).toEqual(want);
  });

  test.each([
    ['$eq null', { n: null }],
    ['$exists false', { at: { $exists: false } }],
    ['$startsWith case-insensitive', { title: { $startsWith: 'ALPINE 1' } }],
    ['$startsWith beyond ASCII', { title: { $startsWith: 'üNÏcODE 1' } }],
    [
      '$matches literal, ignoring case',
      { title: { $matches: { ignoreCase: true, spec: [{ type: 'literal', value: 'BETA 3' }] } } },
    ],
    [
      '$in of case-insensitive literals',
      {
        $or: ['zeta 5', 'GAMMA RAY 1'].map((value) => ({
          title: { $matches: { ignoreCase: true, spec: [{ type: 'literal', value }] } },
        })),
      },
    ],
    ['$contains narrowed by a trigram', { title: { $contains: 'MMA RAY 1' } }],
    ['$endsWith narrowed by a trigram', { title: { $endsWith: 'pine 16' } }],
  ])('%s', async (_name, filter) => {
    await both((c) => c.query(collectionId, { filter, paging: { limit: 50 } }));
    await both((c) => c.count(collectionId, filter));
  });

  test('a sort with a null check and an offset', async () => {
    await both((c) =>
      c.query(collectionId, {
        filter: { ok: null },
        sort: [{ fieldName: 'title', order: 'DESC' }],
        paging: { offset: 3, limit: 10 },
      }),
    );
  });
});

describe('aggregations and distinct values past the scan bound (one query per value)', () => {
  test.each([
    ['by text, all operations', 'cat', {}],
    ['by number, filtered, with a final filter and paging', 'n', { initialFilter: { ok: true } }],
    ['by boolean, sorted by the sum', 'ok', { sort: [{ fieldName: 's', order: 'DESC' }] }],
  ])('aggregate %s', async (_name, by, extra) => {
    const body = {
      aggregation: {
        groupingFields: [by],
        operations: [
          { resultFieldName: 'c', itemCount: {} },
          { resultFieldName: 's', sum: { itemFieldName: 'n' } },
          { resultFieldName: 'a', average: { itemFieldName: 'n' } },
        ],
      },
      returnTotalCount: true,
      ...extra,
    };
    await both((c) => c.aggregate(collectionId, body));
    await both((c) =>
      c.aggregate(collectionId, { ...body, finalFilter: { c: { $gt: 10 } }, paging: { offset: 1, limit: 3 } }),
    );
  });

  test('aggregate by text: each group counted beside averages of nested fields few or no items hold', async () => {
    // One aggregation query per group and field: Firestore's average() of a field, asked together with
    // count(), counted only the documents holding it, and groups where none did vanished (src/aggregation-queries.ts).
    const body = {
      aggregation: {
        groupingFields: ['cat'],
        operations: [
          { resultFieldName: 'c', itemCount: {} },
          { resultFieldName: 'a', average: { itemFieldName: 'n' } },
          { resultFieldName: 'w', average: { itemFieldName: 'obj.w' } },
          { resultFieldName: 'none', average: { itemFieldName: 'obj.missing' } },
        ],
      },
      returnTotalCount: true,
    };
    await both((c) => c.aggregate(collectionId, body));
  });

  test.each([
    ['text ascending', 'cat', {}],
    ['number descending, filtered', 'n', { order: 'DESC', filter: { ok: false } }],
    ['datetime, paged', 'at', { paging: { offset: 2, limit: 3 } }],
    ['text, paged without a total', 'title', { paging: { offset: 5, limit: 4 }, returnTotalCount: false }],
  ])('distinct %s', async (_name, field, extra) => {
    await both((c) => c.distinct(collectionId, field, { returnTotalCount: true, ...extra }));
  });

  test('distinct values by cursor', async () => {
    const walk = async (client: WixClient) => {
      const seen: unknown[] = [];
      let result = await client.distinct(collectionId, 'n', { cursorPaging: { limit: 4 }, returnTotalCount: true });
      for (;;) {
        expect(result.status, JSON.stringify(result.body)).toBe(200);
        seen.push(result.body.distinctValues, result.body.pagingMetadata.total);
        const next = result.body.pagingMetadata.cursors?.next;
        if (!next) return seen;
        result = await client.distinct(collectionId, 'n', {
          cursorPaging: { limit: 4, cursor: next },
          returnTotalCount: true,
        });
      }
    };
    const [got, want] = await Promise.all([walk(firestore.client), walk(memory.client)]);
    expect(got).toEqual(want);
  });
});

test('a prefix with more candidates than one scan page (500) is paged through exactly', async () => {
  // Regression: the scan pages after the last document read, ordered by the shadow's range; the
  // shadow must be read for that cursor even though the item's fields are all that is answered.
  const id = 'prefixes';
  const fields = [{ key: 'title', type: 'TEXT' }];
  const many = Array.from({ length: 1100 }, (_, i) => ({ _id: `p${(i * 7919) % 10007}`, title: `Same ${i}` }));
  for (const h of [memory]) {
    expect((await h.client.createCollection({ id, fields })).status).toBe(200);
    for (const part of [many.slice(0, 600), many.slice(600)])
      expect((await h.client.insert(id, part)).status).toBe(200);
  }
  const opened = emulatorStorage({ scanLimit: 2000 });
  closers.push(() => opened.storage.close());
  const roomy = await startHarness({ storage: opened.storage });
  closers.push(() => roomy.close());
  expect((await roomy.client.createCollection({ id, fields })).status).toBe(200);
  for (const part of [many.slice(0, 600), many.slice(600)]) {
    expect((await roomy.client.insert(id, part)).status).toBe(200);
  }
  const body = {
    filter: { title: { $startsWith: 'SAME ' } },
    sort: [{ fieldName: '_id', order: 'DESC' }],
    paging: { limit: 20 },
  };
  const [got, want] = await Promise.all([roomy.client.query(id, body), memory.client.query(id, body)]);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  const strip = (items: Record<string, unknown>[]) => items.map(({ _id, title }) => ({ _id, title }));
  expect(strip(got.body.items)).toEqual(strip(want.body.items));
});

describe('fields the documents do not hold yet', () => {
  test('a field added to a collection with documents is not trusted until a backfill', async () => {
    const id = 'grown';
    const fields = [{ key: 'a', type: 'NUMBER' }];
    expect((await firestore.client.createCollection({ id, fields })).status).toBe(200);
    await firestore.client.insert(
      id,
      Array.from({ length: 40 }, (_, i) => ({ _id: `g${i}`, a: i })),
    );
    const grown = [...fields, { key: 'b', type: 'NUMBER' }];
    expect((await firestore.client.updateCollection({ id, fields: grown })).status).toBe(200);
    // The 40 documents lack b: sorting by it cannot be pushed, and the refusal names the backfill.
    const sorted = await firestore.client.query(id, { sort: [{ fieldName: 'b' }] });
    expect(sorted.status).toBe(400);
    expect(sorted.body.errorMessage).toContain('adaptors firestore backfill grown');
    expect(sorted.body.data).toMatchObject({ backfillFields: ['b'], candidates: 40 });
    // a was complete before the change and stays so.
    expect((await firestore.client.query(id, { sort: [{ fieldName: 'a', order: 'DESC' }] })).status).toBe(200);
  });
});
