/**
 * The Cloud Spanner storage (packages/core/src/storage.ts): the schema store,
 * the googlesql read executor, the writer, references and indexes over one
 * `Database`. The client is created by the caller (main.ts, or a test on the
 * emulator), so this file never reads configuration.
 */
import {
  type AggregateSpec,
  type Collection,
  type DistinctSpec,
  errors,
  type Field,
  type Filter,
  type IndexDefinition,
  type Item,
  type QuerySpec,
  type ReferencedSpec,
  type ReferencePair,
  type Storage,
  type StorageCapabilities,
  type StoredCollection,
} from '@adaptors/core';
import { NumberColumns } from '@adaptors/googlesql';
import type { Database } from '@google-cloud/spanner';
import { spannerCapabilities } from './spanner-capabilities.ts';
import { callOptions, transactionOptions } from './spanner-deadline.ts';
import type { Statement } from './spanner-dml.ts';
import { isDatabaseNotFound, translateError } from './spanner-errors.ts';
import { Indexes } from './spanner-indexes.ts';
import { Reader, STREAM_RETRY_OFF } from './spanner-reads.ts';
import { References } from './spanner-references.ts';
import { SchemaStore } from './spanner-schema.ts';
import { Writer } from './spanner-writes.ts';

export interface SpannerStorageOptions {
  readonly database: Database;
  /** Releases the client (main.ts closes the `Spanner` object); called once by `close()`. */
  readonly close?: () => Promise<void> | void;
  /** No collection create/update/delete (capabilities report it). */
  readonly readOnlySchema?: boolean;
  /** How long a schema read is trusted without a change made here (other instances, manual DDL). */
  readonly schemaCacheSeconds?: number;
  /** NUMBER_COLUMNS: `table.column` INT64/NUMERIC columns shown as NUMBER (googlesql exact-numbers.ts). */
  readonly numberColumns?: readonly string[];
  /** How often the schema version row is read (changes made through other instances): packages/core/SCALING.md. */
  readonly schemaCheckMs?: number;
  /** `ready()` gives up after this long (default 5 s). */
  readonly readyTimeoutMs?: number;
  /**
   * Creates the database again when `ready()` finds it gone (SPANNER_EMULATOR_CREATE on an
   * emulator, which loses everything when it restarts: spanner-client.ts `databaseRecreator`).
   * Without it, readiness reports the missing database until someone creates it.
   */
  readonly recreateDatabase?: () => Promise<void>;
}

export function createSpannerStorage(options: SpannerStorageOptions): Storage {
  return new SpannerStorage(options);
}

/**
 * A readiness answer within a probe's patience: when Spanner is unreachable
 * the client keeps retrying session creation for minutes.
 */
const READY_TIMEOUT_MS = 5000;

/** SCHEMA_CHECK_MS's default (settings.ts). */
export const SCHEMA_CHECK_MS = 200;

class SpannerStorage implements Storage {
  readonly capabilities: StorageCapabilities;
  private readonly database: Database;
  private readonly schema: SchemaStore;
  private readonly reader: Reader;
  private readonly writer: Writer;
  private readonly references: References;
  private readonly indexes: Indexes;
  private closed = false;
  private recreating: Promise<void> | undefined;

  private readonly options: SpannerStorageOptions;

  constructor(options: SpannerStorageOptions) {
    this.options = options;
    this.database = options.database;
    this.capabilities = spannerCapabilities({ readOnlySchema: options.readOnlySchema ?? false });
    const invalidate = () => this.schema.invalidate();
    this.reader = new Reader(this.database, invalidate);
    this.schema = new SchemaStore(
      this.database,
      this.reader,
      { ttlMs: (options.schemaCacheSeconds ?? 30) * 1000, checkMs: options.schemaCheckMs ?? SCHEMA_CHECK_MS },
      (statement) => this.runDml(statement),
      new NumberColumns(options.numberColumns),
    );
    this.writer = new Writer({
      database: this.database,
      hasReferences: () => this.schema.hasReferencesTable(),
      onStaleSchema: invalidate,
    });
    this.references = new References(this.database, this.reader, (id) => this.schema.byId(id));
    this.indexes = new Indexes(this.database, this.schema);
  }

  listCollections() {
    return this.schema.list();
  }

  getCollection(id: string) {
    return this.schema.get(id);
  }

  refreshCollection(id: string) {
    return this.schema.refresh(id);
  }

