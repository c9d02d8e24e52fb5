/**
 * Differential property test (fast-check): random items and random queries; the
 * service's HTTP answer must equal the core evaluator's answer on the same
 * data. fast-check prints the seed and the shrunk counterexample on failure;
 * replay with CONFORMANCE_SEED=<seed>.
 */
import {
  type Collection,
  countMatching,
  decodeItem,
  describeCollection,
  type Item,
  parseFilter,
  parseSort,
  runQuery,
  SpiError,
  type StoredCollection,
} from '@adaptors/core';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { type ConformanceTarget, idsOf, uniqueCollectionId } from './target.ts';

export const FIELDS = [
  { key: 'name', type: 'TEXT' },
  { key: 'score', type: 'NUMBER' },
  { key: 'flag', type: 'BOOLEAN' },
  { key: 'when', type: 'DATETIME' },
  { key: 'labels', type: 'ARRAY_STRING' },
] as const;

export const WORDS = ['', 'a', 'A', 'ab', 'Ab', 'b', 'é', 'É', 'z', 'a%', 'a_b', '😀'];
export const NUMBERS = [-2, -0.5, 0, 1, 1.5, 3, 1e9];
export const DATES = ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.001Z', '2025-06-30T12:00:00.000Z'];

export const itemArb = fc.record(
  {
    name: fc.oneof(fc.constantFrom(...WORDS), fc.constant(null)),
    score: fc.oneof(fc.constantFrom(...NUMBERS), fc.constant(null)),
    flag: fc.oneof(fc.boolean(), fc.constant(null)),
    when: fc.oneof(
      fc.constantFrom(...DATES).map(($date) => ({ $date })),
      fc.constant(null),
    ),
    labels: fc.oneof(fc.uniqueArray(fc.constantFrom('x', 'y', 'X', 'z'), { maxLength: 3 }), fc.constant(null)),
  },
  { requiredKeys: [] },
);

export const leafArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc
    .record({
      op: fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$contains', '$startsWith', '$endsWith'),
      v: fc.constantFrom(...WORDS),
    })
    .map(({ op, v }) => ({ name: { [op]: v } })),
  fc.constantFrom(...WORDS).map((v) => ({ name: v })),
  fc
    .record({ op: fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte'), v: fc.constantFrom(...NUMBERS) })
    .map(({ op, v }) => ({ score: { [op]: v } })),
  fc.uniqueArray(fc.constantFrom(...NUMBERS), { minLength: 1, maxLength: 3 }).map((v) => ({ score: { $hasSome: v } })),
  fc.boolean().map((v) => ({ flag: v })),
  fc
    .record({ op: fc.constantFrom('$eq', '$ne', '$gt', '$lt'), v: fc.constantFrom(...DATES) })
    .map(({ op, v }) => ({ when: { [op]: { $date: v } } })),
  fc.constantFrom('x', 'y', 'X').map((v) => ({ labels: v })),
  fc
    .uniqueArray(fc.constantFrom('x', 'y', 'X', 'z'), { minLength: 1, maxLength: 2 })
    .map((v) => ({ labels: { $hasAll: v } })),
  fc
    .uniqueArray(fc.constantFrom('x', 'y', 'X', 'z'), { minLength: 1, maxLength: 2 })
    .map((v) => ({ labels: { $hasSome: v } })),
  fc
    .record({ f: fc.constantFrom('name', 'score', 'flag', 'when', 'labels'), v: fc.boolean() })
    .map(({ f, v }) => ({ [f]: { $exists: v } })),
  fc.constant(null).map(() => ({ name: null })),
);

export const filterArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ f: Record<string, unknown> }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('f'), { maxLength: 3 }).map((filters) => ({ $and: filters })),
    fc.array(tie('f'), { maxLength: 3 }).map((filters) => ({ $or: filters })),
    tie('f').map((filter) => ({ $not: filter })),
  ),
})).f;

export const sortArb = fc.uniqueArray(
  fc.record({ fieldName: fc.constantFrom('name', 'score', 'flag', 'when'), order: fc.constantFrom('ASC', 'DESC') }),
  { maxLength: 2, selector: (s) => s.fieldName },
);

const queryArb = fc.record({
  filter: filterArb,
  sort: sortArb,
  offset: fc.integer({ min: 0, max: 5 }),
  limit: fc.integer({ min: 1, max: 30 }),
});

export function differentialSuite(get: () => ConformanceTarget, options: { numRuns?: number } = {}): void {
  test('query and count answers equal the evaluator on random data', async () => {
    const { client, capabilities } = get();
    const id = uniqueCollectionId('diff');
    const created = await client.createCollection({ id, fields: FIELDS.map((f) => ({ ...f })) });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const stored: StoredCollection = created.body.collection as Collection;
    const described = describeCollection(stored, capabilities);
    const ctx = {
      collection: described,
      strict: true,
      nestedQueryOperators: capabilities.nestedQueryOperators,
      supportsMatches: capabilities.supportsMatches,
    };
    const seed = process.env.CONFORMANCE_SEED ? Number(process.env.CONFORMANCE_SEED) : undefined;

    await fc.assert(
      fc.asyncProperty(
        fc.array(itemArb, { maxLength: 25 }),
        fc.array(queryArb, { minLength: 1, maxLength: 6 }),
        async (rawItems, queries) => {
          await client.truncate(id);
          const wireItems = rawItems.map((item, i) => ({ _id: `i${String(i).padStart(2, '0')}`, ...item }));
          if (wireItems.length > 0) {
            const inserted = await client.insert(id, wireItems);
            expect(inserted.status).toBe(200);
          }
          const items: Item[] = wireItems.map((w) => decodeItem(stored, w, 'item'));
          for (const q of queries) {
            let expectedIds: string[] | SpiError;
            try {
              const filter = parseFilter(q.filter, ctx, 'query.filter');
              const sort = parseSort(q.sort, ctx, 'query.sort');
              expectedIds = idsOf(
                runQuery(items, {
                  filter,
                  sort,
                  projection: undefined,
                  offset: q.offset,
                  limit: q.limit,
                  after: undefined,
                }) as { _id: string }[],
              );
              const counted = await client.count(id, q.filter);
              expect(counted.body.totalCount, JSON.stringify({ q, body: counted.body })).toBe(
                countMatching(items, filter),
              );
            } catch (error) {
              if (!(error instanceof SpiError)) throw error;
              expectedIds = error;
            }
            const result = await client.query(id, {
              filter: q.filter,
              sort: q.sort,
              paging: { offset: q.offset, limit: q.limit },
            });
            if (expectedIds instanceof SpiError) {
              expect(result.status, JSON.stringify(q)).toBe(expectedIds.status);
            } else {
              expect(result.status, JSON.stringify({ q, body: result.body })).toBe(200);
              expect(idsOf(result.body.items), JSON.stringify(q)).toEqual(expectedIds);
            }
          }
        },
      ),
      { numRuns: options.numRuns ?? 25, ...(seed !== undefined ? { seed } : {}), endOnFailure: true },
    );
  }, 600_000);
}
