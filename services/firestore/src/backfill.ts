/**
 * Brings the documents of a collection into the storage format
 * (format.ts; README.md "Storage format"): adds the `null` of every
 * declared field a document lacks and recomputes its `$wix` shadows and
 * trigrams from its own values — what `adaptors firestore backfill
 * <collection>` runs (packages/cli).
 *
 * - Idempotent: a document already in the format is not written; a second run
 *   writes nothing.
 * - Resumable: the last document id done is kept in the metadata document
 *   (`backfill`) after every page; a new run continues after it.
 * - Safe beside live writes: each update carries the document's update time as
 *   a precondition, so a document changed meanwhile is read again, never
 *   overwritten with stale shadows. Updates touch only the missing fields and
 *   `$wix`, never a value.
 * - The marker is written last, only for the fields a count() proves are on
 *   every document (`count(f == null) + count(f != null) = count()`).
 * - Group statistics (stats.ts): each page's documents not yet counted in the
 *   current generation are counted and stamped in one transaction (so a live
 *   write of the same document is either before or after, never both); a
 *   generation that tracks other fields than the definition declares is
 *   replaced by a new one first. `built` is set once a count() proves every
 *   document counted.
 */
import { isDeepStrictEqual } from 'node:util';
import type { StoredCollection } from '@adaptors/core';
import {
  type DocumentReference,
  FieldPath,
  Firestore,
  type Query,
  type QueryDocumentSnapshot,
  type Timestamp,
} from '@google-cloud/firestore';
import { transactionOptions } from './deadline.ts';
import { GRPC, grpcCode } from './errors.ts';
import { FORMAT_KEY, FORMAT_VERSION, type FormatMarker, formatMapOf, formattedFields } from './format.ts';
import { FirestoreSchema } from './schema.ts';
import {
  newGeneration,
  parseState,
  SHARD_KEY,
  STAMP_KEY,
  type StatsState,
  StatsStore,
  sameTracked,
  stateData,
  trackableFields,
} from './stats.ts';
import { verifyBuilt } from './stats-state.ts';
import { statsHook, statsTransaction, type TransactionHook } from './stats-write.ts';
import { FIRESTORE_CLIENT_SETTINGS, toItem } from './values.ts';

export interface BackfillProgress {
  /** Documents looked at in this run (after a resume point, if any). */
  readonly read: number;
  /** Documents written in this run. */
  readonly updated: number;
  /** Documents of the collection when the run started. */
  readonly total: number;
  /** Documents done before this run (a resumed run), counted in `total`. */
  readonly resumedAt: number;
}

export interface BackfillOptions {
  readonly metadataCollection?: string;
  readonly referencesCollection?: string;
  /** Documents per page (and per checkpoint). */
  readonly pageSize?: number;
  /** Start over instead of resuming after the stored checkpoint. */
  readonly restart?: boolean;
  readonly onProgress?: (progress: BackfillProgress) => void;
  /** Stops after this many pages, leaving the checkpoint (tests of resuming). */
  readonly stopAfterPages?: number;
}

export interface BackfillResult extends BackfillProgress {
  /** False when stopped early (`stopAfterPages`): run again to finish. */
  readonly finished: boolean;
  /** Fields now in the marker (every document holds them). */
  readonly complete: readonly string[];
  /** Fields some document still lacks (written meanwhile by another program): run again. */
  readonly incomplete: readonly string[];
  /** Group statistics count every document (unfiltered grouped aggregations and distinct values read them). */
  readonly statistics: boolean;
}

/** Why a collection cannot be backfilled: said to the person running the command. */
export class BackfillRefused extends Error {
  override readonly name = 'BackfillRefused';
}

type Data = { [key: string]: unknown };

const ROUNDS = 5;

