/**
 * The cached schema snapshot shared by the Spanner and BigQuery storages:
 * reading the catalog costs a round trip (and, on BigQuery, API quota), so
 * one snapshot serves every request until a schema change is seen. The
 * engine reads its own catalog through the injected `load`; this class only
 * decides when to call it and which result to keep.
 *
 * A snapshot is dropped when (packages/core/SCALING.md):
 * - the schema version stored in the database (`version`) differs from the
 *   one read before the snapshot's catalog read: a change made through any
 *   instance, seen within `version.checkMs`;
 * - a collection or field it lacks is asked for: re-read before answering
 *   NOT_FOUND (throttled, shared by concurrent misses);
 * - this instance changed the schema (`invalidate`), or the engine reported a
 *   table missing;
 * - the TTL passed: the backstop for changes made outside the adaptor.
 *
 * When only the TTL has passed (the version is still current), callers are answered from the
 * snapshot while one catalog read replaces it in the background: that read (several queries on
 * Spanner; a listing and a tables.get per table served on BigQuery) must not stall the requests
 * that happen to arrive at each expiry. A change made by hand is then seen within the TTL plus
 * one read. The expired snapshot serves for one more TTL at most: past that (reads failing),
 * callers wait for a read again and meet its error. A TTL of 0 (read before every call) keeps
 * every read in the foreground.
 *
 * At a service's start (`warm`) the version and the catalog are read at once rather than one
 * after the other: the first request must not wait for two round trips in a row. The catalog
 * read may then predate a change whose bump the version read saw, so that snapshot is
 * *provisional*: it answers the callers whose version reading began before it was stored (the
 * start's own reading, trusted for `checkMs` as every reading is), and the first caller whose
 * reading began after it waits for an ordinary load (version first) that replaces it, agreeing
 * version or not: that reading cannot tell a catalog read before a change from one read after it.
 * So a change is seen within `checkMs`, as one made through another instance
 * (packages/core/SCALING.md). With `checkMs` 0 (every caller reads the version itself) nothing
 * may be served from a provisional snapshot, so `warm` is an ordinary load. Correctness over
 * availability: if that replacing load fails, its callers meet the error (the next caller tries
 * again), where an ordinary snapshot would have been served for another TTL.
 */
import { errors, MISS_REREAD_GAP_MS, RereadThrottle, SchemaVersionGate, type StoredCollection } from '@adaptors/core';
import type { CollectionSnapshot, CollectionView } from './snapshot.ts';

/** Where the schema version lives in the database; read at most once per `checkMs` by one instance. */
export interface SchemaVersionSource {
  read(): Promise<string | undefined>;
  readonly checkMs: number;
}

interface Entry<S> {
  readonly snapshot: S;
  /** The stored version read before this snapshot's catalog read (alongside it when provisional). */
  readonly version: string | undefined;
  /** performance.now() when the load began. */
  readonly startedAt: number;
  /**
   * Set for a `warm` load, whose catalog read may predate a change the version read saw:
   * performance.now() when it was stored. A version reading begun after that replaces it.
   */
  readonly provisional: { readonly storedAt: number } | undefined;
}

interface Loading<S> {
  readonly promise: Promise<Entry<S>>;
  /**
   * What its snapshot will be stamped with: the version read before it, or, for a provisional
   * load, the one read alongside it, set once that read answers (callers who saw that version
   * may share the load).
   */
  stamp: { readonly version: string | undefined } | undefined;
  readonly provisional: boolean;
  readonly startedAt: number;
  readonly generation: number;
}

/** One answered version read: when it began (performance.now()) and what it read. */
interface Reading {
  readonly startedAt: number;
  readonly version: string | undefined;
}

export class SchemaSnapshotCache<C extends CollectionView, S extends CollectionSnapshot<C>> {
  #entry: Entry<S> | undefined;
  #loading: Loading<S> | undefined;
  #rereading: { readonly startedAt: number; readonly promise: Promise<S> } | undefined;
  /** Bumped by `invalidate`: a load started before it must not be stored (it may predate a change). */
  #generation = 0;
  /** The latest-begun version read that answered: whether a provisional snapshot has been checked since. */
  #reading: Reading | undefined;
  /** Date.now() when the cached snapshot was last replaced or dropped (`refresh`'s `since`). */
  #replacedAt = Number.NEGATIVE_INFINITY;
  readonly #gate: SchemaVersionGate | undefined;
  readonly #throttle = new RereadThrottle(MISS_REREAD_GAP_MS);

