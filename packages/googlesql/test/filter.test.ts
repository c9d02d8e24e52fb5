import { SpiError } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import { INPUTS, REFUSED } from './filter-cases.ts';
import { EXPECTED } from './filter-expected.ts';
import { DIALECTS, plants, where } from './fixtures.ts';

describe('compileFilter: one table of expected SQL, params and types per dialect', () => {
  for (const dialect of DIALECTS) {
    describe(dialect.name, () => {
      test.each(INPUTS.map((c) => [c.name, c] as const))('%s', (name, c) => {
        const expected = EXPECTED[name]?.[dialect.name];
        expect(expected, `no expectation for ${name}`).toBeDefined();
        expect(where(plants, c.filter, dialect)).toEqual(expected);
      });
      test.each(REFUSED.map((c) => [c.name, c] as const))('refuses %s with a clear error', (_name, c) => {
        expect(() => where(plants, c.filter, dialect)).toThrow(c.message);
        try {
          where(plants, c.filter, dialect);
        } catch (e) {
          // A request-level refusal (HTTP 400), never a wrong answer.
          expect(e).toBeInstanceOf(SpiError);
        }
      });
    });
  }

  test('every case has an expectation', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(INPUTS.map((c) => c.name).sort());
  });

  test('not is the exact complement: it wraps a two-valued operand', () => {
    // Every leaf is COALESCE/IS NULL/EXISTS/constant, so NOT never sees NULL.
    for (const c of INPUTS) {
      const { sql } = where(plants, { kind: 'not', filter: c.filter }, DIALECTS[0]!);
      expect(sql === 'TRUE' || sql === 'FALSE' || sql.startsWith('(NOT ')).toBe(true);
    }
  });
});