export async function backfillCollection(
  db: Firestore,
  collectionId: string,
  options: BackfillOptions = {},
): Promise<BackfillResult> {
  const metadataCollection = options.metadataCollection ?? '_wix_collections';
  const schema = new FirestoreSchema(db, {
    metadataCollection,
    referencesCollection: options.referencesCollection ?? '_wix_references',
    inferSample: 100,
    cacheMs: 0,
    checkMs: 0,
  });
  const collection = await schema.get(collectionId, { fresh: true });
  if (!collection) throw new BackfillRefused(`there is no collection '${collectionId}' in this database`);
  if (collection.strict === false) {
    throw new BackfillRefused(
      `'${collectionId}' has no definition yet (its fields are inferred from a sample): adopt it first with ` +
        'collections/update (for example by saving it in the Wix CMS), then run the backfill',
    );
  }
  const metaRef = db.collection(metadataCollection).doc(collectionId);
  const ref = db.collection(collectionId);
  const stats = new StatsStore(db, metadataCollection);
  const state = await statsGeneration(stats, collection);
  const meta = await metaRef.get();
  const checkpoint = options.restart ? undefined : (meta.get('backfill') as unknown);
  // A checkpoint of another statistics generation (a truncate since): the pages before it are not counted.
  const sameGeneration = state.built || meta.get('backfillGeneration') === state.gen;
  const after = typeof checkpoint === 'string' && checkpoint.length > 0 && sameGeneration ? checkpoint : undefined;
  const total = Number((await ref.count().get()).data().count);
  const resumedAt = after
    ? Number((await ref.where(FieldPath.documentId(), '<=', after).count().get()).data().count)
    : 0;

  const writer = db.bulkWriter();
  let read = 0;
  let updated = 0;
  let pages = 0;
  let last = after;
  let finished = true;
  const report = () => options.onProgress?.({ read, updated, total, resumedAt });
  try {
    for (;;) {
      if (options.stopAfterPages !== undefined && pages >= options.stopAfterPages) {
        finished = false;
        break;
      }
      let query = ref.orderBy(FieldPath.documentId()).limit(options.pageSize ?? 500);
      if (last !== undefined) query = query.startAfter(last);
      const page = await query.get();
      if (page.empty) break;
      updated += await formatDocuments(db, writer, collection, page.docs);
      if (!state.built) await countDocuments(stats, collection.id, state, page.docs);
      read += page.size;
      pages++;
      last = page.docs[page.docs.length - 1]?.id;
      await metaRef.set({ backfill: last, backfillGeneration: state.gen }, { merge: true });
      report();
    }
  } finally {
    await writer.close();
  }
  if (!finished) {
    return { read, updated, total, resumedAt, finished, complete: [], incomplete: [], statistics: false };
  }

  const { complete, incomplete } = await verify(db, collection);
  const marker: FormatMarker = { version: FORMAT_VERSION, complete };
  await schema.writeMarker(collectionId, marker);
  const statistics = await verifyBuilt(stats, collectionId, state.gen);
  await metaRef.set({ backfill: '' }, { merge: true });
  return { read, updated, total, resumedAt, finished, complete, incomplete, statistics };
}

/** The statistics generation to count into: the current one if it tracks the declared fields, else a new one. */
async function statsGeneration(stats: StatsStore, collection: StoredCollection): Promise<StatsState> {
  const tracked = trackableFields(collection.fields);
  const current = parseState(await stats.stateRef(collection.id).get());
  if (current && sameTracked(current.tracked, tracked)) return current;
  const next = newGeneration(tracked, false);
  await stats.stateRef(collection.id).set(stateData(next));
  return next;
}

/** Documents per statistics transaction (each is written once more, plus one shard). */
const COUNT_CHUNK = 250;

/**
 * Counts the documents of a page not yet counted in `state`'s generation and
 * stamps them, in transactions that read them again (stats.ts hook).
 */
async function countDocuments(
  stats: StatsStore,
  collectionId: string,
  state: StatsState,
  docs: readonly QueryDocumentSnapshot[],
): Promise<void> {
  const hook = statsHook(stats, collectionId);
  const stamp = new FieldPath(FORMAT_KEY, STAMP_KEY);
  for (let at = 0; at < docs.length; at += COUNT_CHUNK) {
    const refs = docs.slice(at, at + COUNT_CHUNK).map((d) => d.ref);
    const changed = await statsTransaction(
      stats.db,
      hook,
      async (tx, begin) => {
        const snapshots = await tx.getAll(...refs, ...hook.reads);
        const now = parseState(snapshots[refs.length]);
        // Truncated or rebuilt meanwhile: this run's generation is gone.
        if (now?.gen !== state.gen) return true;
        const counting = begin(snapshots.slice(refs.length)) as TransactionHook;
        const uncounted = snapshots.slice(0, refs.length).filter((s) => s.exists && s.get(stamp) !== state.gen);
        // Only the stamps are written (the values stay as they are): the same ones the hook put on the data.
        const stamps = uncounted.map(
          (snapshot) => counting.writing(snapshot.data() as Data, undefined)[FORMAT_KEY] as Data,
        );
        await counting.commit();
        uncounted.forEach((snapshot, i) => {
          tx.update(snapshot.ref, stamp, state.gen, new FieldPath(FORMAT_KEY, SHARD_KEY), stamps[i]?.[SHARD_KEY]);
        });
        return false;
      },
      transactionOptions(),
    );
    if (changed) throw new Error(`the statistics of '${collectionId}' were reset meanwhile (truncate); run again`);
  }
}

