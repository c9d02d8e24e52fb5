/**
 * The logs of real calls over HTTP, as Google Cloud reads them
 * (packages/core/README.md "Logs"): every line names the service and release
 * (`serviceContext`), error lines carry the error message, 5xx lines a stack
 * Error Reporting groups (`stack_trace`, ReportedErrorEvent `@type`, the
 * request as context), request lines the trace and span — and no line holds
 * an item's values, a token, a key or a secret, whatever the call.
 */
import { createLogger, errors, REPORTED_ERROR_EVENT, type Storage } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, plantsCollection, startHarness } from '../src/index.ts';

const SERVICE = { serviceContext: { service: 'wix-gcp-adaptors-memory', version: '9.8.7' } };
const STATUS_TOKEN = 'status-token-never-logged-0123456789';
const LEGACY_SECRET = 'legacy-secret-never-logged-0123456789';
const ITEM_VALUE = 'Item-value-never-logged';
const FILTER_VALUE = 'Filter-value-never-logged';
const BAD_VALUE = 'Rejected-value-never-logged';

/** The memory storage, with queries of the collection `boom` failing unexpectedly and of `down` as unavailable. */
function faulty(storage: Storage): Storage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== 'query' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const collection = (args[0] as { id?: string } | undefined)?.id;
        if (collection === 'boom') throw new TypeError('Cannot read properties of undefined (reading "rows")');
        // An unexpected error whose message quotes the request, as V8's did for a long `$urlized`.
        if (collection === 'quoting') throw new SyntaxError(`Invalid regular expression: /${FILTER_VALUE}/: too large`);
        if (collection === 'down') throw errors.unavailable('The memory database');
        return value.apply(target, args);
      };
    },
  });
}