  private readonly load: () => Promise<S>;
  private readonly ttlMs: number;
  /** How long a version reading is trusted (SchemaVersionSource.checkMs). */
  readonly #checkMs: number;

  constructor(load: () => Promise<S>, ttlMs: number, version?: SchemaVersionSource) {
    this.load = load;
    this.ttlMs = ttlMs;
    this.#checkMs = version?.checkMs ?? 0;
    this.#gate = version ? new SchemaVersionGate(() => this.#readVersion(version), version.checkMs) : undefined;
  }

  /** Forgets the cached schema; a load already in flight is not stored (it may predate a change). */
  invalidate(): void {
    this.#generation++;
    this.#entry = undefined;
    this.#replacedAt = Date.now();
    this.#loading = undefined;
    this.#rereading = undefined;
  }

  /** After this instance stored a new version itself (its own change): trusted without reading it back. */
  changed(version: string): void {
    this.invalidate();
    this.#gate?.remember(version);
  }

  /** Every gate read goes through here, so a provisional snapshot can tell a reading begun after it. */
  async #readVersion(source: SchemaVersionSource): Promise<string | undefined> {
    const startedAt = performance.now();
    const version = await source.read();
    if (!this.#reading || this.#reading.startedAt <= startedAt) this.#reading = { startedAt, version };
    return version;
  }

