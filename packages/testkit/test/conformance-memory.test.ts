import { defineConformanceSuite } from '@adaptors/testkit/conformance';
import { createMemoryStorage, memoryCapabilities, startHarness } from '../src/index.ts';

defineConformanceSuite('memory', async () => {
  const harness = await startHarness({ storage: createMemoryStorage() });
  return { client: harness.client, capabilities: memoryCapabilities, close: () => harness.close() };
});
