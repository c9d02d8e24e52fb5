/**
 * Runs statements on BigQuery and nothing else (it builds no SQL). Every
 * statement is one jobs.query call (`POST /queries`) sent by rest.ts (the
 * client's auth client, endpoint, project, user agent and error model),
 * answered from that one response: short queries need no job creation
 * (`jobCreationMode: JOB_CREATION_OPTIONAL`), and BigQuery waits for the
 * result up to `timeoutMs`. jobs.getQueryResults follows only if BigQuery
 * cut the rows. Rows are read raw (`f`/`v`) and decoded from the response
 * schema (values.ts). Retryable errors (DML concurrency, rate limits) are
 * retried with exponential backoff and jitter (retry.ts).
 *
 * Why not the client's `query()`: for the same single request it copies the
 * whole answer twice more (its paginator deep-copies the options carrying
 * the cached rows and response) and builds a `Job` object per statement —
 * most of the client's CPU per 50-item query (DEPLOY.md, "Runtime").
 */
import { type Field, type Item, releaseRows, remainingMs, type Value } from '@adaptors/core';
import type { CompiledQuery } from '@adaptors/googlesql';
import type { StatementRunner } from '@adaptors/sql-storage';
import type { BigQueryClient } from './client.ts';
import { isDatasetNotFound, isRetryable, isTableNotFound, missingColumn, translateError } from './errors.ts';
import { type QueryParameter, queryParameter } from './params.ts';
import { type RestCall, restCall } from './rest.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import { clientParams, itemDecoder, type ResultField, rowDecoder, type Statement } from './values.ts';

export interface RunnerOptions {
  readonly bq: BigQueryClient;
  readonly projectId: string | undefined;
  readonly datasetId: string;
  readonly location: string | undefined;
  /** Cap on bytes billed per read (BIGQUERY_MAXIMUM_BYTES_BILLED). */
  readonly maximumBytesBilled?: number;
  /**
   * Rows per response page (`maxResults`). Unset in production: BigQuery then answers as many
   * rows as fit ~10 MB and pages only past that; tests set it small to walk the page path.
   */
  readonly pageRows?: number;
  readonly retry?: Partial<RetryPolicy>;
  /** Called when BigQuery says a table is gone: the cached schema is stale. */
  readonly onStaleSchema: () => void;
  /**
   * Called when BigQuery says a statement named a column the table no longer has (errors.ts
   * `missingColumn`): the call is refreshed and retried by the core (schema.ts `columnMissed`).
   */
  readonly onMissingColumn?: () => void;
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

/** A statement's answer before its rows are decoded: the raw rows (`{ f: [{ v }] }`) and their schema. */
interface RawResult {
  readonly raw: unknown[];
  readonly schema: readonly ResultField[] | undefined;
  readonly affected: number | undefined;
}

function decoded({ raw, schema, affected }: RawResult, statement: Statement): QueryResult {
  const rows = schema ? raw.map(rowDecoder(schema, statement.names)) : [];
  // The response body stays referenced by the call's promises: not its rows (core release.ts).
  releaseRows(raw);
  return { rows, affected };
}

/** The jobs.query / jobs.getQueryResults answer, as far as it is read here. */
interface QueryResponse {
  jobComplete?: boolean;
  jobReference?: { jobId?: string; location?: string };
  schema?: { fields?: ResultField[] };
  rows?: unknown[];
  pageToken?: string;
  numDmlAffectedRows?: string;
}

/** The jobs.query request body (REST reference, "Method: jobs.query"), as far as it is sent. */
interface JobsQueryRequest {
  query: string;
  useLegacySql: false;
  defaultDataset: { datasetId: string; projectId?: string };
  location?: string;
  parameterMode?: 'NAMED';
  queryParameters?: QueryParameter[];
  maximumBytesBilled?: string;
  maxResults?: number;
  jobCreationMode: 'JOB_CREATION_OPTIONAL';
  formatOptions: { useInt64Timestamp: true };
  timeoutMs: number;
  /** int64 as a string, as the REST reference types it. */
  jobTimeoutMs: string;
}

/** The least job timeout sent: a call near its deadline still gives BigQuery a usable limit. */
const MIN_JOB_TIMEOUT_MS = 1000;

export class BigQueryRunner implements StatementRunner {
  private readonly options: RunnerOptions;

  constructor(options: RunnerOptions) {
    this.options = options;
  }

  get bq(): BigQueryClient {
    return this.options.bq;
  }

  /** A compiled query's rows (sql-storage engine.ts `StatementRunner`), decoded per alias. */
  async rows(query: CompiledQuery, collectionId?: string): Promise<Map<string, Value>[]> {
    const names = new Map((query.columns ?? []).map((c) => [c.alias, c.key]));
    return (await this.run({ sql: query.sql, ...clientParams(query.params, query.types), names }, collectionId)).rows;
  }

  /** Items of a compiled item query (sql-storage `StatementRunner.items`), decoded straight from the cells. */
  async items(query: CompiledQuery, collectionId: string, fields: ReadonlyMap<string, Field>): Promise<Item[]> {
    const statement = { sql: query.sql, ...clientParams(query.params, query.types) };
    const { raw, schema } = await this.translated(statement, collectionId);
    const items = schema ? raw.map(itemDecoder(schema, query, fields)) : [];
    releaseRows(raw);
    return items;
  }

