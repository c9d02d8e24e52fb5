/**
 * Opt-in fault injection: a test registers "fail the next N requests of this
 * kind with this BigQuery error" on the emulator-only admin route
 * (routes/emulator.ts, `/emulator/v1/faults`, outside the `/bigquery/v2` API)
 * and the emulator answers those requests exactly as BigQuery answers that
 * error, so a caller's retry and translation logic runs against the real
 * client on the real wire format. Nothing is injected unless asked for.
 *
 * Every fault counts the requests it matched (`matched`) and the ones it
 * failed (`injected`), so a test can assert how many attempts a caller made.
 *
 * The bodies below are BigQuery's, from its documentation and from bodies
 * reported verbatim by users of the real service:
 *
 * - rateLimitExceeded — 403, reason `rateLimitExceeded`, status PERMISSION_DENIED: "Exceeded rate
 *   limits: too many table dml insert operations for this table. For more information, see
 *   https://cloud.google.com/bigquery/docs/troubleshoot-quotas". Troubleshoot quota and limit errors
 *   (quota errors are 403; `rateLimitExceeded` is a short-term limit: "retry the operation after few
 *   seconds. Use exponential backoff"); the body as googleapis/java-bigquery#2372 shows it.
 * - concurrentUpdate — 400, reason `invalidQuery`, location "q" (locationType "parameter"): "Could not
 *   serialize access to table P:D.T due to concurrent update" (confluentinc/kafka-connect-bigquery#279,
 *   m-lab/etl-gardener#272). Conflicting mutating DML statements (DML docs "UPDATE, DELETE, MERGE
 *   DML concurrency").
 * - dmlOutstanding — 400, reason `resourcesExceeded`: "Resources exceeded during query execution: Too
 *   many DML statements outstanding against table P:D.T, limit is 20" (m-lab/etl-gardener#293,
 *   googleapis/nodejs-bigquery#843; Quotas "DML statements": 20 queued mutating statements per table).
 * - backendError — 503, reason `backendError`, status UNAVAILABLE: "Error encountered during
 *   execution. Retrying may solve the problem." (Error messages: backendError 500/503, "retry";
 *   body as unum-io/tyda#86 and googleapis/google-cloud-node#2687 show it).
 * - internalError — 500, reason `internalError`, status INTERNAL (Error messages: internalError 500,
 *   retry with backoff as the BigQuery SLA describes).
 * - quotaExceeded — 403, reason `quotaExceeded`: a longer-term quota (Troubleshoot quota errors:
 *   "wait or request more quota"; retrying soon does not help).
 * - accessDenied — 403, reason `accessDenied` (Error messages: "accessing a resource you don't have
 *   access to"): table data permission for DML / streaming, `bigquery.jobs.create` for other queries.
 *
 * In the job path (jobs.insert) a fault fails the job, not the request: the job is DONE with the
 * error as `status.errorResult` and `status.errors` (how BigQuery reports a failed query job), and
 * jobs.getQueryResults of it answers the error's HTTP status and body.
 */
import { BigQueryError, badRequest, type ErrorDetails, type ErrorReason } from './errors.ts';

/** Which requests a fault applies to. */
export const FAULT_MATCHES = ['DML', 'query', 'insertAll'] as const;
export type FaultMatch = (typeof FAULT_MATCHES)[number];

export const FAULT_ERRORS = [
  'rateLimitExceeded',
  'concurrentUpdate',
  'dmlOutstanding',
  'backendError',
  'internalError',
  'quotaExceeded',
  'accessDenied',
] as const;
export type FaultError = (typeof FAULT_ERRORS)[number];

export interface FaultSpec {
  /**
   * `DML`: a query request (jobs.query or jobs.insert) whose SQL holds an INSERT, UPDATE, DELETE,
   * MERGE or TRUNCATE TABLE statement; `query`: any query request; `insertAll`: tabledata.insertAll.
   */
  readonly match: FaultMatch;
  /** How many matching requests fail (then the fault is spent but keeps counting). */
  readonly times: number;
  readonly error: FaultError;
  /** Only requests on this dataset (the DML target, the query's defaultDataset, or the insertAll path). */
  readonly datasetId?: string;
  /** Only requests in this project (the request path's project). */
  readonly projectId?: string;
}

export interface FaultRecord extends FaultSpec {
  readonly id: string;
  /** Requests that fit `match` and the scope since the fault was added. */
  matched: number;
  /** Requests failed by this fault (at most `times`). */
  injected: number;
}

/** What the route knows about a request when it asks whether to fail it. */
export interface FaultRequest {
  readonly kind: 'query' | 'insertAll';
  readonly projectId: string;
  readonly datasetId: string | undefined;
  /** Query requests: whether any statement is DML, and the first DML statement's target table. */
  readonly dml: { readonly projectId: string; readonly datasetId: string; readonly tableId: string } | undefined;
  /** insertAll: the table written. */
  readonly tableId?: string;
}

const MAX_TIMES = 1_000_000;

