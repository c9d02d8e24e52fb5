/**
 * The client's session pool throws "Unable to release unknown resource" when a
 * session is returned twice (its snapshot retry after "Session not found"), from
 * inside a gRPC callback — an uncaught exception. The storage makes that second
 * return a no-op (storage.ts tolerateDoubleRelease); other errors still throw.
 * A pooled session Spanner deleted answers the unary query "Session not found":
 * the query runs again through the client's stream (src/single-use.ts).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createSpannerStorage } from '../src/storage.ts';
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
