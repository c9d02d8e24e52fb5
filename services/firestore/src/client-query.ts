/**
 * The client's Query of a filter plan (planner.ts): the reads that stay on
 * the client's Query layer build theirs here — counts and aggregations,
 * transactions' reads, and every read when no gapic reader is configured.
 * structured-query.ts compiles the same plan to the RunQueryRequest the gapic
 * reader sends, and its test holds the two to the same request.
 */
import {
  type CollectionReference,
  FieldPath,
  Filter as FirestoreFilter,
  type Query,
  type WhereFilterOp,
} from '@google-cloud/firestore';
import type { FilterPlan, PushedField, PushedFilter } from './planner.ts';
import { withStoredIntegers } from './structured-query.ts';

export function fieldPathOf(field: PushedField): FieldPath {
  return field.kind === 'id' ? FieldPath.documentId() : new FieldPath(...field.segments);
}

function toFirestoreFilter(filter: PushedFilter): FirestoreFilter {
  switch (filter.kind) {
    case 'where': {
      const [op, value] = withStoredIntegers(filter.op, filter.value);
      return FirestoreFilter.where(fieldPathOf(filter.field), op as WhereFilterOp, value);
    }
    case 'and':
      return FirestoreFilter.and(...filter.filters.map(toFirestoreFilter));
    case 'or':
      return FirestoreFilter.or(...filter.filters.map(toFirestoreFilter));
  }
}

/** The Firestore query of a filter plan (no order, no limit). */
export function pushedQuery(ref: CollectionReference, plan: FilterPlan): Query {
  const [only, ...more] = plan.pushed;
  if (!only) return ref;
  return ref.where(
    more.length === 0 ? toFirestoreFilter(only) : FirestoreFilter.and(...plan.pushed.map(toFirestoreFilter)),
  );
}
