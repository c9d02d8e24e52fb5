/** The one value order (docs/semantics.md §1.3, §2) and its canonical keys. */
import { describe, expect, test } from 'vitest';
import type { Value } from '../../src/query/ast.ts';
import { canonicalKey, compareStrings, compareValues, TYPE_ORDER } from '../../src/query/compare.ts';

describe('compareValues', () => {
  test.each<[string, Value | undefined, Value | undefined, number]>([
    ['numbers', 2, 10, -1],
    ['-0 equals 0', -0, 0, 0],
    ['strings by code point: upper case first', 'Text', 'text', -1],
    ['"ABC" < "abc"', 'ABC', 'abc', -1],
    ['"abc" after "XYZ"', 'abc', 'XYZ', 1],
    ['code point, not UTF-16 unit: U+FFFF < U+1F600', '\uFFFF', '😀', -1],
    ['U+E000 < astral', '\uE000', '𐀀', -1],
    ['astral vs astral', '😀', '😁', -1],
    ['prefix first', 'ab', 'abc', -1],
    ['dates as instants', new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T01:00:00+01:00'), 0],
    ['dates chronologically', new Date('2023-12-31T23:59:59.999Z'), new Date('2024-01-01T00:00:00Z'), -1],
    ['a {"$date"} object is that instant', { $date: '2024-01-01T00:00:00Z' }, new Date('2024-01-01T00:00:00.000Z'), 0],
    ['null equals missing', null, undefined, 0],
    ['booleans', false, true, -1],
    ['arrays lexicographically', [1, 2], [1, 3], -1],
    ['shorter array first', [1], [1, 0], -1],
    ['objects ignore key order', { a: 1, b: 2 }, { b: 2, a: 1 }, 0],
    ['objects by sorted keys', { a: 1 }, { b: 0 }, -1],
    ['number vs string: same-type rule keeps them apart', 5, '5', -1],
  ])('%s', (_name, a, b, expected) => {
    expect(compareValues(a, b)).toBe(expected);
    expect(compareValues(b, a)).toBe(-expected || 0);
  });

  test('cross-type order: null < number < string < object < array < boolean < date', () => {
    expect(TYPE_ORDER).toEqual(['null', 'number', 'string', 'object', 'array', 'boolean', 'date']);
    const ladder: (Value | undefined)[] = [undefined, null, -1e9, 'a', { a: 1 }, [], false, true, new Date(0)];
    for (let i = 0; i + 1 < ladder.length; i++) {
      expect(compareValues(ladder[i], ladder[i + 1])).toBeLessThanOrEqual(0);
    }
    expect(compareValues(null, -Infinity)).toBe(-1);
    expect(compareValues(Infinity, '')).toBe(-1);
    expect(compareValues('\u{10FFFF}', {})).toBe(-1);
    expect(compareValues(true, new Date(-8.64e15))).toBe(-1);
  });

  test('sorting strings gives code-point order', () => {
    const words = ['b', 'a', 'B', 'A', '😀', '\uFFFF', 'é', 'Z', ''];
    expect(words.sort(compareStrings)).toEqual(['', 'A', 'B', 'Z', 'a', 'b', 'é', '\uFFFF', '😀']);
  });
});

describe('canonicalKey agrees with equality', () => {
  test.each<[Value, Value]>([
    [new Date('2024-01-01T00:00:00Z'), { $date: '2024-01-01T00:00:00.000Z' }],
    [
      { a: 1, b: [1, { c: 2 }] },
      { b: [1, { c: 2 }], a: 1 },
    ],
    [-0, 0],
  ])('%j ~ %j', (a, b) => {
    expect(compareValues(a, b)).toBe(0);
    expect(canonicalKey(a)).toBe(canonicalKey(b));
  });

  test.each<[Value, Value]>([
    [5, '5'],
    ['a', 'A'],
    [
      [1, 2],
      [2, 1],
    ],
    [{ a: '1' }, { a: 1 }],
    [true, 'true'],
  ])('%j ≁ %j', (a, b) => {
    expect(compareValues(a, b)).not.toBe(0);
    expect(canonicalKey(a)).not.toBe(canonicalKey(b));
  });
});
