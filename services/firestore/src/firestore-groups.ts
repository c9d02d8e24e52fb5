/**
 * Distinct values and grouped aggregations answered by Firestore's own
 * queries, for collections too large to scan (README.md "Aggregations and
 * distinct values"). Firestore has no DISTINCT or GROUP BY, but on a field of
 * the storage format (firestore-format.ts: on every document, null when
 * empty) an ordered query visits every value:
 *
 * - distinct: a skip scan — `orderBy(f).startAfter(v).limit(1)` jumps past
 *   every document holding `v` (a cursor of the order's values alone), so each
 *   distinct value costs one one-document query, never a read of the rest;
 * - aggregate grouped by one such field: its distinct values (the skip scan),
 *   then one `count()/sum()/average()` aggregation query per value, and one for
 *   the null group — exactly the rows of the evaluator (packages/core/src/query/aggregate.ts).
 *
 * Chosen only where the scan cannot answer (more candidates than
 * FIRESTORE_SCAN_LIMIT): on small collections one projection scan is cheaper
 * than a query per value. Bounded: past MAX_DISTINCT_STEPS values the request
 * is refused with the reason.
 */
import {
  type AggregateSpec,
  compareItems,
  type DistinctSpec,
  type FieldRef,
  type Item,
  matches,
  runDistinct,
  SpiError,
  TRUE,
  type Value,
} from '@adaptors/core';
import { AggregateField, FieldPath, type Query } from '@google-cloud/firestore';
import { planOptions, pushedQuery, type ReadContext } from './firestore-executor.ts';
import { type FilterPlan, kindOf } from './firestore-planner.ts';
import { fromFirestoreValue } from './firestore-values.ts';

/** Distinct values walked at most by one request (each is one small query). */
export const MAX_DISTINCT_STEPS = 1000;
/** Aggregation queries in flight at once for one request. */
const GROUP_CONCURRENCY = 8;

/** Whether Firestore's order can enumerate the values of `field` under `plan` exactly. */
export function canWalk(ctx: ReadContext, plan: FilterPlan, field: FieldRef): boolean {
  const options = planOptions(ctx);
  return (
    field.path.length === 0 &&
    options.formatted?.has(field.field) === true &&
    kindOf(field, options) === 'scalar' &&
    plan.residual.kind === 'true' &&
    !plan.valueKeyed &&
    // Firestore orders by the inequality field first: only that field can be walked.
    (plan.inequalityKey === undefined || plan.inequalityKey === field.key)
  );
}

/** More candidates than the scan may read: the cases this module is for. */
export async function beyondScan(ctx: ReadContext, plan: FilterPlan): Promise<boolean> {
  return Number((await pushedQuery(ctx.ref, plan).count().get()).data().count) > ctx.scanLimit;
}

/**
 * The non-null values of `field` in `order`, each once, after `after` (a
 * cursor), at most `wanted` of them (undefined: all).
 */
async function walkValues(
  ctx: ReadContext,
  plan: FilterPlan,
  field: FieldRef,
  order: 'asc' | 'desc',
  after: Value | undefined,
  wanted: number | undefined,
): Promise<{ raw: unknown; value: Value }[]> {
  const path = new FieldPath(field.field);
  const base: Query = pushedQuery(ctx.ref, plan).orderBy(path, order).select(field.field);
  // Ascending, nulls come first: start after them. Descending, they come last: stop at the first.
  let cursor: unknown = after !== undefined ? after : order === 'asc' ? null : undefined;
  const out: { raw: unknown; value: Value }[] = [];
  while (wanted === undefined || out.length < wanted) {
    const page = await (cursor === undefined ? base : base.startAfter(cursor)).limit(1).get();
    const doc = page.docs[0];
    if (!doc) break;
    const raw = doc.get(path) as unknown;
    if (raw === null || raw === undefined) break;
    if (out.length >= MAX_DISTINCT_STEPS) {
      throw new SpiError(
        'BAD_REQUEST',
        `'${field.key}' of '${ctx.collection.id}' has more than ${MAX_DISTINCT_STEPS} distinct values among more than ` +
          `${ctx.scanLimit} documents: the adaptor visits each value with one Firestore query, up to ` +
          `${MAX_DISTINCT_STEPS}. Narrow the filter, or page the distinct values (limit) instead of asking for their total.`,
        { collectionId: ctx.collection.id, field: field.key, maxDistinctValues: MAX_DISTINCT_STEPS },
      );
    }
    out.push({ raw, value: fromFirestoreValue(raw) });
    cursor = raw;
  }
  return out;
}

