import { packageTestConfig } from '../../vitest.shared.ts';

// The end-to-end test spawns Node processes; under a loaded CI machine they need headroom.
export default packageTestConfig('cli', { testTimeout: 60_000 });
