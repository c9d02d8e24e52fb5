/**
 * sum/average with an `_id` condition in the filter. Firestore refuses an aggregation query that
 * sums or averages a field under a document-id (`__name__`) condition: "This query requires an
 * index that has fields [heightCm] after __name__ and Firestore does not currently support such an
 * index" (INVALID_ARGUMENT, not the FAILED_PRECONDITION of a missing composite index). Such an
 * aggregation is evaluated over the matching documents instead, within the scan bound, and
 * answers what the other engines answer.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emulatorStorage } from './support.ts';

let harness: Harness;

beforeAll(async () => {
  const { storage } = emulatorStorage({ scanLimit: 3 });
  harness = await startHarness({ storage });
  const fields = [
    { key: 'kind', type: 'TEXT' },
    { key: 'heightCm', type: 'NUMBER' },
    { key: 'care', type: 'OBJECT' },
  ];
  expect((await harness.client.createCollection({ id: 'plants', fields })).status).toBe(200);
  const inserted = await harness.client.insert('plants', [
    { _id: 'basil', kind: 'herb', heightCm: 30, care: { water: 2 } },
    { _id: 'fern', kind: 'leaf', heightCm: 40, care: { water: 5 } },
    { _id: 'mint', kind: 'herb', heightCm: 20 },
    { _id: 'rose', kind: 'flower', heightCm: 55, care: { water: 3 } },
    { _id: 's1', kind: 'herb' },
  ]);
  expect(inserted.status).toBe(200);
});

afterAll(async () => {
  await harness?.close();
});

async function aggregate(initialFilter: unknown, operations: unknown[], groupingFields: string[] = []) {
  const answer = await harness.client.aggregate('plants', {
    initialFilter,
    aggregation: { groupingFields, operations },
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.items;
}

const sum = (field: string) => ({ resultFieldName: 's', sum: { itemFieldName: field } });
const avg = (field: string) => ({ resultFieldName: 'a', average: { itemFieldName: field } });
const count = { resultFieldName: 'n', itemCount: {} };

describe('sum and average under an _id condition', () => {
  test.each([
    ['$in', { _id: { $in: ['basil', 'rose'] } }, [{ s: 85, a: 42.5, n: 2 }]],
    ['$eq', { _id: 'basil' }, [{ s: 30, a: 30, n: 1 }]],
    ['$gt', { _id: { $gt: 'mint' } }, [{ s: 55, a: 55, n: 2 }]],
    ['$hasSome', { _id: { $hasSome: ['fern', 'mint', 'nope'] } }, [{ s: 60, a: 30, n: 2 }]],
    [
      'inside $and',
      { $and: [{ _id: { $in: ['basil', 'mint', 'rose'] } }, { kind: 'herb' }] },
      [{ s: 50, a: 25, n: 2 }],
    ],
    ['no match', { _id: 'nope' }, [{ s: null, a: null, n: 0 }]],
  ])('%s', async (_name, filter, expected) => {
    expect(await aggregate(filter, [sum('heightCm'), avg('heightCm'), count])).toEqual(expected);
  });

  test('a nested field, and sum alone', async () => {
    expect(await aggregate({ _id: { $in: ['basil', 'rose', 'mint'] } }, [sum('care.water')])).toEqual([{ s: 5 }]);
  });

  test("past the scan bound: refused naming the cause, not Firestore's index error", async () => {
    const answer = await harness.client.aggregate('plants', {
      initialFilter: { _id: { $gte: 'a' } },
      aggregation: { groupingFields: [], operations: [sum('heightCm')] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errorMessage).toContain('sum/average with an _id condition');
    expect(answer.body.errorMessage).not.toContain('__name__');
  });

  test('grouped', async () => {
    expect(await aggregate({ _id: { $in: ['basil', 'mint', 'rose'] } }, [sum('heightCm')], ['kind'])).toEqual([
      { kind: 'flower', s: 55 },
      { kind: 'herb', s: 50 },
    ]);
  });
});
