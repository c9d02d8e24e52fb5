/**
 * The evaluator is linear in list and array sizes: `$in` / `$hasAll` over
 * long lists and long array values once cost values × elements per item
 * (minutes for the shapes below), blocking the event loop of the storages
 * that evaluate in memory (memory, Firestore residual filters).
 */
import { describe, expect, test } from 'vitest';
import type { Filter, Item } from '../../src/query/ast.ts';
import { fieldRef } from '../../src/query/ast.ts';
import { matches } from '../../src/query/match.ts';

const tags = fieldRef('tags', 'ARRAY_STRING');
const big = Array.from({ length: 50_000 }, (_, i) => `t${i}`);
const items: Item[] = Array.from({ length: 4 }, (_, i) => ({ _id: `i${i}`, tags: i % 2 ? big : big.slice(1) }));
const listed = Array.from({ length: 1000 }, (_, i) => `t${i * 7}`);

describe('long lists against long arrays', () => {
  test('$hasAll: every listed value among 50,000 elements', () => {
    const filter: Filter = { kind: 'hasAll', field: tags, values: listed };
    // t0 is missing from the even items.
    expect(items.map((item) => matches(filter, item))).toEqual(items.map((_, i) => i % 2 === 1));
  });

  test('$in: none of 1,000 listed values among 50,000 elements, then one', () => {
    const absent = listed.map((v) => `${v}x`);
    expect(items.some((item) => matches({ kind: 'in', field: tags, values: absent }, item))).toBe(false);
    const one = [...absent.slice(1), 't49999'];
    expect(items.every((item) => matches({ kind: 'in', field: tags, values: one }, item))).toBe(true);
  });

  test('null and missing still match like $eq null; dates by instant; whole arrays by value', () => {
    const when = fieldRef('when', 'DATETIME');
    const inNull: Filter = { kind: 'in', field: when, values: ['x', null] };
    expect(matches(inNull, { _id: 'a' })).toBe(true);
    const instant: Filter = { kind: 'in', field: when, values: [new Date('2024-01-01T00:00:00Z')] };
    expect(matches(instant, { _id: 'a', when: new Date('2024-01-01T00:00:00.000Z') })).toBe(true);
    expect(matches({ kind: 'in', field: tags, values: [['a', 'b']] }, { _id: 'a', tags: ['a', 'b'] })).toBe(true);
    expect(matches({ kind: 'hasAll', field: tags, values: ['a', 'a', 'b'] }, { _id: 'a', tags: ['b', 'a'] })).toBe(
      true,
    );
  });
});
