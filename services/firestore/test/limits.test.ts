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
