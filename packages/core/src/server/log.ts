/**
 * The services' logger: one JSON line per event on stdout, in the shape Cloud
 * Logging and Error Reporting read (packages/core/README.md "Logs";
 * gcp-format.ts writes the line): `severity`, `message`, `time`,
 * `serviceContext` on every line, `logging.googleapis.com/trace` / `spanId` /
 * `trace_sampled`, and for an error with a stack, `stack_trace` plus the
 * ReportedErrorEvent `@type`, so Error Reporting groups it by service and version.
 *
 * Our own rather than pino (Fastify's default logger): a line is one
 * `JSON.stringify`, and pino's modules, with the `worker_threads` and `assert`
 * they load, were ~8 ms of every cold start (packages/bench/RESULTS.md,
 * nineteenth round). Fastify gets the same logger for its own rare lines
 * (`fastify` below); it loads pino only when it is given a logger of its own.
 *
 * Never item data, tokens or key material: callers pass only the fields of
 * the request line (server/app.ts) and messages built without them.
 */
import type { FastifyBaseLogger } from 'fastify';
import { describeError, errorFields, jsonLine } from './gcp-format.ts';

export type Severity = 'DEBUG' | 'INFO' | 'NOTICE' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface LogSink {
  write(line: string): void;
}

export interface Logger {
  /**
   * One line. `fields.err` (an Error) adds its stack as `stack_trace` on ERROR
   * and CRITICAL lines, where Error Reporting picks it up.
   */
  log(severity: Severity, message: string, fields?: Record<string, unknown>): void;
  enabled(severity: Severity): boolean;
  /** The same lines as Fastify's logger interface, handed to Fastify (server/app.ts); absent when silent. */
  readonly fastify?: FastifyBaseLogger;
}

/**
 * LOG_LEVEL's names (pino's, which Fastify's docs use) and each severity's rank: a
 * line is written when its rank is at least the level's. `trace` is below DEBUG,
 * which is Cloud Logging's lowest severity, so trace lines are written as DEBUG.
 */
const LEVEL_RANK: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};
const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  DEBUG: 20,
  INFO: 30,
  NOTICE: 35,
  WARNING: 40,
  ERROR: 50,
  CRITICAL: 60,
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

export interface LoggerOptions {
  /** LOG_LEVEL (config/core-settings.ts): fatal, error, warn, info, debug, trace, silent; another word is info. */
  readonly level?: string;
  readonly sink?: LogSink;
  /** Fields on every line, e.g. `serviceContext` (runService sets it). */
  readonly base?: Readonly<Record<string, unknown>>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const asked = options.level?.toLowerCase() ?? 'info';
  const level = Object.hasOwn(LEVEL_RANK, asked) ? asked : 'info';
  const threshold = LEVEL_RANK[level] as number;
  const sink = options.sink ?? stdoutSink();
  const base = options.base ? { ...options.base } : undefined;
  const write: Write = (rank, severity, message, fields) => {
    if (rank < threshold) return;
    let written = fields;
    if (fields?.err !== undefined) {
      // Below ERROR an error is named, not reported: no stack, so Error Reporting leaves it out.
      if (severity === 'ERROR' || severity === 'CRITICAL') written = errorFields(fields);
      else {
        const { err, ...rest } = fields;
        written = { ...rest, error: describeError(err) };
      }
    }
    sink.write(jsonLine(severity, message, base, written));
  };
  const logger: Logger = {
    enabled: (severity) => SEVERITY_RANK[severity] >= threshold,
    log: (severity, message, fields) => write(SEVERITY_RANK[severity], severity, message, fields),
    ...(level === 'silent' ? {} : { fastify: fastifyLogger(write, level) }),
  };
  return logger;
}

/** A logger that drops everything (library use, benchmarks); Fastify then gets no logger either. */
export const silentLogger: Logger = { log: () => {}, enabled: () => false };

/** One line at `rank` (LEVEL_RANK / SEVERITY_RANK), written when the rank reaches LOG_LEVEL's. */
type Write = (rank: number, severity: Severity, message: string, fields?: Record<string, unknown>) => void;

/**
 * Fastify's logger interface over the same lines. Fastify calls it as pino:
 * `(message)`, `(error)` or `(fields, message?)`; a field holding its request or
 * reply is written as what Fastify's own serializers keep of it (method and url;
 * status code), never the object.
 */
function fastifyLogger(write: Write, level: string): FastifyBaseLogger {
  const method =
    (rank: number, severity: Severity) =>
    (first?: unknown, message?: unknown): void => {
      const text = typeof message === 'string' ? message : undefined;
      if (typeof first === 'string') write(rank, severity, first);
      else if (first instanceof Error) write(rank, severity, text ?? first.message, { err: first });
      else {
        const fields =
          typeof first === 'object' && first !== null ? fastifyFields(first as Record<string, unknown>) : {};
        const err = fields.err;
        write(rank, severity, text ?? (err instanceof Error ? err.message : ''), fields);
      }
    };
  const logger = {
    level,
    trace: method(LEVEL_RANK.trace as number, 'DEBUG'),
    debug: method(LEVEL_RANK.debug as number, 'DEBUG'),
    info: method(LEVEL_RANK.info as number, 'INFO'),
    warn: method(LEVEL_RANK.warn as number, 'WARNING'),
    error: method(LEVEL_RANK.error as number, 'ERROR'),
    fatal: method(LEVEL_RANK.fatal as number, 'CRITICAL'),
    silent: () => {},
    // One logger for the whole server: Fastify's per-request children add only its request id, which is not Wix's.
    child: () => logger,
  };
  return logger as unknown as FastifyBaseLogger;
}

function fastifyFields(fields: Record<string, unknown>): Record<string, unknown> {
  if (!('req' in fields) && !('res' in fields)) return fields;
  const { req, res, ...rest } = fields;
  const request = req as { method?: unknown; url?: unknown } | undefined;
  const reply = res as { statusCode?: unknown } | undefined;
  return {
    ...rest,
    ...(request
      ? {
          req: { method: request.method, url: typeof request.url === 'string' ? request.url.split('?')[0] : undefined },
        }
      : {}),
    ...(reply ? { res: { statusCode: reply.statusCode } } : {}),
  };
}
