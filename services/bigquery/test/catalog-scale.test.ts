/**
 * The schema read does not grow with the dataset's table count (src/schema.ts): a call on one
 * collection reads that table's definition only (one tables.get), a listing of every collection
 * reads each once, a reload reads ahead only the tables this instance has served, and the read at
 * start takes every table only of a small dataset. Counted at
 * a recording proxy in front of the emulator, through the real client.
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { clientOf } from '../src/client.ts';
import { restCall } from '../src/rest.ts';
import { BigQueryRunner } from '../src/runner.ts';
import { READ_AHEAD_MS, SchemaStore, WARM_TABLES } from '../src/schema.ts';
import { createBigQueryStorage } from '../src/storage.ts';
import { openTestDataset, type TestDataset } from './emulator-dataset.ts';
import { type RecordingProxy, recordingProxy, refusal } from './recording-proxy.ts';

const TABLES = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, '0')}`);
const ALL = { kind: 'true' } as const;

let ds: TestDataset;
let proxy: RecordingProxy;

beforeAll(async () => {
  ds = await openTestDataset();
  for (const name of TABLES) {
    await restCall(ds.bq, {
      method: 'POST',
      uri: '/queries',
      json: {
        query: `CREATE TABLE ${name} (_id STRING, n INT64)`,
        useLegacySql: false,
        defaultDataset: { datasetId: ds.datasetId },
      },
    });
  }
  proxy = await recordingProxy(ds.url, ds.projectId);
});
afterAll(() => proxy.close());

test('a call on one collection of many reads that table only; a listing reads each table once', async () => {
  const storage = createBigQueryStorage({ bq: clientOf(proxy.bq), projectId: ds.projectId, datasetId: ds.datasetId });
  const before = proxy.tableGets().length;
  const collection = await storage.getCollection('t03');
  expect(collection?.id).toBe('t03');
  expect(await storage.count(collection as NonNullable<typeof collection>, ALL)).toBe(0);
  expect(proxy.tableGets().slice(before)).toEqual(['t03']);

  // Unknown: the listing is read again (a miss); of the tables, only the one served is read (ahead).
  expect(await storage.getCollection('t99')).toBeUndefined();
  expect(proxy.tableGets().slice(before)).toEqual(['t03', 't03']);

  const listed = await storage.listCollections();
  expect(listed.map((c) => c.id)).toEqual(TABLES);
  const gets = proxy.tableGets().slice(before + 2);
  expect([...gets].sort()).toEqual(TABLES.filter((name) => name !== 't03'));
  await storage.close();
});

test('a reload reads ahead the tables this instance served lately, not every listed one', async () => {
  // SCHEMA_CACHE_SECONDS=0: every call reloads the catalog, in the foreground.
  const storage = createBigQueryStorage({
    bq: clientOf(proxy.bq),
    projectId: ds.projectId,
    datasetId: ds.datasetId,
    schemaCacheSeconds: 0,
  });
  const first = await storage.getCollection('t05');
  expect(first?.id).toBe('t05');
  await storage.listCollections(); // reads every table, but does not make them "served"
  const before = proxy.tableGets().length;
  const again = await storage.getCollection('t05');
  expect(again?.id).toBe('t05');
  expect(proxy.tableGets().slice(before)).toEqual(['t05']);

  // Not asked for within READ_AHEAD_MS: no longer read ahead, read when a call needs it.
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(Date.now() + READ_AHEAD_MS + 1);
    const later = proxy.tableGets().length;
    expect((await storage.getCollection('t06'))?.id).toBe('t06');
    expect(proxy.tableGets().slice(later)).toEqual(['t06']);
  } finally {
    vi.useRealTimers();
  }
  await storage.close();
});

/** A schema store over `datasetId` through the proxy, as createBigQueryStorage builds one. */
function schemaStore(datasetId: string): SchemaStore {
  const runner = new BigQueryRunner({
    bq: clientOf(proxy.bq),
    projectId: ds.projectId,
    datasetId,
    location: undefined,
    onStaleSchema: () => {},
  });
  return new SchemaStore({ bq: clientOf(proxy.bq), datasetId, executor: runner, ttlMs: 60_000, checkMs: 1000 });
}

test(`warm (at start) reads every definition of a dataset of up to ${WARM_TABLES} tables, only the listing of a larger one`, async () => {
  let before = proxy.tableGets().length;
  await schemaStore(ds.datasetId).warm();
  expect([...proxy.tableGets().slice(before)].sort()).toEqual(TABLES);

  const large = await openTestDataset();
  const names = Array.from({ length: WARM_TABLES + 1 }, (_, i) => `w${String(i).padStart(3, '0')}`);
  for (const name of names) {
    await restCall(large.bq, {
      method: 'POST',
      uri: '/queries',
      json: {
        query: `CREATE TABLE ${name} (_id STRING)`,
        useLegacySql: false,
        defaultDataset: { datasetId: large.datasetId },
      },
    });
  }
  const store = schemaStore(large.datasetId);
  before = proxy.tableGets().length;
  await store.warm();
  expect(proxy.tableGets().slice(before)).toEqual([]);
  expect((await store.get('w007'))?.id).toBe('w007');
  expect(proxy.tableGets().slice(before)).toEqual(['w007']);
});

test('a table BigQuery refuses to describe: a call on it says why; a listing leaves it out, the others listed', async () => {
  const guarded = await recordingProxy(ds.url, ds.projectId, ({ line }) =>
    /^GET \S*\/tables\/t07(\?|$)/.test(line)
      ? refusal(403, 'accessDenied', 'Access Denied: Table t07: Permission bigquery.tables.get denied')
      : undefined,
  );
  try {
    const storage = createBigQueryStorage({
      bq: clientOf(guarded.bq),
      projectId: ds.projectId,
      datasetId: ds.datasetId,
      retry: { baseDelayMs: 1 },
    });
    await expect(storage.getCollection('t07')).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      message: expect.stringContaining('grant its service account'),
    });
    const listed = await storage.listCollections();
    expect(listed.map((c) => c.id)).toEqual(TABLES.filter((name) => name !== 't07'));
    await expect(storage.getCollection('t07')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    await storage.close();
  } finally {
    guarded.close();
  }
});
