/** The self-test of the status page and `adaptors doctor` on the project's BigQuery emulator (testkit's suite). */
import { defineSelfTestSuite } from '@adaptors/testkit';
import { startBigQueryHarness } from './storage-harness.ts';

defineSelfTestSuite('bigquery', async ({ readOnlySchema }) => {
  const h = await startBigQueryHarness({ readOnlySchema });
  return { client: h.harness.client, close: h.close };
});
