/**
 * Sorting by a dotted path into a JSON-stored field (OBJECT here). The values there may be
 * `{"$date"}` objects (dates for the evaluator, core SEMANTICS.md #21), objects or arrays, which
 * GoogleSQL cannot order as core compare.ts does: the sort is refused with a 400 naming the path,
 * never answered in `_id` order (2024, 2025, 2020 came back where the reference answers 2020 <
 * 2024 < 2025). Filters on the same path and sorts on top-level fields still answer.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

describe('sorting by a nested path on Spanner', () => {
  let h: SpannerHarness;
  beforeAll(async () => {
    h = await startSpannerHarness();
    const { client } = h.harness;
    const fields = [
      { key: 'name', type: 'TEXT' },
      { key: 'o', type: 'OBJECT' },
    ];
    expect((await client.createCollection({ id: 'nested_sort', fields })).status).toBe(200);
    const inserted = await client.insert('nested_sort', [
      { _id: 'n1', name: 'b', o: { w: { $date: '2024-01-01T00:00:00Z' }, arr: [1, 2] } },
      { _id: 'n2', name: 'c', o: { w: { $date: '2025-01-01T00:00:00.000Z' }, arr: [3] } },
      { _id: 'n3', name: 'a', o: { w: '2024-06-01T00:00:00Z' } },
      { _id: 'n8', name: 'd', o: { w: { $date: '2020-01-01T00:00:00.000Z' } } },
    ]);
    expect(inserted.status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
  });

  test.each([
    ['o.w', 'ASC'],
    ['o.w', 'DESC'],
    ['o.arr', 'DESC'],
  ])('sort by %s %s is refused with a 400, not answered in _id order', async (fieldName, order) => {
    const answer = await h.harness.client.query('nested_sort', {
      filter: { [fieldName]: { $exists: true } },
      sort: [{ fieldName, order }],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.errorMessage).toContain(`Sorting by the nested path '${fieldName}' is not supported`);
    expect(answer.body.errorMessage).toContain('Sort by a top-level field');
  });

  test('filters on the nested path and sorts on top-level fields still answer', async () => {
    const answer = await h.harness.client.query('nested_sort', {
      filter: { 'o.w': { $exists: true } },
      sort: [{ fieldName: 'name', order: 'DESC' }],
      fields: ['_id'],
    });
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((item: { _id: string }) => item._id)).toEqual(['n8', 'n2', 'n1', 'n3']);
  });
});
