/**
 * Table-driven filter semantics (docs/semantics.md §1.3, §1.8, §1.9):
 * wire filter → parse → evaluate over a small collection with every awkward
 * value shape (missing, null, "", other types, arrays, nested objects, dates).
 */
import { describe, expect, test } from 'vitest';
import type { Item } from '../../src/query/ast.ts';
import { d, select } from './fixtures.ts';

const items: Item[] = [
  {
    _id: 'a',
    commonName: 'Lavender',
    family: 'Lamiaceae',
    heightCm: 90,
    perennial: true,
    tags: ['herb', 'pollinator'],
    lastWatered: d('2026-04-01T10:00:00.000Z'),
    care: { sun: 'full', water: 2 },
    plantedOn: '2024-03-01',
    supplier: 's-1',
    extra: 5,
    scores: [1, 7],
  },
  {
    _id: 'b',
    commonName: 'sage',
    family: 'Lamiaceae',
    heightCm: 60,
    perennial: true,
    tags: ['herb', 'culinary'],
    lastWatered: d('2026-05-01T00:00:00Z'),
    care: { sun: 'partial' },
    plantedOn: '2023-12-31',
    extra: '5',
  },
  {
    _id: 'c',
    commonName: 'Rose',
    family: 'Rosaceae',
    heightCm: 120,
    perennial: false,
    tags: [],
    care: null,
    extra: [5, 'x'],
  },
  { _id: 'd', commonName: '', heightCm: '5', tags: ['5'], extra: { k: 1, j: [2] } },
  { _id: 'e', commonName: null, heightCm: null, extra: true },
  { _id: 'f' },
  { _id: 'g', commonName: 'C++ Basics', notes: '50% off', heightCm: 5, extra: { $date: '2026-01-01T00:00:00.000Z' } },
];

type Case = readonly [name: string, filter: unknown, expected: string];

function run(cases: readonly Case[]) {
  test.each(cases)('%s', (_name, filter, expected) => {
    expect(select(filter, items).join('')).toBe(expected);
  });
}

describe('shape and logic (§1.1)', () => {
  run([
    ['{} matches all', {}, 'abcdefg'],
    ['null matches all', null, 'abcdefg'],
    ['implicit $eq', { family: 'Lamiaceae' }, 'ab'],
    ['several keys = implicit $and', { family: 'Lamiaceae', heightCm: { $gt: 70 } }, 'a'],
    ['several operators on one field = $and', { heightCm: { $gte: 60, $lt: 100 } }, 'ab'],
    ['$and', { $and: [{ family: 'Lamiaceae' }, { perennial: true }, { heightCm: 60 }] }, 'b'],
    ['$or', { $or: [{ family: 'Rosaceae' }, { heightCm: 5 }] }, 'cg'],
    ['$and: [] matches all', { $and: [] }, 'abcdefg'],
    ['$or: [] matches none', { $or: [] }, ''],
    ['$not as object', { $not: { family: 'Lamiaceae' } }, 'cdefg'],
    ['$not as one-element array', { $not: [{ family: 'Lamiaceae' }] }, 'cdefg'],
    ['$not of $or: []', { $not: { $or: [] } }, 'abcdefg'],
    [
      'nested logic',
      {
        $or: [
          { $and: [{ family: 'Lamiaceae' }, { commonName: { $startsWith: 'la' } }] },
          { $not: { heightCm: { $exists: true } } },
        ],
      },
      'aef',
    ],
  ]);
});

describe('$eq / $ne (§1.3, §1.8, §1.9)', () => {
  run([
    ['strings are case-sensitive', { commonName: 'lavender' }, ''],
    ['exact string', { commonName: 'Lavender' }, 'a'],
    ['same-type rule: 5 matches numbers only', { heightCm: 5 }, 'g'],
    ['same-type rule on ANY: 5', { extra: 5 }, 'ac'],
    ['same-type rule on ANY: "5"', { extra: '5' }, 'b'],
    ['boolean', { extra: true }, 'e'],
    ['whole object, key order irrelevant', { extra: { j: [2], k: 1 } }, 'd'],
    ['$date literal in ANY equals a stored date literal', { extra: { $date: '2026-01-01T00:00:00Z' } }, 'g'],
    ['null matches null and missing, not ""', { commonName: null }, 'ef'],
    ['$eq: null explicit', { commonName: { $eq: null } }, 'ef'],
    ['$ne: null = present', { commonName: { $ne: null } }, 'abcdg'],
    ['$ne matches missing and null', { commonName: { $ne: 'Rose' } }, 'abdefg'],
    ['"" is a value', { commonName: '' }, 'd'],
    ['array field: some element equals', { tags: 'herb' }, 'ab'],
    ['array field: $ne = no element equals', { tags: { $ne: 'herb' } }, 'cdefg'],
    ['array field: whole array equals', { tags: ['herb', 'culinary'] }, 'b'],
    ['array field: whole array, order matters', { tags: ['culinary', 'herb'] }, ''],
    ['empty array', { tags: [] }, 'c'],
    ['ARRAY of NUMBER element', { scores: 7 }, 'a'],
    ['REFERENCE by id', { supplier: 's-1' }, 'a'],
    ['boolean false', { perennial: false }, 'c'],
  ]);
});

