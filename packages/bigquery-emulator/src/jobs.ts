/**
 * Query jobs: every query (jobs.query or jobs.insert) runs to completion at
 * once and is kept, so jobs.get and jobs.getQueryResults can page through it
 * (`maxResults`, `pageToken`, `startIndex`) as BigQuery does.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_LOCATION } from './catalog.ts';
import { type EncodeOptions, encodeRow, type Row } from './encode.ts';
import { type BigQueryError, badRequest, duplicate, notFound } from './errors.ts';
import type { QueryResult } from './execute.ts';
import { fieldJson } from './schema.ts';

export interface JobRecord {
  readonly projectId: string;
  readonly jobId: string;
  readonly location: string;
  readonly configuration: Record<string, unknown>;
  readonly creationTime: number;
  readonly endTime: number;
  readonly result: QueryResult | undefined;
  readonly error: BigQueryError | undefined;
}

/** Jobs kept per emulator; the oldest are forgotten first (results hold rows in memory). */
const MAX_JOBS = 2000;

export class JobStore {
  readonly #jobs = new Map<string, JobRecord>();

  #key(projectId: string, jobId: string): string {
    return `${projectId}\u0000${jobId}`;
  }

  newJobId(): string {
    return `job_${randomUUID().replaceAll('-', '')}`;
  }

  has(projectId: string, jobId: string): boolean {
    return this.#jobs.has(this.#key(projectId, jobId));
  }

  add(job: JobRecord): void {
    const key = this.#key(job.projectId, job.jobId);
    if (this.#jobs.has(key)) throw duplicate(`Already Exists: Job ${job.projectId}:${job.location}.${job.jobId}`);
    this.#jobs.set(key, job);
    while (this.#jobs.size > MAX_JOBS) {
      const oldest = this.#jobs.keys().next().value;
      if (oldest === undefined) break;
      this.#jobs.delete(oldest);
    }
  }

  get(projectId: string, jobId: string): JobRecord {
    const job = this.#jobs.get(this.#key(projectId, jobId));
    if (!job) throw notFound(`Not found: Job ${projectId}:${DEFAULT_LOCATION}.${jobId}`);
    return job;
  }

  list(projectId: string): JobRecord[] {
    return [...this.#jobs.values()].filter((j) => j.projectId === projectId);
  }

  delete(projectId: string, jobId: string): void {
    this.get(projectId, jobId);
    this.#jobs.delete(this.#key(projectId, jobId));
  }
}

export function jobReference(job: JobRecord): Record<string, string> {
  return { projectId: job.projectId, jobId: job.jobId, location: job.location };
}

function queryStatistics(r: QueryResult | undefined): Record<string, unknown> {
  if (!r) return { totalBytesProcessed: '0', totalBytesBilled: '0', cacheHit: false };
  return {
    statementType: r.statementType,
    totalBytesProcessed: '0',
    totalBytesBilled: '0',
    cacheHit: false,
    ...(r.schema ? { schema: { fields: r.schema.map(fieldJson) } } : {}),
    ...(r.numDmlAffectedRows !== undefined ? { numDmlAffectedRows: String(r.numDmlAffectedRows) } : {}),
    ...(r.dmlStats ? { dmlStats: r.dmlStats } : {}),
    ...(r.ddl ? { ddlOperationPerformed: r.ddl.operation } : {}),
    ...(r.ddl?.target ? { ddlTargetTable: { projectId: '', ...r.ddl.target } } : {}),
  };
}

/** The Job resource (jobs.get, jobs.insert). */
export function jobResource(job: JobRecord): Record<string, unknown> {
  const status: Record<string, unknown> = { state: 'DONE' };
  if (job.error) {
    status.errorResult = job.error.item();
    status.errors = [job.error.item()];
  }
  return {
    kind: 'bigquery#job',
    etag: `"${job.jobId}"`,
    id: `${job.projectId}:${job.location}.${job.jobId}`,
    selfLink: `/bigquery/v2/projects/${job.projectId}/jobs/${job.jobId}?location=${job.location}`,
    user_email: 'emulator@localhost',
    jobReference: jobReference(job),
    configuration: job.configuration,
    status,
    statistics: {
      creationTime: String(job.creationTime),
      startTime: String(job.creationTime),
      endTime: String(job.endTime),
      totalBytesProcessed: '0',
      ...(job.result && job.result.childStatements > 0 ? { numChildJobs: String(job.result.childStatements) } : {}),
      query: queryStatistics(job.result),
    },
  };
}

export interface PageRequest {
  readonly maxResults: number | undefined;
  readonly pageToken: string | undefined;
  readonly startIndex: number | undefined;
  readonly encode: EncodeOptions;
}

/** Page tokens are opaque to clients; here they carry the next row index. */
function offsetOfToken(token: string): number {
  const m = /^row:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw badRequest(`Invalid page token ${token}`);
  return Number(m[1]);
}

function tokenOf(offset: number): string {
  return Buffer.from(`row:${offset}`, 'utf8').toString('base64url');
}

/**
 * The result part of jobs.query / jobs.getQueryResults: schema, one page of
 * rows, totalRows, pageToken when more rows remain, and DML counts.
 */
export function resultPage(job: JobRecord, page: PageRequest): Record<string, unknown> {
  const r = job.result;
  const out: Record<string, unknown> = {
    jobReference: jobReference(job),
    jobComplete: true,
    cacheHit: false,
    totalBytesProcessed: '0',
  };
  if (!r) return out;
  if (r.numDmlAffectedRows !== undefined) out.numDmlAffectedRows = String(r.numDmlAffectedRows);
  if (r.dmlStats) out.dmlStats = r.dmlStats;
  if (!r.schema) return out;
  const schema = r.schema;
  out.schema = { fields: schema.map(fieldJson) };
  out.totalRows = String(r.rows.length);
  const start = page.pageToken !== undefined ? offsetOfToken(page.pageToken) : (page.startIndex ?? 0);
  const size = page.maxResults !== undefined && page.maxResults > 0 ? page.maxResults : r.rows.length;
  const slice = r.rows.slice(start, start + size);
  const rows: Row[] = slice.map((row) => encodeRow(row, schema, page.encode));
  if (rows.length > 0) out.rows = rows;
  if (start + size < r.rows.length) out.pageToken = tokenOf(start + size);
  return out;
}
