/**
 * The Cloud Spanner storage: the one SQL storage (@adaptors/sql-storage) over
 * Spanner's seam — its runner (runner.ts), schema (schema.ts), writer
 * (writes.ts), references (references.ts), indexes (indexes.ts) and error
 * boundary (errors.ts) on one `Database`. The client is created by the
 * caller (main.ts, or a test on the emulator), so this file never reads
 * configuration.
 */
import type { Storage } from '@adaptors/core';
import { NumberColumns, spanner } from '@adaptors/googlesql';
import { createSqlStorage, SqlReader } from '@adaptors/sql-storage';
import type { Database } from '@google-cloud/spanner';
import { spannerCapabilities } from './capabilities.ts';
import { tolerateDoubleRelease } from './client-guards.ts';
import { isDatabaseNotFound, translateError } from './errors.ts';
import { Indexes } from './indexes.ts';
import { References } from './references.ts';
import { SpannerRunner } from './runner.ts';
import { SchemaStore } from './schema.ts';
import { querySessions } from './single-use.ts';
import { Writer } from './writes.ts';

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
  /**
   * Creates the database again when the readiness ping finds it gone (SPANNER_EMULATOR_CREATE on
   * an emulator, which loses everything when it restarts: client.ts `databaseRecreator`).
   * Without it, readiness reports the missing database until someone creates it.
   */
  readonly recreateDatabase?: () => Promise<void>;
  /**
   * Errors the client reports as 'error' events on the Database (its session pool's background
   * work: deleting or pinging sessions). main.ts logs them (open-storage.ts).
   */
  readonly onClientError?: (error: unknown) => void;
}

/** SCHEMA_CHECK_MS's default (settings.ts). */
export const SCHEMA_CHECK_MS = 200;

export function createSpannerStorage(options: SpannerStorageOptions): Storage {
  const { database } = options;
  tolerateDoubleRelease(database);
  // An 'error' event nobody listens to is thrown by the emitter, inside the pool's async work:
  // an unhandled rejection whoever built the storage (a test, a tool), so there is always a listener.
  database.on('error', (error: unknown) => options.onClientError?.(error));
  const runner = new SpannerRunner(database, (error, collectionId) => schema.noticeStale(error, collectionId));
  const schema: SchemaStore = new SchemaStore(
    database,
    runner,
    new SqlReader(spanner, runner),
    { ttlMs: (options.schemaCacheSeconds ?? 30) * 1000, checkMs: options.schemaCheckMs ?? SCHEMA_CHECK_MS },
    new NumberColumns(options.numberColumns),
  );
  return createSqlStorage({
    capabilities: spannerCapabilities({ readOnlySchema: options.readOnlySchema ?? false }),
    compiler: spanner,
    runner,
    schema,
    writer: new Writer(
      database,
      () => schema.hasReferencesTable(),
      (error, collectionId) => schema.noticeStale(error, collectionId),
    ),
    references: new References(database),
    indexes: new Indexes(database, schema),
    errors: { translate: translateError },
    ping: options.recreateDatabase
      ? recreatingPing(runner, options.recreateDatabase, () => schema.invalidate())
      : () => runner.ping(),
    close: async () => {
      // Sessions kept between queries go back to the pool first, or the pool reads them as leaked.
      querySessions(database).drain();
      try {
        await database.close();
      } catch (error) {
        // The pool is closed either way; a call abandoned at its deadline
        // (packages/core/src/deadline.ts) may still hold a session it reports as leaked.
        if ((error as { name?: unknown }).name !== 'SessionLeakError') throw error;
      }
      await options.close?.();
    },
  });
}

/**
 * The readiness ping; when the database is gone, it is created again (one creation at a time,
 * whatever the number of pings waiting on it), the schema forgotten, and the ping asked again.
 */
function recreatingPing(runner: SpannerRunner, recreate: () => Promise<void>, forget: () => void): () => Promise<void> {
  let recreating: Promise<void> | undefined;
  return async () => {
    try {
      await runner.ping();
    } catch (error) {
      if (!isDatabaseNotFound(error)) throw error;
      recreating ??= recreate().finally(() => {
        recreating = undefined;
      });
      await recreating;
      forget();
      await runner.ping();
    }
  };
}
