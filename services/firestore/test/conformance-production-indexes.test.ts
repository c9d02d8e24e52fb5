/**
 * The conformance suite once more, behind the production index rule
 * (production-index-rule.ts) with no composite index declared: every query
 * production Firestore would refuse for a missing index must still be
 * answered exactly, by the bounded-scan fallback (README.md "Indexes").
 * Fewer differential runs than conformance.test.ts: the pushdown itself is
 * covered there.
 */
import { startHarness } from '@adaptors/testkit';
import { defineConformanceSuite } from '@adaptors/testkit/conformance';
import { createFirestoreStorage } from '../src/storage.ts';
import { productionIndexRule } from './production-index-rule.ts';
import { emulatorClient } from './support.ts';

defineConformanceSuite(
  'firestore without composite indexes',
  async () => {
    const db = emulatorClient();
    const rule = productionIndexRule(db);
    const storage = createFirestoreStorage(db);
    const harness = await startHarness({ storage });
    return {
      client: harness.client,
      capabilities: storage.capabilities,
      close: async () => {
        await harness.close();
        await storage.close();
        // The suite must have met queries production refuses, or this run proves nothing.
        if (rule.refused.length === 0) throw new Error('no query needed a composite index');
      },
    };
  },
  { differentialRuns: 15 },
);
