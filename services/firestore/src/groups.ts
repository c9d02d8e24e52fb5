/**
 * Distinct values and grouped aggregations answered by Firestore's own
 * queries, for collections too large to scan (README.md "Aggregations and
 * distinct values"). Firestore has no DISTINCT or GROUP BY, but on a field of
 * the storage format (format.ts: on every document, null when
 * empty) an ordered query visits every value:
 *
 * - distinct: a skip scan — `orderBy(f).startAfter(v).limit(1)` jumps past
 *   every document holding `v` (a cursor of the order's values alone), so each
 *   distinct value costs one one-document query, never a read of the rest;
 * - aggregate grouped by one such field: its distinct values (the skip scan),
 *   then `count()/sum()/average()` aggregation queries per value (a field some
 *   documents lack asked apart from the count: aggregation-queries.ts), and the
 *   same for the null group — exactly the rows of the evaluator (packages/core/src/query/aggregate.ts).
 *
 * Chosen only where the scan cannot answer (more candidates than
 * FIRESTORE_SCAN_LIMIT): on small collections one projection scan is cheaper
 * than a query per value. Bounded: past MAX_DISTINCT_STEPS values the request
 * is refused with the reason.
 */
import {
  type AggregateSpec,
  compareItems,
  compareValues,
  type DistinctSpec,
  errors,
  type FieldRef,
  type Item,
  matches,
  runDistinct,
  TRUE,
  type Value,
} from '@adaptors/core';
import { FieldPath, type Query } from '@google-cloud/firestore';
import { aggregateOnServer, operationValue, sumsRefusedByIdCondition } from './aggregation-queries.ts';
import { pushedQuery } from './client-query.ts';
import { beforeReadStep, readTooSlow } from './deadline.ts';
import { planOptions } from './executor.ts';
import { completeFields } from './format.ts';
import type { ReadContext } from './paged-reads.ts';
import { type FilterPlan, kindOf } from './planner.ts';
import { fromFirestoreValue } from './values.ts';

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
interface Walked {
  readonly raw: unknown;
  readonly value: Value;
}

/**
 * Shared by the queries one request runs at once (two walks, the groups' aggregations): once
 * one of them fails (e.g. stopped at the deadline), the others ask no further query.
 */
interface Halt {
  failure?: { readonly error: unknown };
}

/** Runs `work`; its failure halts the request's other queries. */
async function halting<T>(halt: Halt, work: () => Promise<T>): Promise<T> {
  if (halt.failure) throw halt.failure.error;
  try {
    return await work();
  } catch (error) {
    halt.failure ??= { error };
    throw error;
  }
}

async function walkValues(
  ctx: ReadContext,
  plan: FilterPlan,
  field: FieldRef,
  order: 'asc' | 'desc',
  after: Value | undefined,
  wanted: number | undefined,
  meets?: (value: Value) => boolean,
  onValue?: (walked: Walked) => void,
  halt: Halt = {},
): Promise<Walked[]> {
  const path = new FieldPath(field.field);
  const base: Query = pushedQuery(ctx.ref, plan).orderBy(path, order).select(field.field);
  // Ascending, nulls come first: start after them. Descending, they come last: stop at the first.
  let cursor: unknown = after !== undefined ? after : order === 'asc' ? null : undefined;
  const out: { raw: unknown; value: Value }[] = [];
  let stepMs = 0;
  while (wanted === undefined || out.length < wanted) {
    const started = Date.now();
    const page = await halting(halt, () => {
      beforeReadStep(stepMs, (budgetMs) => walkTooSlow(ctx, field, out.length, budgetMs));
      return (cursor === undefined ? base : base.startAfter(cursor)).limit(1).get();
    });
    stepMs = Date.now() - started;
    const doc = page.docs[0];
    if (!doc) break;
    const raw = doc.get(path) as unknown;
    if (raw === null || raw === undefined) break;
    if (out.length >= MAX_DISTINCT_STEPS) {
      throw errors.tooManyDistinctValues(ctx.collection.id, field.key, MAX_DISTINCT_STEPS, ctx.scanLimit);
    }
    const value = fromFirestoreValue(raw);
    if (meets?.(value)) break;
    out.push({ raw, value });
    onValue?.({ raw, value });
    cursor = raw;
  }
  return out;
}

/** A walk stopped before the deadline (deadline.ts beforeReadStep): one query per value is the cost. */
function walkTooSlow(ctx: ReadContext, field: FieldRef, visited: number, budgetMs: number) {
  return readTooSlow(
    budgetMs,
    `Visiting the values of '${field.key}' in '${ctx.collection.id}' (more than ${ctx.scanLimit} documents match, ` +
      `and Firestore has no DISTINCT or GROUP BY: one query per distinct value, ${visited} visited by this walk)`,
    'Narrow the filter so fewer documents and values match, ask for a page of values (limit) without their total, ' +
      'or raise REQUEST_DEADLINE_MS.',
    { collectionId: ctx.collection.id, field: field.key, visitedValues: visited },
  );
}

/**
 * Every non-null value, ascending, walked from both ends at once until the
 * walks meet: half the queries in sequence. The ascending walk stops at a
 * value the descending one has reached (it has every value from there up),
 * and the other way round, so together they hold every value; the meeting
 * value may be seen twice (`onValue` callers skip repeats), the answer has it once.
 */
