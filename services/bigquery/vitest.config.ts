import { packageTestConfig } from '../../vitest.shared.ts';

// One BigQuery emulator per run (test/global-setup.ts); each test file makes its own dataset on it.
export default packageTestConfig('bigquery', {
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 60_000,
});
