/**
 * Google Cloud's structured-logging shape of one log line (packages/core/README.md
 * "Logs"), written by server/log.ts:
 *
 * - `severity` with Cloud Logging's names (DEBUG … CRITICAL, NOTICE included),
 *   `message`, and `time` as RFC 3339.
 * - No `pid`/`hostname`: Cloud Run labels every entry with its instance.
 * - An Error under `err` becomes `error` ("Name: message"), `stack_trace` and
 *   the ReportedErrorEvent `@type`, which is how Error Reporting finds and
 *   groups an error written to the log (with `serviceContext` from the base fields).
 */

export const REPORTED_ERROR_EVENT =
  'type.googleapis.com/google.devtools.clouderrorreporting.v1beta1.ReportedErrorEvent';

/** Longest stack written: Cloud Logging keeps 256 KB per entry, and a deep one says nothing more. */
const MAX_STACK = 8000;

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

/**
 * One entry as its JSON line. `severity`, `time` and `message` are the line's own: fields of
 * those names do not replace them. A value JSON cannot write as it is (a BigInt, an object that
 * holds itself) is written as text rather than losing the line.
 */
export function jsonLine(
  severity: string,
  message: string,
  base: Readonly<Record<string, unknown>> | undefined,
  fields: Record<string, unknown> | undefined,
): string {
  const time = new Date().toISOString();
  const entry: Record<string, unknown> = { severity, time };
  if (base) Object.assign(entry, base);
  if (fields) Object.assign(entry, fields);
  entry.severity = severity;
  entry.time = time;
  entry.message = message;
  try {
    return `${JSON.stringify(entry)}\n`;
  } catch {
    return `${JSON.stringify(entry, tolerant())}\n`;
  }
}

/** A JSON.stringify replacer: BigInts as their digits, a reference back to an enclosing object as "[Circular]". */
function tolerant(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key: string, value: unknown) {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    // `this` is the object holding `value`: the ones above it on the stack are no longer its ancestors.
    while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
    if (ancestors.includes(value)) return '[Circular]';
    ancestors.push(value);
    return value;
  };
}