async function allValues(
  ctx: ReadContext,
  plan: FilterPlan,
  field: FieldRef,
  onValue?: (walked: Walked) => void,
  halt: Halt = {},
): Promise<Walked[]> {
  let lowest: Value | undefined;
  let highest: Value | undefined;
  const [up, down] = await Promise.all([
    walkValues(
      ctx,
      plan,
      field,
      'asc',
      undefined,
      undefined,
      (v) => lowest !== undefined && compareValues(v, lowest) >= 0,
      (w) => {
        highest = w.value;
        onValue?.(w);
      },
      halt,
    ),
    walkValues(
      ctx,
      plan,
      field,
      'desc',
      undefined,
      undefined,
      (v) => highest !== undefined && compareValues(v, highest) <= 0,
      (w) => {
        lowest = w.value;
        onValue?.(w);
      },
      halt,
    ),
  ]);
  const out: Walked[] = [];
  for (const w of [...up, ...down.reverse()]) {
    const last = out[out.length - 1];
    if (last === undefined || compareValues(last.value, w.value) < 0) out.push(w);
  }
  return out;
}

export async function walkedDistinct(
  ctx: ReadContext,
  plan: FilterPlan,
  spec: DistinctSpec,
  countTotal: boolean,
): Promise<{ values: Value[]; total?: number }> {
  // A total needs every value (also those before a cursor); a page only the values up to its end.
  const walked = countTotal
    ? await allValues(ctx, plan, spec.field)
    : await walkValues(
        ctx,
        plan,
        spec.field,
        spec.order,
        spec.after?.value,
        Math.max(0, spec.offset) + Math.max(0, spec.limit),
      );
  // One item per value: distinct ignores how many documents hold each (the filter is already applied);
  // order, cursor and page as the evaluator applies them.
  const items = walked.map(({ value }): Item => ({ _id: '', [spec.field.field]: value }));
  return runDistinct(items, { ...spec, filter: TRUE }, countTotal);
}

/** Aggregations grouped by one walkable field, with count/sum/avg only. */
export function canGroupOnServer(ctx: ReadContext, plan: FilterPlan, spec: AggregateSpec): boolean {
  const [by, ...more] = spec.groupBy;
  return (
    by !== undefined &&
    more.length === 0 &&
    canWalk(ctx, plan, by) &&
    spec.operations.length > 0 &&
    spec.operations.every((op) => op.op === 'count' || ((op.op === 'sum' || op.op === 'avg') && op.field)) &&
    !sumsRefusedByIdCondition(plan, spec.operations)
  );
}

/** Runs tasks as they are added, at most `limit` at once. */
function limiter(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export async function groupedOnServer(
  ctx: ReadContext,
  plan: FilterPlan,
  spec: AggregateSpec,
  countTotal: boolean,
): Promise<{ rows: Item[]; total?: number }> {
  const by = spec.groupBy[0] as FieldRef;
  const path = new FieldPath(by.field);
  const run = limiter(GROUP_CONCURRENCY);
  const complete = completeFields(ctx.collection);
  let groupMs = 0;
  let found = 1; // the null group
  const halt: Halt = {};
  const aggregate = (raw: unknown) => {
    // Every group is counted: a value the walk saw may be gone since (no row then).
    const answer = run(() =>
      halting(halt, async () => {
        // Past the deadline no group waiting its turn is asked (each is a query billed).
        beforeReadStep(groupMs, (budgetMs) =>
          readTooSlow(
            budgetMs,
            `Aggregating '${ctx.collection.id}' grouped by '${by.key}' (more than ${ctx.scanLimit} documents match: one aggregation query per group, ${found} groups found so far)`,
            'Narrow the filter so fewer documents and groups match, or raise REQUEST_DEADLINE_MS.',
            { collectionId: ctx.collection.id, field: by.key, groups: found },
          ),
        );
        const started = Date.now();
        const data = await aggregateOnServer(
          pushedQuery(ctx.ref, plan).where(path, '==', raw),
          spec.operations,
          true,
          complete,
        );
        groupMs = Math.max(groupMs, Date.now() - started);
        return data;
      }),
    );
    // Observed at once (a failure surfaces from Promise.all below, never as an unhandled rejection).
    answer.catch(() => undefined);
    return answer;
  };
  // Each group's aggregation starts as soon as the walk finds its value; the null group at once.
  const groups: { value: Value; answer: Promise<Record<string, number | null>> }[] = [
    { value: null, answer: aggregate(null) },
  ];
  const walking = allValues(
    ctx,
    plan,
    by,
    ({ raw, value }) => {
      if (groups.some((g) => g.value !== null && compareValues(g.value, value) === 0)) return;
      found++;
      groups.push({ value, answer: aggregate(raw) });
    },
    halt,
  );
  await walking;
  const answers = await Promise.all(groups.map((g) => g.answer));
  const rows: Item[] = [];
  groups.forEach(({ value }, g) => {
    const data = answers[g] as Record<string, number | null>;
    // A value seen by the walk but gone since, or no null group: no row (as the evaluator groups).
    if (!data.n) return;
    const row: Record<string, Value> = {};
    spec.operations.forEach((op, i) => {
      row[op.name] = operationValue(op, i, data);
    });
    row[by.key] = value;
    rows.push(row);
  });
  return finishGroups(rows, spec, countTotal);
}

/** finalFilter, sort and page over group rows, as runAggregate does (packages/core/src/query/aggregate.ts). */
export function finishGroups(
  rows: readonly Item[],
  spec: AggregateSpec,
  countTotal: boolean,
): { rows: Item[]; total?: number } {
  const kept = rows.filter((row) => matches(spec.having, row));
  kept.sort(compareItems(spec.sort));
  const offset = Math.max(0, spec.offset);
  const page = kept.slice(offset, offset + Math.max(0, spec.limit));
  return countTotal ? { rows: page, total: kept.length } : { rows: page };
}
