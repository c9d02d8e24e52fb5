/** The self-test of the status page and `adaptors doctor` on the Firestore emulator (testkit's suite; no read-only schema mode here). */
import { defineSelfTestSuite, startHarness } from '@adaptors/testkit';
import { emulatorStorage } from './support.ts';

defineSelfTestSuite(
  'firestore',
  async () => {
    const h = await startHarness({ storage: emulatorStorage().storage });
    return { client: h.client, close: h.close };
  },
  { readOnly: false },
);
