// 50 clients on overlapping ids (@adaptors/testkit/concurrency): insert, update, remove, truncate, count and
// cursor walks at once, checked against a model of what was confirmed. CONCURRENCY_OPS lengthens it.
import { defineConcurrencySuite } from '@adaptors/testkit/concurrency';
import { openBigQueryStorage } from './open-storage.ts';

defineConcurrencySuite('bigquery', openBigQueryStorage, { opsPerClient: 4 });
