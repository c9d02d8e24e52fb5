/**
 * The seam between the one SQL storage (storage.ts) and an engine: what an
 * engine must provide, and nothing more. Spanner and BigQuery implement it in
 * their services (runner.ts, schema.ts, writes.ts, references.ts, errors.ts);
 * docs/design.md "Adding a SQL engine" lists what a new engine would write.
 */
import type {
  Collection,
  Field,
  IndexDefinition,
  IndexInfo,
  Item,
  ItemResult,
  ReferencePair,
  ReferenceResult,
  StorageCapabilities,
  StoredCollection,
  Value,
} from '@adaptors/core';
import type { ColumnInfo, CompiledQuery, GoogleSqlCompiler, TableInfo } from '@adaptors/googlesql';
import type { CollectionView } from './snapshot.ts';

/** A collection as every SQL engine runs it; an engine's own view adds what it needs. */
export interface SqlCollection extends CollectionView {
  /** For the compiler: field key → column (keys without a column are always missing). */
  readonly table: TableInfo;
  readonly fields: ReadonlyMap<string, Field>;
  /** Columns an item write fills, with their field. */
  readonly writeColumns: readonly { readonly key: string; readonly column: ColumnInfo; readonly field: Field }[];
}

/** Runs compiled statements. Errors come out translated (errors.ts of the engine), naming `collectionId`. */
export interface StatementRunner {
  /** The rows of a query, each as alias → value. */
  rows(query: CompiledQuery, collectionId?: string): Promise<Map<string, Value>[]>;
  /** Items of a compiled item query; an engine may decode its client's cells directly (faster). */
  items?(query: CompiledQuery, collectionId: string, fields: ReadonlyMap<string, Field>): Promise<Item[]>;
  /** A statement that answers no rows (DML). */
  execute(statement: CompiledQuery, collectionId?: string): Promise<void>;
}

/** The engine's catalog: introspection behind the schema snapshot cache, and DDL. */
export interface SchemaIntrospector<C extends SqlCollection> {
  list(): Promise<StoredCollection[]>;
  get(id: string): Promise<StoredCollection | undefined>;
  /** A miss re-read; `since`: when the call that missed began (Storage.refreshCollection). */
  refresh(id: string, since?: number): Promise<boolean>;
  /** The runtime view of a collection the core handed back; COLLECTION_NOT_FOUND if it is gone. */
  resolve(stored: StoredCollection): Promise<C>;
  byId(id: string): Promise<C | undefined>;
  invalidate(): void;
  hasReferencesTable(): Promise<boolean>;
  create(collection: Collection): Promise<StoredCollection>;
  update(collection: Collection): Promise<StoredCollection>;
  delete(id: string): Promise<void>;
}

/** Item writes within the engine's batch limits (writes.ts has the shared bookkeeping). */
export interface ItemWriter<C extends SqlCollection> {
  insert(c: C, items: readonly Item[], overwrite: boolean): Promise<ItemResult[]>;
  update(c: C, items: readonly Item[]): Promise<ItemResult[]>;
  remove(c: C, itemIds: readonly string[]): Promise<ItemResult[]>;
  truncate(c: C): Promise<void>;
}

/** Writes of MULTI_REFERENCE pairs (references.ts has the shared answers and statements). */
export interface ReferenceWriter<C extends SqlCollection> {
  /** `target` is the referenced collection (undefined when it does not exist). */
  insert(c: C, field: Field, references: readonly ReferencePair[], target: C | undefined): Promise<ReferenceResult[]>;
  remove(c: C, field: Field, references: readonly ReferencePair[]): Promise<ReferenceResult[]>;
}

export interface IndexManager<C extends SqlCollection> {
  list(c: C): Promise<IndexInfo[]>;
  create(c: C, index: IndexDefinition): Promise<IndexInfo>;
  remove(c: C, name: string): Promise<void>;
}

/** Database errors → the SPI catalogue: the engine's one error boundary. */
export interface ErrorTranslator {
  /** Any error of the engine's client → SpiError, or the error itself when it is a bug. */
  translate(error: unknown, collectionId?: string): unknown;
}

export interface SqlEngine<C extends SqlCollection> {
  readonly capabilities: StorageCapabilities;
  readonly compiler: GoogleSqlCompiler;
  readonly runner: StatementRunner;
  readonly schema: SchemaIntrospector<C>;
  readonly writer: ItemWriter<C>;
  readonly references: ReferenceWriter<C>;
  readonly indexes?: IndexManager<C>;
  readonly errors: ErrorTranslator;
  /**
   * Proves the database answers and exists (readiness). Runs under the
   * readiness deadline the core sets (packages/core/src/server/readiness.ts),
   * which the engine's calls honour: no timer of its own.
   */
  ping(): Promise<void>;
  /** Releases the client; called once. */
  close(): Promise<void>;
}
