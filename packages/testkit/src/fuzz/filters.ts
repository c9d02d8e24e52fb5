/**
 * Hostile filters: well-formed ones from the differential suite, hostile
 * values on well-typed operators, anything at all on any key, wide and deep
 * trees. Large ones travel as placeholders built as JSON text just before the
 * call (requestText), so fast-check never prints or walks them and
 * JSON.stringify never overflows on them.
 */
import fc from 'fast-check';
import { filterArb } from '../conformance/suite-differential.ts';
import { type HostileOptions, hostileDate, hostileNumber, hostileString, hostileValue } from './hostile.ts';

const OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$hasSome',
  '$hasAll',
  '$contains',
  '$startsWith',
  '$endsWith',
  '$exists',
  '$urlized',
  '$matches',
  '$regex',
  '$where',
  '$foo',
  '$and',
  '$or',
  '$not',
  '$date',
];

export function hostileFilter(fieldRef: fc.Arbitrary<string>, o: HostileOptions): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc
      .record({ f: fieldRef, op: fc.constantFrom(...OPERATORS), v: hostileValue(o, 2) })
      .map(({ f, op, v }) => ({ [f]: { [op]: v } })),
    fc.record({ f: fieldRef, v: hostileValue(o, 2) }).map(({ f, v }) => ({ [f]: v })),
    fc
      .record({ f: fieldRef, v: fc.array(hostileValue(o, 1), { maxLength: 300 }) })
      .map(({ f, v }) => ({ [f]: { $in: v } })),
    fc
      .record({
        f: fc.constantFrom('when', '_createdDate'),
        op: fc.constantFrom('$gt', '$lt', '$eq'),
        v: hostileDate(o),
      })
      .map(({ f, op, v }) => ({ [f]: { [op]: v } })),
  );
  const tree = fc.letrec<{ f: unknown }>((tie) => ({
    f: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      filterArb,
      fc.array(tie('f'), { maxLength: 4 }).map((fs) => ({ $and: fs })),
      fc.array(tie('f'), { maxLength: 4 }).map((fs) => ({ $or: fs })),
      tie('f').map((f) => ({ $not: f })),
    ),
  })).f;
  // Large filters travel as placeholders (requestText() builds them as text just before the call) so
  // fast-check never prints nor walks a 5000-deep value.
  const wide = fc
    .record({ n: fc.integer({ min: 20, max: o.maxBranches ?? 300 }), op: fc.constantFrom('$or', '$and') })
    .map(({ n, op }) => large(op === '$or' ? 'or' : 'and', n));
  const deep = fc.integer({ min: 10, max: 200 }).map((d) => large('deep', d));
  // Past the core's filter limits (limits.ts: depth 32, 1,000 conditions, 1,000 list values): a 400 naming the path.
  const extra: fc.Arbitrary<unknown>[] = [
    fc.integer({ min: 5000, max: 6000 }).map((d) => large('deep', d)),
    fc.constant(large('or', 5000)),
    fc.constant(large('in', 100_000)),
  ];
  // Hostile values on well-formed filters: the right operator for the field's type.
  const typed = fc.oneof(
    fc
      .record({
        op: fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$contains', '$startsWith', '$endsWith'),
        v: hostileString(o),
      })
      .map(({ op, v }) => ({ name: { [op]: v } })),
    fc
      .record({ op: fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte'), v: hostileNumber() })
      .map(({ op, v }) => ({ score: { [op]: v } })),
    fc.array(hostileNumber(), { minLength: 1, maxLength: 30 }).map((v) => ({ score: { $in: v } })),
    fc
      .record({ op: fc.constantFrom('$eq', '$ne', '$gt', '$lt'), v: hostileDate(o) })
      .map(({ op, v }) => ({ when: { [op]: v } })),
    fc
      .record({
        op: fc.constantFrom('$hasSome', '$hasAll'),
        v: fc.array(hostileString(o), { minLength: 1, maxLength: 5 }),
      })
      .map(({ op, v }) => ({ labels: { [op]: v } })),
    fc
      .record({ path: fc.constantFrom('doc.a', 'doc.n', 'doc.a.b'), v: fc.oneof(hostileString(o), hostileNumber()) })
      .map(({ path, v }) => ({ [path]: v })),
  );
  return fc.oneof(
    { weight: 8, arbitrary: filterArb },
    { weight: 6, arbitrary: typed },
    { weight: 3, arbitrary: tree },
    { weight: 1, arbitrary: wide },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: fc.constantFrom(null, [], 'name', 1, [{ name: 'a' }], { $and: {} }, { $or: null }) },
    ...extra.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
}

/** A placeholder for a large filter; see requestText(). */
export function large(kind: 'deep' | 'or' | 'and' | 'in', n: number): { $fuzzLarge: string; n: number } {
  return { $fuzzLarge: kind, n };
}

/**
 * The request as JSON text with every large-filter placeholder built as text:
 * JSON.stringify overflows the stack near 5000 levels, and a hostile client
 * does not need it to send them.
 */
export function requestText(request: unknown): string {
  const large: string[] = [];
  const text = JSON.stringify(request, (_key, value: unknown) => {
    const record = value as { $fuzzLarge?: unknown; n?: unknown } | null;
    if (record && typeof record === 'object' && typeof record.$fuzzLarge === 'string' && typeof record.n === 'number') {
      large.push(build(record.$fuzzLarge, record.n));
      return `@@large${large.length - 1}@@`;
    }
    return value;
  });
  return (text ?? 'null').replace(/"@@large(\d+)@@"/g, (_m, i: string) => large[Number(i)] ?? 'null');
}

function build(kind: string, n: number): string {
  const range = Array.from({ length: n }, (_, i) => i);
  if (kind === 'or' || kind === 'and') return `{"$${kind}":[${range.map((i) => `{"score":${i}}`).join(',')}]}`;
  if (kind === 'in') return `{"score":{"$in":[${range.join(',')}]}}`;
  return `${'{"$and":[{"$not":'.repeat(n >> 1)}{"name":"a"}${'}]}'.repeat(n >> 1)}`;
}
