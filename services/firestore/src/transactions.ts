/**
 * Bulk document writes (items insert, reference pairs) in transactions of up
 * to 500 documents, MAX_COMMIT_BYTES and MAX_COMMIT_ENTRIES, chunks in parallel
 * within MAX_ENTRIES_IN_FLIGHT per process: read the documents, create (or set,
 * or delete) and commit.
 *
 * Not BulkWriter: its BatchWrite RPCs are re-sent by gax on UNAVAILABLE for
 * up to 10 minutes, so a bulk write cut by an outage was applied long after
 * the caller had its answer. A transaction is retried by the client only as
 * a whole — reads included — and only while the call's deadline allows
 * (deadline.ts). Retries are idempotent: a retry that finds a
 * document this very write created (an earlier attempt committed although its
 * answer was lost: `mine`) reports it written, not "already exists". A chunk
 * Firestore refuses as a whole (an invalid value, a race on one id) is
 * retried document by document, so one bad document fails only itself.
 * Firestore unavailable: the whole call fails (the core reports its outcome
 * as unknown), never one item.
 */
import { SpiError } from '@adaptors/core';
import type { DocumentData, DocumentReference, DocumentSnapshot, Firestore } from '@google-cloud/firestore';
import { stopAtDeadline, transactionOptions } from './deadline.ts';
import { translateError } from './errors.ts';
import { statsTransaction, type WriteHook } from './stats-write.ts';
import { CollectionChanged, GUARD_FIELDS, type WriteGuard } from './write-guard.ts';

/** Documents per transaction: Firestore's documented cap on writes per commit. */
const CHUNK = 500;

/**
 * Bytes of document data per transaction, at most: Firestore takes requests of up to 10 MiB
 * ("Quotas and limits"), and the emulator drops a gRPC message over 4 MiB without an answer, so
 * a 6 MB bulk insert (docs/protocol.md §4.5) committed whole hung until the call's deadline.
 * A larger call is split into more transactions, which run in parallel like the others.
 */
export const MAX_COMMIT_BYTES = 3 * 1024 * 1024;

/**
 * Entries (fields and map keys, nested ones included) of document data per transaction, at most.
 * What a commit costs the process is its entries, not its bytes: the client checks, copies and
 * encodes every one as its own objects (hundreds of bytes each while the commit is built), and a
 * document of ordinary text carries up to MAX_TRIGRAMS_PER_DOCUMENT trigram keys (format.ts). 500 such documents
 * in one transaction, several in parallel, ran a 160 MB heap out of memory (one 0.5 MB insert of
 * 100 items killed the process). Each entry is also an index entry Firestore writes in the commit
 * ("Best practices": many index entries raise write latency).
 */
export const MAX_COMMIT_ENTRIES = 20_000;

/**
 * Entries of document data in transactions being built or committed in this process, at most (a
 * larger chunk runs alone): bounds the memory of all bulk writes at once, whatever their number.
 * Chunks wait for room in call order; a chunk still waiting at its call's deadline stops there.
 */
export const MAX_ENTRIES_IN_FLIGHT = 100_000;

export interface DocumentWrite {
  /** The caller's position for this write. */
  readonly key: number;
  readonly ref: DocumentReference;
  /** The data, or how to build it when its transaction runs (built again if the transaction is retried). */
  readonly data: DocumentData | (() => DocumentData);
  /** With `data` a function: an upper bound of its weight (format.ts `Weight`). Else counted from `data`. */
  readonly weight?: { readonly bytes: number; readonly entries: number };
  /** Whether an existing document is this write's own (an earlier attempt of a retried transaction). */
  readonly mine: (snapshot: DocumentSnapshot) => boolean;
  /**
   * With `overwrite`: told the stored `_createdDate` of the document it replaces, which the write
   * keeps (an upsert of an existing item does not change when it was created, docs/semantics.md §7.3).
   */
  readonly replaced?: (createdDate: unknown) => void;
}

