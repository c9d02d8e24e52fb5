/**
 * The core lets go of a storage's answer once it is encoded (packages/core/src/release.ts):
 * the array `Storage.query` answered is empty after the call, and the call's answer is whole.
 */
import type { Item, Storage } from '@adaptors/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, plantsCollection, startHarness } from '../src/index.ts';

const answered: (readonly Item[])[] = [];
let h: Harness;

beforeAll(async () => {
  const memory = createMemoryStorage({ collections: [plantsCollection] });
  // The memory storage, observed: every array its query answers is kept to look at afterwards.
  const storage = new Proxy(memory, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'query' || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(target) : value;
      return async (...args: Parameters<Storage['query']>) => {
        const rows = await value.apply(target, args);
        answered.push(rows);
        return rows;
      };
    },
  });
  h = await startHarness({ storage });
  const items = Array.from({ length: 7 }, (_, i) => ({ _id: `p${i}`, commonName: `plant ${i}` }));
  expect((await h.client.call('items/insert', { collectionId: 'plants', items })).status).toBe(200);
});
afterAll(() => h.close());

test.each([
  ['offset paging', { paging: { limit: 5, offset: 1 } }, 5],
  ['cursor paging', { cursorPaging: { limit: 3 } }, 3],
])('a query by %s answers every item, and the storage’s answer is empty afterwards', async (_, paging, count) => {
  answered.length = 0;
  const result = await h.client.call('items/query', {
    collectionId: 'plants',
    query: { sort: [{ fieldName: '_id', order: 'ASC' }], ...paging },
  });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  expect(result.body.items, JSON.stringify(result.body)).toHaveLength(count);
  expect(result.body.items[0].commonName).toMatch(/^plant \d$/);
  expect(answered).toHaveLength(1);
  expect(answered[0]).toEqual([]);
});
