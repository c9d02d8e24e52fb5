/**
 * Spanner's statement runner (sql-storage engine.ts `StatementRunner`):
 * compiled statements run here and nowhere else — queries in single-use
 * read-only transactions, DML in a read-write one. This file builds no SQL.
 * Rows come back under safe aliases and are renamed to Wix keys with
 * `CompiledQuery.columns`.
 */
import { type Field, type Item, releaseRows, type Value } from '@adaptors/core';
import type { CompiledQuery } from '@adaptors/googlesql';
import { columnPlan, putValue, type StatementRunner, toItem } from '@adaptors/sql-storage';
import { type Database, Int } from '@google-cloud/spanner';
import { cellDecoder, millisDecoder } from './cells.ts';
import { readWrite } from './client-guards.ts';
import { callOptions, streamOptions } from './deadline.ts';
import { translateError } from './errors.ts';
import type { ProtoResult } from './result-decoder.ts';
import { querySingleUse } from './single-use.ts';
import { fromSpanner, rowValues, spannerStatement } from './values.ts';

export class SpannerRunner implements StatementRunner {
  private readonly database: Database;
  /** Sees every error first: a table or column Spanner says is gone makes the cached schema stale (schema.ts `noticeStale`). */
  private readonly noticeStale: (error: unknown, collectionId: string | undefined) => void;

  constructor(database: Database, noticeStale: (error: unknown, collectionId: string | undefined) => void) {
    this.database = database;
    this.noticeStale = noticeStale;
  }

  async rows(query: CompiledQuery, collectionId?: string): Promise<Map<string, Value>[]> {
    const result = await this.query(query, collectionId);
    if (Array.isArray(result)) return result.map(rowValues);
    const columns = result.fields.map((field) => ({ name: field.name, decode: cellDecoder(field.type, field.name) }));
    const rows = result.rows.map((row) => new Map(columns.map(({ name, decode }, i) => [name, decode(row[i])])));
    releaseRows(result.rows);
    return rows;
  }

  async items(query: CompiledQuery, collectionId: string, fields: ReadonlyMap<string, Field>): Promise<Item[]> {
    const result = await this.query(query, collectionId);
    return Array.isArray(result) ? toItems(result, query, fields) : protoItems(result, query, fields);
  }

  async execute(statement: CompiledQuery, collectionId?: string): Promise<void> {
    try {
      await readWrite(this.database, async (tx) => {
        await tx.runUpdate({ ...spannerStatement(statement), gaxOptions: streamOptions() });
        await tx.commit({ gaxOptions: callOptions() });
      });
    } catch (error) {
      throw this.translated(error, collectionId);
    }
  }

  /** Readiness: the cheapest query Spanner answers, under the readiness deadline. */
  async ping(): Promise<void> {
    await this.database.run({ sql: 'SELECT 1', gaxOptions: streamOptions() });
  }

  /**
   * A query's result: through unary ExecuteSql (single-use.ts), or when that cannot
   * answer it, the client's rows as they come from its stream (`[{ name, value }]` per row).
   */
  private async query(query: CompiledQuery, collectionId: string | undefined): Promise<ProtoResult | unknown[]> {
    const statement = spannerStatement(query);
    try {
      const result = await querySingleUse(this.database, statement, callOptions());
      if (result) return result;
      const [rows] = await this.database.run({ ...statement, gaxOptions: streamOptions() });
      return rows;
    } catch (error) {
      throw this.translated(error, collectionId, 'read');
    }
  }

  private translated(error: unknown, collectionId: string | undefined, effect: 'read' | 'write' = 'write'): unknown {
    this.noticeStale(error, collectionId);
    return translateError(error, collectionId, effect);
  }
}

/**
 * A result's cells → items: each selected column's decoder (cells.ts) is
 * picked once per result, by its type and the Wix key it answers.
 */
function protoItems(result: ProtoResult, query: CompiledQuery, fields: ReadonlyMap<string, Field>): Item[] {
  const names = result.fields.map((field) => field.name);
  const plan = columnPlan(query, fields, names).flatMap(({ index, key, any, millis }) => {
    const type = result.fields[index]?.type;
    if (!type) return [];
    return [{ index, key, any, decode: millis && type.code === 'INT64' ? millisDecoder() : cellDecoder(type, key) }];
  });
  const items: Item[] = [];
  for (const row of result.rows) {
    const item: Record<string, Value> = {};
    for (const { index, key, any, decode } of plan) {
      putValue(item, key, any, decode(row[index]));
    }
    items.push(item);
  }
  // Converted: the promises that carried `result` up keep it, not its rows (core release.ts).
  releaseRows(result.rows);
  return items;
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
  const plan = columnPlan(query, fields, names);
  const items: Item[] = [];
  for (const row of rows) {
    if (!Array.isArray(row) || row.length !== names.length) {
      items.push(toItem(rowValues(row), query, fields));
      continue;
    }
    const item: Record<string, Value> = {};
    for (const { index, key, any, millis } of plan) {
      const cell = (row[index] as { value?: unknown } | undefined)?.value;
      // A TIMESTAMP read as UNIX_MILLIS (googlesql spanner.ts): an INT64 cell below 2^53, exact as a double.
      putValue(item, key, any, millis && cell instanceof Int ? new Date(Number(cell.value)) : fromSpanner(cell, key));
    }
    items.push(item);
  }
  return items;
}
