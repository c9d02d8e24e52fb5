/**
 * Item writes (docs/protocol.md §4.5–§4.8; docs/design.md §3 "one bad item never fails
 * the rest"). Document id = `_id`.
 * - insert: transactions of ≤ 500 items that read the ids and create the
 *   fresh ones (ITEM_ALREADY_EXISTS per item, race-free); `overwrite` sets
 *   them. Retries are whole transactions, idempotent, within the call's
 *   deadline (transactions.ts).
 * - update / remove: one small transaction per item (read, then replace or
 *   delete), so a missing id is ITEM_NOT_FOUND and the stored `_createdDate`
 *   is kept; items run concurrently, repeated ids in one call in order.
 * - truncate: pages of deletes within the call's deadline (sweep.ts).
 */
import { randomBytes } from 'node:crypto';
import { errors, type Item, type ItemResult, type KeyedLock, SpiError, type StoredCollection } from '@adaptors/core';
import {
  type BulkWriter,
  type CollectionReference,
  type DocumentReference,
  type DocumentSnapshot,
  FieldPath,
  type Firestore,
  type Transaction,
} from '@google-cloud/firestore';
import { retryWithinDeadline, stopAtDeadline, transactionOptions } from './deadline.ts';
import { GRPC, grpcCode, translateError } from './errors.ts';
import { FORMAT_KEY, formattedDocument, toFormattedData, withFormatEntries } from './format.ts';
import { statsTransaction, type TransactionHook, type WriteHook } from './stats-write.ts';
import { type SweepResult, sweep } from './sweep.ts';
import { approximateBytes, approximateEntries, createDocuments, type DocumentWrite } from './transactions.ts';
import {
  documentIdProblem,
  fromFirestoreValue,
  invalidItemId,
  keepStoredIntegers,
  keepStoredValues,
  keepUnansweredFields,
  toDocumentData,
  toItem,
} from './values.ts';
import { CollectionChanged, type WriteGuard } from './write-guard.ts';

export interface WriteContext {
  readonly db: Firestore;
  readonly ref: CollectionReference;
  readonly collectionId: string;
  readonly concurrency: number;
  /**
   * One update or remove at a time per document from this instance (changeEach): two
   * read-then-write transactions on one document deadlock on the emulator until the call's
   * deadline (docs/engines.md §3); production would abort and retry one of them.
   */
  readonly documentLocks?: KeyedLock;
  /** The definition the write is checked against: strict collections are written in the storage format. */
  readonly collection?: StoredCollection;
  /** Group statistics kept in each write's transaction (stats.ts); strict collections only. */
  readonly stats?: WriteHook;
  /** The collection's metadata document, checked in each write's transaction (write-guard.ts). */
  readonly guard?: WriteGuard;
}

/**
 * Document data of an item: in a strict collection the storage format
 * (format.ts: every declared field, shadows, trigrams); a collection
 * inferred from a sample is answered as stored, so it gets the item alone.
 */
function documentData(ctx: WriteContext, item: Item): { [key: string]: unknown } {
  return ctx.collection && ctx.collection.strict !== false
    ? toFormattedData(item, ctx.collection)
    : toDocumentData(item);
}

/**
 * An insert's document data: in the storage format, its `$wix` map (thousands of trigram keys for
 * a few KB of text) is built when its transaction runs, not for every item of the call at once
 * (transactions.ts MAX_COMMIT_ENTRIES); the item's own fields are checked now.
 */
function insertData(ctx: WriteContext, item: Item, op: string): Pick<DocumentWrite, 'data' | 'weight'> {
  if (!(ctx.collection && ctx.collection.strict !== false)) {
    return { data: withFormatEntries(toDocumentData(item), { [OPERATION_KEY]: op }) };
  }
  const { data, formatMap, formatWeight } = formattedDocument(item, ctx.collection);
  return {
    data: () => ({ ...data, [FORMAT_KEY]: { ...formatMap(), [OPERATION_KEY]: op } }),
    weight: {
      bytes: approximateBytes(data) + formatWeight.bytes + OPERATION_KEY.length + op.length + 2,
      entries: approximateEntries(data) + formatWeight.entries + 1,
    },
  };
}

/**
 * Bulk calls are sized by Wix (≤ 1000 items, §4.5); the ramp-up throttle would only slow them down.
 * Retries stop at the call's deadline (deadline.ts).
 */
export function newBulkWriter(db: Firestore): BulkWriter {
  const writer = db.bulkWriter({ throttling: false });
  writer.onWriteError(retryWithinDeadline);
  return writer;
}

/** How the Firestore client words a document it refuses to encode (no request was sent). */
const CLIENT_VALIDATION =
  /^(Value for argument|Element at index|Cannot encode|Cannot use|Input is not a plain JavaScript object|Detected an object of type|Invalid (field|property|use))|is not a valid Firestore (value|document)|should not be an empty string/;

