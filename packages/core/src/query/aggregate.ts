/**
 * Aggregation in memory (docs/protocol.md §11; docs/semantics.md §6.1):
 * initialFilter → group → operations → finalFilter → sort → offset/limit.
 */
import type { AggregateOperation, AggregateSpec, Item, Value } from './ast.ts';
import { canonicalKey, compareValues } from './compare.ts';
import { matches, valueAt } from './match.ts';
import { compareItems } from './run-query.ts';

interface Group {
  readonly keys: readonly Value[];
  readonly items: Item[];
}

/**
 * Decision (§11 step 2 and SQL): sum and average take numbers only (null,
 * missing and other types are skipped) and are null when a group has no
 * number — also for the single row over zero items.
 */
export function numericValues(values: readonly (Value | undefined)[]): number[] {
  return values.filter((v): v is number => typeof v === 'number');
}

const DOWN = 2 ** -64;
const UP = 2 ** 64;

/**
 * The mean of numbers whose plain sum overflows: scaling by a power of two is exact (above the
 * subnormal range), so this is the plain sum's mean as if doubles had no upper bound.
 */
function scaledMean(numbers: readonly number[]): number {
  let scaled = 0;
  for (const n of numbers) scaled += n * DOWN;
  return (scaled / numbers.length) * UP;
}

/**
 * A sum of finite numbers whose plain (left-to-right) sum overflowed: the same sum scaled down by
 * 2^-64 (exact above the subnormal range) tells whether the true sum is past the double range, and
 * gives it back when only a partial sum overflowed. Past the range it is ±Infinity, as the SQL
 * engines answer it (packages/googlesql/src/aggregate.ts): finalFilter and sort compare it as that
 * number, and the core refuses it only in a row it answers (core adaptor/items-read.ts
 * refuseOutOfRange; docs/semantics.md §6.1).
 */
function overflowedSum(numbers: readonly number[]): number {
  let scaled = 0;
  for (const n of numbers) scaled += n * DOWN;
  return scaled * UP;
}

/** One operation over one group's items. min/max use compareValues and skip null/missing. */
export function computeOperation(operation: AggregateOperation, items: readonly Item[]): Value {
  if (operation.op === 'count') return items.length;
  const field = operation.field;
  if (!field) return null;
  const values = items.map((item) => valueAt(item, field));
  switch (operation.op) {
    case 'sum':
    case 'avg': {
      const numbers = numericValues(values);
      if (numbers.length === 0) return null;
      const sum = numbers.reduce((a, b) => a + b, 0);
      if (Number.isFinite(sum) || !numbers.every(Number.isFinite)) {
        return operation.op === 'sum' ? sum : sum / numbers.length;
      }
      // The sum of finite numbers passed the double range (docs/semantics.md §6.1). The sum is ±Infinity
      // (a partial sum's overflow alone is undone); the average is computed on the numbers scaled down
      // by 2^-64, which keeps every such sum finite (at most 2^53 values of at most ±1.8e308) and loses
      // nothing a sum that large could show.
      if (operation.op === 'sum') return overflowedSum(numbers);
      return scaledMean(numbers);
    }
    case 'min':
    case 'max': {
      let best: Value | undefined;
      for (const v of values) {
        if (v === undefined || v === null) continue;
        if (best === undefined) best = v;
        else {
          const c = compareValues(v, best);
          if (operation.op === 'min' ? c < 0 : c > 0) best = v;
        }
      }
      return best ?? null;
    }
  }
}

function group(items: Iterable<Item>, spec: AggregateSpec): Group[] {
  const groups = new Map<string, Group>();
  for (const item of items) {
    if (!matches(spec.filter, item)) continue;
    // Null and missing are one group (docs/semantics.md §6.1).
    const keys = spec.groupBy.map((f) => valueAt(item, f) ?? null);
    const id = keys.map(canonicalKey).join('\u0000');
    let g = groups.get(id);
    if (!g) {
      g = { keys, items: [] };
      groups.set(id, g);
    }
    g.items.push(item);
  }
  // No grouping fields → exactly one row, even over zero items (§11 step 2).
  if (spec.groupBy.length === 0 && groups.size === 0) return [{ keys: [], items: [] }];
  return [...groups.values()];
}

export function runAggregate(
  items: Iterable<Item>,
  spec: AggregateSpec,
  countTotal: boolean,
): { rows: Item[]; total?: number } {
  const rows: Item[] = group(items, spec).map((g) => {
    const row: Record<string, Value> = {};
    for (const op of spec.operations) row[op.name] = computeOperation(op, g.items);
    // Grouping keys last: parseAggregation refuses a result named like a grouping key (§11 step 4);
    // a spec built without it still keeps the grouping value.
    spec.groupBy.forEach((f, i) => {
      row[f.key] = g.keys[i] ?? null;
    });
    return row;
  });
  const kept = rows.filter((row) => matches(spec.having, row));
  kept.sort(compareItems(spec.sort));
  const offset = Math.max(0, spec.offset);
  const page = kept.slice(offset, offset + Math.max(0, spec.limit));
  // total = rows after finalFilter (§11 step 7), not items matching initialFilter.
  return countTotal ? { rows: page, total: kept.length } : { rows: page };
}
