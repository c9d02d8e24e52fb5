/**
 * The client's session pool throws "Unable to release unknown resource" when a
 * session is returned twice (its snapshot retry after "Session not found"), from
 * inside a gRPC callback — an uncaught exception. The storage makes that second
 * return a no-op (client-guards.ts tolerateDoubleRelease); other errors still throw.
 * A pooled session Spanner deleted answers the unary query "Session not found":
 * the query runs again through the client's stream (src/single-use.ts); a write
 * moves to a live session at once, and the client's own BeginTransaction on the
 * dead one is not an unhandled rejection (src/client-guards.ts).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createSpannerStorage } from '../src/storage.ts';
import { openTestDatabase } from './emulator-database.ts';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

let h: SpannerHarness;
beforeAll(async () => {
  h = await startSpannerHarness();
});
afterAll(async () => {
  await h?.close();
});

test('a session returned twice is not an uncaught error; the storage keeps answering', async () => {
  const database = h.db.database;
  createSpannerStorage({ database }); // wraps the pool (once, however many storages)
  const pool = (database as unknown as { pool_: { release(session: unknown): void } }).pool_;
  const [session] = await database.createSession({});
  expect(() => pool.release(session)).not.toThrow();
  expect(() => pool.release(session)).not.toThrow();
  expect((await h.harness.client.listCollections()).status).toBe(200);
});

test('a query whose pooled session Spanner no longer knows is answered (single-use.ts falls back to the stream)', async () => {
  const created = await h.harness.client.createCollection({ id: 'kept', fields: [{ key: 'n', type: 'NUMBER' }] });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  expect((await h.harness.client.insert('kept', [{ _id: 'a', n: 1 }])).status).toBe(200);
  // Every session of the database deleted on the server (as Spanner does after an hour idle); the pool still lends them.
  const [sessions] = await h.db.database.getSessions();
  expect(sessions.length).toBeGreaterThan(0);
  await Promise.all(sessions.map((session) => session.delete()));
  const answer = await h.harness.client.query('kept', {});
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(answer.body.items).toEqual([expect.objectContaining({ _id: 'a', n: 1 })]);
});

test('a write whose pooled sessions Spanner no longer knows is answered, without an unhandled rejection from the client', async () => {
  const unhandled: unknown[] = [];
  const collect = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', collect);
  try {
    const created = await h.harness.client.createCollection({ id: 'written', fields: [{ key: 'n', type: 'NUMBER' }] });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    // Every pooled session deleted on the server: each write's transaction meets "Session not found" on
    // its first read until runTransactionAsync has taken a live session; gax used to re-send each such read
    // twice with seconds of backoff (deadline.ts STREAM_RETRY_OFF), so the write ran out of time.
    const [sessions] = await h.db.database.getSessions();
    expect(sessions.length).toBeGreaterThan(0);
    await Promise.all(sessions.map((session) => session.delete()));
    const inserted = await h.harness.client.insert('written', [{ _id: 'w', n: 1 }]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    const updated = await h.harness.client.update('written', [{ _id: 'w', n: 2 }]);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect((await h.harness.client.query('written', {})).body.items).toEqual([
      expect.objectContaining({ _id: 'w', n: 2 }),
    ]);
    // The client's own BeginTransaction after each failed read (client-guards.ts catchOrphanedBegins) has settled.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(unhandled).toEqual([]);
  } finally {
    process.off('unhandledRejection', collect);
  }
});

test("the client's 'error' events (its session pool's background work) go to onClientError, and are never thrown", async () => {
  const db = await openTestDatabase();
  try {
    // Without a listener, EventEmitter throws an 'error' event at the emitter: inside the pool's async work.
    createSpannerStorage({ database: db.database });
    expect(() => db.database.emit('error', new Error('DeleteSession failed'))).not.toThrow();
    const seen: unknown[] = [];
    createSpannerStorage({ database: db.database, onClientError: (error) => seen.push(error) });
    db.database.emit('error', new Error('keepAlive failed'));
    expect(seen).toEqual([new Error('keepAlive failed')]);
  } finally {
    await db.close();
  }
});