export interface DocumentDelete {
  readonly key: number;
  readonly ref: DocumentReference;
}

/** What happened to one document: done, not done because of its state, or refused by Firestore. */
export type Outcome = 'done' | 'conflict' | { readonly refused: unknown };

/**
 * Creates the documents (`conflict`: it exists and is not this write's), or
 * with `overwrite` sets them (repeated refs are written in order).
 */
export async function createDocuments(
  db: Firestore,
  writes: readonly DocumentWrite[],
  options: {
    readonly overwrite: boolean;
    readonly concurrency: number;
    readonly hook?: WriteHook;
    /** The collection's metadata document, checked before anything is written (write-guard.ts). */
    readonly guard?: WriteGuard;
  },
): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  const hook = options.hook;
  const guard = options.guard;
  const weights = new Map<DocumentWrite, { readonly bytes: number; readonly entries: number }>();
  for (const w of writes) weights.set(w, weightOf(w));
  const run = async (chunk: readonly DocumentWrite[]) => {
    let entries = 0;
    for (const w of chunk) entries += weights.get(w)?.entries ?? 0;
    const release = await reserveEntries(entries);
    try {
      await runChunk(chunk);
    } finally {
      release();
    }
  };
  const runChunk = (chunk: readonly DocumentWrite[]) =>
    inChunk(chunk, outcomes, (writing) => {
      // Built for this transaction only (and again for a retry of one document): held no longer.
      const group = writing.map((w) => ({ ...w, data: typeof w.data === 'function' ? w.data() : w.data }));
      return statsTransaction(
        db,
        hook,
        async (tx, begin, hold) => {
          stopAtDeadline();
          // An overwrite reads the documents it replaces too: their _createdDate is kept (and, with
          // statistics, stats.ts, their counts go).
          const read = group.map((w) => w.ref);
          // The metadata document last: read with the statistics state in one round trip.
          const extra = [...(hook?.reads ?? []), ...(guard ? [guard.ref] : [])];
          // Creating only: the statistics shard is read with the documents (one round trip; stats.ts prefetch).
          const prefetch = hook && !options.overwrite ? await hook.prefetch(group.map((w) => w.data)) : undefined;
          if (prefetch) hold(prefetch.release);
          const all =
            read.length + extra.length === 0
              ? []
              : prefetch
                ? await tx.getAll(...read, ...extra, prefetch.ref, {
                    fieldMask: [...prefetch.paths.values(), ...(guard ? GUARD_FIELDS : [])],
                  })
                : await tx.getAll(...read, ...extra);
          const snapshots = all.slice(0, read.length);
          guard?.check(all[read.length + extra.length - 1], false);
          const stats = begin(
            all.slice(read.length, read.length + (hook?.reads.length ?? 0)),
            prefetch ? { ...prefetch, snapshot: all[read.length + extra.length] } : undefined,
          );
          // The reads may have waited out an outage: commit nothing once the caller has its answer.
          stopAtDeadline();
          const out = new Map<number, Outcome>();
          const pending: [DocumentReference, DocumentData][] = [];
          group.forEach((w, i) => {
            const snapshot = snapshots[i];
            if (!options.overwrite && snapshot?.exists) {
              out.set(w.key, w.mine(snapshot) ? 'done' : 'conflict');
              return;
            }
            const created = options.overwrite && snapshot?.exists ? snapshot.get('_createdDate') : undefined;
            const data = created === undefined ? w.data : { ...w.data, _createdDate: created };
            if (created !== undefined) w.replaced?.(created);
            pending.push([w.ref, stats ? stats.writing(data, snapshot) : data]);
            out.set(w.key, 'done');
          });
          // The statistics read their shard before the transaction's first write (Firestore's rule).
          await stats?.commit();
          stopAtDeadline();
          for (const [ref, data] of pending) {
            if (options.overwrite) tx.set(ref, data);
            else tx.create(ref, data);
          }
          return out;
        },
        transactionOptions(),
      );
    });
  // One write of the transaction goes to a statistics shard: the documents stay within CHUNK writes.
  const chunks = chunked(
    writes,
    hook ? CHUNK - 1 : CHUNK,
    (w) => weights.get(w)?.bytes ?? 0,
    (w) => weights.get(w)?.entries ?? 0,
  );
  if (options.overwrite) {
    for (const chunk of chunks) await run(chunk);
  } else {
    await inParallel(chunks, options.concurrency, run);
  }
  return outcomes;
}

