/**
 * Properties (fast-check): complement laws of the filter language, keyset
 * paging equals one sorted list, compareValues is a total order, and the
 * parser only ever fails with SpiError.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { SpiError } from '../../src/errors.ts';
import { QUERY_OPERATORS } from '../../src/model.ts';
import type { Item, Keyset, Value } from '../../src/query/ast.ts';
import { TRUE } from '../../src/query/ast.ts';
import { canonicalKey, compareValues } from '../../src/query/compare.ts';
import { compareItems, keysetOf, matches, runQuery } from '../../src/query/evaluate.ts';
import type { ParseContext } from '../../src/query/parse-context.ts';
import { parseSort } from '../../src/query/parse-sort.ts';
import { looseCtx as baseLoose, ctx, parse } from './fixtures.ts';

/** Non-strict, every operator everywhere (also on nested paths). */
const looseCtx: ParseContext = { ...baseLoose, nestedQueryOperators: QUERY_OPERATORS };

// ---- values -------------------------------------------------------------

const DATES = ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.001Z', '2023-12-31T23:59:59.999Z'];

const scalar: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -0),
  fc.constantFrom('', 'a', 'A', 'ab', 'b', 'é', '😀', '\uFFFF', '5'),
  fc.boolean(),
  fc.constantFrom(...DATES).map((iso) => new Date(iso)),
);

const value: fc.Arbitrary<Value> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('k', 'j'), scalar, { maxKeys: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(...DATES).map((iso): Value => ({ $date: iso })) },
);

/** Internal value → wire literal (Dates as {"$date"}). */
function wire(v: Value): unknown {
  if (v instanceof Date) return { $date: v.toISOString() };
  if (Array.isArray(v)) return v.map(wire);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, wire(e)]));
  return v;
}

const FIELDS = ['a', 'b', 'o.k'] as const;

const item = (id: number): fc.Arbitrary<Item> =>
  fc
    .record(
      {
        a: value,
        b: value,
        o: fc.oneof(fc.constant(null), fc.dictionary(fc.constantFrom('k', 'j'), value, { maxKeys: 2 })),
      },
      { requiredKeys: [] },
    )
    .map((rest) => ({ _id: `id${id}`, ...rest }) as Item);

const items: fc.Arbitrary<Item[]> = fc
  .array(fc.nat(), { maxLength: 25 })
  .chain((seeds) => (seeds.length ? fc.tuple(...seeds.map((_, i) => item(i))) : fc.constant([] as Item[])));

// ---- wire filters that parse (loose collection: every field is ANY-like) --

const rangeScalar = scalar.filter((v) => v !== null);
const word = fc.constantFrom('a', 'A', 'b', 'é', '', 'c+');

const condition: fc.Arbitrary<unknown> = fc.constantFrom(...FIELDS).chain((f) =>
  fc.oneof(
    value.map((v) => ({ [f]: wire(v) })),
    fc.tuple(fc.constantFrom('$eq', '$ne'), value).map(([op, v]) => ({ [f]: { [op]: wire(v) } })),
    fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), rangeScalar).map(([op, v]) => ({ [f]: { [op]: wire(v) } })),
    fc
      .tuple(fc.constantFrom('$in', '$hasSome', '$nin', '$hasAll'), fc.array(scalar, { minLength: 1, maxLength: 3 }))
      .map(([op, vs]) => ({ [f]: { [op]: vs.map(wire) } })),
    fc.tuple(fc.constantFrom('$contains', '$startsWith', '$endsWith'), word).map(([op, w]) => ({ [f]: { [op]: w } })),
    fc
      .tuple(fc.constantFrom('$exists', '$isEmpty', '$isNotEmpty'), fc.boolean())
      .map(([op, b]) => ({ [f]: { [op]: b } })),
    fc
      .tuple(
        fc.boolean(),
        fc.array(fc.tuple(fc.constantFrom('literal', 'anyOf'), fc.constantFrom('a', 'A', 'é', '+-', ']^')), {
          minLength: 1,
          maxLength: 3,
        }),
      )
      .map(([ignoreCase, parts]) => ({
        [f]: { $matches: { ignoreCase, spec: parts.map(([type, v]) => ({ type, value: v })) } },
      })),
    fc
      .array(fc.constantFrom('a', 'b', 'é'), { minLength: 1, maxLength: 2 })
      .map((words) => ({ [f]: { $urlized: words } })),
  ),
);

const { filter: wireFilter } = fc.letrec<{ filter: unknown }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    fc.array(tie('filter'), { maxLength: 3 }).map((fs) => ({ $and: fs })),
    fc.array(tie('filter'), { maxLength: 3 }).map((fs) => ({ $or: fs })),
    tie('filter').map((f) => ({ $not: f })),
    tie('filter').map((f) => ({ $not: [f] })),
    fc.tuple(condition, condition).map(([x, y]) => ({ ...(x as object), ...(y as object) })),
  ),
}));

const RUNS = { numRuns: 300 };

