/**
 * Spanner errors → the SPI catalogue, at the storage boundary (docs/design.md §3).
 * gRPC status codes: https://grpc.github.io/grpc/core/md_doc_statuscode.html.
 * Messages say what a site owner can do; Spanner's own text is kept only
 * where it names the offending value or constraint (never a stack or a
 * credential: Spanner messages hold neither).
 */
import { errors, GRPC, grpcCode, grpcCommon, type Item, rejectedValueOf, SpiError } from '@adaptors/core';
import { isSchemaChangedMeanwhile, schemaChangedMeanwhile } from '@adaptors/sql-storage';
import type { PhysicalIndex } from './catalog.ts';
import { loweredSource } from './ddl.ts';

/** The gRPC status table is core's (packages/core/src/grpc-status.ts), shared with Firestore. */
export { grpcCode };

const SPANNER = {
  name: 'Cloud Spanner',
  roles: 'roles/spanner.databaseUser (and roles/spanner.databaseAdmin for schema changes)',
};

/** First line of Spanner's message, without the gRPC "N CODE: " prefix. */
export function spannerMessage(error: unknown): string {
  const details = (error as { details?: unknown } | null)?.details;
  const raw = typeof details === 'string' && details ? details : error instanceof Error ? error.message : String(error);
  return (raw.split('\n')[0] ?? '').replace(/^\d+ [A-Z_]+: /, '').slice(0, 300);
}

/**
 * Spanner's message without the item data it may quote: a key clash names the clashing values
 * ("duplicate key: {String("a@x")}" on the emulator, "at index key [a@x]" and "conflicts with row
 * [5]" in production). Answers and logs must not carry a site's data.
 */
export function withoutItemData(message: string): string {
  return message
    .replace(/,?\s*duplicate key:\s*\{.*?\}(?=\s|$|\.)/gi, '')
    .replace(/\s*at index key \[.*?\]/gi, '')
    .replace(/\s*It conflicts with row \[.*?\]( in table \S+)?/gi, '')
    .replace(/\s+in this transaction\.?$/i, '')
    .trim();
}

export function isTableNotFound(error: unknown): boolean {
  const code = grpcCode(error);
  return (code === GRPC.NOT_FOUND || code === GRPC.INVALID_ARGUMENT) && /Table not found/i.test(spannerMessage(error));
}

/**
 * A statement named a column its table no longer has: another instance (or an owner's DDL)
 * dropped it while this instance's cached schema still lists it. Spanner says so per API:
 * a query "INVALID_ARGUMENT: Unrecognized name: <column>", a mutation or read
 * "NOT_FOUND: Column not found in table <table>: <column>". Returns the column's name ('' when
 * the message does not give it), or undefined for any other error.
 */
export function missingColumn(error: unknown): string | undefined {
  const code = grpcCode(error);
  if (code !== GRPC.NOT_FOUND && code !== GRPC.INVALID_ARGUMENT) return undefined;
  const message = spannerMessage(error);
  const found = /Column not found in table [^:]*:\s*`?(\w+)|Unrecognized name:\s*`?(\w+)/i.exec(message);
  if (found) return found[1] ?? found[2] ?? '';
  return /Column not found|Unrecognized name/i.test(message) ? '' : undefined;
}

/** The database (or its instance) does not exist: a wrong setting, or an emulator restarted empty. */
export function isDatabaseNotFound(error: unknown): boolean {
  return grpcCode(error) === GRPC.NOT_FOUND && /Database not found|Instance not found/i.test(spannerMessage(error));
}

/** A pooled session Spanner no longer knows (deleted after an hour idle, or an emulator restarted empty). */
export function isSessionNotFound(error: unknown): boolean {
  return grpcCode(error) === GRPC.NOT_FOUND && /session not found/i.test(spannerMessage(error));
}

/** Unary ExecuteSql answers at most 10 MiB; the streaming API has no such limit. */
export function isResultTooLarge(error: unknown): boolean {
  return grpcCode(error) === GRPC.FAILED_PRECONDITION && /result set too large/i.test(spannerMessage(error));
}

/**
 * Spanner's floating-point overflow ("OUT_OF_RANGE: double overflow"): of the adaptor's SQL only a
 * SUM computes (its AVG does not overflow where the mean is finite), and the message may go on to
 * quote the operands.
 */
function isDoubleOverflow(error: unknown): boolean {
  return (
    grpcCode(error) === GRPC.OUT_OF_RANGE && /\b(double|floating[- ]point) overflow\b/i.test(spannerMessage(error))
  );
}

/**
 * Any error from a Spanner call → SpiError, or the error itself when it is a bug (logged as a 500
 * by the core). `effect` says whether the statement read or wrote: a refusal names what was refused.
 */
