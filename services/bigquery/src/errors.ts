/**
 * BigQuery errors → the SPI catalogue, at the storage boundary (docs/design.md §3).
 * The REST error model: HTTP status + `errors[].reason`
 * (https://cloud.google.com/bigquery/docs/error-messages). Messages say what
 * a site owner can do; BigQuery's own text is kept only where it names the
 * offending value. The client's error object carries the whole HTTP response:
 * it is never logged or rethrown as is (`sanitized`).
 */
import { errors, isMissingCredentials, SpiError } from '@adaptors/core';
import { isSchemaChangedMeanwhile, schemaChangedMeanwhile } from '@adaptors/sql-storage';

export interface BigQueryErrorShape {
  readonly status: number | undefined;
  readonly reasons: readonly string[];
  readonly message: string;
}

/**
 * HTTP status of an error reason ("Error messages" table). A failed query JOB
 * reports its error in `status.errorResult` / `status.errors` of a 200 jobs.get
 * or jobs.insert answer; the client raises that as an ApiError without `code`,
 * so the status is taken from the reason to classify it like the HTTP error.
 */
const STATUS_OF_REASON: Readonly<Record<string, number>> = {
  accessDenied: 403,
  billingNotEnabled: 403,
  quotaExceeded: 403,
  rateLimitExceeded: 403,
  notFound: 404,
  duplicate: 409,
  backendError: 503,
  internalError: 500,
  jobBackendError: 400,
  jobInternalError: 400,
  invalid: 400,
  invalidQuery: 400,
  resourcesExceeded: 400,
  responseTooLarge: 403,
  bytesBilledLimitExceeded: 400,
};

export function errorShape(error: unknown): BigQueryErrorShape {
  const e = error as { code?: unknown; errors?: unknown; message?: unknown } | null;
  const list = Array.isArray(e?.errors) ? (e.errors as { reason?: unknown; message?: unknown }[]) : [];
  const reasons = list.map((x) => (typeof x?.reason === 'string' ? x.reason : '')).filter(Boolean);
  const status =
    typeof e?.code === 'number' ? e.code : reasons.map((r) => STATUS_OF_REASON[r]).find((c) => c !== undefined);
  const raw =
    typeof list[0]?.message === 'string' ? list[0].message : typeof e?.message === 'string' ? e.message : String(error);
  return { status, reasons, message: (raw.split('\n')[0] ?? '').slice(0, 300) };
}

function isApiError(error: unknown): boolean {
  return errorShape(error).status !== undefined;
}

/**
 * The request never got an HTTP answer: connection refused or reset, DNS,
 * timeouts (rest.ts keeps the system `code`; the client's node-fetch errors carry it too).
 */
export function isNetworkError(error: unknown): boolean {
  const e = error as { code?: unknown; type?: unknown; name?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  return (
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE|UND_ERR_\w+)$/.test(code) ||
    e?.type === 'system' ||
    e?.name === 'AbortError'
  );
}

/** BigQuery's per-table DML limits and short-term rate limits: the write may succeed a moment later. */
function isThrottled(error: unknown): boolean {
  const { reasons, message } = errorShape(error);
  return (
    reasons.includes('rateLimitExceeded') ||
    /could not serialize access|concurrent update|too many dml statements|outstanding against table/i.test(message)
  );
}

/**
 * A statement named a column its table no longer has: another instance (or an owner) dropped
 * it while this instance's cached schema still lists it. BigQuery answers 400 invalidQuery:
 * "Unrecognized name: <column>" or "Name <column> not found inside <alias>" in a query, "Column
 * <column> is not present in table <dataset>.<table>" in an INSERT's column list. Returns the
 * column's name, or undefined for any other error.
 */