describe('ranges (§1.3): same type only, never null/missing', () => {
  run([
    ['$gt number', { heightCm: { $gt: 60 } }, 'ac'],
    ['$gte number', { heightCm: { $gte: 60 } }, 'abc'],
    ['$lt skips "5", null and missing', { heightCm: { $lt: 60 } }, 'g'],
    ['$lte', { heightCm: { $lte: 5 } }, 'g'],
    ['strings by code point: upper case first', { commonName: { $lt: 'a' } }, 'acdg'],
    ['strings: "sage" > "Z"', { commonName: { $gt: 'Z' } }, 'b'],
    ['DATE strings compare as strings', { plantedOn: { $gte: '2024-01-01' } }, 'a'],
    ['ANY field: only numbers compare with numbers', { extra: { $gte: 5 } }, 'ac'],
    ['ANY field: only strings with strings', { extra: { $gte: '' } }, 'bc'],
    ['array of numbers: some element', { scores: { $gt: 5 } }, 'a'],
  ]);
});

describe('dates (§1.4): instants, with or without milliseconds', () => {
  run([
    ['$lt a date literal', { lastWatered: { $lt: { $date: '2026-05-01T00:00:00Z' } } }, 'a'],
    ['$gte with milliseconds', { lastWatered: { $gte: { $date: '2026-05-01T00:00:00.000Z' } } }, 'b'],
    ['$eq without milliseconds', { lastWatered: { $date: '2026-05-01T00:00:00Z' } }, 'b'],
    ['$eq with an offset', { lastWatered: { $date: '2026-04-01T12:00:00+02:00' } }, 'a'],
    ['ISO string on a DATETIME field', { lastWatered: '2026-04-01T10:00:00Z' }, 'a'],
    ['$ne date matches missing', { lastWatered: { $ne: { $date: '2026-04-01T10:00:00.000Z' } } }, 'bcdefg'],
    ['$in of dates', { lastWatered: { $in: [{ $date: '2026-05-01T00:00:00Z' }, '2020-01-01T00:00:00Z'] } }, 'b'],
    ['nested date literal in ANY compares as an instant', { extra: { $gt: { $date: '2025-12-31T23:59:59Z' } } }, 'g'],
  ]);
});

describe('$in / $hasSome / $nin / $hasAll (§1.3, §1.9)', () => {
  run([
    ['$in on a scalar field', { family: { $in: ['Rosaceae', 'X'] } }, 'c'],
    ['$hasSome on a scalar field', { family: { $hasSome: ['Rosaceae', 'Lamiaceae'] } }, 'abc'],
    ['$hasSome on an array field', { tags: { $hasSome: ['culinary', 'none'] } }, 'b'],
    ['$hasSome is case-sensitive', { tags: { $hasSome: ['HERB'] } }, ''],
    ['$hasSome never matches missing', { family: { $hasSome: ['x'] } }, ''],
    ['$nin = not $in (matches missing)', { family: { $nin: ['Lamiaceae'] } }, 'cdefg'],
    ['$hasAll on an array field', { tags: { $hasAll: ['herb', 'culinary'] } }, 'b'],
    ['$hasAll ignores order and extras', { tags: { $hasAll: ['culinary', 'herb'] } }, 'b'],
    ['$hasAll one value', { tags: { $hasAll: ['herb'] } }, 'ab'],
    ['$hasAll on a scalar: one value', { family: { $hasAll: ['Lamiaceae'] } }, 'ab'],
    ['$hasAll on a scalar: two values', { family: { $hasAll: ['Lamiaceae', 'Rosaceae'] } }, ''],
    ['$in with null matches null and missing', { commonName: { $in: [null, 'Rose'] } }, 'cef'],
  ]);
});

