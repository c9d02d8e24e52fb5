/**
 * The cached schema snapshot shared by the Spanner and BigQuery storages:
 * reading the catalog costs a round trip (and, on BigQuery, API quota), so
 * one snapshot serves every request until its TTL passes or a schema change
 * invalidates it. The engine reads its own catalog through the injected
 * `load`; this class only decides when to call it and which result to keep.
 */
import { errors, type StoredCollection } from '@adaptors/core';

/** A collection's runtime view: whatever the engine keeps, plus the StoredCollection the core sees. */
export interface CollectionView {
  readonly stored: StoredCollection;
}

export interface CollectionSnapshot<C extends CollectionView> {
  readonly collections: ReadonlyMap<string, C>;
  /** The core hands back the StoredCollection it was given: found by identity first, without a lookup by id. */
  readonly byStored: WeakMap<StoredCollection, C>;
  readonly loadedAt: number;
}

/** A snapshot of `collections` (plus the engine's own catalog data in `extra`), stamped now. */
export function collectionSnapshot<C extends CollectionView, E extends object>(
  collections: ReadonlyMap<string, C>,
  extra: E,
): CollectionSnapshot<C> & E {
  const byStored = new WeakMap<StoredCollection, C>();
  for (const c of collections.values()) byStored.set(c.stored, c);
  return { ...extra, collections, byStored, loadedAt: Date.now() };
}

export class SchemaSnapshotCache<C extends CollectionView, S extends CollectionSnapshot<C>> {
  #snapshot: S | undefined;
  #loading: Promise<S> | undefined;
  /** Bumped by `invalidate`: a load started before it must not be stored (it may predate a change). */
  #generation = 0;

  private readonly load: () => Promise<S>;
  private readonly ttlMs: number;

  constructor(load: () => Promise<S>, ttlMs: number) {
    this.load = load;
    this.ttlMs = ttlMs;
  }

  /** Forgets the cached schema; a load already in flight is not stored (it may predate a change). */
  invalidate(): void {
    this.#generation++;
    this.#snapshot = undefined;
    this.#loading = undefined;
  }

  /** The cached snapshot while fresh; otherwise one load shared by every concurrent caller. */
  async snapshot(): Promise<S> {
    const current = this.#snapshot;
    if (current && Date.now() - current.loadedAt < this.ttlMs) return current;
    if (!this.#loading) {
      const generation = this.#generation;
      const loading: Promise<S> = this.load()
        .then((snapshot) => {
          if (generation === this.#generation) this.#snapshot = snapshot;
          return snapshot;
        })
        .finally(() => {
          if (this.#loading === loading) this.#loading = undefined;
        });
      this.#loading = loading;
    }
    return this.#loading;
  }

  async list(): Promise<StoredCollection[]> {
    return [...(await this.snapshot()).collections.values()].map((c) => c.stored);
  }

  async get(id: string): Promise<StoredCollection | undefined> {
    return (await this.snapshot()).collections.get(id)?.stored;
  }

  /** The runtime view of a collection the core handed back; COLLECTION_NOT_FOUND if it is gone. */
  async resolve(stored: StoredCollection): Promise<C> {
    const snapshot = await this.snapshot();
    const found = snapshot.byStored.get(stored) ?? snapshot.collections.get(stored.id);
    if (!found) throw errors.collectionNotFound(stored.id);
    return found;
  }

  async byId(id: string): Promise<C | undefined> {
    return (await this.snapshot()).collections.get(id);
  }
}
