/**
 * Aggregations (docs/protocol.md §11; docs/semantics.md §6.1), as core
 * query/aggregate.ts computes them: initialFilter (WHERE) → GROUP BY →
 * operations → finalFilter over the result rows → sort → paging.
 *
 * Result names are user text: they never reach the SQL. Grouping fields are
 * aliased `g0…`, operations `a0…`; `columns` tells the executor which alias is
 * which key. finalFilter and sort run in a wrapping query over those aliases,
 * compiled by the same filter compiler against a synthetic table whose
 * "columns" are the aliases.
 */
import { type AggregateOperation, type AggregateSpec, errors, type FieldRef } from '@adaptors/core';
import { compileFilter } from './filter.ts';
import type { SqlHooks } from './hooks.ts';
import { jsonAs } from './json.ts';
import { keyFor } from './order.ts';
import { pageClause } from './paging.ts';
import { ParamBag } from './params.ts';
import { PLAIN_FIELDS_FIX } from './predicates.ts';
import { whereClause } from './select.ts';
import { resolveTarget, returnedTimestamp } from './target.ts';
import type { ColumnInfo, ColumnType, CompiledQuery, OutputColumn, TableInfo } from './types.ts';

interface Output {
  readonly alias: string;
  readonly key: string;
  /** SQL of the value in the grouped query. */
  readonly expr: string;
  /** Type of the value, for finalFilter and sort over the alias. */
  readonly type: ColumnType;
}

interface Plan {
  readonly groups: readonly (Output & { readonly groupBy: string })[];
  readonly outputs: readonly Output[];
  /** The result rows as a table: result key → alias column. */
  readonly rows: TableInfo;
}

function groupOutput(table: TableInfo, ref: FieldRef, i: number, sql: SqlHooks) {
  const target = resolveTarget(table, ref, sql);
  if (target.kind !== 'scalar') {
    // JSON and ARRAY values are not groupable in GoogleSQL; a missing column would change the row count.
    throw errors.unsupported(`Grouping by '${ref.key}'`, 'only plain typed columns can be grouped', PLAIN_FIELDS_FIX);
  }
  const column = table.columns.get(ref.field) as ColumnInfo;
  // Decimal text (exact-numbers.ts): grouped and answered by the exact text, one text per value.
  if (target.decimal)
    return { alias: `g${i}`, key: ref.key, expr: target.expr, groupBy: target.expr, type: 'STRING' as const };
  return { alias: `g${i}`, key: ref.key, expr: target.order, groupBy: target.order, type: column.type };
}

// Constant results are still aggregates: with no GROUP BY, a bare constant
// would make the query return one row per item instead of one row.
const nullNumber = (sql: SqlHooks): string => `MAX(CAST(NULL AS ${sql.typeName('FLOAT64')}))`;

/**
 * The average of a FLOAT64 expression, finite whenever the true mean is (docs/semantics.md §6.1).
 * An engine may average through a plain sum that overflows to ±inf although the mean of the
 * values is finite (the BigQuery emulator's DuckDB does; Spanner's AVG does not): then the values
 * are averaged scaled down by 2^-64 and the mean scaled back, as the core's evaluator does
 * (core query/aggregate.ts `scaledMean`). Scaling by a power of two is exact above the subnormal
 * range, and 2^64 keeps any sum of fewer than 2^53 doubles finite.
 */
/** 2^-64 and 2^64 as FLOAT64 literals (an integer literal of 2^64 is past INT64). */
const DOWN = '5.421010862427522e-20';
const UP = '1.8446744073709552e19';
/** The largest double scaled down by 2^-64 (exact): a scaled sum beyond it is past the double range. */
const SCALED_MAX = '9.745314011399998e288';
/** 2^-900: values at least this large stay normal when scaled down by 2^-64. */
const SCALABLE = '1.1830521861667747e-271';

function average(value: string): string {
  return `CASE WHEN IS_INF(AVG(${value})) THEN AVG(${value} * ${DOWN}) * ${UP} ELSE AVG(${value}) END`;
}

