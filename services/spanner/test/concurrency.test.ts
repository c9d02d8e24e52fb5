// 50 clients on overlapping ids (@adaptors/testkit/concurrency): insert, update, remove, truncate, count and
// cursor walks at once, checked against a model of what was confirmed. CONCURRENCY_OPS lengthens it.
import { defineConcurrencySuite } from '@adaptors/testkit/concurrency';
import { openSpannerStorage } from './open-storage.ts';

// 3 operations per client: the emulator runs one read-write transaction at a time.
defineConcurrencySuite('spanner', openSpannerStorage, { opsPerClient: 3 });
