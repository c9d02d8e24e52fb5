/**
 * The client's session pool throws "Unable to release unknown resource" when a
 * session is returned twice (its snapshot retry after "Session not found"), from
 * inside a gRPC callback — an uncaught exception. The storage makes that second
 * return a no-op (storage.ts tolerateDoubleRelease); other errors still throw.
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
