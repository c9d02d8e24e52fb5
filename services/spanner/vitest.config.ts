import { packageTestConfig } from '../../vitest.shared.ts';

// One Spanner emulator per run (test/global-setup.ts); each test file makes its own database on it.
export default packageTestConfig('spanner', {
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 60_000,
  // test/errors.test.ts points a client at an unreachable host and closes it: the
  // client's session pool keeps retrying session creation in the background and
  // google-gax rejects those retries with "The client has already been closed."
  // inside the library, where no caller can catch it. Only that rejection is ignored.
  onUnhandledError: (error) =>
    !(error.message === 'The client has already been closed.' && String(error.stack ?? '').includes('google-gax')),
});
