/**
 * Engine faults on the project's BigQuery emulator run as its own process
 * (packages/bigquery-emulator, from source): frozen (SIGSTOP) and killed
 * mid-load, then resumed/restarted. Every call answers within the deadline
 * with an SPI error, /readyz says why it is not ready — a missing dataset
 * included — and recovers by itself, and no write the caller was told failed
 * is stored (REQUEST_DEADLINE_MS: packages/core/src/deadline.ts).
 */
import { fileURLToPath } from 'node:url';
import {
  type Harness,
  insertLoad,
  lostConfirmed,
  readiness,
  silentlyApplied,
  startHarness,
  storedIds,
  waitUntilReady,
} from '@adaptors/testkit';
import { type BigQueryEmulatorProcess, startBigQueryEmulatorProcess } from '@adaptors/testkit/emulators/bigquery';
import { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createBigQueryStorage } from '../src/storage.ts';

const DEADLINE_MS = 1500;
const PROJECT = 'faults-project';
const plants = { id: 'plants', fields: [{ key: 'n', type: 'NUMBER' }] };
const EMULATOR_SOURCE = fileURLToPath(new URL('../../../packages/bigquery-emulator/src/bin.ts', import.meta.url));

describe('BigQuery engine faults', () => {
  let emulator: BigQueryEmulatorProcess;
  let bq: BigQuery;
  let h: Harness;

  beforeAll(async () => {
    emulator = await startBigQueryEmulatorProcess({ bin: EMULATOR_SOURCE });
    bq = new BigQuery({ projectId: PROJECT, apiEndpoint: emulator.url, autoRetry: false, maxRetries: 0 });
    await bq.createDataset('faults');
    const storage = createBigQueryStorage({
      bq,
      projectId: PROJECT,
      datasetId: 'faults',
      createDataset: true,
      retry: { baseDelayMs: 1 },
    });
    h = await startHarness({ storage, requestDeadlineMs: DEADLINE_MS, readyTimeoutMs: 1000 });
    expect((await h.client.createCollection(plants)).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    await emulator?.stop();
  });

  test('frozen engine: calls answer DEADLINE_EXCEEDED, not ready, then recovers; no failed write is stored', async () => {
    expect((await h.client.insert('plants', [{ _id: 'before', n: 1 }])).status).toBe(200);
    emulator.pause();
    try {
      // Each of these returned while the engine was still frozen (it is resumed below).
      const read = await h.client.query('plants');
      expect(read.status).toBe(504);
      expect(read.body).toMatchObject({ errorCode: 'DEADLINE_EXCEEDED', data: { deadlineMs: DEADLINE_MS } });
      const load = await insertLoad(h.client, 'plants', { prefix: 'frozen', calls: 4, batchSize: 5 });
      for (const answer of load.answers) {
        expect(answer).toMatchObject({ status: 504, errorCode: 'DEADLINE_EXCEEDED', writeOutcome: 'UNKNOWN' });
      }
      const probe = await readiness(h.url);
      expect(probe.status).toBe(503);
      expect(probe.body.reason).toMatch(/did not answer/);
      emulator.resume();
      await waitUntilReady(h.url);
      const stored = await storedIds(h.client, 'plants');
      expect(stored.has('before')).toBe(true);
      expect(silentlyApplied(load, stored)).toEqual([]);
      expect(lostConfirmed(load, stored)).toEqual([]);
    } finally {
      emulator.resume();
    }
  });

  test('killed mid-load, restarted empty: SPI answers, not ready while down, then ready and working by itself', async () => {
    const running = insertLoad(h.client, 'plants', { prefix: 'killed', calls: 6, batchSize: 20 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await emulator.kill();
    const load = await running;
    for (const answer of load.answers) {
      expect([200, 503, 504]).toContain(answer.status);
      if (answer.status !== 200) expect(['SERVICE_UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain(answer.errorCode);
    }
    const down = await readiness(h.url);
    expect(down.status).toBe(503);
    expect(down.body.reason).toMatch(/cannot reach BigQuery/);

    // The restarted emulator is empty (its state is in memory); the storage, told it may
    // (BIGQUERY_CREATE_DATASET), creates the dataset again: no service restart.
    await emulator.restart();
    await waitUntilReady(h.url);
    expect((await h.client.createCollection(plants)).status).toBe(200);
    expect((await h.client.insert('plants', [{ _id: 'after', n: 2 }])).status).toBe(200);
    expect([...(await storedIds(h.client, 'plants'))]).toEqual(['after']);
  });

  test('a missing dataset is not ready, with the reason; ready again once it exists', async () => {
    const storage = createBigQueryStorage({ bq, projectId: PROJECT, datasetId: 'missing', retry: { baseDelayMs: 1 } });
    const other = await startHarness({ storage, requestDeadlineMs: DEADLINE_MS, readyTimeoutMs: 1000 });
    try {
      const probe = await readiness(other.url);
      expect(probe.status).toBe(503);
      expect(probe.body).toMatchObject({ status: 'unavailable', errorCode: 'SERVICE_UNAVAILABLE' });
      expect(probe.body.reason).toMatch(/dataset 'missing' does not exist/);
      await bq.createDataset('missing');
      expect((await readiness(other.url)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
