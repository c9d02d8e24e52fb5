/**
 * Read executor: every item read is compiled by @adaptors/googlesql (the one
 * compiler of Spanner and BigQuery) and only run here; this file builds no SQL.
 * Rows come back under safe aliases and are renamed to Wix keys with
 * `CompiledQuery.columns`.
 */
import type { AggregateSpec, DistinctSpec, Field, Filter, Item, QuerySpec, Value } from '@adaptors/core';
import { type CompiledQuery, spanner } from '@adaptors/googlesql';
import { fromAny, type RunCompiled, readAggregate, readDistinct, readNumber, toItem } from '@adaptors/sql-storage';
import type { Database } from '@google-cloud/spanner';
import type { SpannerCollection } from './spanner-collections.ts';
import { callOptions } from './spanner-deadline.ts';
import type { Statement } from './spanner-dml.ts';
import { isTableNotFound, translateError } from './spanner-errors.ts';
import { fromSpanner, rowValues, spannerParams } from './spanner-values.ts';

/**
 * gax re-sends a failed streaming query twice more with backoff whatever the
 * error (~7 s before a "Table not found" surfaces, docs/engines.md §2). The
 * client's own result stream still retries UNAVAILABLE with resume tokens
 * (partial-result-stream.js), so only those blind re-sends are turned off.
 */
export const STREAM_RETRY_OFF = { retryRequestOptions: { retries: 0, noResponseRetries: 0 } };

export class Reader {
  private readonly database: Database;
  /** Called when Spanner says a table is gone: the cached schema is stale. */
  private readonly onStaleSchema: () => void;

  constructor(database: Database, onStaleSchema: () => void) {
    this.database = database;
    this.onStaleSchema = onStaleSchema;
  }

  /** Runs a statement (compiled or from spanner-dml.ts) in a single-use read-only transaction. */
  async rows(statement: Statement, collectionId?: string): Promise<Map<string, Value>[]> {
    try {
      const [rows] = await this.database.run({
        sql: statement.sql,
        params: statement.params,
        types: statement.types,
        gaxOptions: callOptions(STREAM_RETRY_OFF),
      });
      return rows.map(rowValues);
    } catch (error) {
      if (isTableNotFound(error)) this.onStaleSchema();
      throw translateError(error, collectionId);
    }
  }

  async compiled(query: CompiledQuery, collectionId: string): Promise<Map<string, Value>[]> {
    return this.rows({ sql: query.sql, ...spannerParams(query.params, query.types) }, collectionId);
  }

  /** The client's rows as they come (`[{ name, value }]` per row), for callers that decode them themselves. */
  private async rawRows(query: CompiledQuery, collectionId: string): Promise<unknown[]> {
    try {
      const [rows] = await this.database.run({
        sql: query.sql,
        ...spannerParams(query.params, query.types),
        gaxOptions: callOptions(STREAM_RETRY_OFF),
      });
      return rows;
    } catch (error) {
      if (isTableNotFound(error)) this.onStaleSchema();
      throw translateError(error, collectionId);
    }
  }

  async query(collection: SpannerCollection, spec: QuerySpec): Promise<Item[]> {
    const compiled = spanner.select(collection.table, spec);
    const rows = await this.rawRows(compiled, collection.stored.id);
    return toItems(rows, compiled, collection.fields);
  }

  async count(collection: SpannerCollection, filter: Filter): Promise<number> {
    return readNumber(this.runner(collection.stored.id), spanner.count(collection.table, filter));
  }

  async aggregate(
    collection: SpannerCollection,
    spec: AggregateSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ rows: Item[]; total?: number }> {
    return readAggregate(this.runner(collection.stored.id), spanner.aggregate(collection.table, spec, options));
  }

  async distinct(
    collection: SpannerCollection,
    spec: DistinctSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ values: Value[]; total?: number }> {
    return readDistinct(this.runner(collection.stored.id), spanner.distinct(collection.table, spec, options));
  }

  /** Compiled queries of one collection (errors name it). */
  private runner(collectionId: string): RunCompiled {
    return (query) => this.compiled(query, collectionId);
  }
}

/**
 * Result rows → items, straight from the client's cells: the column plan
 * (which cell holds which key) is worked out once per result instead of
 * building an alias → value Map per row (rowValues + toItem). Same output as
 * `toItem(rowValues(row), …)`; rows of another shape take that path.
 */
export function toItems(rows: readonly unknown[], query: CompiledQuery, fields: ReadonlyMap<string, Field>): Item[] {
  const first = rows[0];
  if (!Array.isArray(first)) return rows.map((row) => toItem(rowValues(row), query, fields));
  const names = (first as { name?: unknown }[]).map((cell) => cell?.name);
  const plan: { index: number; key: string; any: boolean }[] = [];
  for (const { alias, key } of query.columns ?? []) {
    const index = names.lastIndexOf(alias);
    if (index >= 0) plan.push({ index, key, any: fields.get(key)?.type === 'ANY' });
  }
  const items: Item[] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== names.length) {
      items.push(toItem(rowValues(row), query, fields));
      continue;
    }
    const item: Record<string, Value> = {};
    for (const { index, key, any } of plan) {
      const value = fromSpanner((row[index] as { value?: unknown } | undefined)?.value, key);
      if (value === null) continue;
      item[key] = any ? fromAny(value) : value;
    }
    items.push(item);
  }
  return items;
}
