/**
 * Runs statements on BigQuery and nothing else (it builds no SQL). Every
 * statement is one `jobs.query` call — the client's `query()` sends it to
 * `POST /queries` and answers from that one response when BigQuery says
 * `jobComplete` (short queries need no job creation when the client's
 * `defaultJobCreationMode` is JOB_CREATION_OPTIONAL) — then pages with
 * `getQueryResults` only if BigQuery cut the rows or the query ran past the
 * request's wait. Rows are read raw and decoded from the response schema
 * (values.ts). Retryable errors (DML concurrency, rate limits) are
 * retried with exponential backoff and jitter (retry.ts).
 */
import { remainingMs, type Value } from '@adaptors/core';
import type { CompiledQuery } from '@adaptors/googlesql';
import type { StatementRunner } from '@adaptors/sql-storage';
import type { BigQuery, Job, QueryOptions, Query as QueryRequest } from '@google-cloud/bigquery';
import { isDatasetNotFound, isRetryable, isTableNotFound, translateError } from './errors.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import { clientParams, decodeRow, type ResultField, type Statement } from './values.ts';

export interface RunnerOptions {
  readonly bq: BigQuery;
  readonly projectId: string | undefined;
  readonly datasetId: string;
  readonly location: string | undefined;
  /** Cap on bytes billed per read (BIGQUERY_MAXIMUM_BYTES_BILLED). */
  readonly maximumBytesBilled?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Called when BigQuery says a table is gone: the cached schema is stale. */
  readonly onStaleSchema: () => void;
  /** Called when BigQuery says the dataset is gone (storage.ts may create it again). */
  readonly onMissingDataset?: () => void;
  /** Observes every statement sent (tests count round trips; logs could use it). */
  readonly onStatement?: (sql: string) => void;
}

export interface QueryResult {
  readonly rows: Map<string, Value>[];
  /** DML only: rows inserted, updated or deleted. */
  readonly affected: number | undefined;
}

interface QueryResponse {
  schema?: { fields?: ResultField[] };
  numDmlAffectedRows?: string;
  jobComplete?: boolean;
}

type Page = [unknown[], (QueryOptions & { job?: Job }) | null | undefined, QueryResponse | undefined];

export class BigQueryRunner implements StatementRunner {
  private readonly options: RunnerOptions;

  constructor(options: RunnerOptions) {
    this.options = options;
  }

  get bq(): BigQuery {
    return this.options.bq;
  }

  /** A compiled query's rows (sql-storage engine.ts `StatementRunner`), decoded per alias. */
  async rows(query: CompiledQuery, collectionId?: string): Promise<Map<string, Value>[]> {
    const names = new Map((query.columns ?? []).map((c) => [c.alias, c.key]));
    return (await this.run({ sql: query.sql, ...clientParams(query.params, query.types), names }, collectionId)).rows;
  }

  async execute(statement: CompiledQuery, collectionId?: string): Promise<void> {
    await this.run({ sql: statement.sql, ...clientParams(statement.params, statement.types) }, collectionId);
  }

  /** Runs one statement (with retries); errors are SPI errors or sanitized Errors. */
  async run(statement: Statement, collectionId?: string): Promise<QueryResult> {
    try {
      return await withRetry(() => this.once(statement), isRetryable, this.options.retry);
    } catch (error) {
      this.noticeGone(error);
      throw translateError(error, collectionId);
    }
  }

  /** Like `run` but leaves the BigQuery error untranslated (callers that map errors per item). */
  async runRaw(statement: Statement): Promise<QueryResult> {
    try {
      return await withRetry(() => this.once(statement), isRetryable, this.options.retry);
    } catch (error) {
      this.noticeGone(error);
      throw error;
    }
  }

  private noticeGone(error: unknown): void {
    if (isTableNotFound(error)) this.options.onStaleSchema();
    else if (isDatasetNotFound(error)) this.options.onMissingDataset?.();
  }

  private async once(statement: Statement): Promise<QueryResult> {
    this.options.onStatement?.(statement.sql);
    const { projectId, datasetId, location, maximumBytesBilled } = this.options;
    const hasParams = Object.keys(statement.params).length > 0;
    const request: QueryRequest = {
      query: statement.sql,
      useLegacySql: false,
      defaultDataset: { datasetId, ...(projectId ? { projectId } : {}) },
      ...(location ? { location } : {}),
      ...(hasParams ? { params: statement.params, types: statement.types as QueryRequest['types'] } : {}),
      ...(maximumBytesBilled ? { maximumBytesBilled: String(maximumBytesBilled) } : {}),
      // Raw f/v rows: decoded here from the schema (values.ts).
      skipParsing: true,
    };
    // timeoutMs: how long BigQuery may hold jobs.query waiting for the result:
    // the call's time left (packages/core/src/deadline.ts). The HTTP request
    // itself cannot be cut by the client: its `timeout` option reaches
    // node-fetch 3 through teeny-request 11 and is ignored there, and no
    // AbortSignal is passed on. The core answers at the deadline regardless
    // (DEADLINE_EXCEEDED; a write's outcome unknown).
    const first = (await this.options.bq.query(request, {
      autoPaginate: false,
      timeoutMs: remainingMs(),
    })) as unknown as Page;
    let [rawRows, next, response] = first;
    const fields = response?.schema?.fields;
    const rows: unknown[] = [...(rawRows ?? [])];
    let schema = fields;
    // More pages, or a query still running after the request's wait: follow the job.
    while (next?.job) {
      const page = (await next.job.getQueryResults({ ...next, autoPaginate: false })) as unknown as Page;
      [rawRows, next, response] = page;
      rows.push(...(rawRows ?? []));
      schema ??= response?.schema?.fields;
    }
    const affected = response?.numDmlAffectedRows ?? first[2]?.numDmlAffectedRows;
    return {
      rows: schema ? rows.map((row) => decodeRow(schema, row, statement.names)) : [],
      affected: affected === undefined ? undefined : Number(affected),
    };
  }
}
