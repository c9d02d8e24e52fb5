/** The self-test of the status page and `adaptors doctor` on the Spanner emulator (testkit's suite). */
import { defineSelfTestSuite } from '@adaptors/testkit';
import { startSpannerHarness } from './storage-harness.ts';

defineSelfTestSuite('spanner', async ({ readOnlySchema }) => {
  const h = await startSpannerHarness({ readOnlySchema });
  return { client: h.harness.client, close: h.close };
});
