/**
 * The pure parts of answering a query production Firestore refuses for a
 * missing composite index (README.md "Indexes"): the composite indexes a
 * pushed plan needs (index-rule.ts, per disjunct of its filter),
 * its query shape (fields and operators, no values: one warning per shape),
 * and the narrowed plan the fallback scan pushes instead — at most one
 * single-field condition, which the automatic single-field indexes always
 * serve. The evaluator then applies the whole filter, as for any residual.
 */

import { DOCUMENT_ID, type QueryShape, type RequiredIndex, requiredIndexes } from './index-rule.ts';
import { adminPathOf } from './indexes.ts';
import type { FilterPlan, PushedField, PushedFilter, PushedOp, PushedOrder } from './planner.ts';

type Where = Extract<PushedFilter, { kind: 'where' }>;

const EQUALITY_OPS: ReadonlySet<PushedOp> = new Set(['==', 'in', 'array-contains', 'array-contains-any']);

function pathOf(field: PushedField): string {
  return field.kind === 'id' ? DOCUMENT_ID : adminPathOf(field.segments);
}

/** The filter in disjunctive normal form: each disjunct a list of field conditions (the planner bounds it to 30). */
function disjuncts(filters: readonly PushedFilter[]): Where[][] {
  let out: Where[][] = [[]];
  for (const filter of filters) {
    const parts = dnf(filter);
    out = out.flatMap((left) => parts.map((right) => [...left, ...right]));
  }
  return out;
}

function dnf(filter: PushedFilter): Where[][] {
  switch (filter.kind) {
    case 'where':
      return [[filter]];
    case 'and':
      return disjuncts(filter.filters);
    case 'or':
      return filter.filters.flatMap(dnf);
  }
}

/** One QueryShape per disjunct of the plan's pushed filter, with the pushed order. */
export function shapesOf(plan: Pick<FilterPlan, 'pushed'>, order: readonly PushedOrder[] | undefined): QueryShape[] {
  const orderBy = (order ?? []).map((o) => ({
    fieldPath: pathOf(o.field),
    direction: o.direction === 'desc' ? ('DESCENDING' as const) : ('ASCENDING' as const),
  }));
  return disjuncts(plan.pushed).map((conditions) => ({
    equalities: conditions
      .filter((c) => EQUALITY_OPS.has(c.op))
      .map((c) => ({ fieldPath: pathOf(c.field), contains: c.op.startsWith('array-contains') })),
    inequalities: conditions.filter((c) => !EQUALITY_OPS.has(c.op)).map((c) => pathOf(c.field)),
    orderBy,
  }));
}

/** The composite indexes production Firestore needs for the plan (empty: automatic indexes serve it). */
export function indexesForPlan(
  plan: Pick<FilterPlan, 'pushed'>,
  order: readonly PushedOrder[] | undefined,
): RequiredIndex[] {
  return requiredIndexes(shapesOf(plan, order));
}

/** A key naming the query shape: fields, operators and order, never values. */
export function shapeKey(
  collectionId: string,
  plan: Pick<FilterPlan, 'pushed'>,
  order: readonly PushedOrder[] | undefined,
): string {
  const describe = (f: PushedFilter): unknown =>
    f.kind === 'where' ? [pathOf(f.field), f.op] : [f.kind, f.filters.map(describe)];
  return JSON.stringify([
    collectionId,
    plan.pushed.map(describe),
    (order ?? []).map((o) => [pathOf(o.field), o.direction]),
  ]);
}

/**
 * The plan the fallback scan pushes: one single-field condition (an equality
 * first, it narrows most), which needs no composite index, or none.
 */
export function withoutCompositeIndex<P extends FilterPlan>(plan: P): P {
  const wheres = plan.pushed.filter((p): p is Where => p.kind === 'where');
  const kept = wheres.find((w) => EQUALITY_OPS.has(w.op)) ?? wheres[0];
  return { ...plan, pushed: kept ? [kept] : [] };
}
