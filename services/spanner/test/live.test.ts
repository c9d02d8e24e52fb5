/**
 * The conformance suite against a REAL Cloud Spanner instance — only when
 * explicitly enabled (README.md "Live tests"): SPANNER_LIVE_TEST=1,
 * SPANNER_LIVE_PROJECT, SPANNER_LIVE_INSTANCE, and credentials allowed to
 * create and drop a database there (roles/spanner.databaseAdmin). A temporary
 * database is created for the run and dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import { startHarness } from '@adaptors/testkit';
import { defineConformanceSuite } from '@adaptors/testkit/conformance';
import { Spanner } from '@google-cloud/spanner';
import { describe, test } from 'vitest';
import { createSpannerStorage } from '../src/storage.ts';

const enabled = process.env.SPANNER_LIVE_TEST === '1';
const project = process.env.SPANNER_LIVE_PROJECT;
const instance = process.env.SPANNER_LIVE_INSTANCE;

if (enabled && project && instance) {
  defineConformanceSuite(
    'spanner (live)',
    async () => {
      // This run's emulator must not capture the live client (global-setup.ts sets these).
      for (const name of Object.keys(process.env)) {
        if (name === 'SPANNER_EMULATOR_HOST' || name.startsWith('GOOGLE_CLOUD_SPANNER_MULTIPLEXED'))
          delete process.env[name];
      }
      const spanner = new Spanner({ projectId: project });
      const databaseId = `wixadaptor_live_${randomUUID().slice(0, 8)}`;
      const [database, operation] = await spanner.instance(instance).createDatabase(databaseId);
      await operation.promise();
      const storage = createSpannerStorage({ database });
      const harness = await startHarness({ storage });
      return {
        client: harness.client,
        capabilities: storage.capabilities,
        close: async () => {
          await harness.close();
          await database.delete();
          await storage.close();
          spanner.close();
        },
      };
    },
    { differentialRuns: 10 },
  );
} else {
  describe('live Cloud Spanner', () => {
    test.skip(`skipped: set SPANNER_LIVE_TEST=1, SPANNER_LIVE_PROJECT and SPANNER_LIVE_INSTANCE to run the conformance suite on a real instance${enabled ? ' (SPANNER_LIVE_PROJECT or SPANNER_LIVE_INSTANCE is missing)' : ''}`, () => {});
  });
}
