/**
 * Group statistics (src/stats.ts, README.md "Group statistics") on the real
 * emulator through the real client: after mixed inserts, updates, removes,
 * overwrites and a truncate, what the statistics answer (read directly, so a
 * fallback cannot hide a wrong count) equals a recount of the stored
 * documents by the core evaluator, and the service's answers equal the memory
 * storage's. Fractions and values past the cap make the statistics step aside
 * (the query path answers); values no document holds any more are no distinct
 * values; the backfill builds them for documents the raw client wrote.
 */
import {
  type AggregateOperation,
  type AggregateSpec,
  type DistinctSpec,
  type FieldRef,
  type FieldType,
  type Item,
  runAggregate,
  runDistinct,
  type StoredCollection,
  TRUE,
} from '@adaptors/core';
import { createMemoryStorage, type Harness, startHarness, type WixClient } from '@adaptors/testkit';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { backfillCollection } from '../src/backfill.ts';
import { StatsStore } from '../src/stats.ts';
import { aggregateFromStats, distinctFromStats } from '../src/stats-read.ts';
import { toItem } from '../src/values.ts';
import { emulatorStorage } from './support.ts';

const FIELDS = [
  { key: 'cat', type: 'TEXT' },
  { key: 'n', type: 'NUMBER' },
  { key: 'm', type: 'NUMBER' },
  { key: 'ok', type: 'BOOLEAN' },
  { key: 'at', type: 'DATETIME' },
];
const CATS = ['Red', 'red', 'Green', 'Blue', 'Ünï'];

function item(i: number, round = 0): Record<string, unknown> {
  const out: Record<string, unknown> = { _id: `i${String(i).padStart(4, '0')}` };
  if ((i + round) % 7 !== 3) out.cat = CATS[(i * 3 + round) % CATS.length];
  if ((i + round) % 5 !== 1) out.n = ((i * 37 + round * 11) % 41) - 20;
  out.m = (i + round) % 3 === 0 ? null : i * 1_000_003;
  if (i % 4 !== 0) out.ok = (i + round) % 2 === 0;
  if (i % 3 !== 1) out.at = { $date: new Date(Date.UTC(2025, 0, 1 + ((i + round) % 4))).toISOString() };
  return out;
}

const ref = (field: string): FieldRef => ({
  field,
  path: [],
  key: field,
  type: FIELDS.find((f) => f.key === field)?.type as FieldType | undefined,
});

function aggregateSpec(by: string, ops: ('count' | 'sum' | 'avg')[] = ['count', 'sum', 'avg']): AggregateSpec {
  const operations: AggregateOperation[] = [];
  for (const op of ops) {
    if (op === 'count') operations.push({ name: 'c', op, field: undefined });
    else operations.push({ name: `${op}n`, op, field: ref('n') }, { name: `${op}m`, op, field: ref('m') });
  }
  return {
    filter: TRUE,
    groupBy: [ref(by)],
    operations,
    having: TRUE,
    sort: [{ field: ref(by), order: 'asc' }],
    offset: 0,
    limit: 1000,
  };
}

function distinctSpec(field: string): DistinctSpec {
  return { filter: TRUE, field: ref(field), order: 'asc', offset: 0, limit: 1000, after: undefined };
}

interface Opened {
  readonly db: Firestore;
  readonly firestore: Harness;
  readonly memory: Harness;
  readonly store: StatsStore;
  readonly definition: () => Promise<StoredCollection>;
}

const closers: (() => Promise<void>)[] = [];

async function open(id: string, options: { statsMaxValues?: number } = {}): Promise<Opened> {
  const opened = emulatorStorage({ schemaCheckMs: 0, ...options });
  closers.push(() => opened.storage.close());
  const firestore = await startHarness({ storage: opened.storage });
  const memory = await startHarness({ storage: createMemoryStorage() });
  closers.push(
    () => firestore.close(),
    () => memory.close(),
  );
  return {
    db: opened.db,
    firestore,
    memory,
    store: new StatsStore(opened.db, '_wix_collections', options.statsMaxValues),
    definition: async () => (await opened.storage.getCollection(id)) as StoredCollection,
  };
}

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** The stored documents, as the service answers them. */
async function stored(db: Firestore, id: string): Promise<Item[]> {
  return (await db.collection(id).get()).docs.map((doc) => toItem(doc.id, doc.data()));
}

