/**
 * The differential corpus: a table with one column of each type the
 * googlesql compiler handles, items generated over small value pools (so
 * filters match often and collide across types), generated filter/sort/
 * paging/aggregate/distinct specs, and conversion of the client's rows back
 * into the core evaluator's item model.
 */

import {
  type AggregateSpec,
  type DistinctSpec,
  type FieldRef,
  type Filter,
  fieldRef,
  type Item,
  type QuerySpec,
  type Sort,
  type Value,
} from '@adaptors/core';
import type { CompiledQuery, ParamType, TableInfo } from '@adaptors/googlesql';
import type { BigQuery } from '@google-cloud/bigquery';
import fc from 'fast-check';

export const DATASET = 'corpus';

export function tableInfo(tableId: string): TableInfo {
  return {
    name: `${DATASET}.${tableId}`,
    columns: new Map([
      ['_id', { name: '_id', type: 'STRING' }],
      ['title', { name: 'title', type: 'STRING' }],
      ['tags', { name: 'tags', type: { array: 'STRING' } }],
      ['scores', { name: 'scores', type: { array: 'FLOAT64' } }],
      ['height', { name: 'height', type: 'INT64' }],
      ['weight', { name: 'weight', type: 'FLOAT64' }],
      ['active', { name: 'active', type: 'BOOL' }],
      ['planted', { name: 'planted', type: 'TIMESTAMP' }],
      ['born', { name: 'born', type: 'DATE' }],
      ['care', { name: 'care', type: 'JSON' }],
    ]),
  };
}

export const SCHEMA = [
  { name: '_id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'title', type: 'STRING' },
  { name: 'tags', type: 'STRING', mode: 'REPEATED' },
  { name: 'scores', type: 'FLOAT64', mode: 'REPEATED' },
  { name: 'height', type: 'INT64' },
  { name: 'weight', type: 'FLOAT64' },
  { name: 'active', type: 'BOOL' },
  { name: 'planted', type: 'TIMESTAMP' },
  { name: 'born', type: 'DATE' },
  { name: 'care', type: 'JSON' },
];

// Value pools: case and accents (LOWER), code-point order (é > z, 😀 > \uFFFF), regex metacharacters, prefixes.
const STRINGS = [
  '',
  'a',
  'A',
  'ab',
  'Ab',
  'abc',
  'b',
  'z',
  'é',
  'É',
  'ß',
  'straße',
  '😀',
  '\uffff',
  'a.b',
  'a-b',
  'a b',
  '5',
  'x%_',
];
const INTS = [-3, 0, 1, 2, 5, 10, 1000];
const FLOATS = [-2.5, 0, 0.1, 0.5, 1, 2, 5, 1e6];
// No instant before 1970: the client decodes negative int64 microseconds wrongly (PreciseDate turns
// '-1000' into 1970-01-01T00:00:00.999Z), whatever the server; see README "Known differences".
const DATES = [
  '2020-01-01T00:00:00.000Z',
  '2024-05-01T09:30:00.000Z',
  '2024-05-01T09:30:00.001Z',
  '1970-01-01T00:00:00.000Z',
].map((s) => new Date(s));
const DAYS = ['2020-01-01', '2024-02-29', '2024-10-05', '1999-12-31'];

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 4 });
const str = fc.constantFrom(...STRINGS);
const jsonScalar: fc.Arbitrary<Value> = fc.oneof(
  str,
  fc.constantFrom(...INTS, ...FLOATS),
  fc.boolean(),
  fc.constant(null),
);
const jsonValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: jsonScalar },
  { weight: 1, arbitrary: fc.array(jsonScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('b', 'c'), jsonScalar, { maxKeys: 2 }) },
);

const itemBody = fc.record(
  {
    title: maybe(str),
    tags: fc.array(str, { maxLength: 3 }),
    scores: fc.array(fc.constantFrom(...FLOATS), { maxLength: 3 }),
    height: maybe(fc.constantFrom(...INTS)),
    weight: maybe(fc.constantFrom(...FLOATS)),
    active: maybe(fc.boolean()),
    planted: maybe(fc.constantFrom(...DATES)),
    born: maybe(fc.constantFrom(...DAYS)),
    care: maybe(fc.dictionary(fc.constantFrom('a', 'b', 'x y'), jsonValue, { maxKeys: 3 })),
  },
  { requiredKeys: [] },
);

