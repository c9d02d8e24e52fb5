// Fuzzing signed requests on every endpoint (@adaptors/testkit/fuzz), judged against the memory reference.
// CI runs the short profile; `npm run fuzz` the long one (FUZZ_RUNS, FUZZ_SEED, FUZZ_PENDING: packages/testkit/README.md).
// No generator bounds: filters past Firestore's 100 conditions or with values over 1,500 bytes are no longer
// sent to Firestore (src/planner.ts MAX_PUSHED_FILTERS), whose emulator took seconds to refuse them.
import { defineFuzzSuite } from '@adaptors/testkit/fuzz';
import { openFirestoreStorage } from './open-storage.ts';

defineFuzzSuite('firestore', openFirestoreStorage, { runs: 300 });
