/**
 * DML concurrency, rate-limit and transient errors are retried with backoff
 * (src/retry.ts, README "Concurrency quotas"), proven on the wire:
 * the emulator fails the next N statements with BigQuery's own error bodies
 * (packages/bigquery-emulator fault route) and counts the attempts it saw.
 * The backoff base is 1 ms here (storage option `retry`); the number of tries
 * is the production default, so the count asserted is the documented one.
 */
import { addFault, type FaultError, getFault, removeFault } from '@adaptors/bigquery-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_RETRY } from '../src/retry.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

type Result = { item?: Record<string, unknown>; error?: { errorCode: string } };

describe('retries on BigQuery quota and concurrency errors', () => {
  let h: BigQueryHarness;
  let faults: string[] = [];
  const retries: string[] = [];

  /** A fault on this file's dataset only (other files share the emulator). */
  async function fault(match: 'DML' | 'query', error: FaultError, times: number) {
    const f = await addFault(h.ds.url, { match, error, times, datasetId: h.ds.datasetId });
    faults.push(f.id);
    return f.id;
  }

  beforeAll(async () => {
    h = await startBigQueryHarness({
      retry: { baseDelayMs: 1, maxDelayMs: 4, onRetry: (_attempt, e) => retries.push(String((e as Error).message)) },
    });
    const created = await h.harness.client.createCollection({
      id: 'orders',
      fields: [
        { key: 'n', type: 'NUMBER' },
        { key: 'code', type: 'TEXT' },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
  });
  afterEach(async () => {
    for (const id of faults) await removeFault(h.ds.url, id);
    faults = [];
    retries.length = 0;
  });
  afterAll(async () => {
    await h?.close();
  });

  test('the documented policy: 6 tries, 200 ms doubling to 5 s', () => {
    expect(DEFAULT_RETRY).toMatchObject({ attempts: 6, baseDelayMs: 200, maxDelayMs: 5000 });
  });

  test.each([
    ['rateLimitExceeded', 2],
    ['concurrentUpdate', 3],
    ['dmlOutstanding', 1],
    ['backendError', 5],
  ] as const)('an insert meeting %s %i times succeeds, every item result correct', async (error, times) => {
    const id = await fault('DML', error, times);
    const prefix = `${error}-`;
    const items = [
      { _id: `${prefix}a`, n: 1, code: 'x' },
      { _id: `${prefix}b`, n: 2 },
      { _id: `${prefix}c`, code: 'z' },
    ];
    const result = await h.harness.client.insert('orders', items);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const results = result.body.results as Result[];
    expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    results.forEach((r, i) => {
      expect(r.item).toMatchObject(items[i] as Record<string, unknown>);
    });
    // The MERGE was tried times + 1; the emulator failed the first `times`.
    expect(await getFault(h.ds.url, id)).toMatchObject({ injected: times, matched: times + 1 });
    expect(retries).toHaveLength(times);
    // Stored exactly once each.
    const stored = await h.harness.client.query('orders', {
      filter: { _id: { $startsWith: prefix } },
      sort: [{ fieldName: '_id' }],
    });
    expect(stored.body.items.map((i: { _id: string; n?: number }) => [i._id, i.n ?? null])).toEqual([
      [`${prefix}a`, 1],
      [`${prefix}b`, 2],
      [`${prefix}c`, null],
    ]);
  });

  test('update and remove retry the same way', async () => {
    const { client } = h.harness;
    await client.insert('orders', [{ _id: 'u1', n: 1 }]);
    const onUpdate = await fault('DML', 'concurrentUpdate', 2);
    const updated = await client.update('orders', [
      { _id: 'u1', n: 5 },
      { _id: 'missing', n: 0 },
    ]);
    expect((updated.body.results as Result[]).map((r) => r.error?.errorCode ?? 'ok')).toEqual(['ok', 'ITEM_NOT_FOUND']);
    expect(updated.body.results[0].item).toMatchObject({ _id: 'u1', n: 5 });
    expect(await getFault(h.ds.url, onUpdate)).toMatchObject({ injected: 2, matched: 3 });
    const onRemove = await fault('DML', 'rateLimitExceeded', 1);
    const removed = await client.remove('orders', ['u1']);
    expect(removed.body.results[0].item).toMatchObject({ _id: 'u1', n: 5 });
    expect(await getFault(h.ds.url, onRemove)).toMatchObject({ injected: 1, matched: 2 });
    expect((await client.count('orders', { _id: 'u1' })).body.totalCount).toBe(0);
  });

  test('reads retry transient backend errors too', async () => {
    const id = await fault('query', 'backendError', 2);
    const read = await h.harness.client.query('orders', { filter: { _id: 'rateLimitExceeded-a' } });
    expect(read.status).toBe(200);
    expect(read.body.items).toEqual([expect.objectContaining({ _id: 'rateLimitExceeded-a', n: 1 })]);
    expect(await getFault(h.ds.url, id)).toMatchObject({ injected: 2, matched: 3 });
  });

  test('a write that keeps failing ends as 503 SERVICE_UNAVAILABLE after exactly 6 tries, and writes nothing', async () => {
    const id = await fault('DML', 'concurrentUpdate', 1000);
    const result = await h.harness.client.insert('orders', [{ _id: 'never', n: 1 }]);
    expect(result.status).toBe(503);
    expect(result.body.errorCode).toBe('SERVICE_UNAVAILABLE');
    // What a site owner can do about it.
    expect(result.body.errorMessage).toContain("'orders'");
    expect(result.body.errorMessage).toContain('retry shortly');
    expect(result.body.errorMessage).toContain('larger bulk calls');
    expect(result.body.errorMessage).not.toMatch(/\n\s+at |http:\/\/127\.0\.0\.1/);
    expect(await getFault(h.ds.url, id)).toMatchObject({ matched: 6, injected: 6 });
    expect(retries).toHaveLength(5);
    await removeFault(h.ds.url, id);
    faults = [];
    expect((await h.harness.client.count('orders', { _id: 'never' })).body.totalCount).toBe(0);
  });

  test('a transient backend error that persists: 503 naming the status page, after 6 tries', async () => {
    const id = await fault('DML', 'internalError', 1000);
    const result = await h.harness.client.insert('orders', [{ _id: 'never2', n: 1 }]);
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ errorCode: 'SERVICE_UNAVAILABLE' });
    expect(result.body.errorMessage).toContain('status.cloud.google.com');
    expect(await getFault(h.ds.url, id)).toMatchObject({ matched: 6 });
  });

  test.each([
    ['accessDenied', 'roles/bigquery.dataEditor'],
    ['quotaExceeded', 'raise the quota'],
  ] as const)('%s is not retried: one attempt, 503 saying what to do', async (error, advice) => {
    const id = await fault('DML', error, 1000);
    const result = await h.harness.client.insert('orders', [{ _id: `no-${error}`, n: 1 }]);
    expect(result.status).toBe(503);
    expect(result.body.errorCode).toBe('SERVICE_UNAVAILABLE');
    expect(result.body.errorMessage).toContain(advice);
    expect(await getFault(h.ds.url, id)).toMatchObject({ matched: 1, injected: 1 });
    expect(retries).toHaveLength(0);
  });
});
