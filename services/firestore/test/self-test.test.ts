/**
 * The self-test of the status page and `adaptors doctor` on the Firestore
 * emulator (testkit's suite), read-write and with READ_ONLY_SCHEMA.
 */
import { defineSelfTestSuite, startHarness } from '@adaptors/testkit';
import { emulatorStorage } from './support.ts';

defineSelfTestSuite('firestore', async ({ readOnlySchema }) => {
  const h = await startHarness({ storage: emulatorStorage({ readOnlySchema }).storage });
  return { client: h.client, close: h.close };
});
