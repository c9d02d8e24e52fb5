/**
 * Running googlesql's compiled aggregate, distinct and count reads, shared by
 * the Spanner and BigQuery storages. How a statement reaches the engine (and
 * how its cells decode) is the injected `RunCompiled`; what the answer looks
 * like is decided once here.
 */
import type { Item, Value } from '@adaptors/core';
import type { CompiledQuery } from '@adaptors/googlesql';
import { toItem } from './rows.ts';

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
  const items = rows.map((row) => toItem(row, compiled.rows, new Map()));
  return total === undefined ? { rows: items } : { rows: items, total };
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
  const values = rows.map((row) => row.get('v') ?? null).filter((v) => v !== null);
  return total === undefined ? { values } : { values, total };
}