  async execute(statement: CompiledQuery, collectionId?: string): Promise<void> {
    await this.run({ sql: statement.sql, ...clientParams(statement.params, statement.types) }, collectionId);
  }

  /** Runs one statement (with retries); errors are SPI errors or sanitized Errors. */
  async run(statement: Statement, collectionId?: string): Promise<QueryResult> {
    return decoded(await this.translated(statement, collectionId), statement);
  }

  /** Like `run` but leaves the BigQuery error untranslated (callers that map errors per item). */
  async runRaw(statement: Statement): Promise<QueryResult> {
    return decoded(await this.retried(statement), statement);
  }

  /** One statement with retries, its errors translated (SPI errors or sanitized Errors). */
  private async translated(statement: Statement, collectionId: string | undefined): Promise<RawResult> {
    try {
      return await this.retried(statement);
    } catch (error) {
      throw translateError(error, collectionId);
    }
  }

  /** One statement with retries; a table or dataset BigQuery says is gone is noticed. Errors untranslated. */
  private async retried(statement: Statement): Promise<RawResult> {
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
    else if (missingColumn(error) !== undefined) this.options.onMissingColumn?.();
  }

  private async once(statement: Statement): Promise<RawResult> {
    this.options.onStatement?.(statement.sql);
    const request = this.queryRequest(statement);
    const first = await this.call({ method: 'POST', uri: '/queries', json: request });
    // Past the wait the call allowed (timeoutMs, the call's time left): the query's outcome is unknown.
    // The adaptor gives up on it, so BigQuery is asked to stop it (jobs.cancel) rather than run it on,
    // billed, until its job timeout (jobTimeoutMs below).
    if (!first.jobComplete) {
      this.cancel(first.jobReference);
      throw new Error(`The query did not complete before ${request.timeoutMs}ms`);
    }
    const rows: unknown[] = first.rows ?? [];
    let schema = first.schema?.fields;
    // BigQuery cut the rows (~10 MB per response): jobs.getQueryResults pages on with the token.
    for (let page = first; page.pageToken; ) {
      const job = first.jobReference;
      if (!job?.jobId) throw new Error('BigQuery answered a page token without a job to page through');
      page = await this.call({
        method: 'GET',
        uri: `/queries/${job.jobId}`,
        qs: {
          pageToken: page.pageToken,
          ...(job.location ? { location: job.location } : {}),
          'formatOptions.useInt64Timestamp': true,
          ...(this.options.pageRows ? { maxResults: this.options.pageRows } : {}),
        },
      });
      for (const row of page.rows ?? []) rows.push(row);
      schema ??= page.schema?.fields;
    }
    const affected = first.numDmlAffectedRows;
    return { raw: rows, schema, affected: affected === undefined ? undefined : Number(affected) };
  }

  /** The jobs.query request body (REST reference, "Method: jobs.query"), parameters encoded by params.ts. */
  private queryRequest(statement: Statement): JobsQueryRequest {
    const { projectId, datasetId, location, maximumBytesBilled, pageRows } = this.options;
    const queryParameters: QueryParameter[] = [];
    for (const name of Object.keys(statement.params)) {
      queryParameters.push(queryParameter(name, statement.types[name], statement.params[name]));
    }
    return {
      query: statement.sql,
      useLegacySql: false,
      defaultDataset: { datasetId, ...(projectId ? { projectId } : {}) },
      ...(location ? { location } : {}),
      ...(queryParameters.length > 0 ? { parameterMode: 'NAMED', queryParameters } : {}),
      ...(maximumBytesBilled ? { maximumBytesBilled: String(maximumBytesBilled) } : {}),
      ...(pageRows ? { maxResults: pageRows } : {}),
      // Short queries are answered without creating a job ("short query optimized mode"): client.ts.
      jobCreationMode: 'JOB_CREATION_OPTIONAL',
      // TIMESTAMP cells as int64 microseconds (values.ts decodes them).
      formatOptions: { useInt64Timestamp: true },
      // How long BigQuery may hold jobs.query waiting for the result: the call's time left
      // (packages/core/src/deadline.ts). The HTTP request itself is not cut (rest.ts sets no
      // timeout): the core answers at the deadline regardless (DEADLINE_EXCEEDED; a write's
      // outcome unknown).
      timeoutMs: remainingMs(),
      // How long BigQuery may run the query at all (QueryRequest `jobTimeoutMs`; it applies whether
      // or not a job is created): the same time left, so a query the adaptor gave up on at its
      // deadline is stopped by BigQuery instead of running on, and billed, up to its 6-hour limit.
      jobTimeoutMs: String(Math.max(MIN_JOB_TIMEOUT_MS, remainingMs())),
    };
  }

  /** Best effort: asks BigQuery to stop a job the adaptor gave up on (jobs.cancel); never throws. */
  private cancel(job: QueryResponse['jobReference']): void {
    if (!job?.jobId) return;
    this.call({
      method: 'POST',
      uri: `/jobs/${encodeURIComponent(job.jobId)}/cancel`,
      ...(job.location ? { qs: { location: job.location } } : {}),
    }).catch(() => {});
  }

  /** One REST call (rest.ts). */
  private call(reqOpts: RestCall) {
    return restCall<QueryResponse>(this.options.bq, reqOpts);
  }
}
