/**
 * The life of a collection's group statistics (stats.ts; README.md "Group
 * statistics"): a new generation when a collection is created or emptied, the
 * tracked fields after a definition change, `built` once every document is
 * counted, gone with the collection.
 */
import type { StoredCollection } from '@adaptors/core';
import { FieldPath } from '@google-cloud/firestore';
import { GRPC, grpcCode } from './errors.ts';
import { FORMAT_KEY } from './format.ts';
import {
  newGeneration,
  parseState,
  STAMP_KEY,
  type StatsState,
  type StatsStore,
  sameTracked,
  stateData,
  trackableFields,
} from './stats.ts';
import { deleteCollectionDocuments } from './writes.ts';

/**
 * After a collection is created or its definition saved: an empty collection
 * starts a new generation tracking every trackable field, built (nothing to
 * count); otherwise a field removed or retyped leaves `tracked` (its entries
 * are ignored from then on; a field re-added is tracked again only by a new
 * generation: a backfill or a truncate). A field added to a non-empty
 * collection is not tracked until the backfill counts its values.
 */
export async function statsAfterDefinition(store: StatsStore, collection: StoredCollection): Promise<void> {
  const ref = store.stateRef(collection.id);
  const documents = store.db.collection(collection.id);
  const trackable = trackableFields(collection.fields);
  await store.db.runTransaction(async (tx) => {
    const [snapshot] = await tx.getAll(ref);
    // Emptiness, in the transaction: a write that lands first is seen, one after it reads this state.
    const empty = (await tx.get(documents.select().limit(1))).empty;
    const state = parseState(snapshot);
    if (empty) {
      tx.set(ref, stateData(newGeneration(trackable, true)));
      return;
    }
    // Documents another program wrote before the definition: the backfill counts them.
    if (!state) {
      tx.set(ref, stateData(newGeneration(trackable, false)));
      return;
    }
    const tracked = state.tracked.filter((t) => trackable.some((f) => f.key === t.key && f.type === t.type));
    if (!sameTracked(tracked, state.tracked)) tx.set(ref, stateData({ ...state, tracked }));
  });
}

/**
 * Before a truncate: a new generation, not built, so no answer comes from
 * statistics that count documents the truncate is deleting.
 */
export async function startGeneration(store: StatsStore, collection: StoredCollection): Promise<StatsState> {
  const state = newGeneration(trackableFields(collection.fields), false);
  await store.stateRef(collection.id).set(stateData(state));
  return state;
}

/**
 * After a truncate: yet another generation (a write that landed during the
 * truncate may be counted in the previous one and then deleted without being
 * subtracted), written unbuilt, then marked built when the collection is found
 * empty after it; a document written meanwhile leaves it unbuilt until a backfill.
 *
 * Why that order proves the mark without a transaction: every write transaction
 * reads the state (stats-write.ts), so a document written after the new
 * generation is counted in it, and one whose transaction read an older state
 * committed before the generation's write (which waits on that read) and is seen
 * by the emptiness read. A transaction reading the state and querying the
 * collection would instead hold both against every concurrent writer: on the
 * emulator a truncate beside 50 inserting clients waited 7-18 s in it, and past
 * a client's 30 s with two truncates. The mark is preconditioned on the state's
 * last write, so it never lands on a newer generation.
 */
export async function afterTruncate(store: StatsStore, collection: StoredCollection): Promise<void> {
  const ref = store.stateRef(collection.id);
  const state = newGeneration(trackableFields(collection.fields), false);
  let lastUpdateTime = (await ref.set(stateData(state))).writeTime;
  if (!(await store.db.collection(collection.id).select().limit(1).get()).empty) return;
  // A few tries: a write of this generation may turn a field off (`off`) between the reads.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await ref.update({ built: true }, { lastUpdateTime });
      return;
    } catch (error) {
      if (grpcCode(error) !== GRPC.FAILED_PRECONDITION) throw error;
      const now = await ref.get();
      if (parseState(now)?.gen !== state.gen || !now.updateTime) return;
      lastUpdateTime = now.updateTime;
    }
  }
}

/**
 * Marks the generation built when a count() proves every document of the
 * collection counted in it (stamped `$wix.st`), in one transaction so no write
 * slips between the proof and the mark. False when it is not (yet).
 */
export async function verifyBuilt(store: StatsStore, collectionId: string, gen: string): Promise<boolean> {
  const ref = store.stateRef(collectionId);
  const documents = store.db.collection(collectionId);
  return store.db.runTransaction(async (tx) => {
    const [snapshot] = await tx.getAll(ref);
    const state = parseState(snapshot);
    if (!state || state.gen !== gen) return false;
    if (state.built) return true;
    const [counted, all] = await Promise.all([
      tx.get(documents.where(new FieldPath(FORMAT_KEY, STAMP_KEY), '==', gen).count()),
      tx.get(documents.count()),
    ]);
    if (Number(counted.data().count) !== Number(all.data().count)) return false;
    tx.set(ref, stateData({ ...state, built: true }));
    return true;
  });
}

/** The statistics of a deleted collection. */
export async function dropStats(store: StatsStore, collectionId: string): Promise<void> {
  await deleteCollectionDocuments(store.db, store.folder(collectionId));
}
