/**
 * Values Firestore cannot hold exactly are refused per item, before any write
 * (src/values.ts): arrays inside arrays take two levels of
 * Firestore's 20 (each is stored as a {"$wixArray": […]} map), and a map with
 * the reserved `$wixArray` key would read back as an array. Before, the first
 * left the bulk write hanging and the second changed the value silently.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { emulatorStorage } from './support.ts';

let h: Harness;
let close: () => Promise<void>;
beforeAll(async () => {
  const { db, storage } = emulatorStorage();
  h = await startHarness({ storage });
  close = async () => {
    await h.close();
    await storage.close();
    await db.terminate();
  };
  const created = await h.client.createCollection({ id: 'vals', fields: [{ key: 'any', type: 'ANY' }] });
  expect(created.status).toBe(200);
});
afterAll(async () => {
  await close?.();
});

const arrays = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

type Result = { item?: Record<string, unknown>; error?: { errorCode: string; errorMessage: string } };

test('arrays nested within the core limit but too deep for Firestore: a per-item 400, the rest stored', async () => {
  const inserted = await h.client.insert('vals', [
    { _id: 'a10', any: arrays(10) },
    { _id: 'a11', any: arrays(11) },
    { _id: 'a20', any: arrays(20) },
  ]);
  const results = inserted.body.results as Result[];
  expect(results.map((r) => r.item?._id ?? r.error?.errorCode)).toEqual([
    'a10',
    'VALIDATION_ERROR',
    'VALIDATION_ERROR',
  ]);
  expect(results[1]?.error?.errorMessage).toContain('at most 20 levels');
  const stored = await h.client.query('vals', { filter: { _id: { $in: ['a10', 'a11', 'a20'] } } });
  expect(stored.body.items.map((i: Record<string, unknown>) => [i._id, i.any])).toEqual([['a10', arrays(10)]]);

  const updated = await h.client.update('vals', [{ _id: 'a10', any: arrays(12) }]);
  expect((updated.body.results as Result[])[0]?.error?.errorCode).toBe('VALIDATION_ERROR');
  const after = await h.client.query('vals', { filter: { _id: 'a10' } });
  expect(after.body.items[0].any).toEqual(arrays(10));
});

test('the reserved $wixArray key is refused, at any depth, on insert and update', async () => {
  const inserted = await h.client.insert('vals', [
    { _id: 'w1', any: { $wixArray: [1, 2] } },
    { _id: 'w2', any: { x: [{ y: { $wixArray: [] } }] } },
    { _id: 'w3', any: [[1, 2]] },
  ]);
  const results = inserted.body.results as Result[];
  expect(results.map((r) => r.item?._id ?? r.error?.errorCode)).toEqual(['VALIDATION_ERROR', 'VALIDATION_ERROR', 'w3']);
  expect(results[0]?.error?.errorMessage).toContain('reserved');
  const updated = await h.client.update('vals', [{ _id: 'w3', any: { $wixArray: [3] } }]);
  expect((updated.body.results as Result[])[0]?.error?.errorCode).toBe('VALIDATION_ERROR');
  const stored = await h.client.query('vals', { filter: { _id: { $in: ['w1', 'w2', 'w3'] } } });
  expect(stored.body.items.map((i: Record<string, unknown>) => [i._id, i.any])).toEqual([['w3', [[1, 2]]]]);
});

/**
 * Firestore refuses more than 100 filters in one query and filter values over 1,500 bytes, and the
 * emulator took seconds to say so: such calls ran out of their deadline (found by the fuzz). The planner
 * now pushes at most MAX_PUSHED_FILTERS conditions and no value over the byte limit; the rest is
 * evaluated on the streamed documents, so the answer is the same as with a smaller filter.
 */
test('a filter of 100 conditions and a filter value over 1,500 bytes are answered, and exactly', async () => {
  const created = await h.client.createCollection({
    id: 'many',
    fields: [
      { key: 'score', type: 'NUMBER' },
      { key: 'name', type: 'TEXT' },
    ],
  });
  expect(created.status).toBe(200);
  const long = 'x'.repeat(2000);
  const inserted = await h.client.insert('many', [
    { _id: 'a', score: 3, name: long },
    { _id: 'b', score: 3, name: 'short' },
    { _id: 'c', score: 4, name: long },
  ]);
  expect(inserted.status).toBe(200);
  const ids = (body: { items: { _id: string }[] }) => body.items.map((i) => i._id).sort();

  const hundred = await h.client.query('many', {
    filter: { $and: Array.from({ length: 100 }, () => ({ score: 3 })) },
  });
  expect(hundred.status, JSON.stringify(hundred.body)).toBe(200);
  expect(ids(hundred.body)).toEqual(['a', 'b']);
  // 100 different values (the fuzz's case): no item has them all.
  const distinct = await h.client.query('many', {
    filter: { $and: Array.from({ length: 100 }, (_, i) => ({ score: i })) },
  });
  expect(distinct.status, JSON.stringify(distinct.body)).toBe(200);
  expect(ids(distinct.body)).toEqual([]);

  const byLongName = await h.client.query('many', { filter: { name: long } });
  expect(byLongName.status, JSON.stringify(byLongName.body)).toBe(200);
  expect(ids(byLongName.body)).toEqual(['a', 'c']);

  const both = await h.client.count('many', { $and: [{ name: { $in: [long, 'y'] } }, { score: 4 }] });
  expect(both.status, JSON.stringify(both.body)).toBe(200);
  expect(both.body.totalCount).toBe(1);
});

test('a key Firestore reserves (__name__-like) fails its item with a VALIDATION_ERROR; the rest are stored', async () => {
  const inserted = await h.client.insert('vals', [
    { _id: 'r1', any: { __foo__: 1 } },
    { _id: 'r2', any: { foo: 1 } },
  ]);
  expect(inserted.status).toBe(200);
  const [refused, stored] = inserted.body.results as Result[];
  expect(refused?.error?.errorCode).toBe('VALIDATION_ERROR');
  expect(refused?.error?.errorMessage).toContain('Firestore cannot store this item');
  expect(stored?.item).toMatchObject({ _id: 'r2', any: { foo: 1 } });
});

test('a field key Firestore reserves (__name__, __foo__) is refused when the collection is created or updated', async () => {
  for (const key of ['__name__', '__foo__']) {
    const created = await h.client.createCollection({ id: 'reserved_keys', fields: [{ key, type: 'TEXT' }] });
    expect(created.status).toBe(400);
    expect(created.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(created.body.data.errors[0]).toMatchObject({ fieldKey: key });
  }
  const updated = await h.client.updateCollection({ id: 'vals', fields: [{ key: '__key__', type: 'TEXT' }] });
  expect(updated.status).toBe(400);
  expect(updated.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
  // Two underscores on one side only is an ordinary name.
  expect((await h.client.createCollection({ id: 'reserved_ok', fields: [{ key: '__a', type: 'TEXT' }] })).status).toBe(
    200,
  );
});
