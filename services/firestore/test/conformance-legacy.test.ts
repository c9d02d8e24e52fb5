/**
 * The conformance suite again, over the legacy protocol (STANDALONE
 * connections) on the same storage: every case the legacy protocol can
 * express; LEGACY_SKIPS lists the rest. Fewer differential runs than the v3
 * pass: the storage path is the same, only the wire differs.
 */
import { startHarness } from '@adaptors/testkit';
import { defineConformanceSuite, LEGACY_SKIPS } from '@adaptors/testkit/conformance';
import { emulatorStorage } from './support.ts';

defineConformanceSuite(
  'firestore, legacy protocol',
  async () => {
    const { storage } = emulatorStorage();
    const harness = await startHarness({ storage, legacySecretKeys: ['firestore-legacy-conformance-key'] });
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