function itemError(error: unknown, collectionId: string, id: string): SpiError {
  const code = grpcCode(error);
  if (code === GRPC.ALREADY_EXISTS) return errors.itemAlreadyExists(collectionId, id);
  if (code === GRPC.NOT_FOUND) return errors.itemNotFound(collectionId, id);
  const message = (error as { message?: unknown } | null)?.message;
  // Firestore's words without the gRPC status prefix ("3 INVALID_ARGUMENT: …").
  const detail = typeof message === 'string' ? message.replace(/^\d+ [A-Z_]+: /, '') : undefined;
  const refusedItem = () => errors.violation(`items.${id}`, id, `Firestore cannot store this item: ${detail ?? ''}`);
  // Firestore refused this one document (a reserved `__name__`-like key, a key too long): the
  // item's own content, so a per-item VALIDATION_ERROR like the client's refusals below (§12.3).
  if (code === GRPC.INVALID_ARGUMENT) return refusedItem();
  const translated = translateError(error);
  if (translated instanceof SpiError) return translated;
  // No gRPC code: the client refused the document before sending it (e.g. an empty key inside an
  // object, which Firestore maps cannot hold): the item's own content, a per-item VALIDATION_ERROR.
  if (code === undefined && typeof message === 'string' && CLIENT_VALIDATION.test(message)) return refusedItem();
  return errors.writeRefused('Firestore', `item ${id}`, detail, { itemId: id });
}

/**
 * Insert: the documents are created in transactions (transactions.ts:
 * why not BulkWriter, idempotent retries within the deadline). An existing
 * document this call wrote itself — same stamped dates — is an earlier
 * attempt's commit, not a duplicate.
 */
export async function insertItems(
  ctx: WriteContext,
  items: readonly Item[],
  overwrite: boolean,
  /** The call's token: the same across the storage's runs of one call (storage.ts `checkedWrite`). */
  op: string = newOperationToken(),
): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(items.length);
  const writes: DocumentWrite[] = [];
  const seen = new Set<string>();
  // An overwritten item keeps its stored _createdDate (transactions.ts `replaced`): answered so too.
  const created = new Map<number, unknown>();
  items.forEach((item, index) => {
    const id = item._id as string;
    const problem = documentIdProblem(id);
    if (problem !== undefined) {
      results[index] = { error: invalidItemId(id, problem) };
      return;
    }
    // The same id twice in one call: the second is a duplicate of the first (memory-storage semantics).
    if (!overwrite && seen.has(id)) {
      results[index] = { error: errors.itemAlreadyExists(ctx.collectionId, id) };
      return;
    }
    seen.add(id);
    try {
      writes.push({
        key: index,
        ref: ctx.ref.doc(id),
        ...insertData(ctx, item, op),
        mine: (snapshot) => snapshot.get(new FieldPath(FORMAT_KEY, OPERATION_KEY)) === op,
        ...(overwrite ? { replaced: (date: unknown) => created.set(index, date) } : {}),
      });
    } catch (error) {
      // toDocumentData's own refusals, or the client's validation (e.g. a field name Firestore refuses).
      if (error instanceof SpiError) {
        results[index] = { error };
        return;
      }
      results[index] = {
        error: errors.violation(`items.${id}`, id, `Firestore cannot store this item: ${(error as Error).message}`),
      };
    }
  });
  const outcomes = await createDocuments(ctx.db, writes, {
    overwrite,
    concurrency: ctx.concurrency,
    ...(ctx.stats ? { hook: ctx.stats } : {}),
    ...(ctx.guard ? { guard: ctx.guard } : {}),
  });
  for (const [index, outcome] of outcomes) {
    const item = keptCreated(items[index] as Item, created.get(index));
    const id = item._id as string;
    results[index] =
      outcome === 'done'
        ? { item }
        : outcome === 'conflict'
          ? { error: errors.itemAlreadyExists(ctx.collectionId, id) }
          : outcome.refused instanceof CollectionChanged
            ? outcome.refused
            : { error: itemError(outcome.refused, ctx.collectionId, id) };
  }
  return results;
}

/** An item's result, or that the collection changed before it was written (storage.ts checks it again). */
export type WriteResult = ItemResult | CollectionChanged;

export function newOperationToken(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * `$wix.op`: a token of the insert call that created the document (format.ts
 * lists the `$wix` keys). A transaction retried after its commit's answer was
 * lost finds its own documents by it (createDocuments' `mine`: written, not
 * "already exists"); a document another call created under the same id is a
 * duplicate, even one stamped in the same millisecond, which the stamped dates
 * compared before could not tell apart (two inserts of one id within a
 * millisecond both answered as stored).
 */
export const OPERATION_KEY = 'op';

/** Runs `work` over groups with bounded concurrency; items inside a group run in order. */
async function inGroups<T>(
  ids: readonly string[],
  concurrency: number,
  work: (index: number) => Promise<T>,
): Promise<T[]> {
  const groups = new Map<string, number[]>();
  ids.forEach((id, index) => {
    const group = groups.get(id);
    if (group) group.push(index);
    else groups.set(id, [index]);
  });
  const queue = [...groups.values()];
  const results: T[] = new Array(ids.length);
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      for (const index of group) results[index] = await work(index);
    }
  });
  await Promise.all(workers);
  return results;
}

