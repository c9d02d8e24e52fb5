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
  expectFrozenEngineAnswers,
  expectKilledMidLoadAnswers,
  type Harness,
  readiness,
  startHarness,
  storedIds,
  waitUntilReady,
} from '@adaptors/testkit';
import { type BigQueryEmulatorProcess, startBigQueryEmulatorProcess } from '@adaptors/testkit/emulators/bigquery';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clientOf } from '../src/client.ts';
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
    bq = new BigQuery({
      projectId: PROJECT,
      apiEndpoint: emulator.url,
      authClient: new PassThroughClient(),
      autoRetry: false,
      maxRetries: 0,
    });
    await bq.createDataset('faults');
    const storage = createBigQueryStorage({
      bq: clientOf(bq),
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
    await expectFrozenEngineAnswers(h, emulator, {
      collectionId: 'plants',
      deadlineMs: DEADLINE_MS,
      notReadyReason: /did not answer/,
    });
  });

  test('killed mid-load, restarted empty: SPI answers, not ready while down, then ready and working by itself', async () => {
    await expectKilledMidLoadAnswers(h, emulator, {
      collectionId: 'plants',
      batchSize: 20,
      headStartMs: 50,
      notReadyReason: /cannot reach BigQuery/,
    });

    // The restarted emulator is empty (its state is in memory); the storage, told it may
    // (BIGQUERY_CREATE_DATASET), creates the dataset again: no service restart.
    await emulator.restart();
    await waitUntilReady(h.url);
    expect((await h.client.createCollection(plants)).status).toBe(200);
    expect((await h.client.insert('plants', [{ _id: 'after', n: 2 }])).status).toBe(200);
    expect([...(await storedIds(h.client, 'plants'))]).toEqual(['after']);
  });

  test('a missing dataset is not ready, with the reason; ready again once it exists', async () => {
    const storage = createBigQueryStorage({
      bq: clientOf(bq),
      projectId: PROJECT,
      datasetId: 'missing',
      retry: { baseDelayMs: 1 },
    });
    const other = await startHarness({ storage, requestDeadlineMs: DEADLINE_MS, readyTimeoutMs: 1000 });
    try {
      const probe = await readiness(other.url);
      expect(probe.status).toBe(503);
      expect(probe.body).toMatchObject({ status: 'unavailable', errorCode: 'SERVICE_UNAVAILABLE' });
      expect(probe.body.reason).toMatch(/The BigQuery dataset does not exist: create it, or fix BIGQUERY_PROJECT/);
      // The public answer names the settings, not the dataset's id.
      expect(JSON.stringify(probe.body)).not.toContain('missing');
      await bq.createDataset('missing');
      expect((await readiness(other.url)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
