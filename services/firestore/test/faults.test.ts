/**
 * Engine faults on the official Firestore emulator (its own process, not the
 * run's shared one): frozen (SIGSTOP) and killed mid-load, then
 * resumed/restarted. Every call answers within the deadline with an SPI
 * error, /readyz says why it is not ready and recovers by itself, no write
 * the caller was told failed is stored, and a bulk insert cut by the
 * deadline is not replayed later by the client's retries
 * (REQUEST_DEADLINE_MS: packages/core/src/deadline.ts; src/deadline.ts).
 */
import {
  expectFrozenEngineAnswers,
  expectKilledMidLoadAnswers,
  type Harness,
  startHarness,
  storedIds,
  untilAnswered,
  waitUntilReady,
} from '@adaptors/testkit';
import { type FirestoreEmulator, startFirestoreEmulator } from '@adaptors/testkit/emulators/firestore';
import { Firestore, v1 } from '@google-cloud/firestore';
import gax from 'google-gax';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { firestoreDeadlineSettings } from '../src/deadline.ts';
import { type DocumentReader, documentReader } from '../src/run-query.ts';
import { createFirestoreStorage } from '../src/storage.ts';

const DEADLINE_MS = 1500;
const plants = { id: 'plants', fields: [{ key: 'n', type: 'NUMBER' }] };

describe('Firestore engine faults', () => {
  let emulator: FirestoreEmulator;
  let db: Firestore;
  let h: Harness;
  let reader: DocumentReader | undefined;

  beforeAll(async () => {
    emulator = await startFirestoreEmulator();
    process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
    db = new Firestore({
      projectId: emulator.projectId,
      ignoreUndefinedProperties: true,
      ...firestoreDeadlineSettings(DEADLINE_MS),
    });
    // A fresh JVM answers its first calls slowly: warm it before the small deadline applies.
    await db.collection('warm-up').doc('x').set({ n: 1 });
    await db.collection('warm-up').get();
    // Reads through the gapic reader as open-storage.ts makes it: its retries meet the same faults.
    reader = documentReader(
      { FirestoreClient: v1.FirestoreClient, gax },
      {
        projectId: emulator.projectId,
        databaseId: '(default)',
        ...firestoreDeadlineSettings(DEADLINE_MS),
        emulatorHost: emulator.host,
      },
    );
    const storage = createFirestoreStorage(db, { documentReader: reader });
    // Reads abandoned at their deadline during the outage go on in the client's own retries
    // (up to 5 attempts with backoff): closing waits for them before it terminates the client.
    h = await startHarness({ storage, requestDeadlineMs: DEADLINE_MS, readyTimeoutMs: 1000, closeDrainMs: 30_000 });
    expect((await h.client.createCollection(plants)).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    await db?.terminate();
    await reader?.close();
    await emulator?.stop();
  });

  test('frozen engine: calls answer DEADLINE_EXCEEDED, not ready, then recovers; no failed write is stored', async () => {
    await expectFrozenEngineAnswers(h, emulator, { collectionId: 'plants', deadlineMs: DEADLINE_MS });
  });

  test('killed mid-load, restarted: SPI answers, not ready while down, ready by itself, the cut load is not replayed', async () => {
    await expectKilledMidLoadAnswers(h, emulator, {
      collectionId: 'plants',
      batchSize: 200,
      headStartMs: 100,
      readDuringOutage: true,
    });

    await emulator.restart();
    // A restarted JVM answers slowly at first on a loaded machine: wait for it generously.
    await waitUntilReady(h.url, 60_000);
    // The restarted emulator is empty: whatever of the cut load shows up now was
    // replayed by the client after the caller got its answer.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const replayed = await db.collection('plants').select().get();
    expect(replayed.docs.map((doc) => doc.id).filter((id) => id.startsWith('killed'))).toEqual([]);
    // The same service works again. A cold JVM may still miss the small deadline:
    // retry as Wix would, accepting that an earlier try may have been applied.
    expect([200, 409]).toContain(
      (await untilAnswered(() => h.client.createCollection({ ...plants, id: 'again' }), [200, 409])).status,
    );
    expect((await untilAnswered(() => h.client.insert('again', [{ _id: 'after', n: 2 }]), [200])).status).toBe(200);
    expect([...(await storedIds(h.client, 'again'))]).toEqual(['after']);
  }, 90_000);
});
