/**
 * Collections a storage reports as needing a backfill into its format
 * (StorageDiagnostics.backfills; Firestore: services/firestore/README.md
 * "Storage format"): named with the command in the status page's details,
 * absent from the public summary (docs/protocol.md §8).
 */
import type { ServiceInfo, StorageDiagnostics } from '@adaptors/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../src/harness.ts';
import { createMemoryStorage } from '../src/memory/memory-storage.ts';

const STATUS_TOKEN = 'status-token-for-the-test-0123456789';
const info: ServiceInfo = { name: 'memory', version: '1.0.0', keys: [], advice: [], detailsToken: STATUS_TOKEN };

// biome-ignore lint/suspicious/noExplicitAny: a JSON answer read by the assertions
const json = async (url: string, headers: Record<string, string> = {}): Promise<any> =>
  (await fetch(url, { headers })).json();

let h: Harness;
beforeAll(async () => {
  const storage = createMemoryStorage();
  const diagnostics = (): StorageDiagnostics => ({
    indexHints: [],
    backfills: [{ collectionId: 'orders', fields: ['total', 'note'], command: 'adaptors firestore backfill orders' }],
  });
  Object.assign(storage, { diagnostics });
  h = await startHarness({ storage, info });
});
afterAll(() => h.close());

it('the details name each with its command; the public summary does not', async () => {
  const summary = await json(`${h.url}/status.json`);
  expect(summary.backfills).toBeUndefined();
  expect(await (await fetch(`${h.url}/`)).text()).not.toContain('backfill');
  const auth = { authorization: `Bearer ${STATUS_TOKEN}` };
  const details = await json(`${h.url}/status.json`, auth);
  expect(details.backfills.needed).toBe(1);
  expect(details.backfills.hints).toEqual([
    { collectionId: 'orders', fields: ['total', 'note'], command: 'adaptors firestore backfill orders' },
  ]);
  const html = await (await fetch(`${h.url}/`, { headers: auth })).text();
  expect(html).toContain('Collections to backfill');
  expect(html).toContain('adaptors firestore backfill orders');
});

it('absent when the storage reports none', async () => {
  const plain = await startHarness({ storage: createMemoryStorage(), info });
  try {
    const auth = { authorization: `Bearer ${STATUS_TOKEN}` };
    expect((await json(`${plain.url}/status.json`, auth)).backfills).toBeUndefined();
  } finally {
    await plain.close();
  }
});
