// 50 clients on overlapping ids (@adaptors/testkit/concurrency): insert, update, remove, truncate, count and
// cursor walks at once, checked against a model of what was confirmed. CONCURRENCY_OPS lengthens it.
import { defineConcurrencySuite } from '@adaptors/testkit/concurrency';
import { openSpannerStorage } from './open-storage.ts';

// 3 operations per client: the emulator runs one read-write transaction at a time and aborts the others,
// which the client retries with a backoff of 1, 2, 4, 8, 16 then 32 s — so with 50 writers one write can
// wait over 30 s for its turn (seen once); a call is given two minutes before it counts as unanswered.
defineConcurrencySuite('spanner', openSpannerStorage, { opsPerClient: 3, callTimeoutMs: 120_000 });
