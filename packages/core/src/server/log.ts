/**
 * Logs on pino (Fastify's own logger), one JSON line per event on stdout, in
 * the shape Cloud Logging and Error Reporting read (packages/core/README.md
 * "Logs"): `severity`, `message`, `time`, `serviceContext` on every line,
 * `logging.googleapis.com/trace` / `spanId` / `trace_sampled`, and for an
 * error with a stack, `stack_trace` plus the ReportedErrorEvent `@type`, so
 * Error Reporting groups it by service and version.
 *
 * The formatting is ours (gcp-format.ts) rather than
 * `@google-cloud/pino-logging-gcp-config`, which does the same mapping but
 * loads `@google-cloud/logging` (google-gax, gRPC): measured ~300 ms and
 * ~35 MB RSS more at start, on every cold start of every service. pino itself
 * is a static import: Fastify loads it anyway, and the service bundle must
 * carry it (a deployed image has no node_modules to require it from).
 *
 * Never item data, tokens or key material: callers pass only the fields of
 * the request line (server/app.ts) and messages built without them.
 */
import type { FastifyBaseLogger } from 'fastify';
import { type Logger as PinoLogger, pino } from 'pino';
import { describeError, pinoOptions } from './gcp-format.ts';

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
  /** The pino instance behind it, handed to Fastify as its logger (server/app.ts); absent when silent. */
  readonly pino?: FastifyBaseLogger;
}

/** Our severities → pino's method names (`notice` is a custom level between info and warn). */
const METHOD = {
  DEBUG: 'debug',
  INFO: 'info',
  NOTICE: 'notice',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
} as const satisfies Record<Severity, string>;

/**
 * stdout, one write per event-loop turn: the lines logged during a turn are
 * joined and written together (each stays one JSON line). stdout to a pipe is
 * synchronous on Linux, so a write per request was ~6% of the Spanner
 * service's CPU under 50-connection load (cpu-prof, `writev`). Pending lines
 * are written before the process exits (`exit` handlers run synchronously,
 * and a pipe or file write there completes), so a crash or `process.exit`
 * loses nothing. pino writes each line to it (its destination stream).
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
  /** LOG_LEVEL (config/core-settings.ts): fatal, error, warn, info, debug, trace, silent. */
  readonly level?: string;
  readonly sink?: LogSink;
  /** Fields on every line, e.g. `serviceContext` (runService sets it). */
  readonly base?: Readonly<Record<string, unknown>>;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  // pino is imported statically (Fastify loads it anyway), so the service bundle
  // (scripts/bundle-service.mjs) carries it: a runtime require would find no node_modules.
  const level = options.level?.toLowerCase() ?? 'info';
  const instance = pino(
    pinoOptions({ level: level in LEVELS ? level : 'info', base: options.base }),
    (options.sink ?? stdoutSink()) as { write(line: string): void },
  ) as PinoLogger<'notice'>;
  return {
    pino: instance as unknown as FastifyBaseLogger,
    enabled: (severity) => instance.isLevelEnabled(METHOD[severity]),
    log(severity, message, fields) {
      const method = METHOD[severity];
      if (!instance.isLevelEnabled(method)) return;
      if (!fields) return instance[method](message);
      // Below ERROR an error is named, not reported: no stack, so Error Reporting leaves it out.
      if (fields.err !== undefined && severity !== 'ERROR' && severity !== 'CRITICAL') {
        const { err, ...rest } = fields;
        return instance[method]({ ...rest, error: describeError(err) }, message);
      }
      instance[method](fields, message);
    },
  };
}

const LEVELS = { fatal: 1, error: 1, warn: 1, info: 1, debug: 1, trace: 1, silent: 1 };

/** A logger that drops everything (library use, benchmarks); Fastify then gets no logger either. */
export const silentLogger: Logger = { log: () => {}, enabled: () => false };
