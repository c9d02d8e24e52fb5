/**
 * Group statistics (README.md "Storage format", "Group statistics"): per
 * collection, for every tracked field, how many documents hold each value and
 * the integer sums of the NUMBER fields over them — kept by every write the
 * adaptor makes, in the same transaction as the document, so an unfiltered
 * grouped count/sum/average and the distinct values of a field are read from
 * a handful of documents (stats-read.ts) instead of one query per group.
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
import { randomInt, randomUUID } from 'node:crypto';
import { canonicalKey, type Field, type FieldType, type Value } from '@adaptors/core';
import {
  type DocumentData,
  type DocumentReference,
  type DocumentSnapshot,
  FieldPath,
  FieldValue,
  type Firestore,
  type Transaction,
} from '@google-cloud/firestore';
import { FORMAT_KEY } from './format.ts';
import { fromFirestoreValue } from './values.ts';

/**
 * Shard documents per collection: a write transaction touches one, chosen at
 * random, so sustained writes spread over this many documents (Firestore
 * sustains about one write per second per document); a read merges them all.
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
    private readonly maxValues = MAX_TRACKED_VALUES,
  ) {}

  /** Shards held by a transaction of this instance between its shard read and its commit. */
  private readonly locks = new ShardLocks();
  /** The last state seen per collection: what a prefetch guesses the entries to read from. */
  private readonly seen = new Map<string, StatsState>();

  folder(collectionId: string) {
    return this.db.collection(this.metadataCollection).doc(collectionId).collection('stats');
  }

  stateRef(collectionId: string): DocumentReference {
    return this.folder(collectionId).doc('state');
  }

  shardRefs(collectionId: string): DocumentReference[] {
    return Array.from({ length: STATS_SHARDS }, (_, i) => this.folder(collectionId).doc(`shard-${i}`));
  }

  /** The hook every write to a strict collection runs inside its transactions (writes.ts, transactions.ts). */
  hook(collectionId: string): WriteHook {
    return {
      reads: [this.stateRef(collectionId)],
      prefetch: async (datas) => {
        const shard = randomInt(STATS_SHARDS);
        const release = await this.locks.acquire([`${collectionId}/${shard}`]);
        const guess = this.seen.get(collectionId);
        const paths = new Map<string, FieldPath>();
        for (const path of ['_createdDate', '_updatedDate', 'gen', 'tracked', 'built', 'off']) {
          paths.set(JSON.stringify([path]), new FieldPath(path));
        }
        if (guess) {
          const delta = new StatsDelta(guess);
          for (const data of datas) delta.add(data, 1n);
          addMask(paths, delta);
        }
        return { shard, ref: this.shardRefs(collectionId)[shard] as DocumentReference, paths, release };
      },
      begin: (tx, [stateSnapshot], onLocked, prefetched) => {
        const state = parseState(stateSnapshot);
        if (!state) return UNTRACKED;
        this.seen.set(collectionId, state);
        const stateRef = this.stateRef(collectionId);
        const deltas = new Map<number, StatsDelta>();
        const deltaOf = (shard: number) => {
          const delta = deltas.get(shard) ?? new StatsDelta(state);
          deltas.set(shard, delta);
          return delta;
        };
        // The shard this transaction counts new documents in: a replaced document's own (one shard for
        // a single update), else one at random.
        let home: number | undefined = prefetched?.shard;
        let turnedOff: string[] = [];
        const subtract = (before: DocumentSnapshot | undefined): void => {
          const shard = countedIn(before, state.gen);
          if (shard === undefined || !before) return;
          deltaOf(shard).add(before.data() as DocumentData, -1n);
          home ??= shard;
        };
        return {
          writing: (data, before) => {
            subtract(before);
            home ??= randomInt(STATS_SHARDS);
            deltaOf(home).add(data, 1n);
            return stamped(data, state.gen, home);
          },
          removing: subtract,
          commit: async () => {
            const shards = [...deltas].filter(([, delta]) => !delta.empty).map(([shard]) => shard);
            const unlocked = shards.filter((shard) => shard !== prefetched?.shard);
            onLocked(await this.locks.acquire(unlocked.map((shard) => `${collectionId}/${shard}`)));
            turnedOff = await applyDeltas(tx, this.shardRefs(collectionId), state, deltas, this.maxValues, prefetched);
          },
          // Past the cap in one shard: every later write of the generation stops grouping by it (the state is
          // read by every write transaction), instead of each shard reaching the cap on its own. After the
          // commit, in a transaction of its own: the shard's own mark already keeps it from being answered, and
          // a write of the state inside a write transaction would wait on every other writer's read of it.
          after: async () => {
            if (turnedOff.length === 0) return;
            const off = turnedOff;
            await this.db.runTransaction(async (t) => {
              const [now] = await t.getAll(stateRef);
              if (parseState(now)?.gen === state.gen) t.update(stateRef, { off: FieldValue.arrayUnion(...off) });
            });
          },
        };
      },
    };
  }
}

