/**
 * Pooled sessions kept between single-use queries (src/query-sessions.ts), on the
 * emulator through the real client: a query takes the session the last one finished
 * with instead of borrowing from the pool again; each session serves one query at a
 * time; sessions unused for a sweep period, past the bound, or at close go back to the
 * pool; a session Spanner no longer knows is dropped and the rest handed back.
 */
import type { Session } from '@google-cloud/spanner';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { QuerySessions, type SessionSource } from '../src/query-sessions.ts';
import { querySessions, querySingleUse } from '../src/single-use.ts';
import { createSpannerStorage } from '../src/storage.ts';
import { openTestDatabase, type TestDatabase } from './emulator-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase(['CREATE TABLE t (_id STRING(MAX) NOT NULL, n INT64) PRIMARY KEY (_id)']);
  await db.database.table('t').insert([
    { _id: 'a', n: '1' },
    { _id: 'b', n: '2' },
  ]);
});
afterAll(async () => {
  await db?.close();
});

const statement = { sql: 'SELECT _id, n FROM t ORDER BY _id', params: {}, types: {} };

/** The pool's sessions lent out now (its inventory, read). */
function borrowed(): number {
  return (db.database as unknown as { pool_: { _inventory: { borrowed: Set<unknown> } } }).pool_._inventory.borrowed
    .size;
}

/** The real session factory, counting its `getSession` calls. */
function counted(): SessionSource & { readonly gets: () => number } {
  const factory = db.database.sessionFactory_;
  let gets = 0;
  return {
    getSession: (callback) => {
      gets++;
      factory.getSession(callback);
    },
    release: (session) => factory.release(session),
    gets: () => gets,
  };
}

const take = (sessions: QuerySessions, n: number) => Promise.all(Array.from({ length: n }, () => sessions.take()));

test('consecutive queries run on one kept session, borrowed from the pool once', async () => {
  querySessions(db.database).drain();
  const before = borrowed();
  const factory = db.database.sessionFactory_;
  const getSession = factory.getSession;
  let gets = 0;
  factory.getSession = ((callback: Parameters<typeof getSession>[0]) => {
    gets++;
    getSession.call(factory, callback);
  }) as typeof getSession;
  try {
    for (let i = 0; i < 5; i++) {
      const result = await querySingleUse(db.database, statement, { timeout: 30_000 });
      expect(result?.rows.map((row) => row[0])).toEqual(['a', 'b']);
    }
  } finally {
    factory.getSession = getSession;
  }
  expect(gets).toBe(1);
  expect(querySessions(db.database).size).toBe(1);
  expect(borrowed()).toBe(before + 1);
  querySessions(db.database).drain();
  expect(borrowed()).toBe(before);
});

test('queries at once each run on their own session, and all are answered', async () => {
  querySessions(db.database).drain();
  const results = await Promise.all(
    Array.from({ length: 6 }, () => querySingleUse(db.database, statement, { timeout: 30_000 })),
  );
  expect(results.every((result) => result?.rows.length === 2)).toBe(true);
  expect(querySessions(db.database).size).toBe(6);
  // Sessions are one query's at a time: six taken at once are six different ones.
  const sessions = new QuerySessions(counted());
  const taken = await take(sessions, 6);
  expect(new Set(taken.map((session) => session.formattedName_)).size).toBe(6);
  for (const session of taken) sessions.give(session);
  sessions.drain();
  querySessions(db.database).drain();
});

test('sessions unused for a whole sweep period go back to the pool; the ones in use stay', async () => {
  const source = counted();
  // Swept here by hand (the timer's period is out of reach), so the test does not race timers.
  const sessions = new QuerySessions(source, { sweepMs: 3_600_000 });
  const before = borrowed();
  const taken = await take(sessions, 3);
  for (const session of taken) sessions.give(session);
  expect(sessions.size).toBe(3);
  sessions.sweep(); // the first period: kept since before it started, none counted unused yet
  expect(sessions.size).toBe(3);
  // A period in which one session is taken and given back: the two others lay unused.
  sessions.give(await sessions.take());
  sessions.give(await sessions.take());
  sessions.sweep();
  expect(sessions.size).toBe(1);
  expect(borrowed()).toBe(before + 1);
  // A period with no query at all.
  sessions.sweep();
  expect(sessions.size).toBe(0);
  expect(borrowed()).toBe(before);
  expect(source.gets()).toBe(3);
});

test('no more than `keep` sessions are kept: the rest go back at once', async () => {
  const sessions = new QuerySessions(counted(), { keep: 2 });
  const before = borrowed();
  const taken = await take(sessions, 3);
  for (const session of taken) sessions.give(session);
  expect(sessions.size).toBe(2);
  expect(borrowed()).toBe(before + 2);
  sessions.drain();
  expect(borrowed()).toBe(before);
});

test('a multiplexed session is never kept (its release is a no-op)', () => {
  const sessions = new QuerySessions(counted());
  const multiplexed = db.database.session('multiplexed-0') as Session;
  multiplexed.metadata = { multiplexed: true } as Session['metadata'];
  sessions.give(multiplexed);
  expect(sessions.size).toBe(0);
});

test('a session Spanner no longer knows is dropped and the kept ones go back to the pool', async () => {
  // The storage's guards and error listener (storage.ts): the pool later lends and deletes the dead sessions.
  createSpannerStorage({ database: db.database });
  querySessions(db.database).drain();
  await Promise.all(Array.from({ length: 3 }, () => querySingleUse(db.database, statement, { timeout: 30_000 })));
  expect(querySessions(db.database).size).toBe(3);
  const [all] = await db.database.getSessions();
  await Promise.all(all.map((session) => session.delete()));
  const before = borrowed();
  // The unary query meets "Session not found": undefined, so the caller streams it (runner.ts;
  // test/session-pool.test.ts has the answer through the storage).
  expect(await querySingleUse(db.database, statement, { timeout: 30_000 })).toBeUndefined();
  expect(querySessions(db.database).size).toBe(0);
  // The dropped one is gone from the pool; the other two are back in it.
  expect(borrowed()).toBe(before - 3);
});

test("the storage's close hands kept sessions back: the pool reports none leaked", async () => {
  const own = await openTestDatabase(['CREATE TABLE t (_id STRING(MAX) NOT NULL, n INT64) PRIMARY KEY (_id)']);
  const storage = createSpannerStorage({ database: own.database });
  await Promise.all(Array.from({ length: 4 }, () => querySingleUse(own.database, statement, { timeout: 30_000 })));
  expect(querySessions(own.database).size).toBe(4);
  const leaks: unknown[] = [];
  const pool = (own.database as unknown as { pool_: { close(cb: (error: unknown) => void): void } }).pool_;
  const close = pool.close.bind(pool);
  pool.close = (callback) =>
    close((error) => {
      if (error) leaks.push(error);
      callback(error);
    });
  await storage.close();
  expect(leaks).toEqual([]);
  expect(querySessions(own.database).size).toBe(0);
  own.spanner.close();
});
