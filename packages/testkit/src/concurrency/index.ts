/** Concurrency suite: many clients on overlapping ids, checked against a model of what was confirmed. */
export { type ConcurrencyOptions, defineConcurrencySuite } from './suite.ts';