export async function updateItems(ctx: WriteContext, items: readonly Item[]): Promise<WriteResult[]> {
  return changeEach(
    ctx,
    items.map((item) => item._id as string),
    (index) => documentData(ctx, items[index] as Item), // refuses what Firestore cannot hold before a transaction starts
    false,
    (tx, doc, snapshot, stats, index) => {
      const item = items[index] as Item;
      const stored = snapshot.data();
      const created = stored?._createdDate;
      // Full replacement (§4.6) that keeps the stored creation date.
      const replaced: Item = { ...item, _createdDate: fromFirestoreValue(created) ?? item._updatedDate ?? null };
      // What Wix sends back as it was answered keeps its stored Firestore type (values.ts keepStoredValues).
      const data = keepUnansweredFields(
        keepStoredIntegers(keepStoredValues(documentData(ctx, replaced), stored), stored),
        stored,
      );
      // The creation date as stored, whatever its type and precision (not rewritten from its millisecond).
      if (created !== undefined && created !== null) data._createdDate = created;
      const written = stats ? stats.writing(data, snapshot) : data; // counted before the statistics commit
      return { item: replaced, write: () => tx.set(doc, written) };
    },
  );
}

export async function removeItems(ctx: WriteContext, ids: readonly string[]): Promise<WriteResult[]> {
  return changeEach(ctx, ids, undefined, true, (tx, doc, snapshot, stats) => {
    stats?.removing(snapshot);
    return { item: toItem(doc.id, snapshot.data()), write: () => tx.delete(doc) };
  });
}

/**
 * Update and remove: each item in its own transaction that reads the stored document (and the
 * statistics' shards, stats-write.ts), answers not-found when it is missing, else lets `change`
 * say the answer and the write (counting the change in `stats` as it does); the statistics are
 * committed before the document is written.
 */
async function changeEach(
  ctx: WriteContext,
  ids: readonly string[],
  check: ((index: number) => unknown) | undefined,
  /** Removes write no values: only a delete of the collection stops them (write-guard.ts). */
  removing: boolean,
  change: (
    tx: Transaction,
    doc: DocumentReference,
    snapshot: DocumentSnapshot,
    stats: TransactionHook | undefined,
    index: number,
  ) => { readonly item: Item; readonly write: () => void },
): Promise<WriteResult[]> {
  return inGroups(ids, ctx.concurrency, async (index): Promise<WriteResult> => {
    const id = ids[index] as string;
    if (documentIdProblem(id) !== undefined) return { error: errors.itemNotFound(ctx.collectionId, id) };
    const doc = ctx.ref.doc(id);
    const locked = <T>(task: () => Promise<T>) => (ctx.documentLocks ? ctx.documentLocks.run(doc.path, task) : task());
    try {
      check?.(index);
      const changed = await locked(() =>
        statsTransaction(
          ctx.db,
          ctx.stats,
          async (tx, begin) => {
            stopAtDeadline();
            const guard = ctx.guard;
            const [snapshot, ...extra] = await tx.getAll(
              doc,
              ...(ctx.stats?.reads ?? []),
              ...(guard ? [guard.ref] : []),
            );
            stopAtDeadline();
            if (guard) guard.check(extra.pop(), removing);
            if (!snapshot?.exists) return undefined;
            const stats = begin(extra);
            const { item, write } = change(tx, doc, snapshot, stats, index);
            await stats?.commit();
            stopAtDeadline();
            write();
            return item;
          },
          transactionOptions(),
        ),
      );
      return changed ? { item: changed } : { error: errors.itemNotFound(ctx.collectionId, id) };
    } catch (error) {
      if (error instanceof CollectionChanged) return error;
      const failure = itemError(error, ctx.collectionId, id);
      // Unavailable: the whole call fails (its outcome unknown), not one item.
      if (failure.status >= 500) throw failure;
      return { error: failure };
    }
  });
}

/**
 * Deletes the collection's documents in pages until none is left or the call's deadline nears
 * (sweep.ts): `done` false then, and the same call again deletes the rest.
 */
export async function truncateItems(ctx: WriteContext): Promise<SweepResult> {
  return sweep(ctx.db, {
    query: ctx.ref,
    conditional: false,
    write: (writer, doc) => writer.delete(doc.ref),
  });
}

/** recursiveDelete flushes a BulkWriter it is given but leaves it open: close it (terminate() refuses open ones). */
export async function deleteCollectionDocuments(db: Firestore, ref: CollectionReference): Promise<void> {
  const writer = newBulkWriter(db);
  try {
    await db.recursiveDelete(ref, writer);
  } finally {
    await writer.close();
  }
}

/** The item as stored after an overwrite kept the replaced document's _createdDate. */
function keptCreated(item: Item, stored: unknown): Item {
  return stored === undefined ? item : { ...item, _createdDate: fromFirestoreValue(stored) };
}
