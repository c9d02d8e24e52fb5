/**
 * Admission by request-body bytes in flight (server/admission.ts, build() in app.ts): with a
 * small budget, many concurrent large calls are all answered — those that fit run, the others
 * wait briefly and are otherwise refused 503 SERVICE_UNAVAILABLE with Retry-After, nothing
 * applied — and a lone call of the largest body accepted is always admitted.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, test } from 'vitest';
import type { Adaptor } from '../../src/adaptor/adaptor.ts';
import { BodyBudget, defaultBodyBudget } from '../../src/server/admission.ts';
import { build } from '../../src/server/app.ts';

const MB = 1024 * 1024;
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app whose calls each take `workMs` after the token is "verified"; counts the calls run. */
async function start(options: { budget: number; bodyLimit: number; waitMs: number; workMs: number }) {
  const ran = { calls: 0, peak: 0, now: 0 };
  const adaptor = {
    storage: { capabilities: { engine: 'memory' }, close: async () => {} },
    abandoned: { settled: async () => true, size: 0 },
    call: async () => {
      ran.calls += 1;
      ran.now += 1;
      ran.peak = Math.max(ran.peak, ran.now);
      await new Promise((resolve) => setTimeout(resolve, options.workMs));
      ran.now -= 1;
      return { items: [] };
    },
  } as unknown as Adaptor;
  app = build({
    adaptor,
    verify: async (body) => ({ request: { size: body.length }, metadata: { languages: [] }, claims: { iss: 'wix' } }),
    bodyLimitBytes: options.bodyLimit,
    bodyBytesInFlight: options.budget,
    admissionWaitMs: options.waitMs,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v3/items/insert`;
  const post = async (bytes: number, signal?: AbortSignal) => {
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(bytes), signal });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  return { ran, post, postChunked: (bytes: number) => postChunked(url, bytes) };
}

/** POSTs `bytes` with no Content-Length (Transfer-Encoding: chunked), in 64 KB writes. */
function postChunked(url: string, bytes: number): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(url, { method: 'POST' }, (response) => {
      answered = true;
      response.resume();
      response.on('end', () => {
        resolve({
          status: response.statusCode ?? 0,
          retryAfter: response.headers['retry-after'] as string | undefined,
        });
        req.destroy();
      });
    });
    // A refused body is left unread: the client may fail writing the rest once answered.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let left = bytes;
    const write = () => {
      while (left > 0) {
        const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
        left -= part.length;
        if (!req.write(part)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

/** Resolves once `condition` holds (checked every 10 ms). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

test('8 concurrent 3 MB calls on an 8 MB budget: all answered, two at a time run, the rest 503 with Retry-After', async () => {
  const { ran, post } = await start({ budget: 8 * MB, bodyLimit: 4 * MB, waitMs: 50, workMs: 400 });
  const answers = await Promise.all(Array.from({ length: 8 }, () => post(3 * MB)));
  const statuses = answers.map((a) => a.status).sort();
  expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
  const ok = answers.filter((a) => a.status === 200);
  const busy = answers.filter((a) => a.status === 503);
  expect(ok.length).toBeGreaterThanOrEqual(2);
  expect(busy.length).toBeGreaterThan(0);
  expect(ok.length + busy.length).toBe(8);
  expect(ran.calls).toBe(ok.length);
  expect(ran.peak).toBeLessThanOrEqual(2);
  for (const refused of busy) {
    expect(refused.retryAfter).toBe('2');
    expect(refused.body.errorCode ?? refused.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(JSON.stringify(refused.body)).toMatch(/busy with other large writes.*retry/);
  }
});

test('a call waiting for room is admitted when a running one ends within its wait', async () => {
  const { ran, post } = await start({ budget: 4 * MB, bodyLimit: 4 * MB, waitMs: 3000, workMs: 200 });
  const answers = await Promise.all([post(3 * MB), post(3 * MB), post(3 * MB)]);
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  expect(ran.peak).toBe(1);
});

test('a lone call of the largest body accepted is admitted even above the budget; small calls are not held', async () => {
  const { post } = await start({ budget: 1 * MB, bodyLimit: 4 * MB, waitMs: 0, workMs: 10 });
  expect((await post(4 * MB - 1024)).status).toBe(200);
  const smalls = await Promise.all(Array.from({ length: 10 }, () => post(1000)));
  expect(smalls.map((a) => a.status)).toEqual(Array(10).fill(200));
});

test('a chunked body (no Content-Length) is counted as it arrives: refused 503 when the budget is taken, nothing run', async () => {
  const { ran, post, postChunked } = await start({ budget: 4 * MB, bodyLimit: 8 * MB, waitMs: 50, workMs: 1500 });
  const holding = post(3 * MB);
  await until(() => ran.calls === 1);
  const chunked = await postChunked(3 * MB);
  expect(chunked).toEqual({ status: 503, retryAfter: '2' });
  expect(ran.calls).toBe(1);
  expect((await holding).status).toBe(200);
});

test('a lone chunked body above the budget is admitted, and its bytes are given back when answered', async () => {
  const { ran, post, postChunked } = await start({ budget: 2 * MB, bodyLimit: 8 * MB, waitMs: 0, workMs: 10 });
  expect((await postChunked(5 * MB)).status).toBe(200);
  // With 5 MB still held, this call would not be alone, would not fit, and would be refused at once.
  expect((await post(2 * MB)).status).toBe(200);
  expect(ran.calls).toBe(2);
});

test('a call whose client gives up while it waits for room gives its bytes back', async () => {
  const { ran, post } = await start({ budget: 4 * MB, bodyLimit: 4 * MB, waitMs: 10_000, workMs: 1500 });
  const holding = post(3 * MB);
  await until(() => ran.calls === 1);
  const gaveUp = new AbortController();
  const waiting = post(3 * MB, gaveUp.signal).catch(() => 'aborted');
  // Long enough for the call to reach the server and wait for room there.
  await new Promise((resolve) => setTimeout(resolve, 300));
  gaveUp.abort();
  expect(await waiting).toBe('aborted');
  expect((await holding).status).toBe(200);
  // Had the call that gave up kept its 3 MB, this one would wait for room that never comes.
  const after = await post(3 * MB);
  expect(after.status).toBe(200);
});

test('tryAcquire admits synchronously when the body fits, never ahead of a waiting call', async () => {
  const budget = new BodyBudget(10);
  expect(budget.tryAcquire(6)).toBe(true);
  expect(budget.tryAcquire(6)).toBe(false);
  const waiting = budget.acquire(6, 1000);
  expect(budget.tryAcquire(1)).toBe(false);
  // A chunked body under way (holding bytes) continues when it fits.
  expect(budget.tryAcquire(1, 6)).toBe(true);
  budget.release(7);
  expect(await waiting).toBe(true);
  expect(budget.bytesInFlight).toBe(6);
});

test('the default budget is a quarter of the heap limit and never below one body', () => {
  expect(defaultBodyBudget(16 * MB, 200 * MB)).toBe(50 * MB);
  expect(defaultBodyBudget(16 * MB, 40 * MB)).toBe(16 * MB);
  const budget = new BodyBudget(10);
  expect(budget.bytesInFlight).toBe(0);
});
