/**
 * Distinct values in memory (docs/protocol.md §4.4; docs/semantics.md §6.2).
 */
import type { DistinctSpec, Item, Value } from './ast.ts';
import { canonicalKey, compareValues } from './compare.ts';
import { matches, valueAt } from './match.ts';

/**
 * The values one item contributes: array values unwound one level (§6.2),
 * null/missing excluded (a decision: docs/semantics.md §6.2).
 */
export function distinctCandidates(v: Value | undefined): readonly Value[] {
  const all = Array.isArray(v) ? v : [v];
  return all.filter((e): e is Value => e !== undefined && e !== null);
}

export function runDistinct(
  items: Iterable<Item>,
  spec: DistinctSpec,
  countTotal: boolean,
): { values: Value[]; total?: number } {
  // Each value once; equality is compareValues' (dates as instants).
  const seen = new Map<string, Value>();
  for (const item of items) {
    if (!matches(spec.filter, item)) continue;
    for (const v of distinctCandidates(valueAt(item, spec.field))) {
      const key = canonicalKey(v);
      if (!seen.has(key)) seen.set(key, v);
    }
  }
  const dir = spec.order === 'desc' ? -1 : 1;
  const all = [...seen.values()].sort((a, b) => dir * compareValues(a, b));
  const after = spec.after;
  const remaining = after ? all.filter((v) => dir * compareValues(v, after.value) > 0) : all;
  const offset = Math.max(0, spec.offset);
  const values = remaining.slice(offset, offset + Math.max(0, spec.limit));
  // total = number of distinct values of the whole result, whatever page this is (docs/semantics.md §6.2).
  return countTotal ? { values, total: all.length } : { values };
}
