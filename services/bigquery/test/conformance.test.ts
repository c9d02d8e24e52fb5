import { defineConformanceSuite } from '@adaptors/testkit/conformance';
import { startBigQueryHarness } from './storage-harness.ts';

// The whole suite over signed HTTP, on a fresh emulator dataset, through the real @google-cloud/bigquery client.
defineConformanceSuite(
  'bigquery',
  async () => {
    const h = await startBigQueryHarness();
    return {
      client: h.harness.client,
      capabilities: h.storage.capabilities,
      withPolicy: h.harness.withPolicy,
      cursorSecret: h.harness.cursorSecret,
      close: () => h.close(),
    };
  },
  { differentialRuns: 50 },
);
