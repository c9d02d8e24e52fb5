/** fast-check generators over a generated TableInfo, and helpers for the property tests. */
import { type FieldRef, type Filter, fieldRef, type QueryOperator, type Value } from '@adaptors/core';
import fc from 'fast-check';
import { type ColumnInfo, type ColumnType, type GoogleSqlCompiler, spanner, type TableInfo } from '../src/index.ts';

export const MARK = 'uv_';

const SCALARS = ['STRING', 'FLOAT64', 'INT64', 'NUMERIC', 'BOOL', 'TIMESTAMP', 'DATE', 'JSON', 'BYTES'] as const;
const columnType: fc.Arbitrary<ColumnType> = fc.oneof(
  fc.constantFrom<ColumnType>(...SCALARS),
  fc.constantFrom(...SCALARS).map((t): ColumnType => ({ array: t })),
);

// Letters only, so no generated number can hide inside a name.
const safeName = fc.stringMatching(/^[a-z]{1,8}$/).map((s) => `k${s}`);

export const tableArb: fc.Arbitrary<TableInfo> = fc
  .uniqueArray(fc.tuple(safeName, columnType), { minLength: 1, maxLength: 8, selector: ([n]) => n })
  .map((cols) => ({
    name: 'tbl',
    columns: new Map<string, ColumnInfo>([
      ['_id', { name: 'xid', type: 'STRING' }],
      ...cols.map(([name, type]): [string, ColumnInfo] => [name, { name, type }]),
    ]),
  }));

