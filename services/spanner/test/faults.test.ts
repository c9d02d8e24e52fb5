/**
 * Engine faults on the real Spanner emulator (its own process, not the run's
 * shared one): frozen (SIGSTOP) and killed mid-load, then resumed/restarted.
 * Every call answers within the deadline with an SPI error, /readyz says why
 * it is not ready and recovers by itself, and no write the caller was told
 * failed is stored (REQUEST_DEADLINE_MS: packages/core/src/deadline.ts).
 */
import {
  expectFrozenEngineAnswers,
  expectKilledMidLoadAnswers,
  type Harness,
  readiness,
  startHarness,
  storedIds,
  untilAnswered,
  waitUntilReady,
} from '@adaptors/testkit';
import {
  type SpannerAdminClient,
  type SpannerEmulator,
  startSpannerEmulator,
} from '@adaptors/testkit/emulators/spanner';
import { Spanner } from '@google-cloud/spanner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { databaseRecreator } from '../src/client.ts';
import { createSpannerStorage } from '../src/storage.ts';

// Short: the frozen-engine calls must return while the engine is frozen. Setup and check calls
// retry a 503/504 (untilAnswered()), so a loaded CI machine slows them without failing them.
const DEADLINE_MS = 1500;
const DATABASE = 'faults';
const plants = { id: 'plants', fields: [{ key: 'n', type: 'NUMBER' }] };

describe('Spanner engine faults', () => {
  let emulator: SpannerEmulator;
  let h: Harness;

  beforeAll(async () => {
    ({ emulator, h } = await startTarget({ recreate: false, readyTimeoutMs: 1000 }));
  });
  afterAll(async () => {
    await h?.close();
    await emulator?.stop();
  });

  test('frozen engine: calls answer DEADLINE_EXCEEDED, not ready, then recovers; no failed write is stored', async () => {
    await expectFrozenEngineAnswers(h, emulator, {
      collectionId: 'plants',
      deadlineMs: DEADLINE_MS,
      notReadyReason: /did not answer/,
    });
  });

  test('killed mid-load, restarted empty: SPI answers, not ready (database missing), ready again without a service restart', async () => {
    await expectKilledMidLoadAnswers(h, emulator, { collectionId: 'plants', batchSize: 20, headStartMs: 50 });

    await emulator.restart();
    // The restarted emulator is empty: the database is missing, and readiness says so.
    const missing = await waitForReason(h.url, /database or its instance does not exist/);
    expect(missing.status).toBe(503);

    await emulator.createDatabase(DATABASE);
    await waitUntilReady(h.url);
    // The same service works again on the new database (its schema is read afresh).
    expect([200, 409]).toContain((await untilAnswered(() => h.client.createCollection(plants), [200, 409])).status);
    expect((await untilAnswered(() => h.client.insert('plants', [{ _id: 'after', n: 2 }]), [200])).status).toBe(200);
    expect([...(await storedIds(h.client, 'plants'))]).toEqual(['after']);
  });
});

describe('Spanner engine restarted empty, with SPANNER_EMULATOR_CREATE', () => {
  let emulator: SpannerEmulator;
  let h: Harness;

  beforeAll(async () => {
    ({ emulator, h } = await startTarget({ recreate: true, readyTimeoutMs: 2000 }));
  });
  afterAll(async () => {
    await h?.close();
    await emulator?.stop();
  });

  test('killed and restarted empty: /readyz creates the database again and the service works without a restart', async () => {
    expect((await untilAnswered(() => h.client.insert('plants', [{ _id: 'before', n: 1 }]), [200])).status).toBe(200);
    await emulator.kill();
    expect((await readiness(h.url)).status).toBe(503);
    await emulator.restart();
    // Nobody creates the database here: readiness does (without the setting it stays 503, see above).
    await waitUntilReady(h.url);
    // The database is new and empty: the collection is created again, and written to.
    expect((await untilAnswered(() => h.client.createCollection(plants), [200])).status).toBe(200);
    expect((await untilAnswered(() => h.client.insert('plants', [{ _id: 'after', n: 2 }]), [200])).status).toBe(200);
    expect([...(await storedIds(h.client, 'plants'))]).toEqual(['after']);
  });
});

/**
 * A fresh emulator with one database, the storage on it (with the database
 * recreator main.ts passes under SPANNER_EMULATOR_HOST and SPANNER_EMULATOR_CREATE=true
 * when `recreate`), a harness with the short deadline, and the `plants` collection.
 */
async function startTarget(options: { recreate: boolean; readyTimeoutMs: number }) {
  const emulator = await startSpannerEmulator({ connect: (o) => new Spanner(o) as unknown as SpannerAdminClient });
  try {
    await emulator.createDatabase(DATABASE);
    const spanner = new Spanner({ projectId: emulator.projectId });
    const database = spanner.instance(emulator.instanceId).database(DATABASE);
    const recreateDatabase = options.recreate
      ? databaseRecreator(spanner, {
          projectId: emulator.projectId,
          instanceId: emulator.instanceId,
          databaseId: DATABASE,
          emulatorHost: emulator.host,
          createOnEmulator: true,
        })
      : undefined;
    if (options.recreate) expect(recreateDatabase).toBeDefined();
    const storage = createSpannerStorage({
      database,
      close: () => spanner.close(),
      ...(recreateDatabase ? { recreateDatabase } : {}),
    });
    const h = await startHarness({ storage, requestDeadlineMs: DEADLINE_MS, readyTimeoutMs: options.readyTimeoutMs });
    expect((await untilAnswered(() => h.client.createCollection(plants), [200])).status).toBe(200);
    return { emulator, h };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

/** Polls /readyz until its reason matches (the client may first report the dropped connection). */
async function waitForReason(url: string, pattern: RegExp) {
  for (let i = 0; i < 100; i++) {
    const probe = await readiness(url);
    if (typeof probe.body.reason === 'string' && pattern.test(probe.body.reason)) return probe;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return readiness(url);
}
