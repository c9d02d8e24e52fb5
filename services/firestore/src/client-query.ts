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
  type Firestore,
  Filter as FirestoreFilter,
  type Query,
  type WhereFilterOp,
} from '@google-cloud/firestore';
import type { FilterPlan, PushedField, PushedFilter, PushedScalar } from './planner.ts';
import { withStoredIntegers } from './structured-query.ts';

export function fieldPathOf(field: PushedField): FieldPath {
  return field.kind === 'id' ? FieldPath.documentId() : new FieldPath(...field.segments);
}

/** A pushed value as the client takes it: bytes as a Buffer, a reference as a DocumentReference of `db`. */
function clientValue(db: Firestore, value: PushedScalar): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return value.kind === 'bytes' ? Buffer.from(value.base64, 'base64') : db.doc(value.path);
}

function toFirestoreFilter(db: Firestore, filter: PushedFilter): FirestoreFilter {
  switch (filter.kind) {
    case 'where': {
      const [op, value] = withStoredIntegers(filter.op, filter.value);
      const v = Array.isArray(value) ? value.map((e) => clientValue(db, e)) : clientValue(db, value as PushedScalar);
      return FirestoreFilter.where(fieldPathOf(filter.field), op as WhereFilterOp, v);
    }
    case 'and':
      return FirestoreFilter.and(...filter.filters.map((f) => toFirestoreFilter(db, f)));
    case 'or':
      return FirestoreFilter.or(...filter.filters.map((f) => toFirestoreFilter(db, f)));
  }
}

/** The Firestore query of a filter plan (no order, no limit). */
export function pushedQuery(ref: CollectionReference, plan: FilterPlan): Query {
  const [only, ...more] = plan.pushed;
  if (!only) return ref;
  const db = ref.firestore;
  return ref.where(
    more.length === 0
      ? toFirestoreFilter(db, only)
      : FirestoreFilter.and(...plan.pushed.map((f) => toFirestoreFilter(db, f))),
  );
}
