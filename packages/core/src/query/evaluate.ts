/**
 * The exact in-memory evaluator (docs/design.md §1: "the evaluator is the law").
 * One entry point for storages and the server; the work lives in small files:
 * compare.ts (the one value order), match.ts (filters), run-query.ts (sort,
 * keysets, paging, projection), aggregate.ts, distinct.ts.
 */
export { runAggregate } from './aggregate.ts';
export { canonicalKey, compareValues } from './compare.ts';
export { runDistinct } from './distinct.ts';
export { matches, valueAt } from './match.ts';
export { compareItems, countMatching, isAfter, keysetOf, project, runQuery } from './run-query.ts';
