/**
 * One structured JSON line per event on stdout, in the shape Cloud Logging
 * reads (docs/engines.md §5: `severity`, `message`,
 * `logging.googleapis.com/trace`). Never item data, tokens or key material:
 * callers pass only the fields listed in RequestLog.
 */

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

const RANK: Record<Severity, number> = { DEBUG: 0, INFO: 1, NOTICE: 2, WARNING: 3, ERROR: 4, CRITICAL: 5 };

export interface LogSink {
  write(line: string): void;
}

export interface Logger {
  log(severity: Severity, message: string, fields?: Record<string, unknown>): void;
  enabled(severity: Severity): boolean;
}

/** LOG_LEVEL values (config/core-settings.ts) → the lowest Cloud Logging severity written. */
const LEVEL_MIN: Record<string, number> = {
  trace: RANK.DEBUG,
  debug: RANK.DEBUG,
  info: RANK.INFO,
  warn: RANK.WARNING,
  error: RANK.ERROR,
  fatal: RANK.CRITICAL,
  silent: Number.POSITIVE_INFINITY,
};

/**
 * stdout, one write per event-loop turn: the lines logged during a turn are
 * joined and written together (each stays one JSON line). stdout to a pipe is
 * synchronous on Linux, so a write per request was ~6% of the Spanner
 * service's CPU under 50-connection load (cpu-prof, `writev`). Pending lines
 * are written before the process exits (`exit` handlers run synchronously,
 * and a pipe or file write there completes), so a crash or `process.exit`
 * loses nothing.
 */
export function stdoutSink(stream: { write(chunk: string): unknown } = process.stdout): LogSink {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    stream.write(chunk);
  };
  process.on('exit', flush);
  return {
    write(line) {
      pending += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
  };
}

export function createLogger(
  options: { level?: string; sink?: LogSink; base?: Readonly<Record<string, unknown>> } = {},
): Logger {
  const sink = options.sink ?? stdoutSink();
  const min = LEVEL_MIN[options.level?.toLowerCase() ?? 'info'] ?? RANK.INFO;
  // Fields on every line (e.g. serviceContext), serialised once: the tail of each JSON line.
  const base = options.base ? JSON.stringify(options.base).slice(1, -1) : '';
  return {
    enabled: (severity) => RANK[severity] >= min,
    log(severity, message, fields) {
      if (RANK[severity] < min) return;
      const json = JSON.stringify({ severity, message, time: new Date().toISOString(), ...fields });
      sink.write(base === '' ? `${json}\n` : `${json.slice(0, -1)},${base}}\n`);
    },
  };
}

/** A logger that drops everything (library use, benchmarks). */
export const silentLogger: Logger = { log: () => {}, enabled: () => false };

/**
 * Cloud Trace id from `traceparent` (W3C) or `X-Cloud-Trace-Context`
 * ("TRACE_ID/SPAN_ID;o=1"), as Cloud Logging's trace field wants it.
 */
export function traceOf(
  headers: Record<string, string | string[] | undefined>,
  projectId: string | undefined,
): string | undefined {
  let traceId: string | undefined;
  const traceparent = headers.traceparent;
  if (typeof traceparent === 'string') {
    const match = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/i.exec(traceparent.trim());
    if (match) traceId = match[1];
  }
  const cloud = headers['x-cloud-trace-context'];
  if (!traceId && typeof cloud === 'string') {
    const match = /^([\da-f]{32})(\/|$)/i.exec(cloud.trim());
    if (match) traceId = match[1];
  }
  if (!traceId) return undefined;
  return projectId ? `projects/${projectId}/traces/${traceId}` : traceId;
}