describe('properties', () => {
  test('(1) $not is the exact complement of any filter', () => {
    fc.assert(
      fc.property(wireFilter, items, (f, list) => {
        const positive = parse(f, looseCtx);
        const negative = parse({ $not: f }, looseCtx);
        for (const it of list) expect(matches(negative, it)).toBe(!matches(positive, it));
      }),
      RUNS,
    );
  });

  test('(1b) complement pairs: $ne/$eq, $nin/$in, $exists true/false, $isEmpty/$isNotEmpty', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIELDS),
        value,
        fc.array(scalar, { minLength: 1, maxLength: 3 }),
        items,
        (f, v, vs, list) => {
          const pairs: [unknown, unknown][] = [
            [{ [f]: { $eq: wire(v) } }, { [f]: { $ne: wire(v) } }],
            [{ [f]: { $in: vs.map(wire) } }, { [f]: { $nin: vs.map(wire) } }],
            [{ [f]: { $exists: true } }, { [f]: { $exists: false } }],
            [{ [f]: { $isEmpty: true } }, { [f]: { $isNotEmpty: true } }],
          ];
          for (const [p, q] of pairs) {
            const fp = parse(p, looseCtx);
            const fq = parse(q, looseCtx);
            for (const it of list) expect(matches(fq, it)).toBe(!matches(fp, it));
          }
        },
      ),
      RUNS,
    );
  });

  test('(2) walking keyset pages returns exactly the sorted list', () => {
    const sortArb = fc
      .subarray(['a', 'b', 'o.k'], { minLength: 0, maxLength: 3 })
      .chain((keys) =>
        fc.tuple(...keys.map((k) => fc.constantFrom('ASC', 'DESC').map((order) => ({ fieldName: k, order })))),
      );
    fc.assert(
      fc.property(items, sortArb, fc.integer({ min: 1, max: 6 }), (list, sortRaw, limit) => {
        const sort = parseSort(sortRaw, looseCtx, 'query.sort');
        const expected = [...list].sort(compareItems(sort)).map((i) => i._id);
        const seen: Value[] = [];
        let after: Keyset | undefined;
        for (let guard = 0; guard <= list.length + 1; guard++) {
          const page = runQuery(list, { filter: TRUE, sort, projection: undefined, offset: 0, limit, after });
          seen.push(...page.map((i) => i._id as Value));
          if (page.length < limit) break;
          after = keysetOf(page[page.length - 1] as Item, sort);
        }
        expect(seen).toEqual(expected);
      }),
      RUNS,
    );
  });

  test('(3) compareValues is a total order consistent with canonicalKey', () => {
    const sign = (n: number) => Math.sign(n) || 0;
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        expect(sign(compareValues(a, b))).toBe(-sign(compareValues(b, a)) || 0);
        expect(compareValues(a, a)).toBe(0);
        if (compareValues(a, b) <= 0 && compareValues(b, c) <= 0) expect(compareValues(a, c)).toBeLessThanOrEqual(0);
        if (compareValues(a, b) === 0 && compareValues(b, c) === 0) expect(compareValues(a, c)).toBe(0);
        expect(canonicalKey(a) === canonicalKey(b)).toBe(compareValues(a, b) === 0);
      }),
      { numRuns: 2000 },
    );
  });

  test('(3b) sorting with compareValues is the same from any starting permutation', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 12 }), (vs) => {
        const once = [...vs].sort(compareValues).map(canonicalKey);
        const twice = [...vs].reverse().sort(compareValues).map(canonicalKey);
        expect(twice).toEqual(once);
      }),
      RUNS,
    );
  });

  // ---- (4) arbitrary wire filters: parse or SpiError, never anything else ----

  const junkKey = fc.constantFrom(
    '$and',
    '$or',
    '$not',
    '$eq',
    '$ne',
    '$gt',
    '$in',
    '$hasSome',
    '$hasAll',
    '$nin',
    '$contains',
    '$exists',
    '$isEmpty',
    '$matches',
    '$urlized',
    '$date',
    '$encrypted',
    '$foo',
    '',
    'a',
    'a.b',
    'heightCm',
    'tags',
    'care.sun',
    'commonName',
    'lastWatered',
    'companions',
    'nope',
    'a..b',
    'spec',
    'type',
    'value',
    'ignoreCase',
  );
  const { junk } = fc.letrec<{ junk: unknown }>((tie) => ({
    junk: fc.oneof(
      { depthSize: 'small' },
      fc.jsonValue({ maxDepth: 1 }),
      fc.constantFrom(...DATES).map((iso) => ({ $date: iso })),
      fc.constant({ $date: 'nope' }),
      fc.array(tie('junk'), { maxLength: 3 }),
      fc.dictionary(junkKey, tie('junk'), { maxKeys: 3 }),
    ),
  }));

  test('(4) any wire filter parses or throws SpiError VALIDATION_ERROR; parsed filters evaluate', () => {
    fc.assert(
      fc.property(junk, fc.boolean(), items, (raw, strict, list) => {
        let parsed: ReturnType<typeof parse> | undefined;
        try {
          parsed = parse(raw, strict ? ctx : looseCtx);
        } catch (e) {
          expect(e).toBeInstanceOf(SpiError);
          expect((e as SpiError).code).toBe('VALIDATION_ERROR');
          return;
        }
        for (const it of list) matches(parsed, it);
      }),
      { numRuns: 3000 },
    );
  });

  test('(4b) generated valid filters always parse in the loose context', () => {
    fc.assert(
      fc.property(wireFilter, (f) => {
        parse(f, looseCtx);
      }),
      RUNS,
    );
  });
});
