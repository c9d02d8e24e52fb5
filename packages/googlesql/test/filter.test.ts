import { SpiError } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import { INPUTS, REFUSED } from './filter-cases.ts';
import { EXPECTED } from './filter-expected.ts';
import { DIALECTS, f, plants, where } from './fixtures.ts';

describe('filter: one table of expected SQL, params and types per dialect', () => {
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

describe('filter stays linear in the size of its input (hostile lists)', () => {
  // 100,000 values once took minutes ($in copied the list per value) and blocked the event loop.
  const values = Array.from({ length: 50_000 }, (_, i) => i);

  test.each(DIALECTS.map((d) => [d.name, d] as const))(
    '$in with 50,000 numbers is one ARRAY parameter (%s)',
    (_n, d) => {
      const { sql, params } = where(plants, { kind: 'in', field: f('weight'), values }, d);
      expect(Object.keys(params)).toEqual(['p0']);
      expect(params.p0).toEqual(values);
      expect(sql).toContain('IN UNNEST(@p0)');
    },
  );

  test('$in mixing kinds keeps one ARRAY parameter per kind, values in order', () => {
    const mixed = Array.from({ length: 50_000 }, (_, i) => (i % 2 ? `s${i}` : i));
    const { params } = where(plants, { kind: 'in', field: f('care.x'), values: mixed }, DIALECTS[0]!);
    expect(Object.values(params).map((p) => (p as unknown[]).length)).toEqual([25_000, 25_000]);
  });
});

describe('a column that holds LOWER(column) (ColumnInfo.lowered)', () => {
  const columns = new Map(plants.columns);
  columns.set('title', { name: 'title', type: 'STRING', lowered: 'title_lower' });
  const table = { ...plants, columns };
  const [dialect] = DIALECTS;

  test.each([
    ['startsWith', 'STARTS_WITH(`title_lower`, LOWER(@p0))'],
    ['contains', 'STRPOS(`title_lower`, LOWER(@p0)) > 0'],
    ['endsWith', 'ENDS_WITH(`title_lower`, LOWER(@p0))'],
  ] as const)('case-insensitive %s reads it instead of LOWER(title)', (op, sql) => {
    const { sql: got } = where(table, { kind: 'string', field: f('title'), op, value: 'Ro' }, dialect!);
    expect(got).toBe(`COALESCE(${sql}, FALSE)`);
  });

  test('case-sensitive comparisons still read the column itself', () => {
    const { sql } = where(table, { kind: 'compare', field: f('title'), op: 'eq', value: 'Ro' }, dialect!);
    expect(sql).not.toContain('title_lower');
  });
});
