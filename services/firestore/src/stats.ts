/**
 * Group statistics (README.md "Storage format", "Group statistics"): per
 * collection, for every tracked field, how many documents hold each value and
 * the integer sums of the NUMBER fields over them — kept by every write the
 * adaptor makes, in the same transaction as the document, so an unfiltered
 * grouped count/sum/average and the distinct values of a field are read from
 * a handful of documents (stats-read.ts) instead of one query per group. The
 * write side (the hook in each transaction) is stats-write.ts, the life cycle
 * (create, schema change, truncate, delete) stats-state.ts.
 *
 * Layout, under the collection's metadata document (`<metadata>/<C>/stats/`):
 * - `state`: `gen` (the generation: a random id), `tracked` (JSON text: the
 *   fields `{key, type}` the generation keeps), `built` (every document of the
 *   collection is counted in this generation).
 * - `shard-<0..STATS_SHARDS-1>`: `gen`; `f.<field>.v.<value key>` = `{c, s.<m>,
 *   n.<m>}` (documents, integer sum and count of numbers of NUMBER field m among
 *   them), `f.<field>.k` (entries in this shard), `f.<field>.off` (past the
 *   cap: this field is not answered from statistics), `u.<m>` (a value of m
 *   was not a safe integer: sums of m are not answered). A shard of another
 *   generation counts as empty (truncate starts a new generation).
 *
 * Which documents are counted: those whose `$wix.st` is the generation
 * (stamped by the write that counted them), each in the shard `$wix.sh`. A
 * write removes the contribution of the document it replaces or deletes only
 * when that document is counted, and from the shard that counted it, so
 * documents written before (or by other programs) are never subtracted and a
 * shard's counts are exactly its documents'; the backfill counts the rest,
 * one transaction per page, and sets `built` once a count() in a transaction
 * proves every document counted.
 *
 * Exactness: each write transaction reads the entries it changes (its shards,
 * with a field mask: a new document goes to one shard chosen at random per
 * transaction, an updated one stays in its own) and writes their new absolute
 * values, so the statistics are serializable with the documents and no
 * transform limit (500 per document and commit) or floating increment is involved. Sums are kept only while
 * every contribution is a safe integer and every shard's sum stays within
 * ±(2^53−1); otherwise the summed field is marked and the request takes the
 * query path (groups.ts). Values with a count of 0 are deleted.
 */
import { randomUUID } from 'node:crypto';
import { canonicalKey, type Field, type FieldType, type Value } from '@adaptors/core';
import type { DocumentData, DocumentReference, DocumentSnapshot, Firestore } from '@google-cloud/firestore';
import { fromFirestoreValue } from './values.ts';

/**
 * Shard documents per collection: a transaction's new documents are counted
 * in one chosen at random (an updated one stays in its own), so sustained
 * writes spread over this many documents (Firestore sustains about one write
 * per second per document); a read merges them all.
 */
export const STATS_SHARDS = 16;
/**
 * Values of one field kept per shard at most; past it the field is marked off
 * (for the whole generation: `off` in the state). Low enough that a field
 * unique per document (a title) is cut by the first bulk transaction, before
 * its entries cost writes; high enough for the enumerations grouping is for.
 */
export const MAX_TRACKED_VALUES = 250;
/** A value whose key is longer is not tracked (its field is marked off): keeps entries small. */
export const MAX_KEY_BYTES = 256;
/** Bytes and fields the entries of one shard may use (Firestore: 1 MiB and 20,000 fields per document). */
const SHARD_BYTES = 800_000;
const SHARD_FIELDS = 15_000;
/** The `$wix` keys stamping a document with the generation that counts it and the shard it is counted in. */
export const STAMP_KEY = 'st';
export const SHARD_KEY = 'sh';

/** Scalar types whose values are grouped (arrays/objects and long rich text are not). */
const TRACKED_TYPES: ReadonlySet<FieldType> = new Set([
  'TEXT',
  'NUMBER',
  'DATE',
  'DATETIME',
  'BOOLEAN',
  'URL',
  'TIME',
  'LANGUAGE',
  'REFERENCE',
]);
/** Unique (or nearly) per document: they would only reach the cap. */
const NEVER_TRACKED: ReadonlySet<string> = new Set(['_id', '_createdDate', '_updatedDate']);