export async function walkedDistinct(
  ctx: ReadContext,
  plan: FilterPlan,
  spec: DistinctSpec,
  countTotal: boolean,
): Promise<{ values: Value[]; total?: number }> {
  const wanted = countTotal ? undefined : Math.max(0, spec.offset) + Math.max(0, spec.limit);
  const walked = await walkValues(ctx, plan, spec.field, spec.order, spec.after?.value, wanted);
  // One item per value: distinct ignores how many documents hold each (the filter is already applied).
  const items = walked.map(({ value }): Item => ({ _id: '', [spec.field.field]: value }));
  const answer = runDistinct(items, { ...spec, filter: TRUE }, countTotal);
  if (countTotal && spec.after !== undefined) {
    // The total counts every value, also those before the cursor.
    const before = await walkValues(ctx, plan, spec.field, spec.order, undefined, undefined);
    return { ...answer, total: before.length };
  }
  return answer;
}

/** Aggregations grouped by one walkable field, with count/sum/avg only. */
export function canGroupOnServer(ctx: ReadContext, plan: FilterPlan, spec: AggregateSpec): boolean {
  const [by, ...more] = spec.groupBy;
  return (
    by !== undefined &&
    more.length === 0 &&
    canWalk(ctx, plan, by) &&
    spec.operations.length > 0 &&
    spec.operations.every((op) => op.op === 'count' || ((op.op === 'sum' || op.op === 'avg') && op.field))
  );
}

async function inParallel<T, R>(inputs: readonly T[], work: (input: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(inputs.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(GROUP_CONCURRENCY, inputs.length) }, async () => {
    for (let i = next++; i < inputs.length; i = next++) out[i] = await work(inputs[i] as T);
  });
  await Promise.all(workers);
  return out;
}

export async function groupedOnServer(
  ctx: ReadContext,
  plan: FilterPlan,
  spec: AggregateSpec,
  countTotal: boolean,
): Promise<{ rows: Item[]; total?: number }> {
  const by = spec.groupBy[0] as FieldRef;
  const path = new FieldPath(by.field);
  const groups = [...(await walkValues(ctx, plan, by, 'asc', undefined, undefined)), { raw: null, value: null }];
  const fields: Record<string, ReturnType<typeof AggregateField.count>> = { n: AggregateField.count() };
  spec.operations.forEach((op, i) => {
    if (op.op !== 'count' && op.field) {
      const at = new FieldPath(op.field.field, ...op.field.path);
      fields[`s${i}`] = AggregateField.sum(at) as never;
      fields[`a${i}`] = AggregateField.average(at) as never;
    }
  });
  const answers = await inParallel(groups, async ({ raw }) => {
    const snapshot = await pushedQuery(ctx.ref, plan).where(path, '==', raw).aggregate(fields).get();
    // useBigInt (firestore-values.ts): counts and integer sums come as BigInt; Wix answers are numbers.
    return Object.fromEntries(
      Object.entries(snapshot.data() as Record<string, number | bigint | null>).map(([k, v]) => [
        k,
        typeof v === 'bigint' ? Number(v) : v,
      ]),
    ) as Record<string, number | null>;
  });
  const rows: Item[] = [];
  groups.forEach(({ value }, g) => {
    const data = answers[g] as Record<string, number | null>;
    // A value seen by the walk but gone since, or no null group: no row (as the evaluator groups).
    if (!data.n) return;
    const row: Record<string, Value> = {};
    spec.operations.forEach((op, i) => {
      if (op.op === 'count' || !op.field) row[op.name] = data.n ?? 0;
      else {
        // Firestore's sum() is 0 over no number; the evaluator's is null, as is average() then (rule 31).
        const average = data[`a${i}`] ?? null;
        row[op.name] = average === null ? null : op.op === 'avg' ? average : (data[`s${i}`] ?? null);
      }
    });
    row[by.key] = value;
    rows.push(row);
  });
  // finalFilter, sort and page as runAggregate does (packages/core/src/query/aggregate.ts).
  const kept = rows.filter((row) => matches(spec.having, row));
  kept.sort(compareItems(spec.sort));
  const offset = Math.max(0, spec.offset);
  const page = kept.slice(offset, offset + Math.max(0, spec.limit));
  return countTotal ? { rows: page, total: kept.length } : { rows: page };
}