  createCollection(collection: Collection) {
    return this.schema.create(collection);
  }

  updateCollection(collection: Collection) {
    return this.schema.update(collection);
  }

  deleteCollection(id: string) {
    return this.schema.delete(id);
  }

  async query(collection: StoredCollection, spec: QuerySpec) {
    return this.reader.query(await this.schema.resolve(collection), spec);
  }

  async count(collection: StoredCollection, filter: Filter) {
    return this.reader.count(await this.schema.resolve(collection), filter);
  }

  async aggregate(collection: StoredCollection, spec: AggregateSpec, options: { readonly countTotal: boolean }) {
    return this.reader.aggregate(await this.schema.resolve(collection), spec, options);
  }

  async distinct(collection: StoredCollection, spec: DistinctSpec, options: { readonly countTotal: boolean }) {
    return this.reader.distinct(await this.schema.resolve(collection), spec, options);
  }

  async insert(collection: StoredCollection, items: readonly Item[], options: { readonly overwrite: boolean }) {
    return this.writer.insert(await this.schema.resolve(collection), items, options.overwrite);
  }

  async update(collection: StoredCollection, items: readonly Item[]) {
    return this.writer.update(await this.schema.resolve(collection), items);
  }

  async remove(collection: StoredCollection, itemIds: readonly string[]) {
    return this.writer.remove(await this.schema.resolve(collection), itemIds);
  }

  async truncate(collection: StoredCollection) {
    return this.writer.truncate(await this.schema.resolve(collection));
  }

  async queryReferenced(collection: StoredCollection, spec: ReferencedSpec, options: { readonly countTotal: boolean }) {
    return this.references.query(await this.schema.resolve(collection), spec, options);
  }

  async insertReferences(collection: StoredCollection, field: Field, references: readonly ReferencePair[]) {
    return this.references.insert(await this.schema.resolve(collection), field, references);
  }

  async removeReferences(collection: StoredCollection, field: Field, references: readonly ReferencePair[]) {
    return this.references.remove(await this.schema.resolve(collection), field, references);
  }

  async listIndexes(collection: StoredCollection) {
    return this.indexes.list(await this.schema.resolve(collection));
  }

  async createIndex(collection: StoredCollection, index: IndexDefinition) {
    return this.indexes.create(await this.schema.resolve(collection), index);
  }

  async removeIndex(collection: StoredCollection, indexName: string) {
    return this.indexes.remove(await this.schema.resolve(collection), indexName);
  }

  async ready(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(errors.unavailable('Cloud Spanner')),
        this.options.readyTimeoutMs ?? READY_TIMEOUT_MS,
      );
    });
    const probe = this.probe();
    // After a timeout the client keeps retrying; its eventual rejection (e.g.
    // "client has already been closed" on shutdown) must not go unhandled.
    probe.catch(() => {});
    try {
      await Promise.race([probe, timeout]);
    } catch (error) {
      // The database may change while it is out of reach (restored, recreated):
      // read the schema afresh once it answers again.
      this.schema.invalidate();
      throw translateError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `SELECT 1`; when the database is gone and `recreateDatabase` allows, it is created and asked again. */
  private async probe(): Promise<void> {
    const select = () => this.database.run({ sql: 'SELECT 1', gaxOptions: callOptions(STREAM_RETRY_OFF) });
    try {
      await select();
    } catch (error) {
      if (!this.options.recreateDatabase || !isDatabaseNotFound(error)) throw error;
      // One creation at a time, whatever the number of probes waiting on it.
      this.recreating ??= this.options.recreateDatabase().finally(() => {
        this.recreating = undefined;
      });
      await this.recreating;
      this.schema.invalidate();
      await select();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.database.close();
    } catch (error) {
      // The pool is closed either way; a call abandoned at its deadline
      // (packages/core/src/deadline.ts) may still hold a session it reports as leaked.
      if ((error as { name?: unknown }).name !== 'SessionLeakError') throw error;
    }
    await this.options.close?.();
  }

  private async runDml(statement: Statement): Promise<void> {
    try {
      await this.database.runTransactionAsync(transactionOptions(), async (tx) => {
        await tx.runUpdate({ ...statement, gaxOptions: callOptions() });
        await tx.commit({ gaxOptions: callOptions() });
      });
    } catch (error) {
      throw translateError(error);
    }
  }
}