/** Deletes the documents that exist (`conflict`: it did not exist). */
export async function deleteDocuments(
  db: Firestore,
  deletes: readonly DocumentDelete[],
  concurrency: number,
): Promise<Map<number, Outcome>> {
  const outcomes = new Map<number, Outcome>();
  await inParallel(chunked(deletes), concurrency, (chunk) =>
    inChunk(chunk, outcomes, (group) =>
      db.runTransaction(async (tx) => {
        stopAtDeadline();
        const snapshots = await tx.getAll(...group.map((d) => d.ref));
        stopAtDeadline();
        const out = new Map<number, Outcome>();
        group.forEach((d, i) => {
          if (!snapshots[i]?.exists) {
            out.set(d.key, 'conflict');
            return;
          }
          tx.delete(d.ref);
          out.set(d.key, 'done');
        });
        return out;
      }, transactionOptions()),
    ),
  );
  return outcomes;
}

/** A write's weight: its own, or counted from its data. */
function weightOf(write: DocumentWrite): { bytes: number; entries: number } {
  if (typeof write.data === 'function') return { bytes: write.weight?.bytes ?? 0, entries: write.weight?.entries ?? 0 };
  return { bytes: approximateBytes(write.data), entries: approximateEntries(write.data) };
}

let entriesInFlight = 0;
const waitingForEntries: { readonly entries: number; readonly go: () => void }[] = [];

/**
 * Waits until `entries` more fit within MAX_ENTRIES_IN_FLIGHT (a larger chunk when nothing else
 * runs), first come first served; the answer gives them back.
 */
async function reserveEntries(wanted: number): Promise<() => void> {
  const entries = Math.min(wanted, MAX_ENTRIES_IN_FLIGHT);
  if (waitingForEntries.length > 0 || (entriesInFlight > 0 && entriesInFlight + entries > MAX_ENTRIES_IN_FLIGHT)) {
    await new Promise<void>((go) => waitingForEntries.push({ entries, go }));
  } else {
    entriesInFlight += entries;
  }
  return () => {
    entriesInFlight -= entries;
    for (let next = waitingForEntries[0]; next; next = waitingForEntries[0]) {
      if (entriesInFlight > 0 && entriesInFlight + next.entries > MAX_ENTRIES_IN_FLIGHT) break;
      waitingForEntries.shift();
      entriesInFlight += next.entries;
      next.go();
    }
  };
}

/** Runs one chunk's transaction; a chunk refused as a whole is retried one document at a time. */
async function inChunk<T extends { readonly key: number }>(
  chunk: readonly T[],
  outcomes: Map<number, Outcome>,
  transaction: (group: readonly T[]) => Promise<Map<number, Outcome>>,
): Promise<void> {
  try {
    for (const [key, outcome] of await transaction(chunk)) outcomes.set(key, outcome);
  } catch (error) {
    // The collection changed under the whole chunk (write-guard.ts): nothing written, each says so.
    if (error instanceof CollectionChanged) {
      for (const one of chunk) outcomes.set(one.key, { refused: error });
      return;
    }
    const unavailable = asUnavailable(error);
    if (unavailable) throw unavailable;
    const [only] = chunk;
    if (chunk.length === 1 && only) {
      outcomes.set(only.key, { refused: error });
      return;
    }
    for (const one of chunk) await inChunk([one], outcomes, transaction);
  }
}

