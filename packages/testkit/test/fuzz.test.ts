// Fuzzing signed requests on the memory storage (the reference judges itself: this run checks no 5xx,
// no unanswered call, shaped errors and intact data). FUZZ_RUNS / FUZZ_SEED / FUZZ_PENDING: see the README.
import { defineFuzzSuite } from '@adaptors/testkit/fuzz';
import { createMemoryStorage } from '../src/index.ts';

defineFuzzSuite('memory', async () => ({ storage: createMemoryStorage(), close: async () => {} }), { runs: 400 });
