/**
 * count, aggregate and distinct (docs/protocol.md §4.2–§4.4) over Firestore. Native
 * aggregation queries (count/sum/average) are used only when the filter is
 * pushed down exactly; otherwise candidates are streamed (bounded) and the
 * core evaluator computes the answer.
 */
import {
  type AggregateSpec,
  type DistinctSpec,
  type Filter,
  type Item,
  matches,
  runDistinct,
  type Value,
} from '@adaptors/core';
import { aggregateOnServer, operationValue, sumsRefusedByIdCondition } from './aggregation-queries.ts';
import { pushedQuery } from './client-query.ts';
import { candidates, planOptions, pushedOrScan } from './executor.ts';
import { filterFields } from './filter-text.ts';
import { completeFields } from './format.ts';
import { beyondScan, canGroupOnServer, canWalk, groupedOnServer, walkedDistinct } from './groups.ts';
import { aggregateExact, exactMatcher } from './integers.ts';
import type { ReadContext } from './paged-reads.ts';
import { type FilterPlan, type PushedOrder, planFilter } from './planner.ts';

/** Whether an item matches `filter`, integers beyond ±2^53 compared as integers (integers.ts). */
function exactFilter(filter: Filter): (item: Item) => boolean {
  return exactMatcher(filter, [], undefined).matches;
}

export async function countItems(ctx: ReadContext, filter: Filter): Promise<number> {
  const plan = planFilter(filter, planOptions(ctx));
  if (plan.empty) return 0;
  const evaluated = async (p: FilterPlan, causes: readonly string[]) =>
    (await candidates(ctx, p, filterFields(filter), causes, exactFilter(filter))).length;
  return pushedOrScan(
    ctx,
    plan,
    undefined,
    async () =>
      plan.residual.kind === 'true'
        ? // useBigInt (values.ts): a count is an integerValue, a BigInt here.
          Number((await pushedQuery(ctx.ref, plan).count().get()).data().count)
        : evaluated(plan, []),
    evaluated,
  );
}

/**
 * One row (no grouping) of count/sum/avg, by aggregation queries when the filter is pushed whole;
 * undefined when they cannot answer it, AVERAGE_OVERFLOW when their average overflowed.
 */
async function nativeAggregate(
  ctx: ReadContext,
  spec: AggregateSpec,
  plan: FilterPlan,
): Promise<Item | undefined | typeof AVERAGE_OVERFLOW> {
  if (spec.groupBy.length > 0) return undefined;
  if (!spec.operations.every((op) => op.op === 'count' || ((op.op === 'sum' || op.op === 'avg') && op.field))) {
    return undefined;
  }
  if (plan.residual.kind !== 'true' || sumsRefusedByIdCondition(plan, spec.operations)) return undefined;
  // No operation: the one row has no keys (packages/core/SEMANTICS.md rule 32). Firestore is not asked:
  // an aggregation query with no aggregation never answers.
  if (spec.operations.length === 0) return {};
  const counted = spec.operations.some((op) => op.op === 'count' || !op.field);
  const answers = await aggregateOnServer(
    pushedQuery(ctx.ref, plan),
    spec.operations,
    counted,
    completeFields(ctx.collection),
  );
  const row: Record<string, Value> = {};
  let overflowed = false;
  spec.operations.forEach((op, i) => {
    const value = operationValue(op, i, answers);
    // Firestore averages through a plain sum: past the double range it answers ±Infinity, where
    // the mean of the values may well be finite (docs/semantics.md §6.1). The evaluator answers
    // it over the matching documents instead (core aggregate.ts), within the scan bound. A sum
    // that overflows is refused by the core (items-read.ts) whoever computes it.
    if (op.op === 'avg' && (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY)) {
      overflowed = true;
    }
    row[op.name] = value;
  });
  return overflowed ? AVERAGE_OVERFLOW : row;
}

/** Why an aggregation that Firestore's aggregation queries answered is evaluated on a scan after all. */
const AVERAGE_OVERFLOW =
  "an average whose sum passes the range of a double (Firestore's average() answers Infinity, the adaptor computes it without overflow)";

export async function aggregateItems(
  ctx: ReadContext,
  spec: AggregateSpec,
  countTotal: boolean,
): Promise<{ rows: Item[]; total?: number }> {
  const plan = planFilter(spec.filter, planOptions(ctx));
  if (plan.empty) return aggregateExact([], spec, countTotal);
  const fields = filterFields(spec.filter);
  for (const f of spec.groupBy) fields.add(f.field);
  for (const op of spec.operations) if (op.field) fields.add(op.field.field);
  const cause =
    spec.groupBy.length > 0
      ? `grouping by ${spec.groupBy.map((f) => f.key).join(', ')}`
      : sumsRefusedByIdCondition(plan, spec.operations)
        ? 'sum/average with an _id condition (Firestore cannot sum a field under a document-id condition)'
        : 'min/max';
  const evaluated = async (p: FilterPlan, causes: readonly string[], why = cause) =>
    aggregateExact(
      await candidates(ctx, p, fields, [why, ...causes], exactFilter(spec.filter)),
      { ...spec, filter: { kind: 'true' } },
      countTotal,
    );
  const onServer = canGroupOnServer(ctx, plan, spec);
  return pushedOrScan(
    ctx,
    plan,
    onServer ? walkOrder(spec.groupBy[0]?.field ?? '', 'asc') : undefined,
    async () => {
      // Grouped by a field of the storage format, past the scan bound: one aggregation query per group.
      if (onServer && (await beyondScan(ctx, plan))) return groupedOnServer(ctx, plan, spec, countTotal);
      const row = await nativeAggregate(ctx, spec, plan);
      if (!row) return evaluated(plan, []);
      if (row === AVERAGE_OVERFLOW) return evaluated(plan, [], AVERAGE_OVERFLOW);
      // One row (no grouping); finalFilter, sort and paging apply to it as in runAggregate.
      const kept = matches(spec.having, row) ? [row] : [];
      const rows = kept.slice(Math.max(0, spec.offset), Math.max(0, spec.offset) + Math.max(0, spec.limit));
      return countTotal ? { rows, total: kept.length } : { rows };
    },
    evaluated,
  );
}

export async function distinctValues(
  ctx: ReadContext,
  spec: DistinctSpec,
  countTotal: boolean,
): Promise<{ values: Value[]; total?: number }> {
  const plan = planFilter(spec.filter, planOptions(ctx));
  if (plan.empty) return runDistinct([], spec, countTotal);
  const fields = filterFields(spec.filter);
  fields.add(spec.field.field);
  const evaluated = async (p: FilterPlan, causes: readonly string[]) =>
    runDistinct(
      await candidates(ctx, p, fields, [`distinct values of ${spec.field.key}`, ...causes], exactFilter(spec.filter)),
      { ...spec, filter: { kind: 'true' } },
      countTotal,
    );
  const walk = canWalk(ctx, plan, spec.field);
  return pushedOrScan(
    ctx,
    plan,
    walk ? walkOrder(spec.field.field, spec.order) : undefined,
    // A field of the storage format past the scan bound: one small query per distinct value.
    async () =>
      walk && (await beyondScan(ctx, plan)) ? walkedDistinct(ctx, plan, spec, countTotal) : evaluated(plan, []),
    evaluated,
  );
}

/** The order a walk of distinct values asks Firestore for (for the missing-index hint). */
function walkOrder(field: string, direction: 'asc' | 'desc'): PushedOrder[] {
  return [{ field: { kind: 'path', segments: [field] }, direction }];
}
