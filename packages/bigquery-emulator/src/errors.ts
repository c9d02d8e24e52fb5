/**
 * BigQuery-shaped errors. The REST API answers every failure with
 * `{ error: { code, message, errors: [{ message, domain, reason, location?, locationType? }], status } }`
 * (BigQuery "Error messages" reference); `@google-cloud/common` turns that body
 * into an `ApiError` with `code` = HTTP status and `errors` = the inner list, so
 * the reason strings below are what callers branch on.
 *
 * Statuses are never 5xx or 429: the client retries those (common util
 * `shouldRetryRequest`), which would turn a clear error into a slow one. The
 * one exception is a fault a test asked for (faults.ts), which reproduces
 * BigQuery's own 403/5xx bodies on purpose.
 */

export type ErrorReason =
  | 'invalidQuery'
  | 'invalid'
  | 'notFound'
  | 'duplicate'
  | 'resourceInUse'
  | 'badRequest'
  | 'notImplemented'
  | 'stopped'
  // Only injected on request (faults.ts): BigQuery's quota, permission and transient errors.
  | 'rateLimitExceeded'
  | 'quotaExceeded'
  | 'resourcesExceeded'
  | 'accessDenied'
  | 'backendError'
  | 'internalError';

const STATUS_OF_CODE: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
};

/** Less common parts of an error body; BigQuery sets them per error (faults.ts cites each). */
export interface ErrorDetails {
  /** `errors[].domain`: "global" for almost everything, "usageLimits" for some API rate limits. */
  readonly domain?: string;
  /** `errors[].locationType`, e.g. "parameter" when `location` names a request parameter ("q"). */
  readonly locationType?: string;
  /** The top-level `status` when it is not the usual one for the HTTP code. */
  readonly status?: string;
}

export interface ErrorItem {
  readonly message: string;
  readonly domain: string;
  readonly reason: ErrorReason;
  readonly location?: string;
  readonly locationType?: string;
}

export interface ErrorBody {
  readonly error: {
    readonly code: number;
    readonly message: string;
    readonly errors: readonly ErrorItem[];
    readonly status: string;
  };
}

export class BigQueryError extends Error {
  readonly code: number;
  readonly reason: ErrorReason;
  readonly location: string | undefined;
  readonly details: ErrorDetails;

  constructor(code: number, reason: ErrorReason, message: string, location?: string, details: ErrorDetails = {}) {
    super(message);
    this.name = 'BigQueryError';
    this.code = code;
    this.reason = reason;
    this.location = location;
    this.details = details;
  }

  /** The inner error item, as in `errors[]` and in a job's `status.errorResult`. */
  item(): ErrorItem {
    return {
      message: this.message,
      domain: this.details.domain ?? 'global',
      reason: this.reason,
      ...(this.location ? { location: this.location, locationType: this.details.locationType ?? 'other' } : {}),
    };
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [this.item()],
        status: this.details.status ?? STATUS_OF_CODE[this.code] ?? 'INVALID_ARGUMENT',
      },
    };
  }
}

/** A query BigQuery would reject, or one this emulator cannot run faithfully. */
export function invalidQuery(message: string, location = 'query'): BigQueryError {
  return new BigQueryError(400, 'invalidQuery', message, location);
}

/** A construct the translator does not support: refused, never approximated. */
export function unsupported(what: string): BigQueryError {
  return invalidQuery(`Unsupported by the BigQuery emulator: ${what}`);
}

export function invalid(message: string, location?: string): BigQueryError {
  return new BigQueryError(400, 'invalid', message, location);
}

export function badRequest(message: string): BigQueryError {
  return new BigQueryError(400, 'badRequest', message);
}

export function notFound(message: string): BigQueryError {
  return new BigQueryError(404, 'notFound', message);
}

export function duplicate(message: string): BigQueryError {
  return new BigQueryError(409, 'duplicate', message);
}

export function resourceInUse(message: string): BigQueryError {
  return new BigQueryError(400, 'resourceInUse', message);
}

/**
 * A DuckDB failure while running translated SQL. Its text describes the
 * DuckDB statement, not the caller's: keep only the first line, and name it
 * as an execution error (BigQuery's equivalents are 400 `invalidQuery` for
 * analysis problems and 400 `invalid` for runtime ones such as division by zero).
 */
export function fromEngineError(e: unknown): BigQueryError {
  if (e instanceof BigQueryError) return e;
  const text = e instanceof Error ? e.message : String(e);
  const first = text.split('\n')[0] ?? text;
  const runtime = /^(Invalid Input|Conversion|Out of Range|Constraint) Error/.test(first);
  const message = first.replace(/^Invalid Input Error: /, '');
  return runtime ? invalid(message) : invalidQuery(message);
}

/**
 * DuckDB's binder names an unknown column in its own words ("Binder Error: Referenced column
 * "x" not found in FROM clause!", "Binder Error: Table "t" does not have a column named "x"");
 * BigQuery answers the same query with 400 invalidQuery "Unrecognized name: x at [l:c]" and
 * "Name x not found inside t at [l:c]" (BigQuery "Error messages": invalidQuery), which callers
 * match to tell a column gone from a table (a schema changed meanwhile) from any other error.
 * The location is the name's first place in the caller's SQL (`source`): DuckDB's points
 * into the translated statement. Any other error is returned as it is.
 */
export function withBigQueryNames(e: unknown, source: string): unknown {
  if (!(e instanceof BigQueryError) || e.reason !== 'invalidQuery') return e;
  const unqualified = /^Binder Error: Referenced column "([^"]+)" not found/.exec(e.message);
  if (unqualified?.[1]) {
    const name = unqualified[1];
    return invalidQuery(
      `Unrecognized name: ${name}${locate(source, `(?<![.\\w\`])\`?${escaped(name)}\`?(?![\\w\`])`)}`,
    );
  }
  const qualified = /^Binder Error: (?:Table|Values list) "([^"]+)" does not have a column named "([^"]+)"/.exec(
    e.message,
  );
  if (qualified?.[1] && qualified[2]) {
    const [, table, name] = qualified;
    // BigQuery points at the name after the qualifier: `t.x` → the x.
    const at = locate(
      source,
      `(?<![\\w\`])\`?${escaped(table)}\`?\\s*\\.\\s*(?=\`?${escaped(name)}\`?(?![\\w\`]))`,
      true,
    );
    return invalidQuery(`Name ${name} not found inside ${table}${at}`);
  }
  return e;
}

function escaped(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** ` at [line:column]` of the first match of `pattern` (case-insensitive, as GoogleSQL names are), or ''. */
function locate(source: string, pattern: string, afterMatch = false): string {
  const match = new RegExp(pattern, 'i').exec(source);
  if (!match) return '';
  const start = match.index + (afterMatch ? match[0].length : 0);
  const before = source.slice(0, start);
  return ` at [${before.split('\n').length}:${start - before.lastIndexOf('\n')}]`;
}
