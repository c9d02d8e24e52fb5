/**
 * `includeReferencedItems` on a MULTI_REFERENCE field reads the page's pairs in one batched
 * query-referenced call (not one per item: a 1000-item page was a 504 on every engine), with the
 * answers query-referenced gives item by item: at most `limit` per item, by creation time, the
 * include's filter applied to the first references. A field listed twice is a 400.
 */
import type { Storage } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, plantsCollection, startHarness } from '../src/index.ts';

const N = 120;
const id = (i: number) => `p${String(i).padStart(3, '0')}`;
const calls = { queryReferenced: 0, query: 0 };

/** The memory storage, counting its query-referenced and query calls. */
function counted(storage: Storage): Storage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if ((property !== 'queryReferenced' && property !== 'query') || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[property] += 1;
        return value.apply(target, args);
      };
    },
  });
}

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ storage: counted(createMemoryStorage({ collections: [plantsCollection] })) });
  const items = Array.from({ length: N }, (_, i) => ({ _id: id(i), commonName: `Plant ${i}`, heightCm: i }));
  expect((await h.client.insert('plants', items)).status).toBe(200);
  // p000 first holds 20 references, then every item 5, round-robin: creation order differs from id order.
  const pairs = Array.from({ length: 20 }, (_, k) => ({ referringItemId: id(0), referencedItemId: id(N - 1 - k) }));
  for (let k = 0; k < 5; k++) {
    for (let i = 1; i < N; i++) pairs.push({ referringItemId: id(i), referencedItemId: id((i * 7 + k * 13 + 1) % N) });
  }
  for (let start = 0; start < pairs.length; start += 1000) {
    expect((await h.client.insertReferences('plants', 'companions', pairs.slice(start, start + 1000))).status).toBe(
      200,
    );
  }
});
afterAll(() => h.close());

/** What query-referenced answers for one item: its first references, in order, as the include should hold. */
async function oneByOne(itemId: string, limit: number, keep: (item: { heightCm: number }) => boolean = () => true) {
  const answer = await h.client.queryReferenced('plants', 'companions', {
    referringItemIds: [itemId],
    paging: { limit: 1000, offset: 0 },
  });
  const referenced = answer.body.items.map(
    (pair: { referencedItem: { _id: string; heightCm: number } }) => pair.referencedItem,
  );
  return referenced
    .filter(keep)
    .slice(0, limit)
    .map((item: { _id: string }) => item._id);
}

async function included(pageLimit: number, include: Record<string, unknown>, filter: unknown = {}) {
  calls.queryReferenced = 0;
  calls.query = 0;
  const answer = await h.client.query(
    'plants',
    { filter, sort: [{ fieldName: '_id', order: 'ASC' }], paging: { limit: pageLimit } },
    { includeReferencedItems: [include] },
  );
  expect(answer.status).toBe(200);
  return answer.body.items as { _id: string; companions: { _id: string }[] }[];
}

describe('includeReferencedItems on a MULTI_REFERENCE field', () => {
  test('one query-referenced call for the page, each item its first `limit` references by creation time', async () => {
    // Without p000, whose 20 references come first (the next test).
    const items = await included(N, { fieldKey: 'companions', limit: 3 }, { _id: { $ne: id(0) } });
    expect(calls.queryReferenced).toBe(1);
    expect(items).toHaveLength(N - 1);
    for (const item of items) {
      expect(item.companions.map((c) => c._id)).toEqual(await oneByOne(item._id, 3));
    }
    expect(items[0]?.companions[0]).toMatchObject({ _id: id(8), commonName: 'Plant 8', heightCm: 8 });
  });

  test('an item whose references come first does not crowd out the others (one more call for those)', async () => {
    const items = await included(2, { fieldKey: 'companions', limit: 3 });
    expect(calls.queryReferenced).toBe(2);
    expect(items.map((item) => item.companions.map((c) => c._id))).toEqual([
      await oneByOne(id(0), 3),
      await oneByOne(id(1), 3),
    ]);
    const all = await included(2, { fieldKey: 'companions' });
    expect(all[0]?.companions).toHaveLength(20);
    expect(all[1]?.companions).toHaveLength(5);
  });

  test('with a filter: one batched call and one read of the referenced items', async () => {
    const items = await included(100, { fieldKey: 'companions', limit: 2, filter: { heightCm: { $gte: 60 } } });
    expect(calls.queryReferenced).toBe(1);
    // The page's own query, then the referenced items with the filter.
    expect(calls.query).toBe(2);
    for (const item of items) {
      expect(item.companions.map((c) => c._id)).toEqual(await oneByOne(item._id, 2, (r) => r.heightCm >= 60));
    }
  });

  test('a field included twice is a 400 naming the second entry', async () => {
    const answer = await h.client.query(
      'plants',
      { paging: { limit: 2 } },
      {
        includeReferencedItems: [
          { fieldKey: 'companions', limit: 50 },
          { fieldKey: 'companions', limit: 50 },
        ],
      },
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errorCode).toBe('VALIDATION_ERROR');
    expect(answer.body.data.violations[0].fieldPath).toBe('includeReferencedItems[1].fieldKey');
  });
});
