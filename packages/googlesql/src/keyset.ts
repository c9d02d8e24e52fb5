/**
 * Keyset ("strictly after the boundary item") conditions for cursor paging
 * (docs/semantics.md §3.2), the SQL form of core run-query.ts `isAfter`:
 * the first sort key that differs decides. With keys k1…kn and boundary
 * b1…bn:  after(k1) OR (k1 = b1 AND after(k2)) OR … — expanded, because
 * GoogleSQL has no row-value comparison and the keys mix ASC/DESC and NULLs.
 * The sort always ends with the unique `_id`, so "after" is strict.
 */
import type { Keyset } from '@adaptors/core';
import type { SortKey } from './order.ts';
import type { ParamBag } from './params.ts';
import { and, FALSE, or } from './sql-bool.ts';

export function keysetCondition(keys: readonly SortKey[], keyset: Keyset, params: ParamBag): string {
  if (keyset.values.length !== keys.length) {
    throw new Error(`Keyset has ${keyset.values.length} values for ${keys.length} sort keys`);
  }
  const branches: string[] = [];
  const equalSoFar: string[] = [];
  for (const [i, key] of keys.entries()) {
    const b = keyset.values[i] ?? null;
    branches.push(and([...equalSoFar, key.after(b, params)]));
    // The last key's equality is never needed (and would leave an unused parameter).
    if (i === keys.length - 1) break;
    const equal = key.equals(b, params);
    // No item ties on this key: later keys cannot decide anything.
    if (equal === FALSE) break;
    equalSoFar.push(equal);
  }
  return or(branches);
}