export const itemsArb: fc.Arbitrary<Item[]> = fc.array(itemBody, { minLength: 0, maxLength: 14 }).map((bodies) =>
  bodies.map((b, i) => {
    const item: Record<string, Value> = { _id: `id${String(i).padStart(2, '0')}` };
    for (const [k, v] of Object.entries(b)) if (v !== undefined) item[k] = v as Value;
    // BigQuery arrays are never NULL: the executor presents a missing array as [] (googlesql README).
    item.tags ??= [];
    item.scores ??= [];
    return item;
  }),
);

/** A row for tabledata.insertAll through the client. */
export function rowOf(item: Item): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) row[k] = k === 'care' ? JSON.stringify(v) : v;
  return row;
}

// ---- filters -------------------------------------------------------------------------------------

const f = (key: string): FieldRef => fieldRef(key, undefined);
const anyScalar: fc.Arbitrary<Value> = fc.oneof(
  str,
  fc.constantFrom(...INTS, ...FLOATS),
  fc.boolean(),
  fc.constantFrom(...DATES),
);
const literalFor: Record<string, fc.Arbitrary<Value>> = {
  title: fc.oneof(
    { weight: 4, arbitrary: str },
    { weight: 1, arbitrary: anyScalar },
    { weight: 1, arbitrary: fc.constant(null) },
  ),
  tags: fc.oneof({ weight: 4, arbitrary: str }, { weight: 1, arbitrary: fc.constant(null) }),
  scores: fc.constantFrom(...FLOATS),
  height: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...INTS, 1.5, -2.5) }, { weight: 1, arbitrary: str }),
  weight: fc.constantFrom(...FLOATS, ...INTS),
  active: fc.oneof(fc.boolean(), fc.constant(null)),
  planted: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...DATES) }, { weight: 1, arbitrary: fc.constant(null) }),
  born: fc.oneof(fc.constantFrom(...DAYS, '2024', '2024-05'), fc.constant(null)),
  'care.a': fc.oneof(jsonScalar, fc.constant(null)),
  'care.x y': jsonScalar,
  nope: anyScalar,
};
const STRING_KEYS = ['title', 'tags', 'care.a'];
const RANGE_KEYS = ['title', 'tags', 'scores', 'height', 'weight', 'planted', 'born', 'care.a'];
const EQ_KEYS = Object.keys(literalFor);
const EXISTS_KEYS = ['title', 'tags', 'height', 'care', 'care.a', 'nope', 'planted'];

