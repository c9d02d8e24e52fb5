// Fuzzing signed requests on every endpoint (@adaptors/testkit/fuzz), judged against the memory reference.
// CI runs the short profile; `npm run fuzz` the long one (FUZZ_RUNS, FUZZ_SEED, FUZZ_PENDING: packages/testkit/README.md).
import { defineFuzzSuite } from '@adaptors/testkit/fuzz';
import { openBigQueryStorage } from './open-storage.ts';

defineFuzzSuite('bigquery', openBigQueryStorage, { runs: 300 });
