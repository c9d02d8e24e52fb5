/**
 * The collection's metadata document, read inside every item write's transaction (writes.ts,
 * transactions.ts), so a write never commits into a collection being deleted.
 *
 * Why in the transaction: the definition a call resolves (schema.ts, cached for SCHEMA_CHECK_MS,
 * or read just before) can be deleted before the write commits — on another instance, or in the
 * same one by a call already past its check. A write that committed after the delete had swept
 * the documents brought the collection back as a read-only orphan (a Firestore collection
 * without a definition, whose documents lack the system fields). Read in the transaction, the
 * metadata document holds the transaction's read lock until it commits, so the delete's mark (a
 * write of that document, schema.ts `markDeleting`) either lands before the write — which then
 * sees it — or waits until the write has committed, and its document is then swept with the rest
 * (storage.ts).
 *
 * Cost: one more small document read per write transaction, in the same round trip as the
 * documents it reads (an insert transaction holds up to 499 items; update and remove run one
 * per item), and a write of the metadata document waits for the write transactions that read it
 * before.
 */
import type { StoredCollection } from '@adaptors/core';
import { type DocumentReference, type DocumentSnapshot, FieldPath } from '@google-cloud/firestore';

/** Thrown from a write transaction (before anything is written) when the collection is deleted or being deleted. */
export class CollectionChanged extends Error {
  readonly gone = true;

  constructor() {
    super('the collection was deleted');
    this.name = 'CollectionChanged';
  }
}

/** Fields of the metadata document the guard reads (a field mask shared with other reads keeps them). */
export const GUARD_FIELDS: readonly FieldPath[] = [new FieldPath('definition'), new FieldPath('deleting')];

export interface WriteGuard {
  readonly ref: DocumentReference;
  /** Throws CollectionChanged unless the write may commit. */
  check(snapshot: DocumentSnapshot | undefined): void;
}

/** The guard of writes to `collection`. */
export function writeGuard(ref: DocumentReference, collection: StoredCollection): WriteGuard {
  const inferred = collection.strict === false;
  return {
    ref,
    check(snapshot) {
      if (typeof snapshot?.get('deleting') === 'string') throw new CollectionChanged();
      // A definition deleted (the collection deleted whole, or by hand): the collection is gone.
      if (!inferred && typeof snapshot?.get('definition') !== 'string') throw new CollectionChanged();
    },
  };
}
