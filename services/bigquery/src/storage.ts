/**
 * The BigQuery storage: the one SQL storage (@adaptors/sql-storage) over
 * BigQuery's seam — its runner (runner.ts), schema (schema.ts), writer
 * (writes.ts), references (references.ts) and error boundary (errors.ts) on
 * one `BigQuery` client and dataset. The client is created by the caller
 * (main.ts, or a test on the emulator), so this file never reads configuration.
 */
import { errors, type Logger, type Storage } from '@adaptors/core';
import { bigquery, NumberColumns } from '@adaptors/googlesql';
import { createSqlStorage } from '@adaptors/sql-storage';
import { bigqueryCapabilities } from './capabilities.ts';
import { readDataset } from './catalog.ts';
import { type BigQueryClient, createDatasetIfMissing } from './client.ts';
import { isDatasetNotFound, translateError } from './errors.ts';
import { References } from './references.ts';
import type { RetryPolicy } from './retry.ts';
import { BigQueryRunner } from './runner.ts';
import { SchemaStore } from './schema.ts';
import { Writer } from './writes.ts';

export interface BigQueryStorageOptions {
  /** BigQuery's REST API and the official client for control-plane calls (client.ts). */
  readonly bq: BigQueryClient;
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
  /**
   * Create the dataset again when it is found missing (BIGQUERY_CREATE_DATASET,
   * local development: the emulator keeps its data in memory, so a restarted
   * emulator has no dataset). Off: a missing dataset makes the service not ready.
   */
  readonly createDataset?: boolean;
  /** Observes every statement sent (tests count statements per call). */
  readonly onStatement?: (sql: string) => void;
  /**
   * Read the schema now, before the first call (main.ts: while the server starts), instead of
   * on the first call: SchemaStore.warm. A failure is left to the first call to meet and report.
   */
  readonly warm?: boolean;
  /** The service's logger: a schema-change label that cannot be written is reported there (schema.ts). */
  readonly logger?: Logger;
}

export function createBigQueryStorage(options: BigQueryStorageOptions): Storage {
  const runner = new BigQueryRunner({
    bq: options.bq,
    projectId: options.projectId,
    datasetId: options.datasetId,
    location: options.location,
    ...(options.maximumBytesBilled ? { maximumBytesBilled: options.maximumBytesBilled } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onStatement ? { onStatement: options.onStatement } : {}),
    onStaleSchema: () => schema.invalidate(),
    onMissingColumn: () => schema.columnMissed(),
    // A statement found the dataset gone: forget its schema, and create it again when allowed.
    onMissingDataset: () => {
      schema.invalidate();
      if (options.createDataset) ensureDataset().catch(() => {});
    },
  });
  const schema: SchemaStore = new SchemaStore({
    bq: options.bq,
    datasetId: options.datasetId,
    executor: runner,
    ttlMs: (options.schemaCacheSeconds ?? 30) * 1000,
    numberColumns: new NumberColumns(options.numberColumns),
    checkMs: options.schemaCheckMs ?? 1000,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });

  /** The dataset exists, or is created again when `createDataset` allows; otherwise an SpiError saying so. */
  const ensureDataset = async (): Promise<void> => {
    if (options.createDataset) {
      // Created unless another instance (or call) did meanwhile; a new one has no tables yet.
      if (await createDatasetIfMissing(options.bq, options.datasetId, options.location)) schema.invalidate();
      return;
    }
    // Read as the version check reads it (catalog.ts, through rest.ts).
    try {
      await readDataset(options.bq, options.datasetId);
    } catch (error) {
      if (!isDatasetNotFound(error)) throw error;
      // Readiness gives this reason to anyone (packages/core/src/server/readiness.ts): what is
      // missing and which settings name it, not the dataset's id (the log line has it).
      throw errors.databaseMissing('The BigQuery dataset', 'create it, or fix BIGQUERY_PROJECT / BIGQUERY_DATASET');
    }
  };

  if (options.warm) schema.warm().catch(() => {});

  return createSqlStorage({
    capabilities: bigqueryCapabilities({ readOnlySchema: options.readOnlySchema ?? false }),
    compiler: bigquery,
    runner,
    schema,
    writer: new Writer(runner, () => schema.hasReferencesTable()),
    references: new References(runner),
    errors: { translate: translateError },
    /**
     * Ready = the dataset exists (datasets.get) and a query runs (a cheap
     * `SELECT 1`, no bytes billed: proves the jobs API, the credentials and the
     * job permission). `SELECT 1` alone passes without the dataset, which left
     * a service whose dataset was gone (a restarted in-memory emulator)
     * answering 503 to every call while it reported ready.
     */
    ping: async () => {
      await ensureDataset();
      await runner.run({ sql: 'SELECT 1', params: {}, types: {} });
    },
    close: async () => {
      await options.close?.();
    },
  });
}