/** The SPI error when Firestore is unavailable (or the deadline passed); undefined for a refusal. */
function asUnavailable(error: unknown): SpiError | undefined {
  const translated = translateError(error);
  return translated instanceof SpiError && translated.status >= 500 ? translated : undefined;
}

/**
 * Chunks of at most `most`, a repeated document in a later chunk than its
 * previous write. Balanced (1,000 documents at most 499 each: three of 334,
 * not 499 + 499 + 2): the chunks run in parallel, so the largest sets the time.
 * With `bytesOf`, a chunk also holds at most MAX_COMMIT_BYTES, with `entriesOf` at most
 * MAX_COMMIT_ENTRIES (one larger document alone).
 */
export function chunked<T extends { readonly ref: DocumentReference }>(
  entries: readonly T[],
  most = CHUNK,
  bytesOf?: (entry: T) => number,
  entriesOf?: (entry: T) => number,
): T[][] {
  const size = Math.ceil(entries.length / Math.max(1, Math.ceil(entries.length / most)));
  const chunks: T[][] = [];
  const bytes: number[] = [];
  const counts: number[] = [];
  const last = new Map<string, number>();
  for (const entry of entries) {
    const from = (last.get(entry.ref.path) ?? -1) + 1;
    const weight = bytesOf?.(entry) ?? 0;
    const count = entriesOf?.(entry) ?? 0;
    const fits = (c: T[], i: number) =>
      i >= from &&
      c.length < size &&
      (c.length === 0 ||
        ((bytes[i] ?? 0) + weight <= MAX_COMMIT_BYTES && (counts[i] ?? 0) + count <= MAX_COMMIT_ENTRIES));
    let index = chunks.findIndex(fits);
    if (index < 0) {
      index = chunks.push([]) - 1;
      bytes.push(0);
      counts.push(0);
    }
    chunks[index]?.push(entry);
    bytes[index] = (bytes[index] ?? 0) + weight;
    counts[index] = (counts[index] ?? 0) + count;
    last.set(entry.ref.path, index);
  }
  return chunks;
}

/**
 * About how many bytes a document's data takes in a commit: its strings in UTF-8 and its field
 * names, 8 bytes for any other value (Firestore's own "Storage size calculations" count alike).
 * Short strings and field names count their length (UTF-8 only adds bytes outside ASCII, a few
 * per string): measuring every one cost ~20 µs per document of a bulk insert. Only compared with
 * MAX_COMMIT_BYTES, which leaves a quarter of the emulator's 4 MiB for what this does not count.
 */
export function approximateBytes(value: unknown): number {
  if (typeof value === 'string') return (value.length > 64 ? Buffer.byteLength(value) : value.length) + 1;
  if (value === null || typeof value !== 'object') return 8;
  if (value instanceof Uint8Array) return value.byteLength + 1;
  if (Array.isArray(value)) {
    let sum = 8;
    for (const element of value) sum += approximateBytes(element);
    return sum;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return 16; // Timestamp, Date, a reference, a sentinel
  let sum = 8;
  for (const key in value) sum += key.length + 1 + approximateBytes((value as Record<string, unknown>)[key]);
  return sum;
}

/** Fields and map keys of a document's data, nested ones included (elements of an array: one each). */
export function approximateEntries(value: unknown): number {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return 0;
  let sum = 0;
  if (Array.isArray(value)) {
    for (const element of value) sum += 1 + approximateEntries(element);
    return sum;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return 0;
  for (const key in value) sum += 1 + approximateEntries((value as Record<string, unknown>)[key]);
  return sum;
}

/** Runs `work` over `tasks` with at most `concurrency` at once. */
async function inParallel<T>(
  tasks: readonly T[],
  concurrency: number,
  work: (task: T) => Promise<void>,
): Promise<void> {
  const queue = [...tasks];
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let task = queue.shift(); task; task = queue.shift()) await work(task);
  });
  await Promise.all(workers);
}
