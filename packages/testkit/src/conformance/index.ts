/**
 * The conformance suite (issue "Query semantics"): one black-box suite over
 * signed HTTP that every storage must pass. A service calls
 * `defineConformanceSuite('spanner', start)` from one of its test files.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { differentialSuite } from './suite-differential.ts';
import { operatorSuite } from './suite-operators.ts';
import { querySuite } from './suite-queries.ts';
import { schemaSuite } from './suite-schema.ts';
import { writeSuite } from './suite-writes.ts';
import type { ConformanceTarget, StartTarget } from './target.ts';

export { FILTER_CASES, type FilterCase } from './filter-cases.ts';
export { ZOO_FIELDS, ZOO_ITEMS } from './fixture.ts';
export { defineMultiInstanceSuite, type MultiInstanceOptions } from './suite-multi-instance.ts';
export type { ConformanceTarget, StartTarget } from './target.ts';

export interface ConformanceOptions {
  /** Runs of the differential property test (each truncates and refills a collection). */
  readonly differentialRuns?: number;
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
    describe('queries', () => querySuite(get));
    describe('operators', () => operatorSuite(get));
    describe('writes', () => writeSuite(get));
    describe('schema', () => schemaSuite(get));
    describe('differential', () => differentialSuite(get, { numRuns: options.differentialRuns }));
  });
}
