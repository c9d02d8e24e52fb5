/**
 * Spanner's own query size limit (1,000 SQL functions per query) lies below
 * the core's filter limits (packages/core/README.md "Input limits") for some
 * shapes: a filter within the core's limits that Spanner refuses is a 400
 * that says what to change, never a 500 (src/errors.ts).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

let h: SpannerHarness;
beforeAll(async () => {
  h = await startSpannerHarness();
  const created = await h.harness.client.createCollection({
    id: 'big',
    fields: [
      { key: 'num', type: 'NUMBER' },
      { key: 'tags', type: 'ARRAY_STRING' },
    ],
  });
  expect(created.status).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

test.each([['$or with 900 branches', { $or: Array.from({ length: 900 }, (_, i) => ({ num: i })) }]])(
  '%s: within the core limits, over Spanner’s → 400 with advice',
  async (_name, filter) => {
    const result = await h.harness.client.count('big', filter);
    expect(result.status, JSON.stringify(result.body)).toBe(400);
    expect(result.body.errorCode).toBe('BAD_REQUEST');
    expect(result.body.errorMessage).toContain('too large for Cloud Spanner');
  },
);

test('$hasAll with 1,000 values is one ARRAY parameter: answered (was over the 1,000 functions)', async () => {
  await h.harness.client.insert('big', [
    { tags: ['t1', 't500', 't999'] },
    { tags: Array.from({ length: 1000 }, (_, i) => `t${i}`) },
  ]);
  const filter = { tags: { $hasAll: Array.from({ length: 1000 }, (_, i) => `t${i}`) } };
  const result = await h.harness.client.count('big', filter);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  expect(result.body).toEqual({ totalCount: 1 });
});

test('$in with 1,000 values is one ARRAY parameter: answered', async () => {
  await h.harness.client.insert('big', [{ num: 5 }, { num: 5000 }]);
  const filter = { num: { $in: Array.from({ length: 1000 }, (_, i) => i) } };
  expect((await h.harness.client.count('big', filter)).body).toEqual({ totalCount: 1 });
});
