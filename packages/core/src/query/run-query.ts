/**
 * Items queries in memory: filter → sort → keyset → offset → limit → project
 * (docs/protocol.md §4.1 "Rules"; docs/semantics.md §2–§4).
 */
import type { Filter, Item, Keyset, QuerySpec, Sort, Value } from './ast.ts';
import { compareValues } from './compare.ts';
import { matches, valueAt } from './match.ts';

/**
 * Comparator for a sort list: entries in order, `desc` reverses. Null/missing
 * rank lowest (compareValues), so they come first in ASC and last in DESC (§2).
 */
export function compareItems(sort: readonly Sort[]): (a: Item, b: Item) => number {
  return (a, b) => {
    for (const s of sort) {
      const c = compareValues(valueAt(a, s.field), valueAt(b, s.field));
      if (c !== 0) return s.order === 'desc' ? -c : c;
    }
    return 0;
  };
}

/** The sort-key values of an item (missing → null), the boundary a cursor carries (§3.2). */
export function keysetOf(item: Item, sort: readonly Sort[]): Keyset {
  return Object.freeze({ values: Object.freeze(sort.map((s) => valueAt(item, s.field) ?? null)) });
}

/** True when `item` comes strictly after the keyset boundary in sort order. */
export function isAfter(item: Item, sort: readonly Sort[], keyset: Keyset): boolean {
  for (let i = 0; i < sort.length; i++) {
    const s = sort[i] as Sort;
    const c = compareValues(valueAt(item, s.field), keyset.values[i]);
    if (c !== 0) return s.order === 'desc' ? c < 0 : c > 0;
  }
  return false;
}

/** Keeps the projected top-level keys an item has (absent keys stay absent, §4). */
export function project(item: Item, projection: readonly string[] | undefined): Item {
  if (projection === undefined) return item;
  const out: Record<string, Value> = {};
  for (const key of projection) {
    if (Object.hasOwn(item, key)) out[key] = item[key] as Value;
  }
  return out;
}

export function runQuery(items: Iterable<Item>, spec: QuerySpec): Item[] {
  const selected: Item[] = [];
  for (const item of items) {
    if (!matches(spec.filter, item)) continue;
    if (spec.after && !isAfter(item, spec.sort, spec.after)) continue;
    selected.push(item);
  }
  selected.sort(compareItems(spec.sort));
  const offset = Math.max(0, spec.offset);
  return selected.slice(offset, offset + Math.max(0, spec.limit)).map((item) => project(item, spec.projection));
}

export function countMatching(items: Iterable<Item>, filter: Filter): number {
  let n = 0;
  for (const item of items) if (matches(filter, item)) n++;
  return n;
}
