/**
 * The BigQuery storage (packages/core/src/storage.ts): the schema store, the
 * googlesql read executor, the DML writer and references over one `BigQuery`
 * client and dataset. The client is created by the caller (main.ts, or a test
 * on the emulator), so this file never reads configuration.
 */
import {
  type AggregateSpec,
  type Collection,
  type DistinctSpec,
  errors,
  type Field,
  type Filter,
  type Item,
  type QuerySpec,
  type ReferencedSpec,
  type ReferencePair,
  SpiError,
  type Storage,
  type StorageCapabilities,
  type StoredCollection,
} from '@adaptors/core';
import { NumberColumns } from '@adaptors/googlesql';
import type { BigQuery } from '@google-cloud/bigquery';
import { bigqueryCapabilities } from './bigquery-capabilities.ts';
import { isDatasetNotFound, isDuplicate, translateError } from './bigquery-errors.ts';
import { Executor } from './bigquery-executor.ts';
import { Reader } from './bigquery-reads.ts';
import { References } from './bigquery-references.ts';
import type { RetryPolicy } from './bigquery-retry.ts';
import { SchemaStore } from './bigquery-schema.ts';
import { Writer } from './bigquery-writes.ts';

export interface BigQueryStorageOptions {
  readonly bq: BigQuery;
  /** Project of the dataset; undefined = the client's project. */
  readonly projectId?: string;
  readonly datasetId: string;
  readonly location?: string;
  /** Releases the client; called once by `close()`. */
  readonly close?: () => Promise<void> | void;
  /** No collection create/update/delete (capabilities report it). */
  readonly readOnlySchema?: boolean;
  /** How long a schema read is trusted without a change made here (other instances, manual DDL). */
  readonly schemaCacheSeconds?: number;
  /** NUMBER_COLUMNS: `table.column` INT64/NUMERIC columns shown as NUMBER (googlesql exact-numbers.ts). */
  readonly numberColumns?: readonly string[];
  /** How often the dataset's schema version label is read (changes made through other instances): packages/core/SCALING.md. */
  readonly schemaCheckMs?: number;
  /** Cap on bytes billed per statement (BIGQUERY_MAXIMUM_BYTES_BILLED). */
  readonly maximumBytesBilled?: number;
  /**
   * Backoff for DML concurrency, rate-limit and transient errors (statements
   * and schema reads). Production: DEFAULT_RETRY (6 tries, 200 ms doubling,
   * capped at 5 s, full jitter); tests pass a 1 ms base so they never wait.
   */
  readonly retry?: Partial<RetryPolicy>;
  /** `ready()` gives up after this long (default 5 s). */
  readonly readyTimeoutMs?: number;
  /**
   * Create the dataset again when it is found missing (BIGQUERY_CREATE_DATASET,
   * local development: the emulator keeps its data in memory, so a restarted
   * emulator has no dataset). Off: a missing dataset makes the service not ready.
   */
  readonly createDataset?: boolean;
  /** Observes every statement sent (tests count statements per call). */
  readonly onStatement?: (sql: string) => void;
}

export function createBigQueryStorage(options: BigQueryStorageOptions): Storage {
  return new BigQueryStorage(options);
}

/** A readiness answer within a probe's patience. */
const READY_TIMEOUT_MS = 5000;

class BigQueryStorage implements Storage {
  readonly capabilities: StorageCapabilities;
  private readonly options: BigQueryStorageOptions;
  private readonly executor: Executor;
  private readonly schema: SchemaStore;
  private readonly reader: Reader;
  private readonly writer: Writer;
  private readonly references: References;
  private closed = false;

  constructor(options: BigQueryStorageOptions) {
    this.options = options;
    this.capabilities = bigqueryCapabilities({ readOnlySchema: options.readOnlySchema ?? false });
    this.executor = new Executor({
      bq: options.bq,
      projectId: options.projectId,
      datasetId: options.datasetId,
      location: options.location,
      ...(options.maximumBytesBilled ? { maximumBytesBilled: options.maximumBytesBilled } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
      ...(options.onStatement ? { onStatement: options.onStatement } : {}),
      onStaleSchema: () => this.schema.invalidate(),
      onMissingDataset: () => this.datasetMissing(),
    });
    this.schema = new SchemaStore({
      bq: options.bq,
      datasetId: options.datasetId,
      executor: this.executor,
      ttlMs: (options.schemaCacheSeconds ?? 30) * 1000,
      numberColumns: new NumberColumns(options.numberColumns),
      checkMs: options.schemaCheckMs ?? 1000,
      ...(options.retry ? { retry: options.retry } : {}),
    });
    this.reader = new Reader(this.executor);
    this.writer = new Writer({ executor: this.executor, hasReferences: () => this.schema.hasReferencesTable() });
    this.references = new References(this.executor, this.reader, (id) => this.schema.byId(id));
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

  /**
   * Ready = the dataset exists (datasets.get) and a query runs (a cheap
   * `SELECT 1`, no bytes billed: proves the jobs API, the credentials and the
   * job permission). `SELECT 1` alone passes without the dataset, which left
   * a service whose dataset was gone (a restarted in-memory emulator)
   * answering 503 to every call while it reported ready.
   */
  async ready(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(errors.unavailable('BigQuery')), this.options.readyTimeoutMs ?? READY_TIMEOUT_MS);
    });
    const probe = (async () => {
      await this.ensureDataset();
      await this.executor.run({ sql: 'SELECT 1', params: {}, types: {} });
    })();
    probe.catch(() => {});
    try {
      await Promise.race([probe, timeout]);
    } catch (error) {
      // The dataset may change while it is out of reach: read the schema afresh once it answers.
      this.schema.invalidate();
      throw translateError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The dataset exists, or is created again when `createDataset` allows; otherwise an SpiError saying so. */
  private async ensureDataset(): Promise<void> {
    const dataset = this.options.bq.dataset(this.options.datasetId, {
      ...(this.options.projectId ? { projectId: this.options.projectId } : {}),
    });
    try {
      await dataset.getMetadata();
      return;
    } catch (error) {
      if (!isDatasetNotFound(error)) throw error;
    }
    if (!this.options.createDataset) {
      throw new SpiError(
        'SERVICE_UNAVAILABLE',
        `The BigQuery dataset '${this.options.datasetId}' does not exist: create it, or fix BIGQUERY_PROJECT / BIGQUERY_DATASET.`,
      );
    }
    try {
      await dataset.create(this.options.location ? { location: this.options.location } : {});
    } catch (error) {
      // Another instance (or call) created it first.
      if (!isDuplicate(error)) throw error;
    }
    this.schema.invalidate();
  }

  /** A statement found the dataset gone: forget its schema, and create it again when allowed. */
  private datasetMissing(): void {
    this.schema.invalidate();
    if (this.options.createDataset) this.ensureDataset().catch(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.options.close?.();
  }
}
