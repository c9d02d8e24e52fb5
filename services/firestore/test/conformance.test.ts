/**
 * The whole conformance suite (testkit) over HTTP, on the official emulator
 * through the real client, in a project (database) of its own. More
 * differential runs than the default: pushdown is where Firestore could drift
 * from the evaluator.
 */
import { startHarness } from '@adaptors/testkit';
import { defineConformanceSuite } from '@adaptors/testkit/conformance';
import { emulatorStorage } from './support.ts';

defineConformanceSuite(
  'firestore',
  async () => {
    const { storage } = emulatorStorage();
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
  { differentialRuns: 60 },
);
