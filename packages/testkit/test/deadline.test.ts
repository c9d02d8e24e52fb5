/**
 * The core's per-call deadline over real HTTP (packages/core/src/deadline.ts),
 * engine-free: a storage whose database "never answers" (the memory storage
 * behind a gate the test holds shut). A read answers DEADLINE_EXCEEDED, a
 * write DEADLINE_EXCEEDED with an unknown outcome (answer and log line), a
 * late failure of the abandoned storage call is no unhandled rejection, a
 * write failing as unavailable says its outcome is unknown, and /readyz says
 * why it is not ready, and closing lets abandoned work end (bounded) before
 * it closes the storage. The same on the real engines: services/<db>/test/faults.test.ts.
 */
import { createLogger, errors, SpiError, type Storage } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, plantsCollection, readiness, startHarness } from '../src/index.ts';

const DEADLINE_MS = 200;

/** Calls of `methods` wait until the gate opens, then fail with `failure` (or run). */
function gated(storage: Storage, methods: readonly (keyof Storage)[]) {
  let open: (() => void) | undefined;
  let failure: unknown;
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const wrapped = new Proxy(storage, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !methods.includes(property as keyof Storage)) return value;
      return async (...args: unknown[]) => {
        await gate;
        if (failure) throw failure;
        return value.apply(target, args);
      };
    },
  });
  return {
    storage: wrapped,
    release(error?: unknown) {
      failure = error;
      open?.();
    },
    close() {
      gate = Promise.resolve();
      open?.();
    },
  };
}

describe('the per-call deadline', () => {
  const lines: Record<string, unknown>[] = [];
  let h: Harness;
  let gate: ReturnType<typeof gated>;

  beforeAll(async () => {
    gate = gated(createMemoryStorage({ collections: [plantsCollection] }), ['query', 'insert', 'ready']);
    h = await startHarness({
      storage: gate.storage,
      requestDeadlineMs: DEADLINE_MS,
      readyTimeoutMs: DEADLINE_MS,
      logger: createLogger({ level: 'info', sink: { write: (line) => lines.push(JSON.parse(line)) } }),
    });
  });
  afterAll(async () => {
    gate.close();
    await h.close();
  });

  test('a read the database does not answer: 504 DEADLINE_EXCEEDED, nothing changed', async () => {
    const result = await h.client.query('plants');
    expect(result.status).toBe(504);
    expect(result.body).toMatchObject({
      errorCode: 'DEADLINE_EXCEEDED',
      data: { deadlineMs: DEADLINE_MS },
      applicationError: { code: 'DEADLINE_EXCEEDED' },
    });
    expect(result.body.data.writeOutcome).toBeUndefined();
    expect(result.body.errorMessage).toMatch(/nothing was changed/);
  });

  test('a write the database does not confirm: 504 with an unknown outcome, in the answer and the log', async () => {
    const result = await h.client.call(
      'items/insert',
      { collectionId: 'plants', items: [{ _id: 'x' }] },
      { metadata: { requestId: 'slow-write' } },
    );
    expect(result.status).toBe(504);
    expect(result.body).toMatchObject({ errorCode: 'DEADLINE_EXCEEDED', data: { writeOutcome: 'UNKNOWN' } });
    expect(result.body.errorMessage).toMatch(/unknown whether this change was applied/);
    await new Promise((resolve) => setImmediate(resolve));
    const line = lines.find((l) => l.requestId === 'slow-write');
    expect(line).toMatchObject({ severity: 'ERROR', errorCode: 'DEADLINE_EXCEEDED', writeOutcome: 'UNKNOWN' });
  });

  test('readiness: the reason when the database does not answer', async () => {
    const probe = await readiness(h.url);
    expect(probe.status).toBe(503);
    expect(probe.body).toMatchObject({ status: 'unavailable', errorCode: 'SERVICE_UNAVAILABLE' });
    expect(probe.body.reason).toMatch(/did not answer within 200 ms/);
  });

  test('the abandoned calls failing later is no unhandled rejection (vitest fails the run on one)', async () => {
    gate.release(new Error('connection reset after the answer was sent'));
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
});

describe('writes and readiness when the database is unavailable', () => {
  let h: Harness;
  beforeAll(async () => {
    const memory = createMemoryStorage({ collections: [plantsCollection] });
    const storage = new Proxy(memory, {
      get(target, property, receiver) {
        if (property === 'insert') return async () => Promise.reject(errors.unavailable('The test database'));
        // Refused outright by the database: not applied, whatever the status.
        if (property === 'update') {
          return async () => Promise.reject(errors.databaseMissing("The dataset 'd'", 'create it'));
        }
        if (property === 'ready') {
          return async () =>
            Promise.reject(new SpiError('SERVICE_UNAVAILABLE', "The dataset 'd' does not exist: create it."));
        }
        return Reflect.get(target, property, receiver);
      },
    });
    h = await startHarness({ storage, requestDeadlineMs: 5000 });
  });
  afterAll(() => h.close());

  test('an unavailable write keeps its reason and says its outcome is unknown', async () => {
    const result = await h.client.insert('plants', [{ _id: 'y' }]);
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ errorCode: 'SERVICE_UNAVAILABLE', data: { writeOutcome: 'UNKNOWN' } });
    expect(result.body.errorMessage).toMatch(
      /^The test database is not reachable.*unknown whether this change was applied/,
    );
  });

  test('a write the database refused outright (it does not exist) is not answered as of unknown outcome', async () => {
    const result = await h.client.update('plants', [{ _id: 'y' }]);
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ errorCode: 'SERVICE_UNAVAILABLE', data: null });
    expect(result.body.errorMessage).toBe("The dataset 'd' does not exist: create it.");
  });

  test("/readyz answers the storage's reason", async () => {
    const probe = await readiness(h.url);
    expect(probe.status).toBe(503);
    expect(probe.body.reason).toBe("The dataset 'd' does not exist: create it.");
  });
});

