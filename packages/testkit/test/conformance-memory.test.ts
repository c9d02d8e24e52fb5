import { defineConformanceSuite, LEGACY_SKIPS } from '@adaptors/testkit/conformance';
import { createMemoryStorage, memoryCapabilities, startHarness } from '../src/index.ts';

defineConformanceSuite('memory', async () => {
  const harness = await startHarness({ storage: createMemoryStorage() });
  return {
    client: harness.client,
    capabilities: memoryCapabilities,
    withPolicy: harness.withPolicy,
    cursorSecret: harness.cursorSecret,
    close: () => harness.close(),
  };
});

// The same suite over the legacy protocol (STANDALONE connections), on the same storage.
defineConformanceSuite(
  'memory, legacy protocol',
  async () => {
    const harness = await startHarness({
      storage: createMemoryStorage(),
      legacySecretKeys: ['conformance-legacy-secret-key'],
    });
    if (!harness.legacy) throw new Error('legacy mode did not start');
    return { client: harness.legacy, capabilities: memoryCapabilities, close: () => harness.close() };
  },
  { skips: LEGACY_SKIPS },
);
