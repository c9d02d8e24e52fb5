import { packageTestConfig } from '../../vitest.shared.ts';

// One Spanner emulator per run (test/global-setup.ts); each test file makes its own database on it.
export default packageTestConfig('spanner', {
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 60_000,
});
