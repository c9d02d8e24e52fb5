/**
 * The conformance suite (issue "Query semantics"): one black-box suite over
 * signed HTTP that every storage must pass. A service calls
 * `defineConformanceSuite('spanner', start)` from one of its test files.
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { type ConformanceSkip, skipReason } from './skips.ts';
import { accessSuite } from './suite-access.ts';
import { differentialSuite } from './suite-differential.ts';
import { limitsSuite } from './suite-limits.ts';
import { operatorSuite } from './suite-operators.ts';
import { querySuite } from './suite-queries.ts';
import { schemaSuite } from './suite-schema.ts';
import { writeSuite } from './suite-writes.ts';
import type { ConformanceTarget, StartTarget } from './target.ts';

export { FILTER_CASES, type FilterCase } from './filter-cases.ts';
export { ZOO_FIELDS, ZOO_ITEMS } from './fixture.ts';
export { LEGACY_SKIPS } from './legacy-skips.ts';
export type { ConformanceSkip } from './skips.ts';
export {
  EXACT_NUMBER_ROWS,
  type ExactNumberRow,
  type ExactNumbersTarget,
  exactNumbersSuite,
} from './suite-exact-numbers.ts';
export { defineMultiInstanceSuite, type MultiInstanceOptions } from './suite-multi-instance.ts';
export { concurrentUpdateSuite, removedFieldRaceSuite, type SchemaRaceTarget } from './suite-schema-race.ts';
export { SUB_MILLISECOND_ROWS, type SubMillisecondTarget, subMillisecondSuite } from './suite-sub-millisecond.ts';
export type { ConformanceClient, ConformanceTarget, StartTarget } from './target.ts';

export interface ConformanceOptions {
  /** Runs of the differential property test (each truncates and refills a collection). */
  readonly differentialRuns?: number;
  /**
   * Cases the target's protocol cannot express, each with its reason (e.g.
   * LEGACY_SKIPS for the legacy client). They are reported as skipped with
   * that reason, never dropped silently.
   */
  readonly skips?: readonly ConformanceSkip[];
}

export function defineConformanceSuite(name: string, start: StartTarget, options: ConformanceOptions = {}): void {
  describe(`conformance: ${name}`, () => {
    let target: ConformanceTarget | undefined;
    const get = (): ConformanceTarget => {
      if (!target) throw new Error('conformance target not started');
      return target;
    };
    beforeAll(async () => {
      target = await start();
    });
    afterAll(async () => {
      await target?.close();
    });
    const skips = options.skips ?? [];
    if (skips.length > 0) {
      beforeEach((ctx) => {
        const reason = skipReason(skips, ctx.task);
        if (reason) ctx.skip(reason);
      });
    }
    describe('queries', () => querySuite(get));
    describe('operators', () => operatorSuite(get));
    describe('writes', () => writeSuite(get));
    describe('schema', () => schemaSuite(get));
    describe('limits', () => limitsSuite(get));
    describe('access', () => accessSuite(get));
    describe('differential', () => differentialSuite(get, { numRuns: options.differentialRuns }));
  });
}
