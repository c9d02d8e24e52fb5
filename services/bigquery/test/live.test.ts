/**
 * The conformance suite against REAL BigQuery — only when explicitly enabled
 * (README.md "Live tests"): BIGQUERY_LIVE_TEST=1, BIGQUERY_LIVE_PROJECT and
 * credentials allowed to create and delete a dataset there
 * (roles/bigquery.dataOwner + roles/bigquery.jobUser). A temporary dataset is
 * created for the run and deleted afterwards.
 */
import { randomUUID } from 'node:crypto';
import { startHarness } from '@adaptors/testkit';
import { defineConformanceSuite } from '@adaptors/testkit/conformance';
import { BigQuery } from '@google-cloud/bigquery';
import { describe, test } from 'vitest';
import { clientOf } from '../src/client.ts';
import { createBigQueryStorage } from '../src/storage.ts';

const enabled = process.env.BIGQUERY_LIVE_TEST === '1';
const project = process.env.BIGQUERY_LIVE_PROJECT;
const location = process.env.BIGQUERY_LIVE_LOCATION ?? 'US';

if (enabled && project) {
  defineConformanceSuite(
    'bigquery (live)',
    async () => {
      const bq = new BigQuery({
        projectId: project,
        location,
        defaultJobCreationMode: 'JOB_CREATION_OPTIONAL',
      } as ConstructorParameters<typeof BigQuery>[0]);
      const datasetId = `wixadaptor_live_${randomUUID().slice(0, 8).replaceAll('-', '')}`;
      await bq.createDataset(datasetId, { location });
      const storage = createBigQueryStorage({ bq: clientOf(bq), projectId: project, datasetId, location });
      const harness = await startHarness({ storage });
      return {
        client: harness.client,
        capabilities: storage.capabilities,
        close: async () => {
          await harness.close();
          await bq.dataset(datasetId).delete({ force: true });
          await storage.close();
        },
      };
    },
    { differentialRuns: 5 },
  );
} else {
  describe('live BigQuery', () => {
    test.skip(`skipped: set BIGQUERY_LIVE_TEST=1 and BIGQUERY_LIVE_PROJECT (optionally BIGQUERY_LIVE_LOCATION) to run the conformance suite on a real dataset${enabled ? ' (BIGQUERY_LIVE_PROJECT is missing)' : ''}`, () => {});
  });
}
