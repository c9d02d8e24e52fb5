/**
 * The write side of the group statistics (stats.ts; README.md "Group
 * statistics"): the hook every write transaction to a strict collection runs
 * (writes.ts, transactions.ts, backfill.ts), which counts the documents it
 * writes and subtracts those it replaces or deletes, then reads the entries it
 * changes from their shards and writes their new totals — in the same
 * transaction as the documents.
 */
import { randomInt } from 'node:crypto';
import {
  type DocumentData,
  type DocumentReference,
  type DocumentSnapshot,
  FieldPath,
  FieldValue,
  type Firestore,
  type Transaction,
} from '@google-cloud/firestore';
import { FORMAT_KEY, withFormatEntries } from './format.ts';
import {
  capOf,
  MAX_SAFE,
  parseState,
  readEntry,
  SHARD_KEY,
  STAMP_KEY,
  STATS_SHARDS,
  StatsDelta,
  type StatsState,
  type StatsStore,
  stored,
  toBigInt,
} from './stats.ts';

/** What the writes of one storage instance share (per process). */
interface WriteState {
  /** Shards held by its transactions between their shard read and their commit. */
  readonly locks: ShardLocks;
  /** The last state seen per collection, what a prefetch guesses the entries to read from. */
  readonly seen: Map<string, StatsState>;
  /**
   * The fields this process has marked off (or is marking), by collection and generation. The
   * first bulk write of a field unique per document passes the cap in every one of its parallel
   * transactions: one state write, not one each — each would wait on the others' reads of the
   * state (every write transaction reads it), which on the emulator means lock timeouts of seconds.
   */
  readonly marking: Set<string>;
}

const writeStates = new WeakMap<StatsStore, WriteState>();

function writeStateOf(store: StatsStore): WriteState {
  let state = writeStates.get(store);
  if (!state) {
    state = { locks: new ShardLocks(), seen: new Map(), marking: new Set() };
    writeStates.set(store, state);
  }
  return state;
}

/** The hook every write to a strict collection runs inside its transactions (writes.ts, transactions.ts). */
export function statsHook(store: StatsStore, collectionId: string): WriteHook {
  const { locks: held, seen: states, marking } = writeStateOf(store);
  return {
    reads: [store.stateRef(collectionId)],
    prefetch: async (datas) => {
      const shard = randomInt(STATS_SHARDS);
      const release = await held.acquire([`${collectionId}/${shard}`]);
      const guess = states.get(collectionId);
      const paths = new Map<string, FieldPath>();
      for (const path of ['_createdDate', '_updatedDate', 'gen', 'tracked', 'built', 'off']) {
        paths.set(JSON.stringify([path]), new FieldPath(path));
      }
      if (guess) {
        const delta = new StatsDelta(guess);
        for (const data of datas) delta.add(data, 1n);
        addMask(paths, delta);
      }
      return { shard, ref: store.shardRefs(collectionId)[shard] as DocumentReference, paths, release };
    },
    begin: (tx, [stateSnapshot], onLocked, prefetched) => {
      const state = parseState(stateSnapshot);
      if (!state) return UNTRACKED;
      states.set(collectionId, state);
      const stateRef = store.stateRef(collectionId);
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
          onLocked(await held.acquire(unlocked.map((shard) => `${collectionId}/${shard}`)));
          turnedOff = await applyDeltas(tx, store.shardRefs(collectionId), state, deltas, store.maxValues, prefetched);
        },
        // Past the cap in one shard: every later write of the generation stops grouping by it (the state is
        // read by every write transaction), instead of each shard reaching the cap on its own. After the
        // commit, in a transaction of its own: the shard's own mark already keeps it from being answered, and
        // a write of the state inside a write transaction would wait on every other writer's read of it.
        after: async () => {
          const key = (field: string) => JSON.stringify([collectionId, state.gen, field]);
          const off = turnedOff.filter((field) => !marking.has(key(field)));
          if (off.length === 0) return;
          for (const field of off) marking.add(key(field));
          // Later prefetches of this process leave the field out of their guess at once.
          states.set(collectionId, { ...state, off: [...new Set([...state.off, ...off])] });
          await store.db.runTransaction(async (t) => {
            const [now] = await t.getAll(stateRef);
            if (parseState(now)?.gen === state.gen) t.update(stateRef, { off: FieldValue.arrayUnion(...off) });
          });
        },
      };
    },
  };
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
  return withFormatEntries(data, { [STAMP_KEY]: gen, [SHARD_KEY]: shard });
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
