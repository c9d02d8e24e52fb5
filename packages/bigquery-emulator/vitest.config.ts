import { packageTestConfig } from '../../vitest.shared.ts';

// The differential property tests run hundreds of queries through the real
// client; on a loaded 2-core CI machine they need minutes, not seconds.
export default packageTestConfig('bigquery-emulator', { testTimeout: 240_000 });
