/**
 * One catalog read's collections, as the schema cache (schema-cache.ts) keeps them: built
 * whole from the read (Spanner: its INFORMATION_SCHEMA queries give every table at once), or
 * from the list of table names, each table's definition read on first use (BigQuery: one
 * `tables.get` per table, so a dataset of a thousand tables — a GA4 export keeps a table per
 * day — would cost a thousand calls before any answer, and again at every reload).
 */
import type { StoredCollection } from '@adaptors/core';

/** A collection's runtime view: whatever the engine keeps, plus the StoredCollection the core sees. */
export interface CollectionView {
  readonly stored: StoredCollection;
}

export interface CollectionSnapshot<C extends CollectionView> {
  /** The collection `id`; undefined when this read has no such table. */
  collection(id: string): C | undefined | Promise<C | undefined>;
  /** Every collection, by id (in the catalog's order). */
  all(): ReadonlyMap<string, C> | Promise<ReadonlyMap<string, C>>;
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
  return { ...extra, collection: (id) => collections.get(id), all: () => collections, byStored, loadedAt: Date.now() };
}

export interface LazySnapshotOptions<C extends CollectionView> {
  /** The catalog's table names, in its order: nothing outside them is read. */
  readonly names: readonly string[];
  /** Reads one table's collection; undefined when it is gone or is not a collection. */
  readonly read: (name: string) => Promise<C | undefined>;
  /** How many tables `all()` and `readAhead` read at a time. */
  readonly parallel: number;
  /** Told of each collection asked for by id (not of `all()`): what a reload may read ahead. */
  readonly onUse?: (name: string) => void;
  /**
   * A table whose read fails with such an error is left out of `all()` rather than failing it
   * (one table the adaptor may not read must not hide every other collection). Nothing is kept:
   * a call on that collection reads it again and meets the error.
   */
  readonly leaveOutOfListing?: (error: unknown) => boolean;
}

/** A snapshot whose tables are read on first use, and which can be told to read some ahead. */
export interface LazyCollectionSnapshot<C extends CollectionView> extends CollectionSnapshot<C> {
  /** The catalog's table names (internal tables too): which tables exist, none of them read. */
  readonly names: ReadonlySet<string>;
  /**
   * Reads those of `names` the listing holds and no call has read yet, `parallel` at a time. A
   * table that fails to read is left unread (the call that needs it reads it and meets the error).
   */
  readAhead(names: Iterable<string>): Promise<void>;
}

/**
 * A snapshot that knows the table names and reads each table's definition on first use, once
 * (concurrent callers share the read; a failed read is not kept, so the next caller tries again).
 */
export function lazyCollectionSnapshot<C extends CollectionView, E extends object>(
  options: LazySnapshotOptions<C>,
  extra: E,
): LazyCollectionSnapshot<C> & E {
  const names = new Set(options.names);
  const read = new Map<string, C | undefined>();
  const reading = new Map<string, Promise<C | undefined>>();
  const byStored = new WeakMap<StoredCollection, C>();
  const keep = (name: string, collection: C | undefined) => {
    read.set(name, collection);
    if (collection) byStored.set(collection.stored, collection);
    return collection;
  };
  const load = (name: string): C | undefined | Promise<C | undefined> => {
    if (!names.has(name)) return undefined;
    if (read.has(name)) return read.get(name);
    let pending = reading.get(name);
    if (!pending) {
      pending = options.read(name).then(
        (collection) => {
          reading.delete(name);
          return keep(name, collection);
        },
        (error: unknown) => {
          reading.delete(name);
          throw error;
        },
      );
      reading.set(name, pending);
    }
    return pending;
  };

  const collection = (id: string) => {
    if (names.has(id)) options.onUse?.(id);
    return load(id);
  };

  /** Reads the listed, unread ones of `wanted`, `parallel` at a time; a read failing with an error `spare` accepts is left out. */
  const readEach = async (wanted: Iterable<string>, spare: (error: unknown) => boolean): Promise<void> => {
    const missing = [...wanted].filter((name) => names.has(name) && !read.has(name));
    for (let i = 0; i < missing.length; i += options.parallel) {
      await Promise.all(
        missing.slice(i, i + options.parallel).map(async (name) => {
          try {
            await load(name);
          } catch (error) {
            if (!spare(error)) throw error;
          }
        }),
      );
    }
  };

  // Reading ahead only saves a later call a round trip: a failure leaves the table to that call.
  const readAhead = (wanted: Iterable<string>) => readEach(wanted, () => true);

  const all = async (): Promise<ReadonlyMap<string, C>> => {
    await readEach(options.names, (error) => options.leaveOutOfListing?.(error) ?? false);
    const out = new Map<string, C>();
    for (const name of options.names) {
      const found = read.get(name);
      if (found) out.set(name, found);
    }
    return out;
  };

  return { ...extra, names, collection, all, readAhead, byStored, loadedAt: Date.now() };
}