export interface TrackedField {
  readonly key: string;
  readonly type: FieldType;
}

export interface StatsState {
  readonly gen: string;
  readonly tracked: readonly TrackedField[];
  readonly built: boolean;
  /** Tracked fields past the cap in some shard: no longer grouped by any write of this generation. */
  readonly off: readonly string[];
}

export function trackableFields(fields: readonly Field[]): TrackedField[] {
  return fields
    .filter((f) => TRACKED_TYPES.has(f.type) && !NEVER_TRACKED.has(f.key))
    .map((f) => ({ key: f.key, type: f.type }));
}

export function sameTracked(a: readonly TrackedField[], b: readonly TrackedField[]): boolean {
  const text = (t: readonly TrackedField[]) =>
    JSON.stringify([...t].map((f) => `${f.key}:${f.type}`).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  return text(a) === text(b);
}

export function parseState(snapshot: DocumentSnapshot | undefined): StatsState | undefined {
  if (!snapshot?.exists) return undefined;
  const gen = snapshot.get('gen') as unknown;
  const tracked = snapshot.get('tracked') as unknown;
  if (typeof gen !== 'string' || typeof tracked !== 'string') return undefined;
  try {
    const parsed = JSON.parse(tracked) as TrackedField[];
    const off = snapshot.get('off') as unknown;
    return {
      gen,
      tracked: parsed,
      built: snapshot.get('built') === true,
      off: Array.isArray(off) ? off.filter((f): f is string => typeof f === 'string') : [],
    };
  } catch {
    return undefined;
  }
}

export function stateData(state: StatsState): DocumentData {
  return {
    gen: state.gen,
    tracked: JSON.stringify(state.tracked),
    built: state.built,
    off: [...state.off],
    updatedAt: new Date(),
  };
}

export function newGeneration(tracked: readonly TrackedField[], built: boolean): StatsState {
  return { gen: randomUUID(), tracked, built, off: [] };
}

/** Where a collection's statistics live. */
export class StatsStore {
  constructor(
    readonly db: Firestore,
    private readonly metadataCollection: string,
    /** Values kept per field and shard at most (tests lower it to reach the cap). */
    readonly maxValues = MAX_TRACKED_VALUES,
  ) {}

  folder(collectionId: string) {
    return this.db.collection(this.metadataCollection).doc(collectionId).collection('stats');
  }

  stateRef(collectionId: string): DocumentReference {
    return this.folder(collectionId).doc('state');
  }

  shardRefs(collectionId: string): DocumentReference[] {
    return Array.from({ length: STATS_SHARDS }, (_, i) => this.folder(collectionId).doc(`shard-${i}`));
  }
}

/** Counts and sums of one value (of one field), as deltas or as stored totals. */
export interface Entry {
  c: bigint;
  readonly s: Map<string, bigint>;
  readonly n: Map<string, bigint>;
}

function newEntry(): Entry {
  return { c: 0n, s: new Map(), n: new Map() };
}

/** The group key of a stored value: the evaluator's (canonicalKey), or undefined when it is not a tracked kind. */
export function keyOf(raw: unknown): string | undefined {
  const value = fromFirestoreValue(raw);
  const trackable =
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    value instanceof Date;
  if (!trackable) return undefined;
  const key = canonicalKey(value);
  return Buffer.byteLength(key, 'utf8') <= MAX_KEY_BYTES ? key : undefined;
}

/** The value a key stands for (keyOf's inverse for the kinds it tracks). */
export function valueOfKey(key: string): Value | undefined {
  const rest = key.slice(1);
  switch (key[0]) {
    case 'n':
      return key === 'n' ? null : undefined;
    case 'b':
      return key === 'b1' ? true : key === 'b0' ? false : undefined;
    case 'd':
      return Number(rest);
    case 's':
      return JSON.parse(rest) as string;
    case 't':
      return new Date(Number(rest));
    default:
      return undefined;
  }
}

/** A NUMBER field's contribution to sums: undefined (no number), an integer, or 'unsafe'. */
function numberOf(raw: unknown): bigint | 'unsafe' | undefined {
  if (raw === null || raw === undefined) return undefined;
  if (typeof raw === 'bigint') return raw >= -MAX_SAFE && raw <= MAX_SAFE ? raw : 'unsafe';
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
  // A fraction, or a value of another type in a NUMBER field (another program's): not summed exactly.
  return 'unsafe';
}

export const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The statistics changes of one transaction, aggregated per (field, value). */
export class StatsDelta {
  readonly entries = new Map<string, Map<string, Entry>>();
  /** Fields with a value that cannot be tracked: marked off. */
  readonly off = new Set<string>();
  /** NUMBER fields with a contribution that is not a safe integer. */
  readonly unsafe = new Set<string>();
  private readonly summed: readonly string[];

  /** Fields grouped by: the tracked ones not marked off. */
  private readonly grouped: readonly TrackedField[];

  constructor(state: Pick<StatsState, 'tracked' | 'off'>) {
    this.summed = state.tracked.filter((f) => f.type === 'NUMBER').map((f) => f.key);
    this.grouped = state.tracked.filter((f) => !state.off.includes(f.key));
  }

  get empty(): boolean {
    return this.entries.size === 0 && this.off.size === 0 && this.unsafe.size === 0;
  }

  /** Adds (sign 1) or removes (sign -1) one document's contribution. */
  add(data: DocumentData, sign: 1n | -1n): void {
    const numbers = new Map<string, bigint>();
    for (const m of this.summed) {
      const n = numberOf(data[m]);
      if (n === 'unsafe') this.unsafe.add(m);
      else if (n !== undefined) numbers.set(m, n);
    }
    for (const { key: field } of this.grouped) {
      const key = keyOf(data[field]);
      if (key === undefined) {
        this.off.add(field);
        continue;
      }
      const values = this.entries.get(field) ?? new Map<string, Entry>();
      this.entries.set(field, values);
      const entry = values.get(key) ?? newEntry();
      values.set(key, entry);
      entry.c += sign;
      for (const [m, n] of numbers) {
        entry.s.set(m, (entry.s.get(m) ?? 0n) + sign * n);
        entry.n.set(m, (entry.n.get(m) ?? 0n) + sign);
      }
    }
  }
}

/** Entries one field may keep per shard: MAX_TRACKED_VALUES, less when the collection tracks many fields. */
export function capOf(tracked: readonly TrackedField[], maxValues = MAX_TRACKED_VALUES): number {
  const summed = tracked.filter((f) => f.type === 'NUMBER');
  const sumBytes = summed.reduce((bytes, f) => bytes + Buffer.byteLength(f.key, 'utf8') + 1 + 8, 2);
  const entryBytes = MAX_KEY_BYTES + 1 + 10 + 2 * (2 + sumBytes) + 16;
  const entryFields = 4 + 2 * summed.length;
  const fields = Math.max(1, tracked.length);
  return Math.max(
    0,
    Math.min(
      maxValues,
      Math.floor(SHARD_BYTES / (fields * entryBytes)),
      Math.floor(SHARD_FIELDS / (fields * entryFields)),
    ),
  );
}

export function toBigInt(raw: unknown): bigint {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw)) return BigInt(raw);
  return 0n;
}

/** A stored entry (`{c, s, n}`) as bigints. */
export function readEntry(raw: unknown): Entry {
  const entry = newEntry();
  if (raw === null || typeof raw !== 'object') return entry;
  const data = raw as { c?: unknown; s?: Record<string, unknown>; n?: Record<string, unknown> };
  entry.c = toBigInt(data.c);
  for (const [m, v] of Object.entries(data.s ?? {})) entry.s.set(m, toBigInt(v));
  for (const [m, v] of Object.entries(data.n ?? {})) entry.n.set(m, toBigInt(v));
  return entry;
}

/** A stored number: a JS number when exact, else the BigInt (the client writes it as an integer). */
export function stored(v: bigint): number | bigint {
  return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
}
