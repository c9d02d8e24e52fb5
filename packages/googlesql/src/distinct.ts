/**
 * Distinct values (docs/protocol.md §4.4; docs/semantics.md §6.2), as core
 * query/distinct.ts: array values unwound one level (UNNEST), null/missing
 * excluded, sorted in `order`, `after` for cursor paging, then offset/limit;
 * total = number of distinct values, whatever the page.
 */
import { type DistinctSpec, errors } from '@adaptors/core';
import { isDecimalType } from './exact-numbers.ts';
import { compileFilter } from './filter.ts';
import type { SqlHooks } from './hooks.ts';
import { jsonAs } from './json.ts';
import { keyFor } from './order.ts';
import { pageClause } from './paging.ts';
import { ParamBag } from './params.ts';
import { PLAIN_FIELDS_FIX } from './predicates.ts';
import { whereClause } from './select.ts';
import { and } from './sql-bool.ts';
import { millisecondOf, resolveTarget, returnedTimestamp } from './target.ts';
import type { ColumnInfo, CompiledQuery, OutputColumn, ScalarColumnType, TableInfo } from './types.ts';

const VALUE_KEY = 'value';

export function compileDistinct(
  table: TableInfo,
  spec: DistinctSpec,
  sql: SqlHooks,
  options: { countTotal: boolean },
): { values: CompiledQuery; total?: CompiledQuery } {
  const q = (name: string) => sql.quote(name);
  const t = q(table.name);
  const v = q('v');
  let columns: OutputColumn[] = [{ alias: 'v', key: spec.field.key }];
  const target = resolveTarget(table, spec.field, sql);

  if (target.kind === 'missing') {
    // No column: every item lacks the value, so there are no distinct values.
    const params = new ParamBag(sql);
    const values = {
      sql: `SELECT CAST(NULL AS ${sql.typeName('STRING')}) AS ${v} FROM ${t} WHERE FALSE ${pageClause(spec.limit, spec.offset, params)}`,
      params: params.params,
      types: params.types,
      columns,
    };
    if (!options.countTotal) return { values };
    return {
      values,
      total: {
        sql: `SELECT COUNT(*) AS ${q('n')} FROM ${t} WHERE FALSE`,
        params: {},
        types: {},
        columns: [{ alias: 'n', key: 'total' }],
      },
    };
  }
  const elements = target.kind === 'json' && !target.nested ? target.elements : undefined;
  if (target.kind !== 'scalar' && target.kind !== 'array' && !elements) {
    // JSON values are not comparable nor groupable in GoogleSQL (DISTINCT needs both).
    throw errors.unsupported(
      `Distinct values of '${spec.field.key}'`,
      'only plain typed columns and arrays of them',
      PLAIN_FIELDS_FIX,
    );
  }
  const column = table.columns.get(spec.field.field) as ColumnInfo;
  // Decimal text (exact-numbers.ts): the distinct values are the exact texts, in text order like any TEXT field's.
  const decimal = target.kind === 'scalar' && target.decimal !== undefined;
  // Integer/decimal array elements are exact decimal text too (exact-numbers.ts), in text order.
  const decimalElements = typeof column.type === 'object' && isDecimalType(column.type.array);
  const valueType: ScalarColumnType =
    decimal || decimalElements
      ? 'STRING'
      : typeof column.type === 'object'
        ? column.type.array
        : (column.elements ?? column.type);
  // The values as a one-column table `v`, so keyset conditions compile like any sort key.
  // Instants are distinct at the millisecond (target.ts millisecondOf): the source reads them so.
  const rows: TableInfo = {
    name: table.name,
    columns: new Map([
      [
        VALUE_KEY,
        valueType === 'TIMESTAMP' ? { name: 'v', type: valueType, millisecond: true } : { name: 'v', type: valueType },
      ],
    ]),
  };
  const valueTarget = resolveTarget(rows, { key: VALUE_KEY, field: VALUE_KEY, path: [], type: undefined }, sql);
  const key = keyFor(valueTarget, spec.order, spec.field.key);

  const source = (params: ParamBag): string => {
    const where = whereClause(compileFilter(table, spec.filter, sql, params));
    if (target.kind === 'scalar') return `(SELECT ${decimal ? target.expr : target.order} AS ${v} FROM ${t}${where})`;
    const a = q('a');
    if (elements) {
      // Elements of another JSON type (or JSON null) read as NULL and are dropped like missing values.
      const e = q('e');
      return `(SELECT ${jsonAs(elements, e)} AS ${v} FROM (SELECT ${target.expr} AS ${a} FROM ${t}${where}) CROSS JOIN UNNEST(JSON_QUERY_ARRAY(${a})) AS ${e})`;
    }
    // Filter first, then unwind: the filter sees the item, DISTINCT sees the elements.
    if (decimalElements) {
      const e = q('e');
      return `(SELECT CAST(${e} AS STRING) AS ${v} FROM (SELECT ${target.expr} AS ${a} FROM ${t}${where}) CROSS JOIN UNNEST(${a}) AS ${e})`;
    }
    if (valueType === 'TIMESTAMP') {
      const e = q('e');
      return `(SELECT ${millisecondOf(e)} AS ${v} FROM (SELECT ${target.expr} AS ${a} FROM ${t}${where}) CROSS JOIN UNNEST(${a}) AS ${e})`;
    }
    return `(SELECT ${target.expr} AS ${a} FROM ${t}${where}) CROSS JOIN UNNEST(${a}) AS ${v}`;
  };

  // A TIMESTAMP value is answered as the engine reads instants (SqlHooks.timestampMillis) under the
  // same alias, so ORDER BY (which DISTINCT limits to the answered column) keeps the instants' order;
  // WHERE and the keyset condition still compare the TIMESTAMP itself.
  const read = valueType === 'TIMESTAMP' ? returnedTimestamp(v, sql) : { expr: v };
  if (read.millis) columns = [{ alias: 'v', key: spec.field.key, millis: true }];
  const params = new ParamBag(sql);
  const from = source(params);
  const after = spec.after ? key.after(spec.after.value, params) : 'TRUE';
  const values: CompiledQuery = {
    sql:
      `SELECT DISTINCT ${read.millis ? `${read.expr} AS ${v}` : v} FROM ${from}${whereClause(and([`(${v} IS NOT NULL)`, after]))}` +
      ` ORDER BY ${key.orderBy.join(', ')} ${pageClause(spec.limit, spec.offset, params)}`,
    params: params.params,
    types: params.types,
    columns,
  };
  if (!options.countTotal) return { values };

  const totalParams = new ParamBag(sql);
  // COUNT(DISTINCT …) skips NULLs, as the values query does.
  const total: CompiledQuery = {
    sql: `SELECT COUNT(DISTINCT ${v}) AS ${q('n')} FROM ${source(totalParams)}`,
    params: totalParams.params,
    types: totalParams.types,
    columns: [{ alias: 'n', key: 'total' }],
  };
  return { values, total };
}