export function translateError(error: unknown, collectionId?: string, effect: 'read' | 'write' = 'write'): unknown {
  if (error instanceof SpiError) return error;
  // First: it also answers a missing-credentials Error, which carries no gRPC code.
  const common = grpcCommon(error, SPANNER);
  if (common) return common;
  const code = grpcCode(error);
  if (code === undefined) return error;
  if (isTableNotFound(error) && collectionId) return errors.collectionNotFound(collectionId);
  if (isDatabaseNotFound(error)) {
    // Readiness gives this reason (packages/core/src/server/readiness.ts): say what is missing, but not
    // its resource path (project and instance ids), which /readyz would show to anyone.
    return errors.databaseMissing(
      'The Spanner database or its instance',
      'create it, or fix SPANNER_PROJECT, SPANNER_INSTANCE and SPANNER_DATABASE (on an emulator, SPANNER_EMULATOR_CREATE=true creates it again)',
    );
  }
  const column = missingColumn(error);
  if (column !== undefined) return schemaChangedMeanwhile(collectionId, column, 'Spanner');
  // A sum past the double range: one message on every engine, the core names the summed fields (items-read.ts).
  if (isDoubleOverflow(error)) return errors.numberOutOfRange('sum', []);
  if (code === GRPC.FAILED_PRECONDITION || code === GRPC.OUT_OF_RANGE || code === GRPC.ALREADY_EXISTS) {
    const refusal = withoutItemData(spannerMessage(error));
    return effect === 'read'
      ? errors.badRequest(
          `Cloud Spanner refused the query for this request: ${refusal}. Change the filter, sort or aggregation as this says, or split the request.`,
        )
      : errors.badRequest(`Cloud Spanner refused the change: ${refusal}`);
  }
  if (code === GRPC.INVALID_ARGUMENT && /Number of functions exceeds the maximum/i.test(spannerMessage(error))) {
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
export function itemError(
  error: unknown,
  collectionId: string,
  itemId: string,
  written?: {
    readonly item: Item | undefined;
    readonly indexes: readonly PhysicalIndex[];
    /** A column's field key (collections.ts `columnField`); the column's name by default. */
    readonly fieldOf?: (column: string) => string;
  },
): SpiError | undefined {
  if (error instanceof SpiError) return isSchemaChangedMeanwhile(error) ? undefined : error;
  // A column gone from the table fails every item alike: the call's error (refreshed and retried).
  if (missingColumn(error) !== undefined) return undefined;
  const code = grpcCode(error);
  if (code === GRPC.ALREADY_EXISTS) {
    // The row itself, or a UNIQUE secondary index (indexes.ts) clashing with another row.
    return /\bindex\b/i.test(spannerMessage(error))
      ? uniqueIndexViolation(
          spannerMessage(error),
          collectionId,
          written?.item,
          written?.indexes ?? [],
          written?.fieldOf,
        )
      : errors.itemAlreadyExists(collectionId, itemId);
  }
  if (code === GRPC.NOT_FOUND && !isTableNotFound(error)) return errors.itemNotFound(collectionId, itemId);
  if (code === GRPC.FAILED_PRECONDITION || code === GRPC.OUT_OF_RANGE || code === GRPC.INVALID_ARGUMENT) {
    if (isTableNotFound(error)) return undefined;
    return errors.violation(
      itemId,
      itemId,
      `Cloud Spanner refused this item: ${withoutItemData(spannerMessage(error))}`,
    );
  }
  return undefined;
}

/**
 * A UNIQUE index refusing an item, in the site owner's words: the index by the name Wix gave it
 * (indexes.ts names it `<collection>__<name>`), never Spanner's key dump. Spanner says
 * "… violation on index <name>, duplicate key: …" (emulator) or "… on index <name> at index key …".
 */
export function uniqueIndexMessage(message: string, collectionId: string): string {
  const physical = physicalIndexName(message);
  const prefix = `${collectionId}__`;
  const name = physical?.startsWith(prefix) ? physical.slice(prefix.length) : physical;
  return `another item already has this item's value in the unique index${name ? ` '${name}'` : ''}; change the value, or update or remove the other item first`;
}

/** The index a Spanner key clash names ("… violation on index <name>, …"). */
function physicalIndexName(message: string): string | undefined {
  return /\bon index `?([A-Za-z0-9_]+)/i.exec(message)?.[1];
}

/**
 * A UNIQUE index refusing an item, as a per-item violation: one per field of the index, at the
 * field's path within the item with the item's value there (as every per-item violation names a
 * field: packages/sql-storage/src/values.ts), never the item's id. A case-insensitive index keys
 * the LOWER column of a field (indexes.ts): that field is named, with the value as sent. An
 * index this instance does not know yet (made meanwhile) names no field.
 */
export function uniqueIndexViolation(
  message: string,
  collectionId: string,
  item: Item | undefined,
  indexes: readonly PhysicalIndex[],
  fieldOf: (column: string) => string = (column) => column,
): SpiError {
  const text = uniqueIndexMessage(message, collectionId);
  const physical = physicalIndexName(message);
  const keys =
    indexes.find((i) => i.name === physical)?.keys.map((k) => fieldOf(loweredSource(k.column) ?? k.column)) ?? [];
  if (!item || keys.length === 0) return errors.validation([{ fieldPath: '', rejectedValue: '', message: text }]);
  return errors.validation(
    keys.map((key) => ({ fieldPath: key, rejectedValue: rejectedValueOf(item[key]), message: text })),
  );
}
