/**
 * Read executor: every item read is compiled by @adaptors/googlesql (BigQuery
 * dialect) and only run here; this file builds no SQL. googlesql selects the
 * needed columns only (BigQuery bills the bytes of the columns read), rows
 * come back under safe aliases and are renamed to Wix keys with
 * `CompiledQuery.columns`.
 */
import {
  type AggregateSpec,
  type DistinctSpec,
  type Field,
  type Filter,
  type Item,
  isDateLiteral,
  parseDateLiteral,
  type QuerySpec,
  type Value,
} from '@adaptors/core';
import {
  bigquery,
  type CompiledQuery,
  compileAggregate,
  compileCount,
  compileDistinct,
  compileSelect,
} from '@adaptors/googlesql';
import type { BigQueryCollection } from './bigquery-collections.ts';
import type { Executor } from './bigquery-executor.ts';
import { clientParams } from './bigquery-values.ts';

export class Reader {
  private readonly executor: Executor;

  constructor(executor: Executor) {
    this.executor = executor;
  }

  async compiled(query: CompiledQuery, collectionId: string): Promise<Map<string, Value>[]> {
    const { rows } = await this.executor.run(
      { sql: query.sql, ...clientParams(query.params, query.types) },
      collectionId,
    );
    return rows;
  }

  async query(collection: BigQueryCollection, spec: QuerySpec): Promise<Item[]> {
    const compiled = compileSelect(collection.table, spec, bigquery);
    const rows = await this.compiled(compiled, collection.stored.id);
    return rows.map((row) => toItem(row, compiled, collection.fields));
  }

  async count(collection: BigQueryCollection, filter: Filter): Promise<number> {
    return this.number(compileCount(collection.table, filter, bigquery), collection.stored.id);
  }

  async aggregate(
    collection: BigQueryCollection,
    spec: AggregateSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ rows: Item[]; total?: number }> {
    const compiled = compileAggregate(collection.table, spec, bigquery, options);
    const id = collection.stored.id;
    const [rows, total] = await Promise.all([
      this.compiled(compiled.rows, id),
      compiled.total ? this.number(compiled.total, id) : undefined,
    ]);
    const items = rows.map((row) => toItem(row, compiled.rows, new Map()));
    return total === undefined ? { rows: items } : { rows: items, total };
  }

  async distinct(
    collection: BigQueryCollection,
    spec: DistinctSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ values: Value[]; total?: number }> {
    const compiled = compileDistinct(collection.table, spec, bigquery, options);
    const id = collection.stored.id;
    const [rows, total] = await Promise.all([
      this.compiled(compiled.values, id),
      compiled.total ? this.number(compiled.total, id) : undefined,
    ]);
    const values = rows.map((row) => row.get('v') ?? null).filter((v) => v !== null);
    return total === undefined ? { values } : { values, total };
  }

  private async number(query: CompiledQuery, collectionId: string): Promise<number> {
    const [row] = await this.compiled(query, collectionId);
    const n = row?.get('n');
    return typeof n === 'number' ? n : 0;
  }
}

/**
 * A result row → item. Null is "missing" to Wix (wix-data-semantics.md §4),
 * so null columns are left out. ANY values are stored as JSON, where a
 * top-level Date was written as `{"$date"}` (bigquery-values.ts `toJson`):
 * turned back into a Date as the core's codec does on the way in.
 * (Same rule as services/spanner/src/spanner-reads.ts `toItem`.)
 */
export function toItem(
  row: ReadonlyMap<string, Value>,
  query: CompiledQuery,
  fields: ReadonlyMap<string, Field>,
): Item {
  const item: Record<string, Value> = {};
  for (const { alias, key } of query.columns ?? []) {
    const value = row.get(alias);
    if (value === null || value === undefined) continue;
    item[key] = fields.get(key)?.type === 'ANY' ? fromAny(value) : value;
  }
  return item;
}

export function fromAny(value: Value): Value {
  return isDateLiteral(value) ? (parseDateLiteral(value) ?? value) : value;
}