const str = fc.string({ maxLength: 6 }).map((s) => `${MARK}${s}`);
const num = fc.oneof(
  fc.integer({ min: 1_000_000, max: 2_000_000_000 }),
  fc.double({ min: 1e6, max: 1e9, noNaN: true }),
);
const date = fc.date({ min: new Date('1990-01-01'), max: new Date('2090-01-01'), noInvalidDate: true });
const anyScalar: fc.Arbitrary<string | number | boolean | Date> = fc.oneof(str, num, fc.boolean(), date);
const anyLiteral: fc.Arbitrary<Value> = fc.oneof(
  { weight: 5, arbitrary: anyScalar },
  { weight: 1, arbitrary: fc.constant(null) },
);
// Dates inside JSON are refused (README.md "Semantics"): JSON paths get the other scalars.
const jsonScalar: fc.Arbitrary<string | number | boolean> = fc.oneof(str, num, fc.boolean());
const jsonLiteral: fc.Arbitrary<Value> = fc.oneof(
  { weight: 5, arbitrary: jsonScalar },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** A leaf using only what columnCapabilities (or nestedPathOperators) declares for the field. */
export function leafArb(table: TableInfo): fc.Arbitrary<Filter> {
  const refs: { ref: FieldRef; ops: readonly QueryOperator[]; array: boolean; json?: boolean }[] = [
    { ref: fieldRef('missing', undefined), ops: spanner.nestedPathOperators(), array: false },
  ];
  for (const [key, column] of table.columns) {
    const caps = spanner.capabilities(column);
    refs.push({ ref: fieldRef(key, undefined), ops: caps.queryOperators, array: typeof column.type === 'object' });
    if (column.type === 'JSON') {
      refs.push({
        ref: fieldRef(`${key}.a.b`, undefined),
        ops: spanner.nestedPathOperators(),
        array: false,
        json: true,
      });
    }
  }
  return fc.constantFrom(...refs).chain(({ ref, ops, array, json }) => {
    const literal = json ? jsonLiteral : anyLiteral;
    const scalar: fc.Arbitrary<string | number | boolean | Date> = json ? jsonScalar : anyScalar;
    const choices: fc.Arbitrary<Filter>[] = [];
    const has = (op: QueryOperator) => ops.includes(op);
    const compare = (op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', v: fc.Arbitrary<Value>) =>
      v.map((value): Filter => ({ kind: 'compare', field: ref, op, value }));
    if (has('EQ')) choices.push(compare('eq', literal));
    if (has('NE')) choices.push(compare('ne', literal));
    if (has('EQ') && array) choices.push(compare('eq', fc.array(scalar, { maxLength: 3 })));
    for (const [cap, op] of [
      ['GT', 'gt'],
      ['GTE', 'gte'],
      ['LT', 'lt'],
      ['LTE', 'lte'],
    ] as const) {
      if (has(cap)) choices.push(compare(op, scalar));
    }
    if (has('HAS_SOME'))
      choices.push(
        fc.array(literal, { minLength: 1, maxLength: 4 }).map((values): Filter => ({ kind: 'in', field: ref, values })),
      );
    if (has('HAS_ALL'))
      choices.push(
        fc
          .array(literal, { minLength: 1, maxLength: 3 })
          .map((values): Filter => ({ kind: 'hasAll', field: ref, values })),
      );
    for (const [cap, op] of [
      ['CONTAINS', 'contains'],
      ['STARTS_WITH', 'startsWith'],
      ['ENDS_WITH', 'endsWith'],
    ] as const) {
      if (has(cap)) choices.push(str.map((value): Filter => ({ kind: 'string', field: ref, op, value })));
    }
    if (has('CONTAINS')) {
      const part = fc.record({ type: fc.constantFrom('literal' as const, 'anyOf' as const), value: str });
      choices.push(
        fc
          .record({ ignoreCase: fc.boolean(), parts: fc.array(part, { minLength: 1, maxLength: 3 }) })
          .map(({ ignoreCase, parts }): Filter => ({ kind: 'matches', field: ref, ignoreCase, parts })),
      );
    }
    if (has('URLIZED'))
      choices.push(
        fc.array(str, { minLength: 1, maxLength: 3 }).map((words): Filter => ({ kind: 'urlized', field: ref, words })),
      );
    if (has('EXISTS')) choices.push(fc.boolean().map((exists): Filter => ({ kind: 'exists', field: ref, exists })));
    return fc.oneof(...choices);
  });
}

export function filterArb(table: TableInfo): fc.Arbitrary<Filter> {
  const leaf = leafArb(table);
  return fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { maxDepth: 3, depthIdentifier: 'f' },
      { weight: 6, arbitrary: leaf },
      { weight: 1, arbitrary: fc.constantFrom<Filter>({ kind: 'true' }, { kind: 'false' }) },
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
}

export const world = tableArb.chain((table) => fc.record({ table: fc.constant(table), filter: filterArb(table) }));

/** Sortable fields of the table, as columnCapabilities says. */
export function sortable(table: TableInfo): string[] {
  return [...table.columns].filter(([, c]) => spanner.capabilities(c).sortable).map(([k]) => k);
}

export function literalsOf(filter: Filter): Value[] {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return filter.filters.flatMap(literalsOf);
    case 'not':
      return literalsOf(filter.filter);
    case 'compare':
      return Array.isArray(filter.value) ? [...filter.value] : [filter.value];
    case 'in':
    case 'hasAll':
      return [...filter.values];
    case 'string':
      return [filter.value];
    case 'matches':
      return filter.parts.map((p) => p.value);
    case 'urlized':
      return [...filter.words];
    default:
      return [];
  }
}

export function textOf(v: Value): string | undefined {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  return undefined;
}

export function flatParams(params: Record<string, unknown>): unknown[] {
  return Object.values(params).flatMap((v) => (Array.isArray(v) ? v : [v]));
}

export function selectWithColumn(name: string, dialect: GoogleSqlCompiler): string {
  const table: TableInfo = {
    name: 'tbl',
    columns: new Map([
      ['_id', { name: '_id', type: 'STRING' }],
      ['x', { name, type: 'STRING' }],
    ]),
  };
  return dialect.select(table, {
    filter: { kind: 'compare', field: fieldRef('x', undefined), op: 'eq', value: 'v' },
    sort: [{ field: fieldRef('x', undefined), order: 'asc' }],
    projection: undefined,
    offset: 0,
    limit: 1,
    after: undefined,
  }).sql;
}

export function aggregateNamed(name: string, dialect: GoogleSqlCompiler) {
  const ref: FieldRef = { key: name, field: name, path: [], type: undefined };
  const table: TableInfo = { name: 'tbl', columns: new Map([['_id', { name: '_id', type: 'STRING' }]]) };
  return dialect.aggregate(
    table,
    {
      filter: { kind: 'true' },
      groupBy: [],
      operations: [{ name, op: 'count', field: undefined }],
      having: { kind: 'compare', field: ref, op: 'gt', value: 0 },
      sort: [{ field: ref, order: 'asc' }],
      offset: 0,
      limit: 1,
    },
    { countTotal: false },
  ).rows;
}