describe('string operators (§1.3): case-insensitive', () => {
  run([
    ['$contains', { commonName: { $contains: 'AV' } }, 'a'],
    ['$startsWith', { commonName: { $startsWith: 'SA' } }, 'b'],
    ['$endsWith', { commonName: { $endsWith: 'SE' } }, 'c'],
    ['$contains "" matches every string, not null/missing', { commonName: { $contains: '' } }, 'abcdg'],
    ['$contains on array of strings: any element', { tags: { $contains: 'LLIN' } }, 'a'],
    ['$startsWith on array of strings', { tags: { $startsWith: 'Cul' } }, 'b'],
    ['"%" is literal', { notes: { $contains: '50%' } }, 'g'],
    ['"_" is literal', { notes: { $contains: '5_' } }, ''],
    ['"+" is literal', { commonName: { $contains: 'c++' } }, 'g'],
    ['reference id', { supplier: { $startsWith: 'S-' } }, 'a'],
    ['never matches numbers', { extra: { $contains: '5' } }, 'b'],
  ]);
});

describe('$exists / $isEmpty / $isNotEmpty (§1.3)', () => {
  run([
    ['$exists: true', { commonName: { $exists: true } }, 'abcdg'],
    ['$exists: false', { commonName: { $exists: false } }, 'ef'],
    ['$exists on an empty array is true', { tags: { $exists: true } }, 'abcd'],
    ['$isEmpty: true', { commonName: { $isEmpty: true } }, 'ef'],
    ['$isNotEmpty: true', { commonName: { $isNotEmpty: true } }, 'abcdg'],
    ['$isEmpty: false', { commonName: { $isEmpty: false } }, 'abcdg'],
  ]);
});

describe('nested paths (§1.5)', () => {
  run([
    ['equality', { 'care.sun': 'full' }, 'a'],
    ['$ne matches missing parents', { 'care.sun': { $ne: 'full' } }, 'bcdefg'],
    ['range', { 'care.water': { $gt: 1 } }, 'a'],
    ['$exists false through null parent', { 'care.sun': { $exists: false } }, 'cdefg'],
    ['arrays are not walked', { 'extra.j.0': 2 }, ''],
  ]);
});

describe('$matches (§1.7): whole value, literals escaped', () => {
  const spec = (ignoreCase: boolean, ...parts: [string, string][]) => ({
    $matches: { ignoreCase, spec: parts.map(([type, value]) => ({ type, value })) },
  });
  run([
    [
      '"c++" is literal, ignoreCase',
      { commonName: spec(true, ['literal', 'c++'], ['anyOf', ' -'], ['literal', 'basics']) },
      'g',
    ],
    ['case-sensitive without ignoreCase', { commonName: spec(false, ['literal', 'c++ basics']) }, ''],
    ['case-sensitive exact', { commonName: spec(false, ['literal', 'C++ Basics']) }, 'g'],
    ['anchored: a prefix is not enough', { commonName: spec(true, ['literal', 'c++']) }, ''],
    ['"50%" is literal', { notes: spec(false, ['literal', '50%'], ['anyOf', ' '], ['literal', 'off']) }, 'g'],
    ['"." is literal', { commonName: spec(true, ['literal', 'r.se']) }, ''],
    ['ignoreCase on arrays: any element', { tags: spec(true, ['literal', 'HERB']) }, 'ab'],
  ]);

  const chars: Item[] = ['a]b', 'a^b', 'a-b', 'a\\b', 'azb', 'ab', 'a[b', 'a😀b'].map((v, i) => ({
    _id: String(i),
    v,
  }));
  test.each([
    [']^-\\', '0123'],
    ['^', '1'],
    ['z-', '24'],
    ['[', '6'],
    ['😀', '7'],
  ])('anyOf %j is a character class of exactly those characters', (anyOf, expected) => {
    const filter = {
      v: {
        $matches: {
          spec: [
            { type: 'literal', value: 'a' },
            { type: 'anyOf', value: anyOf },
            { type: 'literal', value: 'b' },
          ],
        },
      },
    };
    expect(select(filter, chars).join('')).toBe(expected);
  });
});

describe('$urlized (§1.6): folded words joined by [- ], whole value', () => {
  const pages: Item[] = [
    { _id: '1', title: 'Summer Salad 2024' },
    { _id: '2', title: 'summer-salad-2024' },
    { _id: '3', title: 'Summer Salad 2024 deluxe' },
    { _id: '4', title: 'Summer_Salad 2024' },
    { _id: '5', title: 'C++ tips' },
    // What a slug leaves out at the ends of a title: not letters or digits.
    { _id: '6', title: 'Apple Pie!' },
    { _id: '7', title: '«Apple Pie»' },
    { _id: '8', title: 'The Apple Pie' },
    { _id: '9', title: 'Apple Pie 2' },
  ];
  test.each([
    [['summer', 'salad', '2024'], '12'],
    [['SUMMER', 'Salad', '2024'], '12'],
    [['c++', 'tips'], '5'],
    [['apple', 'pie'], '67'],
  ])('%j', (words, expected) => {
    expect(select({ title: { $urlized: words } }, pages).join('')).toBe(expected);
  });
});
