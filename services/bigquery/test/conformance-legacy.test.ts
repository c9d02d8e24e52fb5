import { defineConformanceSuite, LEGACY_SKIPS } from '@adaptors/testkit/conformance';
import { startBigQueryHarness } from './storage-harness.ts';

// The conformance suite again, over the legacy protocol (STANDALONE connections) on the
// same storage: every case the legacy protocol can express; LEGACY_SKIPS lists the rest.
// Fewer differential runs than the v3 pass: the storage path is the same, only the wire differs.
defineConformanceSuite(
  'bigquery, legacy protocol',
  async () => {
    const h = await startBigQueryHarness({}, { legacySecretKeys: ['bigquery-legacy-conformance-key'] });
    if (!h.harness.legacy) throw new Error('legacy mode did not start');
    return { client: h.harness.legacy, capabilities: h.storage.capabilities, close: () => h.close() };
  },
  { differentialRuns: 15, skips: LEGACY_SKIPS },
);