const leaf: fc.Arbitrary<Filter> = fc.oneof(
  fc
    .constantFrom(...EQ_KEYS)
    .chain((key) =>
      fc
        .record({ op: fc.constantFrom('eq' as const, 'ne' as const), value: literalFor[key] as fc.Arbitrary<Value> })
        .map(({ op, value }): Filter => ({ kind: 'compare', field: f(key), op, value })),
    ),
  fc.constantFrom(...RANGE_KEYS).chain((key) =>
    fc
      .record({
        op: fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
        value: literalFor[key] as fc.Arbitrary<Value>,
      })
      .map(({ op, value }): Filter => ({ kind: 'compare', field: f(key), op, value })),
  ),
  // Whole-array operands of any length (the compiled SQL indexes them with SAFE_OFFSET).
  fc
    .record({
      op: fc.constantFrom('eq' as const, 'ne' as const),
      value: fc.array(fc.constantFrom('a', 'b'), { minLength: 0, maxLength: 4 }),
    })
    .map(({ op, value }): Filter => ({ kind: 'compare', field: f('tags'), op, value })),
  fc
    .constantFrom(...EQ_KEYS)
    .chain((key) =>
      fc
        .array(literalFor[key] as fc.Arbitrary<Value>, { minLength: 1, maxLength: 4 })
        .map((values): Filter => ({ kind: 'in', field: f(key), values })),
    ),
  fc
    .constantFrom('tags', 'title')
    .chain((key) =>
      fc
        .array(str, { minLength: 1, maxLength: 2 })
        .map((values): Filter => ({ kind: 'hasAll', field: f(key), values })),
    ),
  fc
    .record({
      key: fc.constantFrom(...STRING_KEYS),
      op: fc.constantFrom('contains' as const, 'startsWith' as const, 'endsWith' as const),
      value: str,
    })
    .map(({ key, op, value }): Filter => ({ kind: 'string', field: f(key), op, value })),
  fc
    .record({
      key: fc.constantFrom(...STRING_KEYS),
      ignoreCase: fc.boolean(),
      parts: fc.array(
        fc.record({
          type: fc.constantFrom('literal' as const, 'anyOf' as const),
          value: fc.constantFrom('a', 'b', 'É', '.', '-', 'ß', 'bc', ''),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    })
    .map(({ key, ignoreCase, parts }): Filter => ({ kind: 'matches', field: f(key), ignoreCase, parts })),
  fc
    .record({
      key: fc.constantFrom(...STRING_KEYS),
      words: fc.array(fc.constantFrom('a', 'b', 'A'), { minLength: 1, maxLength: 2 }),
    })
    .map(({ key, words }): Filter => ({ kind: 'urlized', field: f(key), words })),
  fc
    .record({ key: fc.constantFrom(...EXISTS_KEYS), exists: fc.boolean() })
    .map(({ key, exists }): Filter => ({ kind: 'exists', field: f(key), exists })),
);

export const filterArb: fc.Arbitrary<Filter> = fc.letrec<{ filter: Filter }>((tie) => ({
  filter: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'filter' },
    { weight: 5, arbitrary: leaf },
    { weight: 1, arbitrary: tie('filter').map((filter): Filter => ({ kind: 'not', filter })) },
    {
      weight: 1,
      arbitrary: fc.array(tie('filter'), { maxLength: 3 }).map((filters): Filter => ({ kind: 'and', filters })),
    },
    {
      weight: 1,
      arbitrary: fc.array(tie('filter'), { maxLength: 3 }).map((filters): Filter => ({ kind: 'or', filters })),
    },
  ),
})).filter;

const SORTABLE = ['title', 'height', 'weight', 'active', 'planted', 'born'];

export const sortArb: fc.Arbitrary<Sort[]> = fc
  .uniqueArray(fc.record({ key: fc.constantFrom(...SORTABLE), desc: fc.boolean() }), {
    maxLength: 3,
    selector: (s) => s.key,
  })
  .chain((keys) =>
    fc
      .boolean()
      .map((idDesc) => [
        ...keys.map((k): Sort => ({ field: f(k.key), order: k.desc ? 'desc' : 'asc' })),
        { field: f('_id'), order: idDesc ? 'desc' : 'asc' },
      ]),
  );

export const querySpecArb: fc.Arbitrary<Omit<QuerySpec, 'after'> & { afterIndex: number | undefined }> = fc.record({
  filter: filterArb,
  sort: sortArb,
  projection: fc.option(
    fc.subarray(['title', 'tags', 'height', 'planted', 'born', 'care', 'scores']).map((p) => ['_id', ...p]),
    {
      nil: undefined,
    },
  ),
  offset: fc.constantFrom(0, 0, 1, 3),
  limit: fc.constantFrom(0, 2, 5, 50),
  afterIndex: fc.option(fc.nat(20), { nil: undefined }),
});

const GROUPABLE = ['title', 'height', 'active', 'born', 'planted'];
const NUMERIC_OR_ANY = ['height', 'weight', 'title', 'care.a', 'nope'];
const MINMAX = ['height', 'weight', 'title', 'planted', 'born', 'active', 'nope'];

export const aggregateArb: fc.Arbitrary<AggregateSpec> = fc
  .record({
    filter: filterArb,
    groupBy: fc.uniqueArray(fc.constantFrom(...GROUPABLE), { maxLength: 2 }),
    ops: fc.array(
      fc.oneof(
        fc.constant({ op: 'count' as const, key: undefined }),
        fc.record({ op: fc.constantFrom('sum' as const, 'avg' as const), key: fc.constantFrom(...NUMERIC_OR_ANY) }),
        fc.record({ op: fc.constantFrom('min' as const, 'max' as const), key: fc.constantFrom(...MINMAX) }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    havingGt: fc.option(fc.constantFrom(0, 1, 2), { nil: undefined }),
    sortDesc: fc.boolean(),
    offset: fc.constantFrom(0, 1),
    limit: fc.constantFrom(1, 3, 50),
  })
  .map(({ filter, groupBy, ops, havingGt, sortDesc, offset, limit }): AggregateSpec => {
    const operations = ops.map((o, i) => ({
      name: `r${i}`,
      op: o.op,
      field: o.key === undefined ? undefined : f(o.key),
    }));
    const countName = operations.find((o) => o.op === 'count')?.name;
    return {
      filter,
      groupBy: groupBy.map(f),
      operations,
      having:
        havingGt !== undefined && countName
          ? { kind: 'compare', field: f(countName), op: 'gt', value: havingGt }
          : { kind: 'true' },
      sort: countName ? [{ field: f(countName), order: sortDesc ? 'desc' : 'asc' }] : [],
      offset,
      limit,
    };
  });

export const distinctArb: fc.Arbitrary<Omit<DistinctSpec, 'after'> & { afterIndex: number | undefined }> = fc.record({
  filter: filterArb,
  field: fc.constantFrom('title', 'tags', 'height', 'weight', 'active', 'planted', 'born', 'scores', 'nope').map(f),
  order: fc.constantFrom('asc' as const, 'desc' as const),
  offset: fc.constantFrom(0, 1),
  limit: fc.constantFrom(1, 3, 50),
  afterIndex: fc.option(fc.nat(10), { nil: undefined }),
});

// ---- running compiled SQL through the real client ------------------------------------------------

function clientType(t: ParamType): string | string[] {
  return t.array ? [t.type] : t.type;
}

/** Runs a CompiledQuery and returns rows keyed by Wix key (aliases renamed). */
export async function runCompiled(bq: BigQuery, q: CompiledQuery): Promise<Record<string, unknown>[]> {
  const types = Object.fromEntries(Object.entries(q.types).map(([k, t]) => [k, clientType(t)]));
  // The client converts a top-level Date parameter, but sends `undefined` (NULL) for Dates inside an
  // ARRAY<TIMESTAMP> (it reads `.value` of custom types): executors must wrap them, as done here.
  const params = Object.fromEntries(
    Object.entries(q.params).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map((e) => (e instanceof Date ? bq.timestamp(e) : e)) : v,
    ]),
  );
  const [rows] = await bq.query({ query: q.sql, params, types });
  const columns = q.columns ?? [];
  return (rows as Record<string, unknown>[]).map((row) => {
    const out: Record<string, unknown> = {};
    for (const c of columns) out[c.key] = row[c.alias];
    return out;
  });
}

/** The client's typed values → the evaluator's internal values; NULL → absent (missing). */
export function toItem(row: Record<string, unknown>, jsonKeys: ReadonlySet<string>): Item {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(row)) {
    const value = jsonKeys.has(k) && typeof v === 'string' ? (JSON.parse(v) as Value) : toValue(v);
    if (value !== null && value !== undefined) out[k] = value;
  }
  return out;
}

export function toValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(toValue);
  if (typeof v === 'object') {
    const name = (v as object).constructor?.name;
    if (name === 'BigQueryTimestamp') return new Date((v as { value: string }).value);
    if (name === 'BigQueryDate') return (v as { value: string }).value;
    if (name === 'Big') return Number(String(v));
  }
  return v as Value;
}

/** Evaluator items with null-valued keys dropped (SQL NULL and missing are one). */
export function normalise(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([, v]) => v !== null && v !== undefined));
}
