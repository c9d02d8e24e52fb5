/**
 * The schema side every SQL engine shares: the snapshot cache
 * (schema-cache.ts) and the contract's collection reads over it. An engine's
 * schema store extends this class with how it reads its catalog and schema
 * version, and its DDL (create, update, delete).
 */
import type { Collection, StoredCollection } from '@adaptors/core';
import type { SchemaIntrospector, SqlCollection } from './engine.ts';
import { REFERENCES_TABLE } from './references.ts';
import { SchemaSnapshotCache } from './schema-cache.ts';
import type { CollectionSnapshot } from './snapshot.ts';

export abstract class CachedSchema<C extends SqlCollection, S extends CollectionSnapshot<C>>
  implements SchemaIntrospector<C>
{
  readonly #cache: SchemaSnapshotCache<C, S>;

  constructor(cache: { readonly ttlMs: number; readonly checkMs: number }) {
    this.#cache = new SchemaSnapshotCache(() => this.load(), cache.ttlMs, {
      read: () => this.readVersion(),
      checkMs: cache.checkMs,
    });
  }

  /** One read of the engine's catalog. */
  protected abstract load(): Promise<S>;
  /** The schema version stored in the database (packages/core/SCALING.md); undefined when there is none yet. */
  protected abstract readVersion(): Promise<string | undefined>;
  /** Whether the catalog of `snapshot` holds the table `name`. */
  protected abstract hasTable(snapshot: S, name: string): boolean;

  abstract create(collection: Collection): Promise<StoredCollection>;
  abstract update(collection: Collection): Promise<StoredCollection>;
  abstract delete(id: string): Promise<void>;

  /** After this instance stored a new schema version itself: trusted without reading it back. */
  protected changed(version: string): void {
    this.#cache.changed(version);
  }

  /** A miss re-read (packages/core/SCALING.md); true when the collection's definition changed. */
  refresh(id: string, since?: number): Promise<boolean> {
    return this.#cache.refresh(id, since);
  }

  /** Forgets the cached schema; a load already in flight is not stored (it may predate a change). */
  invalidate(): void {
    this.#cache.invalidate();
  }

  snapshot(): Promise<S> {
    return this.#cache.snapshot();
  }

  /**
   * The first schema read at a service's start: the version and the catalog read at once (one
   * round trip's wait, not two), the snapshot provisional until the next version check, which
   * replaces it in the background (schema-cache.ts `warm`; packages/core/SCALING.md).
   */
  protected warmSnapshot(): Promise<S> {
    return this.#cache.warm();
  }

  list(): Promise<StoredCollection[]> {
    return this.#cache.list();
  }

  get(id: string): Promise<StoredCollection | undefined> {
    return this.#cache.get(id);
  }

  /** The runtime view of a collection the core handed back; COLLECTION_NOT_FOUND if it is gone. */
  resolve(stored: StoredCollection): Promise<C> {
    return this.#cache.resolve(stored);
  }

  byId(id: string): Promise<C | undefined> {
    return this.#cache.byId(id);
  }

  async hasReferencesTable(): Promise<boolean> {
    return this.hasTable(await this.snapshot(), REFERENCES_TABLE);
  }
}
