/**
 * The collection's metadata document, read inside every item write's transaction (writes.ts,
 * transactions.ts), so the write commits only on the definition it was checked against.
 *
 * Why in the transaction: the definition a call resolves (schema.ts, cached for SCHEMA_CHECK_MS,
 * or read just before) can change before the write commits — a delete under way on another
 * instance or in the same one, a field removed, a type changed. A write that committed on the
 * old definition brought a deleted collection back as an orphan, stored values of a field just
 * removed, or values of the old type in a retyped field. Read in the transaction, the metadata
 * document holds the transaction's read lock until it commits, so a change of the definition
 * (a write of that document, schema.ts) either lands before the write — which then sees it —
 * or waits until the write has committed, and then deals with what it wrote: a delete or a
 * removal sweeps it, a type change checks for it again (storage.ts).
 *
 * Cost: one more small document read per write transaction, in the same round trip as the
 * documents it reads (an insert transaction holds up to 499 items; update and remove run one
 * per item), and a definition change waits for the write transactions that read it before.
 */
import type { StoredCollection } from '@adaptors/core';
import { type DocumentReference, type DocumentSnapshot, FieldPath } from '@google-cloud/firestore';

/**
 * Thrown from a write transaction (before anything is written) when the metadata document is not
 * what the write was checked against: `gone` when the collection is deleted or being deleted,
 * else its definition changed (the storage checks the items again against the new one).
 */
export class CollectionChanged extends Error {
  constructor(readonly gone: boolean) {
    super(gone ? 'the collection was deleted' : 'the collection definition changed');
    this.name = 'CollectionChanged';
  }
}

/** Fields of the metadata document the guard reads (a field mask shared with other reads keeps them). */
export const GUARD_FIELDS: readonly FieldPath[] = [
  new FieldPath('definition'),
  new FieldPath('deleting'),
  new FieldPath('retyping'),
];

export interface WriteGuard {
  readonly ref: DocumentReference;
  /** Throws CollectionChanged unless the write may commit; `removing` writes no values, so only a delete stops it. */
  check(snapshot: DocumentSnapshot | undefined, removing: boolean): void;
}

/**
 * The guard of writes checked against `collection`: `definition` the text of its metadata document
 * it was parsed from (undefined: a collection without a definition, its fields inferred), and
 * `retyping` the fields being retyped at that time (schema.ts).
 */
export function writeGuard(
  ref: DocumentReference,
  collection: StoredCollection,
  texts: { readonly definition: string | undefined; readonly retyping: string | undefined },
): WriteGuard {
  const inferred = collection.strict === false;
  return {
    ref,
    check(snapshot, removing) {
      if (typeof snapshot?.get('deleting') === 'string') throw new CollectionChanged(true);
      const definition = snapshot?.get('definition');
      if (typeof definition !== 'string') {
        // A definition deleted (the collection deleted whole, or by hand): the collection is gone.
        if (!inferred) throw new CollectionChanged(true);
        return;
      }
      if (removing) return;
      // Adopted meanwhile (collections/update): checked again against its definition.
      if (inferred) throw new CollectionChanged(false);
      // A definition not read from this document (built by hand): nothing to compare it with.
      if (texts.definition === undefined) return;
      // Changed since this write was checked (the fields, their types, a type change begun).
      const retyping = snapshot?.get('retyping');
      if (definition !== texts.definition || (typeof retyping === 'string' ? retyping : undefined) !== texts.retyping) {
        throw new CollectionChanged(false);
      }
    },
  };
}