describe('closing after a call was abandoned at its deadline', () => {
  /** The memory storage, gated on `query`, recording when the query really ran and when the storage was closed. */
  function recorded(events: string[]) {
    const memory = createMemoryStorage({ collections: [plantsCollection] });
    const recording = new Proxy(memory, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property !== 'query' && property !== 'close') return value;
        return async (...args: unknown[]) => {
          events.push(property === 'query' ? 'abandoned query ended' : 'storage closed');
          return value.apply(target, args);
        };
      },
    });
    return gated(recording, ['query']);
  }

  test('the storage is closed only after the abandoned work has ended', async () => {
    const events: string[] = [];
    const gate = recorded(events);
    const h = await startHarness({ storage: gate.storage, requestDeadlineMs: DEADLINE_MS, closeDrainMs: 10_000 });
    expect((await h.client.query('plants')).status).toBe(504);
    const closing = h.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).toEqual([]);
    gate.release();
    await closing;
    expect(events).toEqual(['abandoned query ended', 'storage closed']);
  });

  test('work that does not end within closeDrainMs: the storage is closed anyway, and the log says so', async () => {
    const events: string[] = [];
    const lines: Record<string, unknown>[] = [];
    const gate = recorded(events);
    const h = await startHarness({
      storage: gate.storage,
      requestDeadlineMs: DEADLINE_MS,
      closeDrainMs: 100,
      logger: createLogger({ level: 'info', sink: { write: (line) => lines.push(JSON.parse(line)) } }),
    });
    expect((await h.client.query('plants')).status).toBe(504);
    await h.close();
    expect(events).toEqual(['storage closed']);
    expect(lines).toContainEqual(expect.objectContaining({ severity: 'NOTICE', running: 1, waitedMs: 100 }));
    gate.close();
  });
});