/** The same call on both harnesses: equal answers. */
async function both(o: Opened, call: (client: WixClient) => Promise<{ status: number; body: unknown }>) {
  const [got, want] = await Promise.all([call(o.firestore.client), call(o.memory.client)]);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  expect(want.status, JSON.stringify(want.body)).toBe(200);
  return [got.body, want.body] as const;
}

/** Every tracked field: the statistics answer, and equal a recount of the stored documents. */
async function expectStatsEqualRecount(o: Opened, id: string) {
  const items = await stored(o.db, id);
  const collection = await o.definition();
  for (const by of ['cat', 'n', 'ok', 'at']) {
    const spec = aggregateSpec(by);
    const fromStats = await aggregateFromStats(o.store, collection, spec, true);
    expect(fromStats, `aggregate by ${by} from statistics`).toBeDefined();
    expect(fromStats).toEqual(runAggregate(items, spec, true));
    const distinct = distinctSpec(by);
    const values = await distinctFromStats(o.store, collection, distinct, true);
    expect(values, `distinct ${by} from statistics`).toBeDefined();
    expect(values).toEqual(runDistinct(items, distinct, true));
  }
}

async function expectServiceEqualsMemory(o: Opened, id: string) {
  const aggregation = {
    groupingFields: ['cat'],
    operations: [
      { resultFieldName: 'c', itemCount: {} },
      { resultFieldName: 's', sum: { itemFieldName: 'n' } },
      { resultFieldName: 'a', average: { itemFieldName: 'm' } },
    ],
  };
  const [got, want] = await both(o, (c) => c.aggregate(id, { aggregation, paging: { limit: 100 } }));
  expect(got).toEqual(want);
  const [values, expected] = await both(o, (c) =>
    c.distinct(id, 'cat', { paging: { limit: 100 }, returnTotalCount: true }),
  );
  expect(values).toEqual(expected);
}

async function write(o: Opened, call: (client: WixClient) => Promise<{ status: number; body: unknown }>) {
  const [got] = await both(o, call);
  return got;
}