/** Validates an admin request body into a spec (400 naming the problem otherwise). */
export function parseFaultSpec(body: unknown): FaultSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('A fault is a JSON object');
  const o = body as Record<string, unknown>;
  if (!FAULT_MATCHES.includes(o.match as FaultMatch))
    throw badRequest(`fault.match must be one of ${FAULT_MATCHES.join(', ')}`);
  if (!FAULT_ERRORS.includes(o.error as FaultError))
    throw badRequest(`fault.error must be one of ${FAULT_ERRORS.join(', ')}`);
  const times = o.times ?? 1;
  if (typeof times !== 'number' || !Number.isSafeInteger(times) || times < 1 || times > MAX_TIMES)
    throw badRequest(`fault.times must be a whole number from 1 to ${MAX_TIMES}`);
  for (const k of ['datasetId', 'projectId'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'string') throw badRequest(`fault.${k} must be a string`);
  }
  return {
    match: o.match as FaultMatch,
    times,
    error: o.error as FaultError,
    ...(typeof o.datasetId === 'string' ? { datasetId: o.datasetId } : {}),
    ...(typeof o.projectId === 'string' ? { projectId: o.projectId } : {}),
  };
}

function fits(fault: FaultSpec, req: FaultRequest): boolean {
  if (fault.projectId !== undefined && fault.projectId !== req.projectId) return false;
  if (fault.datasetId !== undefined && fault.datasetId !== (req.dml?.datasetId ?? req.datasetId)) return false;
  switch (fault.match) {
    case 'insertAll':
      return req.kind === 'insertAll';
    case 'query':
      return req.kind === 'query';
    case 'DML':
      return req.kind === 'query' && req.dml !== undefined;
  }
}

interface Shape {
  readonly code: number;
  readonly reason: ErrorReason;
  readonly message: string;
  readonly location?: string;
  readonly details: ErrorDetails;
}

/** BigQuery's body for `error` on this request (see the header for the sources). */
function shapeOf(error: FaultError, req: FaultRequest): Shape {
  const project = req.dml?.projectId ?? req.projectId;
  const dataset = req.dml?.datasetId ?? req.datasetId ?? '';
  const table = req.dml?.tableId ?? req.tableId;
  const tableName = `${project}:${dataset}.${table ?? ''}`;
  switch (error) {
    case 'rateLimitExceeded':
      return {
        code: 403,
        reason: 'rateLimitExceeded',
        message:
          'Exceeded rate limits: too many table dml insert operations for this table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
        details: { status: 'PERMISSION_DENIED' },
      };
    case 'concurrentUpdate':
      return {
        code: 400,
        reason: 'invalidQuery',
        message: `Could not serialize access to table ${tableName} due to concurrent update`,
        location: 'q',
        details: { locationType: 'parameter' },
      };
    case 'dmlOutstanding':
      return {
        code: 400,
        reason: 'resourcesExceeded',
        message: `Resources exceeded during query execution: Too many DML statements outstanding against table ${tableName}, limit is 20`,
        details: {},
      };
    case 'backendError':
      return {
        code: 503,
        reason: 'backendError',
        message: 'Error encountered during execution. Retrying may solve the problem.',
        details: { status: 'UNAVAILABLE' },
      };
    case 'internalError':
      return {
        code: 500,
        reason: 'internalError',
        message:
          'An internal error occurred and the request could not be completed. This is usually caused by a transient issue. Retrying the job with back-off as described in the BigQuery SLA should solve the problem: https://cloud.google.com/bigquery/sla. If the error continues to occur please contact support at https://cloud.google.com/support.',
        details: { status: 'INTERNAL' },
      };
    case 'quotaExceeded':
      return {
        code: 403,
        reason: 'quotaExceeded',
        message:
          'Quota exceeded: Your project exceeded quota for free query bytes scanned. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas',
        details: { status: 'PERMISSION_DENIED' },
      };
    case 'accessDenied':
      return {
        code: 403,
        reason: 'accessDenied',
        message:
          table !== undefined
            ? `Access Denied: Table ${tableName}: Permission bigquery.tables.updateData denied on table ${tableName} (or it may not exist).`
            : `Access Denied: Project ${project}: User does not have bigquery.jobs.create permission in project ${project}.`,
        details: { status: 'PERMISSION_DENIED' },
      };
  }
}

export class FaultStore {
  readonly #faults: FaultRecord[] = [];
  #next = 1;

  get active(): boolean {
    return this.#faults.length > 0;
  }

  add(spec: FaultSpec): FaultRecord {
    const record: FaultRecord = { ...spec, id: `fault_${this.#next++}`, matched: 0, injected: 0 };
    this.#faults.push(record);
    return record;
  }

  list(): readonly FaultRecord[] {
    return this.#faults;
  }

  get(id: string): FaultRecord | undefined {
    return this.#faults.find((f) => f.id === id);
  }

  remove(id: string): boolean {
    const at = this.#faults.findIndex((f) => f.id === id);
    if (at < 0) return false;
    this.#faults.splice(at, 1);
    return true;
  }

  clear(): void {
    this.#faults.length = 0;
  }

  /**
   * Counts the request on every fault it fits and returns the error of the
   * first one not yet spent (undefined: run the request normally).
   */
  check(req: FaultRequest): BigQueryError | undefined {
    let failing: FaultRecord | undefined;
    for (const fault of this.#faults) {
      if (!fits(fault, req)) continue;
      fault.matched++;
      if (!failing && fault.injected < fault.times) failing = fault;
    }
    if (!failing) return undefined;
    failing.injected++;
    const s = shapeOf(failing.error, req);
    return new BigQueryError(s.code, s.reason, s.message, s.location, s.details);
  }
}
