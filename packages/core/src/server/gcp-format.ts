/**
 * pino options that write Google Cloud's structured-logging shape
 * (packages/core/README.md "Logs"): the same mapping as
 * `@google-cloud/pino-logging-gcp-config` without loading the Cloud Logging
 * client (server/log.ts says why).
 *
 * - `severity` instead of pino's numeric `level`; `notice` is a custom level
 *   (35) for Cloud Logging's NOTICE.
 * - `message` instead of `msg`, `time` as RFC 3339.
 * - No `pid`/`hostname`: Cloud Run labels every entry with its instance.
 * - An Error under `err` becomes `error` ("Name: message"), `stack_trace` and
 *   the ReportedErrorEvent `@type`, which is how Error Reporting finds and
 *   groups an error written to the log (with `serviceContext` from `base`).
 */
import type { LoggerOptions } from 'pino';

export const REPORTED_ERROR_EVENT =
  'type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent';

const SEVERITY: Readonly<Record<string, string>> = {
  trace: 'DEBUG',
  debug: 'DEBUG',
  info: 'INFO',
  notice: 'NOTICE',
  warn: 'WARNING',
  error: 'ERROR',
  fatal: 'CRITICAL',
};

/** Longest stack written: Cloud Logging keeps 256 KB per entry, and a deep one says nothing more. */
const MAX_STACK = 8000;

export function pinoOptions(options: {
  level: string;
  base: Readonly<Record<string, unknown>> | undefined;
}): LoggerOptions<'notice'> {
  return {
    level: options.level,
    customLevels: { notice: 35 },
    messageKey: 'message',
    base: options.base ? { ...options.base } : null,
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: {
      level: (label) => ({ severity: SEVERITY[label] ?? 'DEFAULT' }),
      log: errorFields,
    },
  };
}

/** `err` → the fields Error Reporting reads; everything else untouched. */
export function errorFields(fields: Record<string, unknown>): Record<string, unknown> {
  const err = fields.err;
  if (err === undefined) return fields;
  const { err: _, ...rest } = fields;
  if (!(err instanceof Error)) return { ...rest, error: describeError(err) };
  return {
    ...rest,
    error: describeError(err),
    ...(err.stack ? { stack_trace: err.stack.slice(0, MAX_STACK), '@type': REPORTED_ERROR_EVENT } : {}),
  };
}

/** "Name: message", at most 500 characters: an error named on a line without its stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