/**
 * The shard a stored document is counted in (its `$wix.sh`), or undefined when
 * it is not counted in generation `gen`: its counts are subtracted from the
 * very shard that holds them, so a shard's counts are its documents' — never
 * negative, and a value's entry goes when its last document does.
 */
export function countedIn(before: DocumentSnapshot | undefined, gen: string): number | undefined {
  if (!before?.exists || before.get(new FieldPath(FORMAT_KEY, STAMP_KEY)) !== gen) return undefined;
  const shard = Number(before.get(new FieldPath(FORMAT_KEY, SHARD_KEY)));
  return Number.isInteger(shard) && shard >= 0 && shard < STATS_SHARDS ? shard : undefined;
}

/** What a write does to the statistics, inside one transaction attempt. */
export interface TransactionHook {
  /** The data to write in place of `before` (absent: a new document), stamped when it is counted. */
  writing(data: DocumentData, before: DocumentSnapshot | undefined): DocumentData;
  removing(before: DocumentSnapshot): void;
  /**
   * Reads the shard and writes the statistics: call after every `writing`/`removing` and before the
   * transaction's own writes (Firestore: every read of a transaction comes before its writes).
   */
  commit(): Promise<void>;
  /** After the transaction committed (statsTransaction calls it). */
  after(): Promise<void>;
}

export interface WriteHook {
  /** Documents read together with the written ones (one round trip): the statistics state. */
  readonly reads: readonly DocumentReference[];
  /**
   * For a transaction that only creates documents (`datas`): its shard chosen
   * and locked before any read, and the field mask to read it with the
   * documents in one round trip — the entries the last seen state says the
   * documents change. `commit` reads again what the guess missed.
   */
  prefetch(datas: readonly DocumentData[]): Promise<Prefetch>;
  /** `onLocked` gets the release of the shards the attempt holds (statsTransaction releases them). */
  begin(
    tx: Transaction,
    snapshots: readonly (DocumentSnapshot | undefined)[],
    onLocked: (release: () => void) => void,
    prefetched?: Prefetched,
  ): TransactionHook;
}

export interface Prefetch {
  readonly shard: number;
  readonly ref: DocumentReference;
  /** The mask paths, by JSON of their segments. */
  readonly paths: ReadonlyMap<string, FieldPath>;
  readonly release: () => void;
}

export interface Prefetched extends Prefetch {
  readonly snapshot: DocumentSnapshot | undefined;
}

/**
 * A transaction that may keep statistics: `begin` (undefined without a hook)
 * starts the statistics of an attempt. The shards an attempt locks are
 * released when the attempt is retried and when the transaction ends.
 */
export async function statsTransaction<T>(
  db: Firestore,
  hook: WriteHook | undefined,
  work: (
    tx: Transaction,
    begin: (
      snapshots: readonly (DocumentSnapshot | undefined)[],
      prefetched?: Prefetched,
    ) => TransactionHook | undefined,
    hold: (release: () => void) => void,
  ) => Promise<T>,
  options: { readonly maxAttempts: number },
): Promise<T> {
  const releases: (() => void)[] = [];
  const hold = (release: () => void) => {
    releases.push(release);
  };
  const free = () => {
    for (const release of releases.splice(0)) release();
  };
  let last: TransactionHook | undefined;
  try {
    const result = await db.runTransaction(async (tx) => {
      free();
      last = undefined;
      return work(
        tx,
        (snapshots, prefetched) => {
          last = hook?.begin(tx, snapshots, hold, prefetched);
          return last;
        },
        hold,
      );
    }, options);
    free();
    // An optimisation only (the shard marks already hold): its failure fails no write.
    await last?.after().catch(() => undefined);
    return result;
  } finally {
    free();
  }
}

/**
 * In-process locks on shards. A transaction reads its shard and writes it at
 * commit; two transactions of one instance doing that on one shard at once
 * would each hold a read lock the other's write waits for, and Firestore
 * aborts one (the emulator after a lock timeout). Taken in one order (sorted),
 * so two holders never wait on each other; other instances are still resolved
 * by Firestore's own locking and the client's retries.
 */
class ShardLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(keys: readonly string[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const key of [...new Set(keys)].sort()) releases.push(await this.one(key));
    return () => {
      for (const release of releases) release();
    };
  }

  private async one(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

const UNTRACKED: TransactionHook = {
  writing: (data) => data,
  removing: () => undefined,
  commit: async () => {},
  after: async () => {},
};

function stamped(data: DocumentData, gen: string, shard: number): DocumentData {
  const format = (data[FORMAT_KEY] ?? {}) as DocumentData;
  return { ...data, [FORMAT_KEY]: { ...format, [STAMP_KEY]: gen, [SHARD_KEY]: shard } };
}

/** Counts and sums of one value (of one field), as deltas or as stored totals. */
interface Entry {
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

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

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
function stored(v: bigint): number | bigint {
  return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

/**
 * Applies a transaction's deltas to their shards: reads the entries they
 * change (one `getAll` with a field mask), writes their new totals. Must run
 * inside the transaction, after its other reads and before its writes.
 */
async function applyDeltas(
  tx: Transaction,
  shards: readonly DocumentReference[],
  state: StatsState,
  deltas: ReadonlyMap<number, StatsDelta>,
  maxValues: number,
  prefetched?: Prefetched,
): Promise<string[]> {
  const touched = [...deltas].filter(([, delta]) => !delta.empty);
  if (touched.length === 0) return [];
  const mask = new Map<string, FieldPath>();
  for (const [, delta] of touched) addMask(mask, delta);
  // The prefetched shard, read with the documents, serves when its mask held every path needed.
  const covered = prefetched && [...mask.keys()].every((key) => prefetched.paths.has(key));
  const refs = touched.map(([shard]) => shards[shard] as DocumentReference);
  const snapshots =
    covered && touched.length === 1 && touched[0]?.[0] === prefetched.shard
      ? [prefetched.snapshot]
      : await tx.getAll(...refs, { fieldMask: [...mask.values()] });
  const off = new Set<string>();
  touched.forEach(([, delta], i) => {
    const cap = capOf(state.tracked, maxValues);
    for (const field of writeShard(tx, refs[i] as DocumentReference, snapshots[i], state, delta, cap)) off.add(field);
  });
  return [...off];
}

/** The mask paths a delta's entries need, by JSON of their segments. */
function addMask(paths: Map<string, FieldPath>, delta: StatsDelta): void {
  const add = (...path: string[]) => paths.set(JSON.stringify(path), new FieldPath(...path));
  add('gen');
  for (const field of [...delta.entries.keys(), ...delta.off]) {
    add('f', field, 'k');
    add('f', field, 'off');
    for (const key of delta.entries.get(field)?.keys() ?? []) add('f', field, 'v', key);
  }
}

function writeShard(
  tx: Transaction,
  ref: DocumentReference,
  snapshot: DocumentSnapshot | undefined,
  state: StatsState,
  delta: StatsDelta,
  cap: number,
): string[] {
  // Another generation's shard (before a truncate or a rebuild): empty for this one, replaced whole.
  const fresh = snapshot?.get('gen') !== state.gen;
  const at = (...path: string[]) => (fresh ? undefined : snapshot?.get(new FieldPath(...path)));
  const unsafe = new Set(delta.unsafe);
  const f: DocumentData = {};
  const off = fresh ? { off: true } : { off: true, k: 0, v: FieldValue.delete() };
  const turnedOff: string[] = [];
  for (const field of new Set([...delta.entries.keys(), ...delta.off])) {
    if (at('f', field, 'off') === true) continue;
    if (delta.off.has(field)) {
      f[field] = off;
      turnedOff.push(field);
      continue;
    }
    let k = toBigInt(at('f', field, 'k'));
    const v: DocumentData = {};
    for (const [key, change] of delta.entries.get(field) ?? []) {
      const raw = at('f', field, 'v', key);
      const next = readEntry(raw);
      next.c += change.c;
      for (const [m, s] of change.s) next.s.set(m, (next.s.get(m) ?? 0n) + s);
      for (const [m, n] of change.n) next.n.set(m, (next.n.get(m) ?? 0n) + n);
      if (next.c < 0n) {
        // More removed than counted: documents changed outside the adaptor. Never answered from again.
        k = BigInt(cap) + 1n;
        break;
      }
      if (next.c === 0n) {
        // A value no document of this shard holds any more: gone, so it is never answered as a distinct value.
        if (raw !== undefined) {
          v[key] = FieldValue.delete();
          k--;
        }
        continue;
      }
      if (raw === undefined) k++;
      for (const [m, s] of next.s) {
        // Past ±(2^53−1) a sum is not answered any more in this generation: keep it at 0 (never beyond int64).
        if (s > MAX_SAFE || s < -MAX_SAFE) {
          unsafe.add(m);
          next.s.set(m, 0n);
        }
      }
      v[key] = {
        c: stored(next.c),
        s: Object.fromEntries([...next.s].map(([m, s]) => [m, stored(s)])),
        n: Object.fromEntries([...next.n].map(([m, n]) => [m, stored(n)])),
      };
    }
    if (k > BigInt(cap)) {
      f[field] = off;
      turnedOff.push(field);
      continue;
    }
    // An empty map would replace the stored one under merge: only changed entries are written.
    f[field] = Object.keys(v).length > 0 ? { k: stored(k), v } : { k: stored(k) };
  }
  const data: DocumentData = { gen: state.gen };
  if (Object.keys(f).length > 0) data.f = f;
  if (unsafe.size > 0) data.u = Object.fromEntries([...unsafe].map((m) => [m, true]));
  if (fresh) tx.set(ref, data);
  else tx.set(ref, data, { merge: true });
  return turnedOff;
}
