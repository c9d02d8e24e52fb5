/**
 * Reads of every SQL engine: googlesql compiles, the engine's runner runs
 * (engine.ts `StatementRunner`: how a statement reaches the engine and how
 * its cells decode); what the answer looks like is decided once here.
 */
import type { AggregateSpec, DistinctSpec, Filter, Item, QuerySpec, Value } from '@adaptors/core';
import type { CompiledQuery, GoogleSqlCompiler } from '@adaptors/googlesql';
import type { SqlCollection, StatementRunner } from './engine.ts';
import { cellValue, toItem } from './rows.ts';

/** Runs one compiled query, its rows decoded to alias → value. */
export type RunCompiled = (query: CompiledQuery) => Promise<Map<string, Value>[]>;

/** A compiled COUNT-like query's `n`; 0 when it answers nothing. */
export async function readNumber(run: RunCompiled, query: CompiledQuery): Promise<number> {
  const [row] = await run(query);
  const n = row?.get('n');
  return typeof n === 'number' ? n : 0;
}

/** Aggregate rows (their keys are the output names, no ANY fields) and, when compiled, the total, read together. */
export async function readAggregate(
  run: RunCompiled,
  compiled: { readonly rows: CompiledQuery; readonly total?: CompiledQuery },
): Promise<{ rows: Item[]; total?: number }> {
  const [rows, total] = await Promise.all([
    run(compiled.rows),
    compiled.total ? readNumber(run, compiled.total) : undefined,
  ]);
  const items = rows.map((row) => aggregateRow(row, compiled.rows));
  return total === undefined ? { rows: items } : { rows: items, total };
}

/**
 * One aggregate row: unlike an item (toItem leaves nulls out, null being "missing"), it keeps
 * every grouping key and result name, null included — the group of items without the field, a
 * sum or maximum over no values (docs/semantics.md §6.1; the core's evaluator answers the same).
 */
function aggregateRow(row: ReadonlyMap<string, Value>, query: CompiledQuery): Item {
  const item: Record<string, Value> = {};
  for (const column of query.columns ?? []) item[column.key] = cellValue(row.get(column.alias) ?? null, column);
  return item;
}

/** Distinct values (a null is "missing", so it is not a value) and, when compiled, the total, read together. */
export async function readDistinct(
  run: RunCompiled,
  compiled: { readonly values: CompiledQuery; readonly total?: CompiledQuery },
): Promise<{ values: Value[]; total?: number }> {
  const [rows, total] = await Promise.all([
    run(compiled.values),
    compiled.total ? readNumber(run, compiled.total) : undefined,
  ]);
  const column = compiled.values.columns?.[0] ?? { alias: 'v', key: 'value' };
  const values = rows.map((row) => cellValue(row.get(column.alias) ?? null, column)).filter((v) => v !== null);
  return total === undefined ? { values } : { values, total };
}

/**
 * Item reads of every SQL engine: compiled by the engine's compiler, run by
 * its runner. This class builds no SQL and knows no client.
 */
export class SqlReader {
  private readonly compiler: GoogleSqlCompiler;
  private readonly runner: StatementRunner;

  constructor(compiler: GoogleSqlCompiler, runner: StatementRunner) {
    this.compiler = compiler;
    this.runner = runner;
  }

  async query(collection: SqlCollection, spec: QuerySpec): Promise<Item[]> {
    const compiled = this.compiler.select(collection.table, spec);
    const id = collection.stored.id;
    if (this.runner.items) return this.runner.items(compiled, id, collection.fields);
    return (await this.runner.rows(compiled, id)).map((row) => toItem(row, compiled, collection.fields));
  }

  count(collection: SqlCollection, filter: Filter): Promise<number> {
    return readNumber(this.run(collection), this.compiler.count(collection.table, filter));
  }

  aggregate(
    collection: SqlCollection,
    spec: AggregateSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ rows: Item[]; total?: number }> {
    return readAggregate(this.run(collection), this.compiler.aggregate(collection.table, spec, options));
  }

  distinct(
    collection: SqlCollection,
    spec: DistinctSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ values: Value[]; total?: number }> {
    return readDistinct(this.run(collection), this.compiler.distinct(collection.table, spec, options));
  }

  /** Compiled queries of one collection (errors name it). */
  private run(collection: SqlCollection): RunCompiled {
    return (query) => this.runner.rows(query, collection.stored.id);
  }
}