describe('kept by every write', () => {
  const ID = 'kept';
  let o: Opened;

  beforeAll(async () => {
    o = await open(ID);
    await write(o, (c) => c.createCollection({ id: ID, fields: FIELDS }));
  });

  test('bulk inserts (more than one transaction), updates, removes, overwrites, repeated ids', async () => {
    await write(o, (c) =>
      c.insert(
        ID,
        Array.from({ length: 620 }, (_, i) => item(i)),
      ),
    );
    await expectStatsEqualRecount(o, ID);
    // Updates move documents between groups (to and from null), removes take them out.
    await write(o, (c) =>
      c.update(
        ID,
        Array.from({ length: 90 }, (_, k) => item(k * 7, 1)),
      ),
    );
    await write(o, (c) =>
      c.remove(
        ID,
        Array.from({ length: 40 }, (_, k) => `i${String(k * 11 + 3).padStart(4, '0')}`),
      ),
    );
    // Overwrites of existing and new ids, one id twice in one call.
    await write(o, (c) =>
      c.insert(ID, [...Array.from({ length: 30 }, (_, k) => item(k * 5 + 600, 2)), item(700, 3), item(700, 4)], {
        overwriteExisting: true,
      }),
    );
    await expectStatsEqualRecount(o, ID);
    await expectServiceEqualsMemory(o, ID);
  });

  test('a value no document holds any more is no distinct value, and leaves the statistics', async () => {
    const items = await stored(o.db, ID);
    const greens = items
      .filter((i) => i.cat === 'Green')
      .map((i) => ({ ...item(Number(String(i._id).slice(1)), 0), cat: 'Blue' }));
    expect(greens.length).toBeGreaterThan(0);
    await write(o, (c) => c.update(ID, greens));
    await expectStatsEqualRecount(o, ID);
    const collection = await o.definition();
    const values = await distinctFromStats(o.store, collection, distinctSpec('cat'), true);
    expect(values?.values).not.toContain('Green');
    // Gone from every shard, not merely answered as 0.
    const shards = await o.db.getAll(...o.store.shardRefs(ID));
    for (const shard of shards) expect(Object.keys(shard.get('f.cat.v') ?? {})).not.toContain('s"Green"');
    await expectServiceEqualsMemory(o, ID);
  });

  test('truncate starts over; writes after it are counted', async () => {
    await write(o, (c) => c.truncate(ID));
    await expectStatsEqualRecount(o, ID);
    const collection = await o.definition();
    expect(await distinctFromStats(o.store, collection, distinctSpec('cat'), true)).toEqual({ values: [], total: 0 });
    await write(o, (c) =>
      c.insert(
        ID,
        Array.from({ length: 50 }, (_, i) => item(i, 5)),
      ),
    );
    await expectStatsEqualRecount(o, ID);
    await expectServiceEqualsMemory(o, ID);
  });

  test('a fraction: sums of that field are not answered from statistics (counts still are); answers stay exact', async () => {
    await write(o, (c) => c.insert(ID, [{ ...item(900), m: 2.5 }]));
    const collection = await o.definition();
    expect(await aggregateFromStats(o.store, collection, aggregateSpec('cat'), true)).toBeUndefined();
    const items = await stored(o.db, ID);
    const counts = aggregateSpec('cat', ['count']);
    expect(await aggregateFromStats(o.store, collection, counts, true)).toEqual(runAggregate(items, counts, true));
    await expectServiceEqualsMemory(o, ID);
    // Still untracked after the fraction is gone (a sum of floats could drift): the query path answers.
    await write(o, (c) => c.remove(ID, ['i0900']));
    expect(await aggregateFromStats(o.store, collection, aggregateSpec('cat'), true)).toBeUndefined();
    await expectServiceEqualsMemory(o, ID);
  });

  test('a schema change: a removed field leaves the statistics, an added one is not answered until counted', async () => {
    const without = FIELDS.filter((f) => f.key !== 'ok');
    await write(o, (c) => c.updateCollection({ id: ID, fields: without }));
    const withNew = [...without, { key: 'ok', type: 'BOOLEAN' }, { key: 'extra', type: 'TEXT' }];
    await write(o, (c) => c.updateCollection({ id: ID, fields: withNew }));
    const collection = await o.definition();
    expect(await distinctFromStats(o.store, collection, distinctSpec('ok'), true)).toBeUndefined();
    expect(await distinctFromStats(o.store, collection, distinctSpec('extra'), true)).toBeUndefined();
    const items = await stored(o.db, ID);
    expect(await distinctFromStats(o.store, collection, distinctSpec('cat'), true)).toEqual(
      runDistinct(items, distinctSpec('cat'), true),
    );
    const [got, want] = await both(o, (c) => c.distinct(ID, 'ok', { paging: { limit: 10 }, returnTotalCount: true }));
    expect(got).toEqual(want);
  });
});

describe('past the cap', () => {
  const ID = 'capped';
  let o: Opened;

  beforeAll(async () => {
    o = await open(ID, { statsMaxValues: 4 });
    await write(o, (c) => c.createCollection({ id: ID, fields: FIELDS }));
  });

  test('a field with more values than the cap is answered by the query path; the others from statistics', async () => {
    // n takes 41 values: past 4 in some shard. cat takes 5 values in one transaction: past 4 as well.
    await write(o, (c) =>
      c.insert(
        ID,
        Array.from({ length: 120 }, (_, i) => item(i)),
      ),
    );
    const collection = await o.definition();
    expect(await distinctFromStats(o.store, collection, distinctSpec('n'), true)).toBeUndefined();
    expect(await aggregateFromStats(o.store, collection, aggregateSpec('cat'), true)).toBeUndefined();
    // Off for the whole generation (the state), so no write keeps their entries any more.
    expect((await o.store.stateRef(ID).get()).get('off')).toEqual(expect.arrayContaining(['n', 'cat']));
    const items = await stored(o.db, ID);
    // ok: true, false and null: within the cap.
    expect(await distinctFromStats(o.store, collection, distinctSpec('ok'), true)).toEqual(
      runDistinct(items, distinctSpec('ok'), true),
    );
    await expectServiceEqualsMemory(o, ID);
    const [got, want] = await both(o, (c) => c.distinct(ID, 'n', { paging: { limit: 100 }, returnTotalCount: true }));
    expect(got).toEqual(want);
  });
});