/**
 * The sum of a FLOAT64 expression, ±inf when it is past the double range, as the core's evaluator
 * answers it (core query/aggregate.ts): a group's sum past the range is refused only in a row the
 * call answers (core adaptor/items-read.ts refuseOutOfRange); finalFilter and sort compare it as
 * ±inf. A plain SUM cannot be used: Spanner (its emulator at least) fails the whole query with
 * "double overflow" when any group's SUM overflows. The values of at least 2^-900 are summed scaled
 * down by 2^-64, which never overflows and rounds exactly as the plain sum does (scaling by a power
 * of two commutes with rounding while the scaled values are normal, and every partial sum of such
 * values is a multiple of their smallest step); smaller values, which scaling would round, are
 * summed as they are and added last (SQL sums in no set order anyway).
 */
function sum(value: string, sql: SqlHooks): string {
  const big = `SUM(CASE WHEN ABS(${value}) >= ${SCALABLE} THEN ${value} * ${DOWN} END)`;
  const small = `SUM(CASE WHEN ABS(${value}) < ${SCALABLE} THEN ${value} END)`;
  const float = sql.typeName('FLOAT64');
  return (
    `CASE WHEN ABS(${big}) > ${SCALED_MAX} THEN IEEE_DIVIDE(SIGN(${big}), CAST(0 AS ${float}))` +
    ` WHEN ${small} IS NULL THEN ${big} * ${UP}` +
    ` WHEN ${big} IS NULL THEN ${small}` +
    ` ELSE ${big} * ${UP} + ${small} END`
  );
}

/** One operation as an aggregate expression (core aggregate.ts computeOperation). */
function operationSql(table: TableInfo, op: AggregateOperation, sql: SqlHooks): { expr: string; type: ColumnType } {
  if (op.op === 'count') return { expr: 'COUNT(*)', type: 'INT64' };
  if (!op.field) return { expr: nullNumber(sql), type: 'FLOAT64' };
  const target = resolveTarget(table, op.field, sql);
  const fn = op.op === 'avg' ? 'AVG' : op.op.toUpperCase();
  if (op.op === 'sum' || op.op === 'avg') {
    // Numbers only; null when a group has none (SQL SUM/AVG over no rows, core numericValues).
    if (target.kind === 'scalar') {
      if (target.value !== 'number') return { expr: nullNumber(sql), type: 'FLOAT64' };
      const double = table.columns.get(op.field.field)?.type === 'FLOAT64';
      if (op.op === 'sum') return { expr: double ? sum(target.expr, sql) : `SUM(${target.expr})`, type: 'FLOAT64' };
      return { expr: double ? average(target.expr) : `AVG(${target.expr})`, type: 'FLOAT64' };
    }
    if (target.kind === 'json') {
      const value = jsonAs('number', target.expr);
      return { expr: op.op === 'avg' ? average(value) : sum(value, sql), type: 'FLOAT64' };
    }
    return { expr: nullNumber(sql), type: 'FLOAT64' };
  }
  // min/max skip nulls (SQL does too) and use the column's own order, which is the evaluator's within one type.
  if (target.kind === 'scalar' && target.decimal) {
    // The column's numeric minimum/maximum, answered as its exact text like the field's values.
    return { expr: `CAST(${fn}(${target.order}) AS ${sql.typeName('STRING')})`, type: 'STRING' };
  }
  if (target.kind === 'scalar') {
    const column = table.columns.get(op.field.field) as ColumnInfo;
    return { expr: `${fn}(${target.order})`, type: column.type };
  }
  if (target.kind === 'missing') return { expr: `MAX(CAST(NULL AS ${sql.typeName('STRING')}))`, type: 'STRING' };
  throw errors.unsupported(
    `${op.op} of '${op.field.key}'`,
    'only plain typed columns have a minimum and maximum here',
    PLAIN_FIELDS_FIX,
  );
}

function plan(table: TableInfo, spec: AggregateSpec, sql: SqlHooks): Plan {
  const groups = spec.groupBy.map((ref, i) => groupOutput(table, ref, i, sql));
  const groupKeys = new Set(groups.map((g) => g.key));
  // One output per result name: the last operation of a name wins, and a grouping key beats an
  // operation of the same name (core aggregate.ts writes grouping keys last).
  const byName = new Map<string, AggregateOperation>();
  for (const op of spec.operations) if (!groupKeys.has(op.name)) byName.set(op.name, op);
  const ops: Output[] = [...byName.values()].map((op, i) => ({
    alias: `a${i}`,
    key: op.name,
    ...operationSql(table, op, sql),
  }));
  const outputs = [...groups, ...ops];
  const rows: TableInfo = {
    name: table.name,
    // TIMESTAMP outputs are whole milliseconds: group keys and MIN/MAX read the column at the millisecond.
    columns: new Map(
      outputs.map((o) => [
        o.key,
        o.type === 'TIMESTAMP'
          ? { name: o.alias, type: o.type, millisecond: true as const }
          : { name: o.alias, type: o.type },
      ]),
    ),
  };
  return { groups, outputs, rows };
}

