/**
 * BigQuery errors → the SPI catalogue, at the storage boundary (DESIGN.md §3).
 * The REST error model: HTTP status + `errors[].reason`
 * (https://cloud.google.com/bigquery/docs/error-messages). Messages say what
 * a site owner can do; BigQuery's own text is kept only where it names the
 * offending value. The client's error object carries the whole HTTP response:
 * it is never logged or rethrown as is (`sanitized`).
 */
import { errors, SpiError } from '@adaptors/core';

export interface BigQueryErrorShape {
  readonly status: number | undefined;
  readonly reasons: readonly string[];
  readonly message: string;
}

export function errorShape(error: unknown): BigQueryErrorShape {
  const e = error as { code?: unknown; errors?: unknown; message?: unknown } | null;
  const status = typeof e?.code === 'number' ? e.code : undefined;
  const list = Array.isArray(e?.errors) ? (e.errors as { reason?: unknown; message?: unknown }[]) : [];
  const reasons = list.map((x) => (typeof x?.reason === 'string' ? x.reason : '')).filter(Boolean);
  const raw =
    typeof list[0]?.message === 'string' ? list[0].message : typeof e?.message === 'string' ? e.message : String(error);
  return { status, reasons, message: (raw.split('\n')[0] ?? '').slice(0, 300) };
}

function isApiError(error: unknown): boolean {
  return errorShape(error).status !== undefined;
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

/** Any error from a BigQuery call → SpiError, or a plain Error (logged as a 500 by the core) without the HTTP response. */
export function translateError(error: unknown, collectionId?: string): unknown {
  if (error instanceof SpiError) return error;
  if (!isApiError(error)) return error;
  const { status, reasons, message } = errorShape(error);
  if (isTableNotFound(error) && collectionId) return errors.collectionNotFound(collectionId);
  if (isDatasetNotFound(error)) {
    return errors.unavailable('The BigQuery dataset (check BIGQUERY_PROJECT and BIGQUERY_DATASET)');
  }
  if (status === 401 || reasons.includes('accessDenied') || (status === 403 && !isRetryable(error))) {
    if (reasons.includes('quotaExceeded') || reasons.includes('billingNotEnabled')) {
      return errors.unavailable(`BigQuery (quota or billing: ${message})`);
    }
    return errors.unavailable(
      "BigQuery refused the adaptor's credentials; grant its service account roles/bigquery.dataEditor on the dataset and roles/bigquery.jobUser on the project",
    );
  }
  if (isRetryable(error) || reasons.includes('responseTooLarge') || reasons.includes('resourcesExceeded')) {
    return errors.unavailable('BigQuery');
  }
  if (reasons.includes('bytesBilledLimitExceeded')) {
    return errors.badRequest(
      'This query would scan more bytes than BIGQUERY_MAXIMUM_BYTES_BILLED allows; narrow the filter or raise the limit.',
    );
  }
  if (/Unrecognized name|Name \S+ not found/i.test(message)) {
    return errors.badRequest(
      `The collection${collectionId ? ` '${collectionId}'` : ''} changed while the request ran; retry it.`,
    );
  }
  return sanitized(error);
}

/** A plain Error with BigQuery's first message line only (no HTTP response, no request, no headers). */
export function sanitized(error: unknown): Error {
  const { status, reasons, message } = errorShape(error);
  return new Error(`BigQuery error ${status ?? '?'}${reasons.length ? ` ${reasons.join(',')}` : ''}: ${message}`);
}

/**
 * An error that belongs to one item of a bulk write (spi-v3.md §3.6), or
 * undefined when it concerns the whole request. BigQuery refuses a value with
 * 400 invalid/invalidQuery ("Invalid NUMERIC value", "Array cannot have a null
 * element", "Value has type … cannot be inserted into column …").
 */
export function itemError(error: unknown, itemId: string): SpiError | undefined {
  if (error instanceof SpiError) return error;
  const { status, reasons, message } = errorShape(error);
  if (status !== 400 || isRetryable(error) || isTableNotFound(error)) return undefined;
  if (!reasons.some((r) => r === 'invalid' || r === 'invalidQuery')) return undefined;
  if (/Unrecognized name|Syntax error|not found/i.test(message)) return undefined;
  return errors.violation(itemId, itemId, `BigQuery refused this item: ${message}`);
}