export function missingColumn(error: unknown): string | undefined {
  const { status, reasons, message } = errorShape(error);
  if (status !== 400 || !reasons.includes('invalidQuery')) return undefined;
  const found =
    /Unrecognized name: `?(\w+)|Name `?(\w+)`? not found inside|Column `?(\w+)`? is not present in table/i.exec(
      message,
    );
  return found ? (found[1] ?? found[2] ?? found[3] ?? '') : undefined;
}

export function isTableNotFound(error: unknown): boolean {
  const { status, reasons, message } = errorShape(error);
  return (status === 404 || reasons.includes('notFound')) && /Not found: Table/i.test(message);
}

export function isDatasetNotFound(error: unknown): boolean {
  const { status, message } = errorShape(error);
  return status === 404 && /Not found: Dataset/i.test(message);
}

export function isDuplicate(error: unknown): boolean {
  const { status, reasons } = errorShape(error);
  return status === 409 || reasons.includes('duplicate');
}

/**
 * Worth another try with backoff: DML concurrency (BigQuery runs at most 2
 * mutating DML statements per table at once and queues 20; a conflicting
 * concurrent UPDATE/DELETE/MERGE fails with "Could not serialize access to
 * table … due to concurrent update"), rate limits, and transient backend
 * errors ("Quotas and limits: DML statements"; "Troubleshoot quota errors").
 */
export function isRetryable(error: unknown): boolean {
  const { status, reasons, message } = errorShape(error);
  if (status === undefined) return false;
  if (reasons.some((r) => ['rateLimitExceeded', 'backendError', 'internalError', 'jobBackendError'].includes(r)))
    return true;
  if (/could not serialize access|concurrent update|too many dml statements|outstanding against table/i.test(message))
    return true;
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/**
 * BigQuery refused the call for want of a permission (HTTP 401/403 accessDenied), not for a
 * quota, billing or a rate limit.
 */
export function isPermissionDenied(error: unknown): boolean {
  const { status, reasons } = errorShape(error);
  if (reasons.includes('quotaExceeded') || reasons.includes('billingNotEnabled')) return false;
  return status === 401 || reasons.includes('accessDenied') || (status === 403 && !isRetryable(error));
}

/** The roles the adaptor's service account needs (infra/bigquery grants them, with a custom role for the schema label). */
const BIGQUERY_ROLES = 'roles/bigquery.dataEditor on the dataset and roles/bigquery.jobUser on the project';

/** Any error from a BigQuery call → SpiError, or a plain Error (logged as a 500 by the core) without the HTTP response. */
export function translateError(error: unknown, collectionId?: string): unknown {
  if (error instanceof SpiError) return error;
  // No credentials found at all (google-auth-library's plain Error: packages/core/src/no-credentials.ts).
  if (isMissingCredentials(error)) return errors.noCredentials('BigQuery', BIGQUERY_ROLES);
  if (isNetworkError(error)) {
    return errors.unreachable(
      'BigQuery',
      "check the service's outbound network access, and that BIGQUERY_API_ENDPOINT / BIGQUERY_EMULATOR_HOST are unset in production",
    );
  }
  if (!isApiError(error)) return error;
  const { status, reasons, message } = errorShape(error);
  if (isTableNotFound(error) && collectionId) return errors.collectionNotFound(collectionId);
  if (isDatasetNotFound(error)) {
    return errors.databaseMissing('The BigQuery dataset', 'create it, or fix BIGQUERY_PROJECT / BIGQUERY_DATASET');
  }
  if (status === 401 || reasons.includes('accessDenied') || (status === 403 && !isRetryable(error))) {
    if (reasons.includes('quotaExceeded') || reasons.includes('billingNotEnabled')) {
      // A longer-term quota ("Troubleshoot quota and limit errors": quotaExceeded): retrying soon will not help.
      return errors.quotaExceeded(
        'BigQuery',
        message,
        'raise the quota or enable billing for the project in the Google Cloud console',
      );
    }
    return errors.accessDenied('BigQuery', BIGQUERY_ROLES);
  }
  if (isThrottled(error)) {
    // Still refused after the executor's retries with backoff (retry.ts).
    return errors.throttled(
      'BigQuery',
      `writes to ${collectionId ? `the collection '${collectionId}'` : 'this table'} (DML concurrency or rate limits)`,
      'write less often and in larger bulk calls: one bulk call is one DML statement, and BigQuery runs at most 2 UPDATE/DELETE/MERGE statements per table at once and queues 20',
    );
  }
  if (isRetryable(error)) {
    return errors.transientFailure('BigQuery', 'check https://status.cloud.google.com for BigQuery incidents');
  }
  if (reasons.includes('responseTooLarge') || reasons.includes('resourcesExceeded')) {
    return errors.unavailable('BigQuery');
  }
  if (reasons.includes('bytesBilledLimitExceeded')) {
    return errors.badRequest(
      'This query would scan more bytes than BIGQUERY_MAXIMUM_BYTES_BILLED allows; narrow the filter or raise the limit.',
    );
  }
  const column = missingColumn(error);
  if (column !== undefined) return schemaChangedMeanwhile(collectionId, column, 'BigQuery');
  if (status === 400 && reasons.includes('invalidQuery')) return refusedQuery(message) ?? sanitized(error);
  return sanitized(error);
}

/** The query engine's floating-point overflow (GoogleSQL "double overflow"): only a SUM computes in reads. */
const DOUBLE_OVERFLOW = /\b(double|floating[- ]point) overflow\b/i;
/**
 * BigQuery's "The query is too large" / "too complex" refusals, and the emulator's DuckDB
 * "Max expression depth limit of 1000 exceeded": a request within the core's limits
 * (packages/core/README.md "Input limits") that the engine still will not run.
 */
const TOO_LARGE = /too (large|complex)|expression depth|nested too deeply|too many (subqueries|expressions)/i;
/**
 * SQL the adaptor built that does not parse is a bug (a 500 the core logs); anything else
 * BigQuery refuses as an invalid query answers a 400 that says what the site owner can change.
 */
const ADAPTOR_SQL = /^Syntax error/i;

/**
 * A 400 invalidQuery the cases above did not recognise. BigQuery's own text is not repeated: it
 * may quote the request's values (a literal, a parameter, a pattern).
 */
function refusedQuery(message: string): SpiError | undefined {
  if (DOUBLE_OVERFLOW.test(message)) return errors.numberOutOfRange('sum', []);
  if (TOO_LARGE.test(message)) {
    return errors.badRequest(
      'The query is too large or too complex for BigQuery: use $in / $hasSome with a list instead of many $or branches, fewer $hasAll values or JSON paths, or split the query into several requests.',
    );
  }
  if (ADAPTOR_SQL.test(message)) return undefined;
  return errors.badRequest(
    "BigQuery refused to run the query for this request (invalidQuery). Check the filter, sort and aggregation against the collection's fields (collections/get lists each field's type and operators), then simplify the request or split it into several.",
  );
}

/** A plain Error with BigQuery's first message line only (no HTTP response, no request, no headers). */
export function sanitized(error: unknown): Error {
  const { status, reasons, message } = errorShape(error);
  return new Error(`BigQuery error ${status ?? '?'}${reasons.length ? ` ${reasons.join(',')}` : ''}: ${message}`);
}

/**
 * An error that belongs to one item of a bulk write (docs/protocol.md §3.6), or
 * undefined when it concerns the whole request. BigQuery refuses a value with
 * 400 invalid/invalidQuery ("Invalid NUMERIC value", "Array cannot have a null
 * element", "Value has type … cannot be inserted into column …").
 */
export function itemError(error: unknown, itemId: string): SpiError | undefined {
  if (error instanceof SpiError) return isSchemaChangedMeanwhile(error) ? undefined : error;
  const { status, reasons, message } = errorShape(error);
  // A column gone from the table fails every item alike: the call's error (refreshed and retried).
  if (status !== 400 || isRetryable(error) || isTableNotFound(error) || missingColumn(error) !== undefined)
    return undefined;
  if (!reasons.some((r) => r === 'invalid' || r === 'invalidQuery')) return undefined;
  if (/Unrecognized name|Syntax error|not found/i.test(message)) return undefined;
  return errors.violation(itemId, itemId, `BigQuery refused this item: ${message}`);
}
