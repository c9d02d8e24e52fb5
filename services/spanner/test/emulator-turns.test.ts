/**
 * On the emulator, concurrent read-write transactions of one instance take
 * turns (src/emulator-turns.ts): none is aborted, so none waits out
 * the client's 2–5 s retry backoff. Before, concurrent writes were aborted and
 * retried (the soak's updates answered 504 past their deadline).
 */
import type { Database } from '@google-cloud/spanner';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { takeTurnsOnEmulator } from '../src/emulator-turns.ts';
import { openTestDatabase, type TestDatabase } from './emulator-database.ts';

let db: TestDatabase;
let database: Database;
beforeAll(async () => {
  db = await openTestDatabase(['CREATE TABLE counters (id STRING(10) NOT NULL, n INT64) PRIMARY KEY (id)']);
  database = takeTurnsOnEmulator(db.database);
});
afterAll(async () => {
  await db?.close();
});

test('concurrent read-write transactions each run once: none is aborted and retried', async () => {
  const writers = 8;
  let attempts = 0;
  await Promise.all(
    Array.from({ length: writers }, (_, i) =>
      database.runTransactionAsync({ timeout: 60_000 }, async (tx) => {
        attempts++; // the client runs this again for every ABORTED attempt
        await tx.run({ sql: 'SELECT COUNT(*) FROM counters' });
        tx.upsert('counters', [{ id: `w${i}`, n: i }]);
        await tx.commit();
      }),
    ),
  );
  expect(attempts).toBe(writers);
  const [rows] = await database.run({ sql: 'SELECT COUNT(*) AS n FROM counters', json: true });
  expect(rows).toEqual([{ n: writers }]);
});

test('a transaction started inside a turn runs at once instead of waiting for its own turn', async () => {
  const inner = await database.runTransactionAsync(async (outer) => {
    const ran = await database.runTransactionAsync(async (tx) => {
      await tx.run({ sql: 'SELECT 1' });
      tx.end();
      return 'inner ran';
    });
    outer.end();
    return ran;
  });
  expect(inner).toBe('inner ran');
});
