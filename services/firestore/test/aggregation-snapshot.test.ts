/**
 * A count beside the sum of a field some documents may lack (here a nested path) takes two
 * Firestore aggregation queries (src/aggregation-queries.ts): they must read one snapshot.
 * Every item holds obj.x = 1, so an answer whose count and sum differ was assembled from two
 * states of the collection; items are inserted one by one while the aggregations run.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { emulatorStorage } from './support.ts';

let harness: Harness;

beforeAll(async () => {
  const { storage } = emulatorStorage();
  harness = await startHarness({ storage });
  const created = await harness.client.createCollection({ id: 'ticks', fields: [{ key: 'obj', type: 'OBJECT' }] });
  expect(created.status).toBe(200);
});

afterAll(async () => {
  await harness?.close();
});

test('a count and the sum of a nested field read one snapshot while items are inserted', async () => {
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing && i < 400; i++) {
      await harness.client.insert('ticks', [{ _id: `t${i}`, obj: { x: 1 } }]);
    }
  })();
  const answers: { n: number; s: number | null }[] = [];
  try {
    for (let k = 0; k < 60; k++) {
      const answer = await harness.client.aggregate('ticks', {
        aggregation: {
          groupingFields: [],
          operations: [
            { resultFieldName: 'n', itemCount: {} },
            { resultFieldName: 's', sum: { itemFieldName: 'obj.x' } },
          ],
        },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      answers.push(answer.body.items[0]);
    }
  } finally {
    writing = false;
    await writer;
  }
  // The inserts landed while the aggregations ran (otherwise this proves nothing).
  expect(new Set(answers.map((a) => a.n)).size).toBeGreaterThan(5);
  // No number to sum over no items: null (packages/core/SEMANTICS.md rule 31).
  expect(answers.filter((a) => a.n !== (a.s ?? 0))).toEqual([]);
});
