/**
 * The logger writes Google Cloud's structured-logging shape
 * (server/log.ts, server/gcp-format.ts): severity names, `message`, an
 * RFC 3339 `time`, the base fields on every line, LOG_LEVEL filtering, and an
 * error's stack as Error Reporting reads it on ERROR lines only.
 */
import { describe, expect, test } from 'vitest';
import { REPORTED_ERROR_EVENT } from '../../src/server/gcp-format.ts';
import { createLogger, type Severity, silentLogger } from '../../src/server/log.ts';
import { traceFields, traceOf } from '../../src/server/trace.ts';

function capture(level = 'debug', base?: Record<string, unknown>) {
  const raw: string[] = [];
  const logger = createLogger({ level, sink: { write: (line) => raw.push(line) }, ...(base ? { base } : {}) });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const SERVICE = { serviceContext: { service: 'wix-gcp-adaptors-spanner', version: '1.2.3' } };

describe('createLogger', () => {
  test.each(['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'] as Severity[])(
    '%s is written as that Cloud Logging severity with message, time and the base fields',
    (severity) => {
      const { logger, raw, lines } = capture('debug', SERVICE);
      logger.log(severity, 'something happened', { operation: 'items/query' });
      const [line] = lines();
      expect(line).toMatchObject({ severity, message: 'something happened', operation: 'items/query', ...SERVICE });
      expect(new Date(line?.time as string).toISOString()).toBe(line?.time);
      // No numeric level, msg, pid or hostname (pino's keys, which Cloud Logging does not read).
      for (const key of ['level', 'msg', 'pid', 'hostname']) expect(line).not.toHaveProperty(key);
      expect(raw[0]?.endsWith('}\n') && !raw[0].slice(0, -1).includes('\n')).toBe(true);
    },
  );

  test('LOG_LEVEL filters: warn drops INFO and NOTICE, keeps WARNING and above', () => {
    const { logger, lines } = capture('warn');
    for (const severity of ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL'] as Severity[]) {
      logger.log(severity, severity);
    }
    expect(lines().map((l) => l.severity)).toEqual(['WARNING', 'ERROR', 'CRITICAL']);
    expect(logger.enabled('INFO')).toBe(false);
    expect(logger.enabled('ERROR')).toBe(true);
    const silent = capture('silent');
    silent.logger.log('CRITICAL', 'x');
    expect(silent.raw).toEqual([]);
  });

  test('an unknown LOG_LEVEL falls back to info', () => {
    const { logger, lines } = capture('chatty');
    logger.log('DEBUG', 'hidden');
    logger.log('INFO', 'shown');
    expect(lines().map((l) => l.message)).toEqual(['shown']);
  });

  test('an error on an ERROR line carries its stack for Error Reporting', () => {
    const { logger, lines } = capture('info', SERVICE);
    const error = new TypeError('cannot read x');
    logger.log('ERROR', 'items/query 500 UNKNOWN_ERROR', { err: error });
    const [line] = lines();
    expect(line).toMatchObject({
      severity: 'ERROR',
      error: 'TypeError: cannot read x',
      '@type': REPORTED_ERROR_EVENT,
      ...SERVICE,
    });
    expect(line?.stack_trace).toBe(error.stack);
    expect(line).not.toHaveProperty('err');
  });

  test('below ERROR an error is named without its stack, so Error Reporting leaves it out', () => {
    const { logger, lines } = capture('info');
    logger.log('WARNING', 'readiness check failed', { err: new Error('connection refused') });
    logger.log('ERROR', 'not an Error', { err: 'plain text' });
    const [warning, text] = lines();
    expect(warning).toMatchObject({ severity: 'WARNING', error: 'Error: connection refused' });
    expect(warning).not.toHaveProperty('stack_trace');
    expect(warning).not.toHaveProperty('@type');
    expect(text).toMatchObject({ error: 'plain text' });
    expect(text).not.toHaveProperty('@type');
  });

  test('the silent logger writes nothing and offers Fastify no logger', () => {
    expect(silentLogger.enabled('CRITICAL')).toBe(false);
    expect(silentLogger.fastify).toBeUndefined();
    expect(capture('silent').logger.fastify).toBeUndefined();
  });

  test('a level name that is an Object property is unknown too: info', () => {
    const { logger, lines } = capture('constructor');
    logger.log('DEBUG', 'hidden');
    logger.log('INFO', 'shown');
    expect(lines().map((l) => l.message)).toEqual(['shown']);
  });

  test("severity, time and message are the line's own; the base fields and then the call's follow", () => {
    const { logger, lines } = capture('info', { serviceContext: { service: 's' }, region: 'base' });
    logger.log('INFO', 'the message', { severity: 'DEBUG', time: 'yesterday', message: 'other', region: 'call' });
    const [line] = lines();
    expect(line).toMatchObject({
      severity: 'INFO',
      message: 'the message',
      region: 'call',
      serviceContext: { service: 's' },
    });
    expect(new Date(line?.time as string).toISOString()).toBe(line?.time);
  });

  test('a value JSON cannot write does not lose the line: BigInts as digits, a cycle as [Circular]', () => {
    const { logger, lines } = capture('info');
    const node: Record<string, unknown> = { name: 'a' };
    node.self = node;
    const shared = { k: 1 };
    logger.log('INFO', 'odd values', { big: 12345678901234567890n, node, twice: [shared, shared] });
    expect(lines()[0]).toMatchObject({
      message: 'odd values',
      big: '12345678901234567890',
      node: { name: 'a', self: '[Circular]' },
      // The same object twice is no cycle: written both times.
      twice: [{ k: 1 }, { k: 1 }],
    });
  });
});

describe('the logger Fastify is given (its own lines: a reply sent twice, a failed hook)', () => {
  test('called as pino is: a message, an error, or fields with a message', () => {
    const { logger, lines } = capture('info', SERVICE);
    const fastify = logger.fastify;
    if (!fastify) throw new Error('a logger that writes gives Fastify one');
    fastify.warn('Reply was already sent');
    const error = new Error('hook failed');
    fastify.error(error);
    fastify.error({ err: error }, 'onRequestAborted hook failed');
    fastify.warn({ err: new Error('sent twice') });
    fastify.info({ res: { statusCode: 503 } }, 'refusing to accept new requests');
    const [sent, bare, hook, named, refused] = lines();
    expect(sent).toMatchObject({ severity: 'WARNING', message: 'Reply was already sent', ...SERVICE });
    expect(bare).toMatchObject({
      severity: 'ERROR',
      message: 'hook failed',
      error: 'Error: hook failed',
      '@type': REPORTED_ERROR_EVENT,
    });
    expect(bare?.stack_trace).toBe(error.stack);
    expect(hook).toMatchObject({
      severity: 'ERROR',
      message: 'onRequestAborted hook failed',
      stack_trace: error.stack,
    });
    expect(named).toMatchObject({ severity: 'WARNING', message: 'sent twice', error: 'Error: sent twice' });
    expect(named).not.toHaveProperty('stack_trace');
    expect(refused).toMatchObject({ severity: 'INFO', res: { statusCode: 503 } });
    expect(fastify.child({ reqId: 'x' })).toBe(fastify);
  });

  test("a request or reply in the fields is written as Fastify's serializers keep it, never whole", () => {
    const { logger, lines } = capture('info');
    const request = {
      method: 'POST',
      url: '/v3/items/query?x=1',
      headers: { authorization: 'Bearer secret' },
      body: 'token',
    };
    const reply = { statusCode: 500, request };
    logger.fastify?.error({ req: request, res: reply, err: new Error('boom') }, 'boom');
    const [line] = lines();
    expect(line).toMatchObject({ req: { method: 'POST', url: '/v3/items/query' }, res: { statusCode: 500 } });
    expect(JSON.stringify(line)).not.toContain('secret');
  });

  test("LOG_LEVEL applies: trace lines only at trace, written as DEBUG; Fastify's level is the setting's", () => {
    const debug = capture('debug');
    debug.logger.fastify?.trace('hidden');
    debug.logger.fastify?.debug('shown');
    expect(debug.lines().map((l) => [l.severity, l.message])).toEqual([['DEBUG', 'shown']]);
    expect(debug.logger.fastify?.level).toBe('debug');
    const trace = capture('trace');
    trace.logger.fastify?.trace('traced');
    expect(trace.lines().map((l) => [l.severity, l.message])).toEqual([['DEBUG', 'traced']]);
    const warn = capture('WARN');
    warn.logger.fastify?.info('hidden');
    warn.logger.fastify?.fatal('down');
    expect(warn.lines().map((l) => [l.severity, l.message])).toEqual([['CRITICAL', 'down']]);
  });
});

describe('trace fields', () => {
  test('traceparent gives the trace, the span and the sampled flag', () => {
    const headers = { traceparent: '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01' };
    expect(traceFields(headers, 'my-project')).toEqual({
      'logging.googleapis.com/trace': 'projects/my-project/traces/0af7651916cd43dd8448eb211c80319c',
      'logging.googleapis.com/spanId': 'b7ad6b7169203331',
      'logging.googleapis.com/trace_sampled': true,
    });
    expect(traceOf(headers, undefined)).toBe('0af7651916cd43dd8448eb211c80319c');
    const unsampled = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' };
    expect(traceFields(unsampled, undefined)).not.toHaveProperty('logging.googleapis.com/trace_sampled');
  });

  test("X-Cloud-Trace-Context's decimal span id becomes 16 hex digits", () => {
    const headers = { 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1' };
    expect(traceFields(headers, undefined)).toEqual({
      'logging.googleapis.com/trace': '105445aa7843bc8bf206b12000100000',
      'logging.googleapis.com/spanId': '0000000000000001',
      'logging.googleapis.com/trace_sampled': true,
    });
    const big = { 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/18446744073709551615;o=0' };
    expect(traceFields(big, undefined)['logging.googleapis.com/spanId']).toBe('ffffffffffffffff');
    expect(traceFields({ 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000' }, undefined)).toEqual({
      'logging.googleapis.com/trace': '105445aa7843bc8bf206b12000100000',
    });
  });

  test('a valid traceparent wins; malformed headers give no trace fields', () => {
    const both = {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1',
    };
    expect(traceOf(both, undefined)).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(traceFields({ traceparent: 'garbage', 'x-cloud-trace-context': 'nope/1' }, 'p')).toEqual({});
    expect(traceFields({}, 'p')).toEqual({});
  });
});