describe('backfill', () => {
  const ID = 'rawstats';
  let o: Opened;

  beforeAll(async () => {
    o = await open(ID);
  });

  test('builds the statistics of documents the raw client wrote', async () => {
    const batch = o.db.batch();
    const items = Array.from({ length: 80 }, (_, i) => item(i));
    for (const { _id, at, ...rest } of items) {
      const data: Record<string, unknown> = { ...rest };
      if (at) data.at = new Date((at as { $date: string }).$date);
      batch.set(o.db.collection(ID).doc(_id as string), data);
    }
    await batch.commit();
    expect((await o.firestore.client.updateCollection({ id: ID, fields: FIELDS })).status).toBe(200);
    expect((await o.memory.client.createCollection({ id: ID, fields: FIELDS })).status).toBe(200);
    expect((await o.memory.client.insert(ID, items)).status).toBe(200);
    const collection = await o.definition();
    // Adopted with documents in it: nothing is answered from statistics before the backfill counts them.
    expect(await distinctFromStats(o.store, collection, distinctSpec('cat'), true)).toBeUndefined();
    // Written through the adaptor meanwhile: counted once, not again by the backfill.
    await write(o, (c) => c.insert(ID, [item(500), item(501)]));
    await write(o, (c) => c.update(ID, [item(3, 1)]));
    const result = await backfillCollection(o.db, ID, { pageSize: 30 });
    expect(result).toMatchObject({ finished: true, statistics: true });
    await expectStatsEqualRecount(o, ID);
    await expectServiceEqualsMemory(o, ID);
    // A second run finds everything counted and writes nothing.
    expect(await backfillCollection(o.db, ID, { pageSize: 30 })).toMatchObject({ updated: 0, statistics: true });
    await expectStatsEqualRecount(o, ID);
  });
});

describe('a truncate beside writers', () => {
  const ID = 'racing';
  let o: Opened;

  beforeAll(async () => {
    o = await open(ID);
    expect((await o.firestore.client.createCollection({ id: ID, fields: FIELDS })).status).toBe(200);
    expect(
      (
        await o.firestore.client.insert(
          ID,
          Array.from({ length: 40 }, (_, i) => item(i)),
        )
      ).status,
    ).toBe(200);
  });

  test('whatever generation it leaves, statistics answer only what a recount gives', async () => {
    // Inserts in flight on both sides of the truncate: some land before it, some are deleted by it, some after.
    const inserts = Array.from({ length: 24 }, (_, i) => o.firestore.client.insert(ID, [item(100 + i, 2)]));
    const truncate = o.firestore.client.truncate(ID);
    const later = Array.from({ length: 12 }, (_, i) => o.firestore.client.insert(ID, [item(200 + i, 3)]));
    for (const answer of await Promise.all([...inserts, truncate, ...later])) expect(answer.status).toBe(200);
    const items = await stored(o.db, ID);
    const collection = await o.definition();
    for (const by of ['cat', 'n']) {
      const spec = aggregateSpec(by);
      const fromStats = await aggregateFromStats(o.store, collection, spec, true);
      // Unbuilt (a write landed between the generation and its proof) answers nothing: the query path does.
      if (fromStats !== undefined) expect(fromStats).toEqual(runAggregate(items, spec, true));
    }
    // A backfill builds whatever is left unbuilt; then every field is answered, exactly.
    expect(await backfillCollection(o.db, ID, { pageSize: 30 })).toMatchObject({ finished: true });
    await expectStatsEqualRecount(o, ID);
  });

  test('a truncate with no writer beside it leaves statistics that answer at once', async () => {
    expect((await o.firestore.client.truncate(ID)).status).toBe(200);
    expect((await o.firestore.client.insert(ID, [item(1), item(2)])).status).toBe(200);
    await expectStatsEqualRecount(o, ID);
  });
});
