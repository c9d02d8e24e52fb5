/**
 * The one log line per call (packages/core/README.md "Logs"): Cloud Logging's
 * `httpRequest` and trace fields, Wix's ids, the operation and its size, the
 * error code; on an error line the error message; on a 5xx line the stack
 * and the ReportedErrorEvent fields Error Reporting groups by.
 *
 * What it never holds: item data, the token, keys or secrets. Only these
 * fields are written, and an error message only for codes whose messages are
 * built without request values (a VALIDATION_ERROR or BAD_REQUEST message may
 * quote an item's value; the status page shows those behind STATUS_TOKEN).
 */
import type { FastifyRequest } from 'fastify';
import type { CallContext } from '../adaptor/context.ts';
import { SpiError } from '../errors.ts';
import type { Logger, Severity } from './log.ts';
import { traceFields } from './trace.ts';

export interface CallState {
  operation: string;
  ctx: CallContext | undefined;
  errorCode: string | undefined;
  /** What made the answer an error: the SpiError answered, or the unexpected error behind a 500. */
  error: unknown;
  started: bigint;
}

/** Codes whose messages name settings, routes, collections or the database, never a request's values. */
const MESSAGE_LOGGED = new Set<string>([
  'UNAUTHORIZED',
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'COLLECTION_NOT_FOUND',
  'COLLECTION_ALREADY_EXISTS',
  'SERVICE_UNAVAILABLE',
  'DEADLINE_EXCEEDED',
  'UNKNOWN_ERROR',
  // The legacy router's refusals (legacy/routes.ts): fixed texts.
  'WRONG_SECRET',
  'MISSING_SECRET',
  'V3_TOKEN_ON_LEGACY_PATH',
]);

export function logRequest(
  logger: Logger,
  request: FastifyRequest,
  status: number,
  state: CallState,
  projectId: string | undefined,
): void {
  const severity: Severity = status >= 500 ? 'ERROR' : status >= 400 ? 'WARNING' : 'INFO';
  if (!logger.enabled(severity)) return;
  const ms = Number(process.hrtime.bigint() - state.started) / 1e6;
  const ctx = state.ctx;
  const path = request.url.split('?')[0];
  logger.log(severity, `${state.operation} ${status}${state.errorCode ? ` ${state.errorCode}` : ''}`, {
    httpRequest: {
      requestMethod: request.method,
      requestUrl: path,
      status,
      latency: `${(ms / 1000).toFixed(4)}s`,
    },
    ...traceFields(request.headers, projectId),
    operation: state.operation,
    requestId: ctx?.requestId,
    instanceId: capped(ctx?.metadata.instanceId),
    identityType: capped(ctx?.metadata.identity?.identityType),
    collectionId: ctx?.info.collectionId,
    itemCount: ctx?.info.itemCount,
    durationMs: Math.round(ms * 100) / 100,
    errorCode: state.errorCode,
    writeOutcome: ctx?.info.writeOutcome,
    ...(status >= 400 ? errorDetails(status, state, request.method, path) : {}),
  });
}

/** Longest metadata string logged: a signed call may carry any length (one line was 0.5 MB). */
export const LOGGED_METADATA_MAX = 200;

/** A metadata string as logged: at most LOGGED_METADATA_MAX characters, a longer one cut with an ellipsis. */
function capped(value: string | undefined): string | undefined {
  return typeof value === 'string' && value.length > LOGGED_METADATA_MAX
    ? `${value.slice(0, LOGGED_METADATA_MAX)}…`
    : value;
}

function errorDetails(status: number, state: CallState, method: string, path: string | undefined) {
  const error = state.error;
  const code = error instanceof SpiError ? error.code : state.errorCode;
  const safe = status >= 500 || (code !== undefined && MESSAGE_LOGGED.has(code));
  // An unexpected error (not an SpiError, whose messages the adaptor builds) is logged by its
  // type, the head of its message and its stack frames: the rest of its message may quote the
  // request (V8's "Invalid regular expression: /…/" held a `$urlized` filter's words).
  const logged = error instanceof Error && !(error instanceof SpiError) ? withoutValues(error) : error;
  const message = logged instanceof Error ? logged.message.slice(0, 1000) : undefined;
  return {
    ...(safe && message ? { errorMessage: message } : {}),
    // 5xx: the error itself (log.ts turns `err` into `stack_trace` and the ReportedErrorEvent
    // `@type`), with the request as Error Reporting's context.
    ...(status >= 500 && logged instanceof Error
      ? { err: logged, context: { httpRequest: { method, url: path, responseStatusCode: status } } }
      : {}),
  };
}

/** Longest head of an unexpected error's message that is logged. */
const MESSAGE_HEAD_MAX = 100;

/**
 * The head of an unexpected error's message: up to the first character that starts quoted or
 * delimited text (`: ( " ' \` / [ {`), where engines and V8 quote what they were given ("Cannot
 * read properties of undefined", "Invalid regular expression", "3 INVALID_ARGUMENT").
 */
export function messageHead(message: string): string {
  const head = message.split(/[:("'`/[{]/, 1)[0]?.trim() ?? '';
  const cut = head.length > MESSAGE_HEAD_MAX ? `${head.slice(0, MESSAGE_HEAD_MAX)}…` : head;
  if (cut.length === message.length) return cut;
  return cut
    ? `${cut} (rest of the message withheld: it may quote the request)`
    : '(message withheld: it may quote the request)';
}

/** An unexpected error as logged: same name and stack frames, its message cut to its head. */
function withoutValues(error: Error): Error {
  const message = messageHead(error.message);
  const copy = new Error(message);
  copy.name = error.name;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  copy.stack = [`${error.name}: ${message}`, ...frames].join('\n');
  return copy;
}
