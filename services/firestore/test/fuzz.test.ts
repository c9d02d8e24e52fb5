// Fuzzing signed requests on every endpoint (@adaptors/testkit/fuzz), judged against the memory reference.
// CI runs the short profile; `npm run fuzz` the long one (FUZZ_RUNS, FUZZ_SEED, FUZZ_PENDING: packages/testkit/README.md).
import { defineFuzzSuite } from '@adaptors/testkit/fuzz';
import { openFirestoreStorage } from './open-storage.ts';

defineFuzzSuite('firestore', openFirestoreStorage, {
  runs: 300,
  bounds: {
    // pending: the emulator takes > 5 s to refuse a query of more than 100 filters ("may not have more than
    // 100 filters + sort orders"), and another 5 s+ for what follows it: the storage could refuse these itself.
    maxBranches: 100,
    // pending: a filter value over 1,500 bytes ("too large to be used in a query") takes ~7 s to be refused.
    maxString: 1400,
  },
});
