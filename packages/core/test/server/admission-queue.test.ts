/**
 * The admission queue (BodyBudget in server/admission.ts): when room appears — bytes given
 * back, or a waiter leaving because its wait ran out or its client is gone — every waiter that
 * now fits is admitted, chunks of bodies under way first, then new calls in arrival order, a
 * call passed over once not passed over again. Over real HTTP on a bare Fastify app with
 * admitBodies, whose handlers the test holds open and lets go, so room appears exactly when a
 * test says; and on BodyBudget itself for the order.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, expect, test } from 'vitest';
import { SpiError } from '../../src/errors.ts';
import { admitBodies, BodyBudget } from '../../src/server/admission.ts';

const MB = 1024 * 1024;
let app: FastifyInstance | undefined;
const opened: Array<() => void> = [];

afterEach(async () => {
  for (const open of opened.splice(0)) open();
  await app?.close();
  app = undefined;
});

/**
 * A bare app with admission: POST /hold/:name answers once the test calls `open(name)`, POST
 * /run/:name at once; each answers the body's length. `entered`: calls whose handler ran.
 */
async function serve(options: { budget: number; bodyLimit: number; waitMs: number }) {
  const server = Fastify({ bodyLimit: options.bodyLimit, forceCloseConnections: true });
  app = server;
  const budget = admitBodies(server, {
    bodyLimitBytes: options.bodyLimit,
    budgetBytes: options.budget,
    waitMs: options.waitMs,
  });
  server.addHook('onResponse', async (request) => request.releaseBody());
  server.setErrorHandler((error, _request, reply) => {
    void reply.code(error instanceof SpiError ? error.status : 500).send({ code: (error as SpiError).code });
  });
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  const entered = new Set<string>();
  const gates = new Map<string, () => void>();
  server.post<{ Params: { name: string } }>('/:mode/:name', async (request) => {
    const { mode, name } = request.params as { mode: string; name: string };
    entered.add(name);
    if (mode === 'hold') await new Promise<void>((resolve) => gates.set(name, resolve));
    return { name, bytes: (request.body as Buffer).length };
  });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  const open = (name: string) => {
    gates.get(name)?.();
    gates.delete(name);
  };
  opened.push(() => {
    for (const name of [...gates.keys()]) open(name);
  });
  /** POSTs `bytes` with a Content-Length; resolves to the status (0 when aborted). */
  const post = async (path: string, bytes: number, signal?: AbortSignal): Promise<number> => {
    try {
      const response = await fetch(`${base}${path}`, { method: 'POST', body: 'x'.repeat(bytes), signal });
      await response.arrayBuffer();
      return response.status;
    } catch (error) {
      if (signal?.aborted) return 0;
      throw error;
    }
  };
  return { budget, entered, open, post, chunked: (path: string) => chunked(`${base}${path}`) };
}

/** A chunked POST (no Content-Length) written as the test says; `status` once answered. */
function chunked(url: string) {
  let answered = false;
  const req = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' },
  });
  const status = new Promise<number>((resolve, reject) => {
    req.on('response', (response) => {
      answered = true;
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    // A refused body is left unread: the client may fail writing the rest once answered.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
  });
  const write = (bytes: number) => {
    for (let left = bytes; left > 0; left -= 64 * 1024) req.write(Buffer.alloc(Math.min(left, 64 * 1024), 'x'));
  };
  return { write, end: () => req.end(), status };
}

/** Resolves once `condition` holds (checked every 5 ms). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** `promise`'s value once settled, or 'pending' if it has not after `guardMs` (a guard, not a timing). */
function within<T>(promise: Promise<T>, guardMs: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), guardMs);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

/** Lets settled promises run their callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** The state of `promise`, read synchronously by the test. */
function watch<T>(promise: Promise<T>): { value: T | 'pending' } {
  const state: { value: T | 'pending' } = { value: 'pending' };
  void promise.then((value) => {
    state.value = value;
  });
  return state;
}

test('a chunked body whose next chunk fits is admitted past a Content-Length call that does not fit', async () => {
  // The wait is long: refused only if the chunk waited it out behind the larger call.
  const { budget, entered, open, post, chunked } = await serve({ budget: 4 * MB, bodyLimit: 8 * MB, waitMs: 4000 });
  const body = chunked('/run/body');
  body.write(1 * MB);
  await until(() => budget.bytesInFlight === 1 * MB);
  const holding = post('/hold/holding', 3 * MB);
  await until(() => entered.has('holding'));
  // 3.5 MB: does not fit until the chunked body is done too.
  const large = post('/run/large', 3.5 * MB);
  await until(() => budget.waitingCount === 1);
  body.write(1 * MB);
  body.end();
  await until(() => budget.waitingCount === 2);

  open('holding');
  expect(await holding).toBe(200);
  // The chunk fits beside the 1 MB the body holds: admitted, the body finishes and gives its
  // bytes back, and then the large call fits too.
  expect(await within(body.status, 3000)).toBe(200);
  expect(await large).toBe(200);
  expect(budget.bytesInFlight).toBe(0);
  expect(budget.waitingCount).toBe(0);
});

