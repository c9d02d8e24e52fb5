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
      withPolicy: harness.withPolicy,
      cursorSecret: harness.cursorSecret,
      close: async () => {
        await harness.close();
        await storage.close();
      },
    };
  },
  {
    differentialRuns: 50,
  },
);
