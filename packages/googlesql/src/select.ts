/**
 * Items queries and counts (docs/protocol.md query/count; docs/semantics.md §2–§5):
 * filter → keyset → sort → offset/limit → projection, as core run-query.ts.
 */
import { type Filter, ID_FIELD, type QuerySpec } from '@adaptors/core';
import { compileFilter } from './filter.ts';
import type { SqlHooks } from './hooks.ts';
import { keysetCondition } from './keyset.ts';
import { sortKey } from './order.ts';
import { pageClause } from './paging.ts';
import { ParamBag } from './params.ts';
import { and, TRUE } from './sql-bool.ts';
import { projected } from './target.ts';
import type { CompiledQuery, OutputColumn, TableInfo } from './types.ts';

export function whereClause(condition: string): string {
  return condition === TRUE ? '' : ` WHERE ${condition}`;
}

/**
 * The projected keys that have a column, `_id` first when the collection
 * stores it (§4: `_id` always returned). Keys without a column are simply
 * absent from the result, like absent keys in the evaluator's `project`.
 */
function projectedKeys(table: TableInfo, projection: readonly string[] | undefined): string[] {
  const wanted = projection ?? [...table.columns.keys()];
  const keys = [...new Set([ID_FIELD, ...wanted])];
  return keys.filter((key) => table.columns.has(key));
}

export function compileSelect(table: TableInfo, spec: QuerySpec, sql: SqlHooks): CompiledQuery {
  const params = new ParamBag(sql);
  const columns: OutputColumn[] = [];
  const select = projectedKeys(table, spec.projection).map((key, i) => {
    const column = table.columns.get(key);
    if (!column) throw new Error(`unreachable: no column for ${key}`);
    const { expr, millis } = projected(column, sql);
    columns.push(millis ? { alias: `c${i}`, key, millis } : { alias: `c${i}`, key });
    return `${expr} AS ${sql.quote(`c${i}`)}`;
  });
  const keys = spec.sort.map((s) => sortKey(table, s.field, s.order, sql));
  const filter = compileFilter(table, spec.filter, sql, params);
  const after = spec.after ? keysetCondition(keys, spec.after, params) : TRUE;
  const orderBy = keys.flatMap((k) => k.orderBy);
  const text =
    `SELECT ${select.length > 0 ? select.join(', ') : `NULL AS ${sql.quote('_')}`} FROM ${sql.quote(table.name)}` +
    whereClause(and([filter, after])) +
    (orderBy.length > 0 ? ` ORDER BY ${orderBy.join(', ')}` : '') +
    ` ${pageClause(spec.limit, spec.offset, params)}`;
  return { sql: text, params: params.params, types: params.types, columns };
}

/** A separate COUNT(*): the Spanner emulator refuses `COUNT(*) OVER()` (docs/engines.md §2). */
export function compileCount(table: TableInfo, filter: Filter, sql: SqlHooks): CompiledQuery {
  const params = new ParamBag(sql);
  const where = whereClause(compileFilter(table, filter, sql, params));
  const n = sql.quote('n');
  return {
    sql: `SELECT COUNT(*) AS ${n} FROM ${sql.quote(table.name)}${where}`,
    params: params.params,
    types: params.types,
    columns: [{ alias: 'n', key: 'count' }],
  };
}
