/**
 * LIMIT/OFFSET. Both dialects take query parameters there ("count … is an
 * INT64 constant expression … A constant expression can be represented by a
 * general expression, literal, or parameter value", GoogleSQL LIMIT and
 * OFFSET clause; README.md), so nothing is inlined; the values are still
 * checked so a bad spec fails here and not in the database.
 */
import type { ParamBag } from './params.ts';

/** Negative counts mean 0, like the evaluator's `Math.max(0, …)` (core run-query.ts). */
function count(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new Error(`${what} must be an integer, got ${n}`);
  return Math.max(0, n);
}

export function pageClause(limit: number, offset: number, params: ParamBag): string {
  const l = params.add(count(limit, 'LIMIT'), { type: 'INT64' });
  const skip = count(offset, 'OFFSET');
  if (skip === 0) return `LIMIT ${l}`;
  return `LIMIT ${l} OFFSET ${params.add(skip, { type: 'INT64' })}`;
}
