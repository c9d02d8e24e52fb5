import { startHarness } from '@adaptors/testkit';
import { defineConformanceSuite, LEGACY_SKIPS } from '@adaptors/testkit/conformance';
import { createSpannerStorage } from '../src/storage.ts';
import { openTestDatabase } from './emulator-database.ts';

// The conformance suite again, over the legacy protocol (STANDALONE connections) on the
// same storage: every case the legacy protocol can express; LEGACY_SKIPS lists the rest.
// Fewer differential runs than the v3 pass: the storage path is the same, only the wire differs.
defineConformanceSuite(
  'spanner, legacy protocol',
  async () => {
    const db = await openTestDatabase();
    const storage = createSpannerStorage({ database: db.database, close: () => db.spanner.close() });
    const harness = await startHarness({ storage, legacySecretKeys: ['spanner-legacy-conformance-key'] });
    if (!harness.legacy) throw new Error('legacy mode did not start');
    return {
      client: harness.legacy,
      capabilities: storage.capabilities,
      close: async () => {
        await harness.close();
        await storage.close();
      },
    };
  },
  { differentialRuns: 15, skips: LEGACY_SKIPS },
);
