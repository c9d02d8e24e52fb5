/**
 * A Spanner storage on a fresh emulator database behind the real core and a
 * signed Wix-like client: what the focused tests call.
 */
import type { Storage } from '@adaptors/core';
import { type Harness, startHarness } from '@adaptors/testkit';
import { createSpannerStorage, type SpannerStorageOptions } from '../src/storage.ts';
import { type CallCounts, countingDatabase } from './call-counter.ts';
import { openTestDatabase, type TestDatabase } from './emulator-database.ts';

export interface SpannerHarness {
  readonly db: TestDatabase;
  readonly storage: Storage;
  readonly harness: Harness;
  /** Calls the storage made on the client since the last `resetCounts()`. */
  readonly counts: CallCounts;
  /** SQL text of the queries the storage ran since the last `resetCounts()`. */
  readonly statements: readonly string[];
  resetCounts(): void;
  close(): Promise<void>;
}

export async function startSpannerHarness(
  options: { schema?: readonly string[] } & Omit<SpannerStorageOptions, 'database'> = {},
): Promise<SpannerHarness> {
  const db = await openTestDatabase(options.schema);
  const counting = countingDatabase(db.database);
  const storage = createSpannerStorage({ ...options, database: counting.database });
  const harness = await startHarness({ storage });
  return {
    db,
    storage,
    harness,
    counts: counting.counts,
    statements: counting.statements,
    resetCounts: counting.reset,
    async close() {
      await harness.close();
      await storage.close();
      db.spanner.close();
    },
  };
}
