/**
 * Spanner errors → the SPI catalogue, at the storage boundary (docs/design.md §3).
 * gRPC status codes: https://grpc.github.io/grpc/core/md_doc_statuscode.html.
 * Messages say what a site owner can do; Spanner's own text is kept only
 * where it names the offending value or constraint (never a stack or a
 * credential: Spanner messages hold neither).
 */
import { errors, SpiError } from '@adaptors/core';

const CODE = {
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** First line of Spanner's message, without the gRPC "N CODE: " prefix. */
export function spannerMessage(error: unknown): string {
  const details = (error as { details?: unknown } | null)?.details;
  const raw = typeof details === 'string' && details ? details : error instanceof Error ? error.message : String(error);
  return (raw.split('\n')[0] ?? '').replace(/^\d+ [A-Z_]+: /, '').slice(0, 300);
}

export function isTableNotFound(error: unknown): boolean {
  const code = grpcCode(error);
  return (code === CODE.NOT_FOUND || code === CODE.INVALID_ARGUMENT) && /Table not found/i.test(spannerMessage(error));
}

/** The database (or its instance) does not exist: a wrong setting, or an emulator restarted empty. */
export function isDatabaseNotFound(error: unknown): boolean {
  return grpcCode(error) === CODE.NOT_FOUND && /Database not found|Instance not found/i.test(spannerMessage(error));
}

export function isTransient(error: unknown): boolean {
  const code = grpcCode(error);
  return (
    code === CODE.UNAVAILABLE ||
    code === CODE.DEADLINE_EXCEEDED ||
    code === CODE.RESOURCE_EXHAUSTED ||
    code === CODE.ABORTED ||
    code === CODE.CANCELLED
  );
}

/** Any error from a Spanner call → SpiError, or the error itself when it is a bug (logged as a 500 by the core). */
export function translateError(error: unknown, collectionId?: string): unknown {
  if (error instanceof SpiError) return error;
  const code = grpcCode(error);
  if (code === undefined) return error;
  if (isTableNotFound(error) && collectionId) return errors.collectionNotFound(collectionId);
  if (isDatabaseNotFound(error)) {
    // Readiness gives this reason (packages/core/src/server/readiness.ts): say what is missing, but not
    // its resource path (project and instance ids), which /readyz would show to anyone.
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      'The Spanner database or its instance does not exist: create it, or fix SPANNER_PROJECT, SPANNER_INSTANCE and SPANNER_DATABASE. On an emulator, SPANNER_EMULATOR_CREATE=true creates it again.',
      null,
    );
  }
  if (code === CODE.PERMISSION_DENIED || code === CODE.UNAUTHENTICATED) {
    return errors.accessDenied(
      'Cloud Spanner',
      'roles/spanner.databaseUser (and roles/spanner.databaseAdmin for schema changes)',
    );
  }
  if (isTransient(error)) return errors.unavailable('Cloud Spanner');
  if (code === CODE.INVALID_ARGUMENT && /Column not found/i.test(spannerMessage(error))) {
    return errors.badRequest(
      `The collection${collectionId ? ` '${collectionId}'` : ''} changed while the request ran; retry it.`,
    );
  }
  if (code === CODE.FAILED_PRECONDITION || code === CODE.OUT_OF_RANGE || code === CODE.ALREADY_EXISTS) {
    return errors.badRequest(`Cloud Spanner refused the change: ${spannerMessage(error)}`);
  }
  if (code === CODE.INVALID_ARGUMENT && /Number of functions exceeds the maximum/i.test(spannerMessage(error))) {
    // Spanner's own query size limit (1,000 SQL functions), reached below the core's limits
    // (packages/core/README.md "Input limits") by filters on many JSON paths or $hasAll values.
    return errors.badRequest(
      'The filter is too large for Cloud Spanner (at most 1,000 SQL functions per query): use $in / $hasSome with a list instead of many $or branches, fewer $hasAll values, or split the query.',
    );
  }
  return error;
}

/**
 * An error that belongs to one item of a bulk write (docs/protocol.md §3.6), or
 * undefined when it concerns the whole request (then it is thrown).
 */
export function itemError(error: unknown, collectionId: string, itemId: string): SpiError | undefined {
  if (error instanceof SpiError) return error;
  const code = grpcCode(error);
  if (code === CODE.ALREADY_EXISTS) {
    // The row itself, or a UNIQUE secondary index (spanner-indexes.ts) clashing with another row.
    return /\bindex\b/i.test(spannerMessage(error))
      ? errors.violation(itemId, itemId, `a unique index refuses this item: ${spannerMessage(error)}`)
      : errors.itemAlreadyExists(collectionId, itemId);
  }
  if (code === CODE.NOT_FOUND && !isTableNotFound(error)) return errors.itemNotFound(collectionId, itemId);
  if (code === CODE.FAILED_PRECONDITION || code === CODE.OUT_OF_RANGE || code === CODE.INVALID_ARGUMENT) {
    if (isTableNotFound(error) || /Column not found/i.test(spannerMessage(error))) return undefined;
    return errors.violation(itemId, itemId, `Cloud Spanner refused this item: ${spannerMessage(error)}`);
  }
  return undefined;
}