/** A row with no grouping field and no operation is still one row (`{}`); SQL needs one column for it. */
function selectable(p: Plan): readonly Pick<Output, 'alias' | 'expr'>[] {
  return p.outputs.length > 0 ? p.outputs : [{ alias: 'n', expr: 'COUNT(*)' }];
}

function groupedQuery(table: TableInfo, spec: AggregateSpec, p: Plan, sql: SqlHooks, params: ParamBag): string {
  const select = selectable(p)
    .map((o) => `${o.expr} AS ${sql.quote(o.alias)}`)
    .join(', ');
  const where = whereClause(compileFilter(table, spec.filter, sql, params));
  // No grouping fields → no GROUP BY → exactly one row, even over zero items (§11 step 2).
  const groupBy = p.groups.length > 0 ? ` GROUP BY ${p.groups.map((g) => g.groupBy).join(', ')}` : '';
  return `SELECT ${select} FROM ${sql.quote(table.name)}${where}${groupBy}`;
}

export function compileAggregate(
  table: TableInfo,
  spec: AggregateSpec,
  sql: SqlHooks,
  options: { countTotal: boolean },
): { rows: CompiledQuery; total?: CompiledQuery } {
  const p = plan(table, spec, sql);
  const q = (name: string) => sql.quote(name);

  const params = new ParamBag(sql);
  const inner = groupedQuery(table, spec, p, sql, params);
  const having = whereClause(compileFilter(p.rows, spec.having, sql, params));
  const sorted = new Set(spec.sort.map((s) => s.field.key));
  const keys = [
    ...spec.sort.map((s) => keyFor(resolveTarget(p.rows, s.field, sql), s.order, s.field.key)),
    // Ties (the evaluator keeps first-seen group order) are broken by the grouping values, so pages are stable.
    ...p.groups
      .filter((g) => !sorted.has(g.key))
      .map((g) =>
        keyFor(resolveTarget(p.rows, { key: g.key, field: g.key, path: [], type: undefined }, sql), 'asc', g.key),
      ),
  ];
  const orderBy = keys.flatMap((k) => k.orderBy);
  // TIMESTAMP results (group keys, MIN/MAX) are read as the engine reads instants, only in the outer
  // SELECT: finalFilter and sort above compare the TIMESTAMP aliases themselves.
  const answered = p.outputs.map((o) => ({
    alias: o.alias,
    key: o.key,
    ...(o.type === 'TIMESTAMP' ? returnedTimestamp(q(o.alias), sql) : { expr: q(o.alias) }),
  }));
  const columns: OutputColumn[] = answered.map(({ alias, key, millis }) =>
    millis ? { alias, key, millis } : { alias, key },
  );
  const outer =
    answered.length > 0 ? answered.map((o) => (o.millis ? `${o.expr} AS ${q(o.alias)}` : o.expr)) : [q('n')];
  const rows: CompiledQuery = {
    sql:
      `SELECT ${outer.join(', ')} FROM (${inner})${having}` +
      (orderBy.length > 0 ? ` ORDER BY ${orderBy.join(', ')}` : '') +
      ` ${pageClause(spec.limit, spec.offset, params)}`,
    params: params.params,
    types: params.types,
    columns,
  };
  if (!options.countTotal) return { rows };

  // total = number of result rows after finalFilter (§11 step 7), not of matching items.
  const totalParams = new ParamBag(sql);
  const totalInner = groupedQuery(table, spec, p, sql, totalParams);
  const totalHaving = whereClause(compileFilter(p.rows, spec.having, sql, totalParams));
  const total: CompiledQuery = {
    sql: `SELECT COUNT(*) AS ${q('n')} FROM (${totalInner})${totalHaving}`,
    params: totalParams.params,
    types: totalParams.types,
    columns: [{ alias: 'n', key: 'total' }],
  };
  return { rows, total };
}
