/**
 * Admission by request-body bytes in flight (server/admission.ts, build() in app.ts): with a
 * small budget, many concurrent large calls are all answered — those that fit run, the others
 * wait briefly and are otherwise refused 503 SERVICE_UNAVAILABLE with Retry-After, nothing
 * applied — and a lone call of the largest body accepted is always admitted.
 */
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
  const post = async (bytes: number) => {
    const response = await fetch(url, { method: 'POST', body: 'x'.repeat(bytes) });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  return { ran, post };
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

test('the default budget is a quarter of the heap limit and never below one body', () => {
  expect(defaultBodyBudget(16 * MB, 200 * MB)).toBe(50 * MB);
  expect(defaultBodyBudget(16 * MB, 40 * MB)).toBe(16 * MB);
  const budget = new BodyBudget(10);
  expect(budget.bytesInFlight).toBe(0);
});
