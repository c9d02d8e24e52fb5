/**
 * Answers from the group statistics (stats.ts; README.md "Group
 * statistics"): an unfiltered aggregation grouped by one tracked field with
 * count/sum/average, and the distinct values of a tracked field, read from
 * the state and the shard documents (one `getAll`) instead of one query per
 * group. Anything the statistics cannot answer exactly — a filter, another
 * operation (min/max), a field not tracked or past the cap, a sum with a
 * value that is not a safe integer, statistics not built yet — returns
 * undefined, and the caller takes the query path (reads.ts, groups.ts).
 */
import {
  type AggregateSpec,
  type DistinctSpec,
  type Item,
  runDistinct,
  type StoredCollection,
  TRUE,
  type Value,
} from '@adaptors/core';
import { FieldPath } from '@google-cloud/firestore';
import { finishGroups } from './groups.ts';
import { parseState, readEntry, type StatsStore, valueOfKey } from './stats.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

interface Totals {
  c: bigint;
  readonly s: Map<string, bigint>;
  readonly n: Map<string, bigint>;
}

/**
 * Every value of `field` with its totals merged over the shards, or undefined
 * when the statistics do not cover it (or the sums of `summed`) exactly.
 */
async function readTotals(
  store: StatsStore,
  collection: StoredCollection,
  field: string,
  summed: readonly string[],
): Promise<Map<string, Totals> | undefined> {
  const declared = (key: string) => collection.fields.find((f) => f.key === key);
  const stateRef = store.stateRef(collection.id);
  const [stateSnapshot, ...shards] = await store.db.getAll(stateRef, ...store.shardRefs(collection.id), {
    fieldMask: ['gen', 'tracked', 'built', 'u', new FieldPath('f', field)],
  });
  const state = parseState(stateSnapshot);
  if (!state?.built) return undefined;
  // Tracked under the type it is declared with now (a removed or retyped field is dropped from `tracked`).
  const tracked = (key: string) => state.tracked.find((t) => t.key === key && t.type === declared(key)?.type);
  if (!tracked(field) || state.off.includes(field) || summed.some((m) => tracked(m)?.type !== 'NUMBER')) {
    return undefined;
  }
  const totals = new Map<string, Totals>();
  for (const shard of shards) {
    if (shard.get('gen') !== state.gen) continue;
    if (shard.get(new FieldPath('f', field, 'off')) === true) return undefined;
    if (summed.some((m) => shard.get(new FieldPath('u', m)) === true)) return undefined;
    const values = (shard.get(new FieldPath('f', field, 'v')) ?? {}) as Record<string, unknown>;
    for (const [key, raw] of Object.entries(values)) {
      const entry = readEntry(raw);
      const total = totals.get(key) ?? { c: 0n, s: new Map<string, bigint>(), n: new Map<string, bigint>() };
      totals.set(key, total);
      total.c += entry.c;
      for (const m of summed) {
        total.s.set(m, (total.s.get(m) ?? 0n) + (entry.s.get(m) ?? 0n));
        total.n.set(m, (total.n.get(m) ?? 0n) + (entry.n.get(m) ?? 0n));
      }
    }
  }
  for (const [key, total] of totals) {
    // A negative count means documents changed outside the adaptor's writes: never answer from it.
    if (total.c < 0n || [...total.n.values()].some((n) => n < 0n)) return undefined;
    if ([...total.s.values()].some((s) => s > MAX_SAFE || s < -MAX_SAFE)) return undefined;
    if (valueOfKey(key) === undefined) return undefined;
    if (total.c === 0n) totals.delete(key);
  }
  return totals;
}

/** An unfiltered aggregation grouped by one tracked field (count/sum/avg), or undefined. */
export async function aggregateFromStats(
  store: StatsStore,
  collection: StoredCollection,
  spec: AggregateSpec,
  countTotal: boolean,
): Promise<{ rows: Item[]; total?: number } | undefined> {
  const [by, ...more] = spec.groupBy;
  if (collection.strict === false || spec.filter.kind !== 'true' || !by || more.length > 0 || by.path.length > 0) {
    return undefined;
  }
  const summed = new Set<string>();
  for (const op of spec.operations) {
    if (op.op === 'count') continue;
    if ((op.op !== 'sum' && op.op !== 'avg') || !op.field || op.field.path.length > 0) return undefined;
    summed.add(op.field.field);
  }
  if (spec.operations.length === 0) return undefined;
  const totals = await readTotals(store, collection, by.field, [...summed]);
  if (!totals) return undefined;
  const rows: Item[] = [];
  for (const [key, total] of totals) {
    const row: Record<string, Value> = {};
    for (const op of spec.operations) {
      if (op.op === 'count' || !op.field) row[op.name] = Number(total.c);
      else {
        // Sum and average over no number are null (packages/core/SEMANTICS.md rule 31).
        const n = total.n.get(op.field.field) ?? 0n;
        const s = Number(total.s.get(op.field.field) ?? 0n);
        row[op.name] = n === 0n ? null : op.op === 'avg' ? s / Number(n) : s;
      }
    }
    row[by.key] = valueOfKey(key) as Value;
    rows.push(row);
  }
  return finishGroups(rows, spec, countTotal);
}

/** The distinct values of a tracked field, unfiltered, or undefined. */
export async function distinctFromStats(
  store: StatsStore,
  collection: StoredCollection,
  spec: DistinctSpec,
  countTotal: boolean,
): Promise<{ values: Value[]; total?: number } | undefined> {
  if (collection.strict === false || spec.filter.kind !== 'true' || spec.field.path.length > 0) return undefined;
  const totals = await readTotals(store, collection, spec.field.field, []);
  if (!totals) return undefined;
  // One item per value held by at least one document (counts of 0 are gone); null is no distinct value.
  const items = [...totals.keys()].map((key): Item => ({ _id: '', [spec.field.field]: valueOfKey(key) as Value }));
  return runDistinct(items, { ...spec, filter: TRUE }, countTotal);
}
