// 50 clients on overlapping ids against the memory storage (@adaptors/testkit/concurrency).
import { defineConcurrencySuite } from '@adaptors/testkit/concurrency';
import { createMemoryStorage } from '../src/index.ts';

defineConcurrencySuite('memory', async () => ({ storage: createMemoryStorage(), close: async () => {} }));
