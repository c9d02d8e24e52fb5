import { packageTestConfig } from '../../vitest.shared.ts';

// One Firestore emulator per run (test/global-setup.ts); each test file uses its own project id.
export default packageTestConfig('firestore', { globalSetup: ['./test/global-setup.ts'], testTimeout: 60_000 });
