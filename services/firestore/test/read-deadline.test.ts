/**
 * Reads that loop over queries (the skip scan of distinct values, the aggregations per group,
 * the paged scan of what Firestore cannot filter) stop at the call's deadline (deadline.ts
 * beforeReadStep): the answer names the work and the fixes, and no query is asked after it.
 */
import { randomUUID } from 'node:crypto';
import { type Harness, startHarness } from '@adaptors/testkit';
import { type Firestore, Query } from '@google-cloud/firestore';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import type { DocumentReader } from '../src/run-query.ts';
import { createFirestoreStorage } from '../src/storage.ts';
import { emulatorClient, emulatorReader } from './support.ts';

const projectId = `reads-${randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TIGHT_MS = 1500;
/**
 * The scanning instance's budget and the delay added to each of its pages: the first page
 * (delay + reading 5,000 documents, ~0.6 s on a quiet machine, more beside other suites) must
 * end well within the budget, and a second page as long must not fit in what is left.
 */
const SCAN_DEADLINE_MS = 6000;
const SCAN_PAGE_DELAY_MS = 3000;
let db: Firestore;
let roomy: Harness;
let tight: Harness;
/** The default scan bound (20,000): the 15,000 documents below are scanned. */
let scanning: Harness;
let scanningReader: DocumentReader;

beforeAll(async () => {
  db = emulatorClient(projectId);
  // A small scan bound: the 3,000 documents below are walked value by value, not scanned.
  const storage = createFirestoreStorage(emulatorClient(projectId), {
    documentReader: emulatorReader(projectId),
    scanLimit: 100,
  });
  roomy = await startHarness({ storage, requestDeadlineMs: 60_000 });
  tight = await startHarness({ storage, requestDeadlineMs: TIGHT_MS });
  scanningReader = emulatorReader(projectId);
  scanning = await startHarness({
    storage: createFirestoreStorage(emulatorClient(projectId), { documentReader: scanningReader }),
    requestDeadlineMs: SCAN_DEADLINE_MS,
  });
  expect((await roomy.client.createCollection({ id: 'many', fields: [{ key: 'v', type: 'TEXT' }] })).status).toBe(200);
  for (let from = 0; from < 3000; from += 1000) {
    const items = Array.from({ length: 1000 }, (_, i) => ({ _id: `d${from + i}`, v: `value ${from + i}` }));
    expect((await roomy.client.insert('many', items)).status).toBe(200);
  }
  // Written by another program (no metadata): `$contains` is evaluated on every document read.
  const writer = db.bulkWriter();
  for (let i = 0; i < 11_000; i++) writer.set(db.collection('raw').doc(`r${i}`), { title: `title ${i}` });
  await writer.close();
}, 120_000);

afterAll(async () => {
  await Promise.all([roomy?.close(), tight?.close(), scanning?.close()]);
  await db?.terminate();
});

/**
 * Runs `work` with each query through the client's Query (the skip scan's steps, the groups'
 * aggregations) taking `ms` longer: a slower database, so the loop cannot finish within the
 * deadline however fast the warmed-up emulator answers.
 */
async function withSlowQueries<T>(ms: number, work: () => Promise<T>): Promise<T> {
  const get = Query.prototype.get;
  const spy = vi.spyOn(Query.prototype, 'get').mockImplementation(async function (this: Query) {
    await sleep(ms);
    return get.call(this);
  });
  try {
    return await work();
  } finally {
    spy.mockRestore();
  }
}

/** Queries asked through the client's Query within `ms` after now. */
async function queriesDuring(ms: number): Promise<number> {
  const spy = vi.spyOn(Query.prototype, 'get');
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

test('distinct values of a field with thousands of values: stopped at the deadline, saying why', async () => {
  const answer = await withSlowQueries(150, () => tight.client.distinct('many', 'v', { returnTotalCount: true }));
  expect(answer.status, JSON.stringify(answer.body)).toBe(504);
  expect(answer.body.errorMessage).toMatch(/one query per distinct value/);
  expect(answer.body.errorMessage).toMatch(/Narrow the filter/);
  expect(answer.body.errorMessage).not.toMatch(/database's health/);
  expect(await queriesDuring(1000)).toBe(0);
});

test('an aggregation grouped by such a field: stopped at the deadline, saying why', async () => {
  const answer = await withSlowQueries(150, () =>
    tight.client.aggregate('many', {
      aggregation: { groupingFields: ['v'], operations: [{ resultFieldName: 'n', itemCount: {} }] },
    }),
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(504);
  expect(answer.body.errorMessage).toMatch(/one (query per distinct value|aggregation query per group)/);
  expect(answer.body.errorMessage).not.toMatch(/database's health/);
  expect(await queriesDuring(1000)).toBe(0);
});

test('a count Firestore cannot filter itself over 11,000 documents: stopped at the deadline, saying why', async () => {
  // Each page of the scan (5,000 documents, through the gapic reader) takes 3 s longer: the
  // first fits in the 6 s budget with room for a slow machine, a second as long would not.
  const runQuery = scanningReader.runQuery.bind(scanningReader);
  const spy = vi.spyOn(scanningReader, 'runQuery').mockImplementation(async (request) => {
    await sleep(SCAN_PAGE_DELAY_MS);
    return runQuery(request);
  });
  const answer = await scanning.client.count('raw', { title: { $contains: '99' } }).finally(() => spy.mockRestore());
  expect(answer.status, JSON.stringify(answer.body)).toBe(504);
  expect(answer.body.errorMessage).toMatch(/to evaluate what Firestore cannot answer itself/);
  expect(answer.body.errorMessage).toMatch(/REQUEST_DEADLINE_MS/);
  expect(answer.body.errorMessage).not.toMatch(/database's health/);
  const pages = vi.spyOn(scanningReader, 'runQuery');
  try {
    expect(await queriesDuring(1000)).toBe(0);
    expect(pages).not.toHaveBeenCalled();
  } finally {
    pages.mockRestore();
  }
});