describe('log lines of real calls', () => {
  let h: Harness;
  const raw: string[] = [];
  const lines = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);
  const tokens: string[] = [];

  beforeAll(async () => {
    const storage = createMemoryStorage({
      collections: [
        plantsCollection,
        { ...plantsCollection, id: 'boom' },
        { ...plantsCollection, id: 'down' },
        { ...plantsCollection, id: 'quoting' },
      ],
    });
    h = await startHarness({
      storage: faulty(storage),
      logger: createLogger({ level: 'info', base: SERVICE, sink: { write: (line) => raw.push(line) } }),
      legacySecretKeys: [LEGACY_SECRET],
      info: { name: 'memory', version: '9.8.7', keys: [], advice: [], detailsToken: STATUS_TOKEN },
    });
    const signed = async (path: string, request: unknown, requestId: string, headers: Record<string, string> = {}) => {
      const token = await h.signer.sign(request, { metadata: { requestId, instanceId: 'inst-1' } });
      tokens.push(token);
      return h.client.post(path, token, headers);
    };

    expect(
      (
        await signed(
          'items/insert',
          { collectionId: 'plants', items: [{ _id: 'p1', commonName: ITEM_VALUE }] },
          'req-insert',
          { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await signed(
          'items/query',
          { collectionId: 'plants', query: { filter: { commonName: { $eq: FILTER_VALUE } } } },
          'req-query',
          { 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/255;o=1' },
        )
      ).status,
    ).toBe(200);
    // A bad item is a per-item error of a 200; a bad filter value a 400: neither value is logged.
    expect(
      (await signed('items/insert', { collectionId: 'plants', items: [{ _id: 'p2', heightCm: BAD_VALUE }] }, 'r'))
        .status,
    ).toBe(200);
    expect(
      (
        await signed(
          'items/query',
          { collectionId: 'plants', query: { filter: { heightCm: { $gt: BAD_VALUE } } } },
          'req-invalid',
        )
      ).status,
    ).toBe(400);
    expect((await signed('items/query', { collectionId: 'boom', query: {} }, 'req-boom')).status).toBe(500);
    expect((await signed('items/query', { collectionId: 'down', query: {} }, 'req-down')).status).toBe(503);
    expect(
      (
        await signed(
          'items/query',
          { collectionId: 'quoting', query: { filter: { commonName: { $eq: FILTER_VALUE } } } },
          'req-quoting',
        )
      ).status,
    ).toBe(500);
    // A token signed by another key: refused, and neither token nor key is logged.
    const forged = `${tokens[0]?.slice(0, -10)}AAAAAAAAAA`;
    tokens.push(forged);
    expect((await h.client.post('items/query', forged)).status).toBe(401);
    const status = await fetch(`${h.url}/status.json`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } });
    expect(status.status).toBe(200);
    expect((await h.legacy?.legacy('/data/find', { collectionName: 'plants' }))?.status).toBe(200);
    expect(
      (await h.legacy?.legacy('/data/find', { collectionName: 'plants' }, { secretKey: `${LEGACY_SECRET}-wrong` }))
        ?.status,
    ).toBe(401);
  });
  afterAll(() => h.close());

  test('every line names the service and its release', () => {
    expect(lines().length).toBeGreaterThanOrEqual(9);
    for (const line of lines()) expect(line).toMatchObject(SERVICE);
  });

  test('a request line keeps its fields and links to the trace and span', () => {
    const insert = lines().find((l) => l.requestId === 'req-insert');
    expect(insert).toMatchObject({
      severity: 'INFO',
      message: 'items/insert 200',
      operation: 'items/insert',
      instanceId: 'inst-1',
      collectionId: 'plants',
      itemCount: 1,
      httpRequest: { requestMethod: 'POST', requestUrl: '/v3/items/insert', status: 200 },
      'logging.googleapis.com/trace': '0af7651916cd43dd8448eb211c80319c',
      'logging.googleapis.com/spanId': 'b7ad6b7169203331',
      'logging.googleapis.com/trace_sampled': true,
    });
    expect(typeof insert?.durationMs).toBe('number');
    expect(lines().find((l) => l.requestId === 'req-query')).toMatchObject({
      'logging.googleapis.com/spanId': '00000000000000ff',
    });
  });

  test('a 500 line carries the head of the message, the stack and the request for Error Reporting', () => {
    const boom = lines().find((l) => l.requestId === 'req-boom');
    const withheld = 'Cannot read properties of undefined (rest of the message withheld: it may quote the request)';
    expect(boom).toMatchObject({
      severity: 'ERROR',
      errorCode: 'UNKNOWN_ERROR',
      errorMessage: withheld,
      error: `TypeError: ${withheld}`,
      '@type': REPORTED_ERROR_EVENT,
      context: { httpRequest: { method: 'POST', url: '/v3/items/query', responseStatusCode: 500 } },
    });
    expect(boom?.stack_trace).toMatch(/^TypeError: Cannot read properties of undefined [^\n]*\n\s+at /);
    // One line per failure: no second "unexpected error" line for Error Reporting to count twice.
    expect(lines().filter((l) => String(l.stack_trace ?? '').startsWith('TypeError: Cannot read'))).toHaveLength(1);
  });

  test("a 500 line holds no part of an unexpected error's message that quotes the request", () => {
    const quoting = lines().find((l) => l.requestId === 'req-quoting');
    expect(quoting).toMatchObject({
      errorCode: 'UNKNOWN_ERROR',
      error: 'SyntaxError: Invalid regular expression (rest of the message withheld: it may quote the request)',
    });
    expect(quoting?.stack_trace).toMatch(/^SyntaxError: Invalid regular expression [^\n]*\n\s+at /);
    expect(JSON.stringify(quoting)).not.toContain(FILTER_VALUE);
  });

  test('a 503 line carries the answered message and where it was raised', () => {
    const down = lines().find((l) => l.requestId === 'req-down');
    expect(down).toMatchObject({ severity: 'ERROR', errorCode: 'SERVICE_UNAVAILABLE', '@type': REPORTED_ERROR_EVENT });
    expect(down?.errorMessage).toMatch(/^The memory database is not reachable right now; retry shortly/);
    expect(down?.stack_trace).toMatch(/^SpiError: The memory database/);
  });

  test('4xx lines carry the message when it is built without request values', () => {
    const unauthorized = lines().find((l) => l.errorCode === 'UNAUTHORIZED');
    expect(unauthorized).toMatchObject({ severity: 'WARNING' });
    expect(unauthorized?.errorMessage).toMatch(/^Authorization failed: /);
    expect(unauthorized).not.toHaveProperty('stack_trace');
    const invalid = lines().find((l) => l.requestId === 'req-invalid');
    expect(invalid).toMatchObject({ severity: 'WARNING', errorCode: 'VALIDATION_ERROR' });
    expect(invalid).not.toHaveProperty('errorMessage');
    const wrongSecret = lines().find((l) => l.errorCode === 'WRONG_SECRET');
    expect(wrongSecret?.errorMessage).toMatch(/^You are not authorized/);
  });

  test('no line holds item values, filter values, rejected values, tokens or secrets', () => {
    const all = raw.join('');
    for (const secret of [ITEM_VALUE, FILTER_VALUE, BAD_VALUE, STATUS_TOKEN, LEGACY_SECRET, ...tokens]) {
      expect(all).not.toContain(secret);
    }
    // Nor any part of a token (its signature or payload segment).
    for (const token of tokens) for (const segment of token.split('.').slice(1)) expect(all).not.toContain(segment);
    expect(all).not.toContain('BEGIN PUBLIC KEY');
  });
});