test('a call whose wait runs out lets in the calls behind it that fit', async () => {
  const { budget, entered, open, post } = await serve({ budget: 4 * MB, bodyLimit: 4 * MB, waitMs: 1500 });
  const holding = post('/hold/holding', 3 * MB);
  await until(() => entered.has('holding'));
  const large = post('/run/large', 3 * MB);
  await until(() => budget.waitingCount === 1);
  // 1 MB would fit, but a new call queues behind those waiting; nothing is released meanwhile.
  const small = post('/run/small', 1 * MB);
  await until(() => budget.waitingCount === 2);

  expect(await large).toBe(503);
  // Admitted when the large call left, not refused when its own wait ran out a moment later.
  expect(await small).toBe(200);
  expect(entered.has('small')).toBe(true);
  open('holding');
  expect(await holding).toBe(200);
  expect(budget.bytesInFlight).toBe(0);
});

test('a call whose client goes away while it waits leaves the queue at once, letting in those behind it', async () => {
  // Small bodies, read whole by Node, which then sees the connection close (it does not while
  // a large body is held back unread). A wait far longer than the guard: the small call is
  // admitted only if the gone one leaves.
  const { budget, entered, open, post } = await serve({ budget: 10_000, bodyLimit: 10_000, waitMs: 60_000 });
  const holding = post('/hold/holding', 6000);
  await until(() => entered.has('holding'));
  const gaveUp = new AbortController();
  const large = post('/run/large', 8000, gaveUp.signal);
  await until(() => budget.waitingCount === 1);
  // 3000 would fit, but a new call queues behind those waiting.
  const small = post('/run/small', 3000);
  await until(() => budget.waitingCount === 2);

  gaveUp.abort();
  expect(await large).toBe(0);
  expect(await within(small, 5000)).toBe(200);
  expect(entered.has('large')).toBe(false);
  open('holding');
  expect(await holding).toBe(200);
  expect(budget.bytesInFlight).toBe(0);
  expect(budget.waitingCount).toBe(0);
});

test('queue rule: when room appears, chunks of bodies under way are admitted before new calls that came first', async () => {
  const budget = new BodyBudget(10);
  expect(budget.tryAcquire(6)).toBe(true); // a chunked body under way holds 6
  expect(budget.tryAcquire(4)).toBe(true); // another call holds 4
  const call = watch(budget.acquire(3, 60_000));
  const chunk = watch(budget.acquire(3, 60_000, 6)); // the body's next chunk
  await settle();
  expect([call.value, chunk.value]).toEqual(['pending', 'pending']);
  budget.release(4); // room for one of them: the chunk (6 + 3 = 9)
  await settle();
  expect([call.value, chunk.value]).toEqual(['pending', true]);
  budget.release(9); // the body is done
  await settle();
  expect(call.value).toBe(true);
  expect(budget.bytesInFlight).toBe(3);
});

test('queue rule: new calls in arrival order, past one that does not fit, but not past it twice', async () => {
  const budget = new BodyBudget(10);
  expect(budget.tryAcquire(6)).toBe(true);
  expect(budget.tryAcquire(2)).toBe(true);
  const large = watch(budget.acquire(8, 60_000));
  // A new call that would fit does not overtake those waiting when it arrives.
  expect(budget.tryAcquire(1)).toBe(false);
  const small = watch(budget.acquire(1, 60_000));
  await settle();
  expect([large.value, small.value]).toEqual(['pending', 'pending']);
  budget.release(2); // 6 held: the large call does not fit, the small one behind it does
  await settle();
  expect([large.value, small.value]).toEqual(['pending', true]);

  // Passed over once, the large call is not passed again: room gathers for it.
  const next = watch(budget.acquire(1, 60_000));
  budget.release(1); // the small call is done: 6 held, room for the next call but not the large
  await settle();
  expect([large.value, next.value]).toEqual(['pending', 'pending']);
  budget.release(6); // alone now, the large call is admitted, then the next one fits beside it
  await settle();
  expect([large.value, next.value]).toEqual([true, true]);
  expect(budget.bytesInFlight).toBe(9);
  expect(budget.waitingCount).toBe(0);
});

test('queue rule: a waiter leaving (wait run out, or aborted) admits those behind it that fit', async () => {
  const budget = new BodyBudget(10);
  expect(budget.tryAcquire(6)).toBe(true);
  const timedOut = budget.acquire(8, 20);
  const behind = watch(budget.acquire(4, 60_000));
  expect(await timedOut).toBe(false);
  await settle();
  expect(behind.value).toBe(true);

  budget.release(10);

  expect(budget.tryAcquire(6)).toBe(true);
  const gone = new AbortController();
  const aborted = budget.acquire(8, 60_000, 0, gone.signal);
  const last = watch(budget.acquire(4, 60_000));
  gone.abort();
  expect(await aborted).toBe(false);
  await settle();
  expect(last.value).toBe(true);
  expect(budget.waitingCount).toBe(0);
  expect(budget.bytesInFlight).toBe(10);
});