/** The update that brings one document into the format, or undefined when it already is. */
function missingParts(collection: StoredCollection, doc: QueryDocumentSnapshot): unknown[] | undefined {
  const data = doc.data() as Data;
  const fields = formattedFields(collection.fields);
  const parts: unknown[] = [];
  for (const field of fields) {
    if (field.key !== '_id' && !Object.hasOwn(data, field.key)) parts.push(new FieldPath(field.key), null);
  }
  // Each part of the map on its own path: the statistics stamp (`$wix.st`) is not the backfill's to touch.
  const map = formatMapOf(toItem(doc.id, data), fields);
  const stored = (data[FORMAT_KEY] ?? {}) as Data;
  for (const [part, value] of Object.entries(map)) {
    if (!isDeepStrictEqual(stored[part], value)) parts.push(new FieldPath(FORMAT_KEY, part), value);
  }
  return parts.length > 0 ? parts : undefined;
}

/**
 * Writes the documents that need it, each only if unchanged since it was read;
 * a document changed meanwhile is read again and retried (a few rounds).
 */
async function formatDocuments(
  db: Firestore,
  writer: ReturnType<Firestore['bulkWriter']>,
  collection: StoredCollection,
  docs: readonly QueryDocumentSnapshot[],
): Promise<number> {
  let pending: readonly QueryDocumentSnapshot[] = docs;
  let written = 0;
  for (let round = 0; round < ROUNDS && pending.length > 0; round++) {
    const changed: DocumentReference[] = [];
    const failures: unknown[] = [];
    const writes: Promise<unknown>[] = [];
    for (const doc of pending) {
      const parts = missingParts(collection, doc);
      if (!parts) continue;
      const [field, value, ...more] = parts as [FieldPath, unknown, ...unknown[]];
      writes.push(
        writer
          .update(doc.ref, field, value, ...more, { lastUpdateTime: doc.updateTime as Timestamp })
          .then(() => written++)
          .catch((error: unknown) => {
            // Changed since read (precondition) or deleted meanwhile: read again / nothing to do.
            if (grpcCode(error) === GRPC.FAILED_PRECONDITION) changed.push(doc.ref);
            else if (grpcCode(error) !== GRPC.NOT_FOUND) failures.push(error);
          }),
      );
    }
    await writer.flush();
    await Promise.all(writes);
    if (failures.length > 0) throw failures[0];
    if (changed.length === 0) return written;
    const again = await db.getAll(...changed);
    pending = again.filter((s): s is QueryDocumentSnapshot => s.exists);
  }
  if (pending.length > 0) {
    throw new Error(`${pending.length} documents kept changing while the backfill wrote them; run the backfill again`);
  }
  return written;
}

/** Fields every document holds, proved by counts (a document lacking one is in neither count). */
async function verify(
  db: Firestore,
  collection: StoredCollection,
): Promise<{ complete: string[]; incomplete: string[] }> {
  const ref = db.collection(collection.id);
  const count = async (q: Query) => Number((await q.count().get()).data().count);
  const total = await count(ref);
  const complete: string[] = [];
  const incomplete: string[] = [];
  for (const field of formattedFields(collection.fields)) {
    if (field.key === '_id') {
      complete.push(field.key);
      continue;
    }
    const path = new FieldPath(field.key);
    const [nulls, values] = await Promise.all([count(ref.where(path, '==', null)), count(ref.where(path, '!=', null))]);
    (nulls + values === total ? complete : incomplete).push(field.key);
  }
  return { complete, incomplete };
}

export interface BackfillTarget extends BackfillOptions {
  /** Google Cloud project (unset: the client's default, e.g. GOOGLE_CLOUD_PROJECT or the emulator's). */
  readonly projectId?: string;
  readonly databaseId?: string;
}

/**
 * The backfill with a client of its own (the `adaptors firestore backfill`
 * command loads this module from the service, so the CLI needs no Firestore
 * client of its own). FIRESTORE_EMULATOR_HOST is honoured by the client.
 */
export async function runBackfill(collectionId: string, target: BackfillTarget): Promise<BackfillResult> {
  const db = new Firestore({
    ...(target.projectId ? { projectId: target.projectId } : {}),
    ...(target.databaseId ? { databaseId: target.databaseId } : {}),
    ...FIRESTORE_CLIENT_SETTINGS,
  });
  try {
    return await backfillCollection(db, collectionId, target);
  } finally {
    await db.terminate();
  }
}