  /**
   * The start-time read (see above): the version and the catalog read at once, the snapshot
   * stamped with that version but provisional until the next check. Without a version source,
   * with `checkMs` 0, or once a snapshot is cached or being read, the same as `snapshot()`.
   */
  warm(): Promise<S> {
    const gate = this.#gate;
    if (!gate || this.#checkMs <= 0 || this.#entry || this.#loading) return this.snapshot();
    const generation = this.#generation;
    const startedAt = performance.now();
    const read = gate.check();
    const promise: Promise<Entry<S>> = Promise.all([read, this.load()])
      .then(([version, snapshot]) => {
        const entry: Entry<S> = { snapshot, version, startedAt, provisional: { storedAt: performance.now() } };
        this.#keep(entry, generation);
        return entry;
      })
      .finally(() => {
        if (this.#loading?.promise === promise) this.#loading = undefined;
      });
    const loading: Loading<S> = { promise, stamp: undefined, provisional: true, startedAt, generation };
    // Registered before any caller can await this read (they get it from the gate after this
    // call), so a caller who saw this version finds the stamp set and shares the load.
    read.then(
      (version) => {
        loading.stamp = { version };
      },
      () => {},
    );
    this.#loading = loading;
    return promise.then((entry) => entry.snapshot);
  }

  /**
   * The cached snapshot while its version is current and its TTL runs; past the TTL, the same
   * while a load replaces it (see above); otherwise one shared load.
   */
  async snapshot(): Promise<S> {
    const version = this.#gate ? await this.#gate.current() : undefined;
    const entry = this.#entry;
    if (entry && entry.version === version) {
      const age = Date.now() - entry.snapshot.loadedAt;
      // A provisional snapshot answers only callers whose version reading began before it was
      // stored: a reading begun after it agrees with a catalog read before a change as much as with
      // one read after it, so this caller waits for an ordinary load (version, then catalog), shared
      // by the callers meanwhile, which replaces the snapshot.
      const reading = this.#reading;
      if (entry.provisional !== undefined && reading !== undefined && reading.startedAt > entry.provisional.storedAt) {
        return (await this.#load(version, entry.startedAt, false)).snapshot;
      }
      if (age < this.ttlMs) return entry.snapshot;
      if (age < 2 * this.ttlMs) {
        // Joins the load in flight, if any. Its failure is met by a caller past the second TTL.
        this.#load(version, Number.NEGATIVE_INFINITY, false).catch(() => {});
        return entry.snapshot;
      }
    }
    // With nothing to answer from, a caller may share the provisional load that read this version.
    return (await this.#load(version, Number.NEGATIVE_INFINITY, true)).snapshot;
  }

  #load(version: string | undefined, notBefore: number, provisionalToo: boolean): Promise<Entry<S>> {
    const loading = this.#loading;
    if (
      loading?.stamp &&
      loading.stamp.version === version &&
      (provisionalToo || !loading.provisional) &&
      loading.startedAt >= notBefore &&
      loading.generation === this.#generation
    ) {
      return loading.promise;
    }
    const generation = this.#generation;
    const startedAt = performance.now();
    const promise: Promise<Entry<S>> = this.load()
      .then((snapshot) => {
        const entry: Entry<S> = { snapshot, version, startedAt, provisional: undefined };
        this.#keep(entry, generation);
        return entry;
      })
      .finally(() => {
        if (this.#loading?.promise === promise) this.#loading = undefined;
      });
    this.#loading = { promise, stamp: { version }, provisional: false, startedAt, generation };
    return promise;
  }

  /** Stores a load's entry unless the schema was invalidated since it began or a later-begun load's is kept. */
  #keep(entry: Entry<S>, generation: number): void {
    const kept = this.#entry;
    if (generation === this.#generation && (!kept || kept.startedAt <= entry.startedAt)) {
      this.#entry = entry;
      this.#replacedAt = Date.now();
    }
  }

  /**
   * A snapshot whose catalog read began after this call: what a miss needs
   * before it may answer NOT_FOUND. Concurrent misses share one read; such
   * reads start at most once per MISS_REREAD_GAP_MS (a storm of bad ids
   * cannot hammer the database).
   */
  async #reread(): Promise<S> {
    const calledAt = performance.now();
    const shared = () => {
      const r = this.#rereading;
      return r && r.startedAt >= calledAt ? r.promise : undefined;
    };
    const already = shared();
    if (already) return already;
    await this.#throttle.turn();
    const joined = shared();
    if (joined) return joined;
    const startedAt = performance.now();
    const promise = (async () => {
      // The version is read before the catalog, as for every load.
      const version = this.#gate ? await this.#gate.check() : undefined;
      return (await this.#load(version, startedAt, false)).snapshot;
    })();
    this.#rereading = { startedAt, promise };
    return promise;
  }

  /**
   * Re-reads on a miss; true when `id`'s definition changed (the core then retries the call once).
   * "Changed" compares with the cached snapshot, which a version check may have replaced after the
   * call that missed had read the one before: so when it was replaced after `since` (when that call
   * began), the answer is true without comparing (one more run of a call that failed anyway).
   */
  async refresh(id: string, since?: number): Promise<boolean> {
    const replacedDuringCall = since !== undefined && this.#replacedAt >= since;
    const before = (await (await this.snapshot()).collection(id))?.stored;
    const after = (await (await this.#reread()).collection(id))?.stored;
    return replacedDuringCall || JSON.stringify(before) !== JSON.stringify(after);
  }

  async list(): Promise<StoredCollection[]> {
    return [...(await (await this.snapshot()).all()).values()].map((c) => c.stored);
  }

  async get(id: string): Promise<StoredCollection | undefined> {
    return (await this.byId(id))?.stored;
  }

  /** The runtime view of a collection the core handed back; COLLECTION_NOT_FOUND if it is gone. */
  async resolve(stored: StoredCollection): Promise<C> {
    const snapshot = await this.snapshot();
    const found = snapshot.byStored.get(stored) ?? (await snapshot.collection(stored.id));
    if (found) return found;
    const fresh = await (await this.#reread()).collection(stored.id);
    if (!fresh) throw errors.collectionNotFound(stored.id);
    return fresh;
  }

  /** A collection by id; a miss re-reads the catalog first (it may have just been created elsewhere). */
  async byId(id: string): Promise<C | undefined> {
    return (await (await this.snapshot()).collection(id)) ?? (await (await this.#reread()).collection(id));
  }
}
