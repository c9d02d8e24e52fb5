/**
 * Filter cases over the zoo (fixture.ts), each with the ids the semantics spec
 * says must match. Section references are to docs/semantics.md; the
 * few decisions the spec leaves open follow packages/core/SEMANTICS.md.
 */
import type { ZooId } from './fixture.ts';

export interface FilterCase {
  readonly name: string;
  readonly filter: Record<string, unknown>;
  readonly expected: readonly ZooId[];
}

const matches = (ignoreCase: boolean, ...spec: [string, string][]) => ({
  $matches: { ignoreCase, spec: spec.map(([type, value]) => ({ type, value })) },
});

export const FILTER_CASES: readonly FilterCase[] = [
  // §1.1 shape
  { name: 'empty filter matches all', filter: {}, expected: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] },
  // §1.3 $eq: same type, case-sensitive, null = null or missing
  { name: 'implicit $eq on text', filter: { title: 'Alpha' }, expected: ['a'] },
  { name: '$eq is case-sensitive', filter: { title: { $eq: 'alpha' } }, expected: [] },
  { name: '$eq "" is a value', filter: { title: '' }, expected: ['d'] },
  { name: '$eq null matches null and missing', filter: { title: null }, expected: ['e', 'f'] },
  { name: '$eq 0 is a value', filter: { count: 0 }, expected: ['d'] },
  { name: '$eq false is a value', filter: { active: false }, expected: ['b', 'd'] },
  { name: '$eq true', filter: { active: true }, expected: ['a', 'c'] },
  { name: '$eq on a number', filter: { count: { $eq: 2.5 } }, expected: ['b'] },
  // §1.3 $ne: document-store semantics, missing and null match
  {
    name: '$ne matches missing and null',
    filter: { title: { $ne: 'Alpha' } },
    expected: ['b', 'c', 'd', 'e', 'f', 'g', 'h'],
  },
  { name: '$ne null = present', filter: { title: { $ne: null } }, expected: ['a', 'b', 'c', 'd', 'g', 'h'] },
  { name: '$ne on a number', filter: { count: { $ne: 1 } }, expected: ['b', 'c', 'd', 'e', 'f', 'g', 'h'] },
  { name: '$ne on a boolean', filter: { active: { $ne: true } }, expected: ['b', 'd', 'e', 'f', 'g', 'h'] },
  // §1.3 ranges: never null/missing; strings by code point
  { name: '$gt number', filter: { count: { $gt: 0 } }, expected: ['a', 'b', 'g', 'h'] },
  { name: '$gte number includes 0', filter: { count: { $gte: 0 } }, expected: ['a', 'b', 'd', 'g', 'h'] },
  { name: '$lt number negative', filter: { count: { $lt: 0 } }, expected: ['c'] },
  { name: '$lte number', filter: { count: { $lte: 1 } }, expected: ['a', 'c', 'd'] },
  {
    name: '$gt string: lower case and accents sort after Z',
    filter: { title: { $gt: 'Z' } },
    expected: ['b', 'c', 'g', 'h'],
  },
  { name: '$lt string includes ""', filter: { title: { $lt: 'B' } }, expected: ['a', 'd'] },
  { name: '$gte DATE string', filter: { day: { $gte: '2024-02-01' } }, expected: ['b'] },
  { name: '$eq DATE string', filter: { day: '2024-01-01' }, expected: ['a'] },
  { name: '$gte TIME string', filter: { time: { $gte: '09:00' } }, expected: ['b'] },
  // §1.4 dates as instants, ms optional
  { name: '$lt DATETIME', filter: { at: { $lt: { $date: '2024-02-01T00:00:00Z' } } }, expected: ['a'] },
  {
    name: '$gt DATETIME sees milliseconds',
    filter: { at: { $gt: { $date: '2024-02-29T12:30:00Z' } } },
    expected: ['b', 'h'],
  },
  { name: 'implicit $eq with a $date literal', filter: { at: { $date: '2024-01-01T00:00:00.000Z' } }, expected: ['a'] },
  { name: '$eq with a $date without ms', filter: { at: { $date: '2024-02-29T12:30:00Z' } }, expected: ['g'] },
  // §1.3 string operators: case-insensitive, metacharacters literal
  { name: '$contains is case-insensitive', filter: { title: { $contains: 'ALP' } }, expected: ['a', 'b'] },
  { name: '$contains % is literal', filter: { title: { $contains: '50%' } }, expected: ['g'] },
  { name: '$contains _ is literal', filter: { title: { $contains: '%_' } }, expected: ['g'] },
  { name: '$contains + is literal', filter: { title: { $contains: 'c++' } }, expected: ['h'] },
  { name: '$startsWith is case-insensitive', filter: { title: { $startsWith: 'al' } }, expected: ['a', 'b'] },
  { name: '$startsWith with Unicode case', filter: { title: { $startsWith: 'épée' } }, expected: ['c'] },
  { name: '$endsWith is case-insensitive', filter: { title: { $endsWith: 'BETA' } }, expected: ['b'] },
  { name: '$endsWith with Unicode case', filter: { title: { $endsWith: 'über' } }, expected: ['c'] },
  { name: '$contains on URL', filter: { link: { $contains: 'A.EXAMPLE' } }, expected: ['a'] },
  // §1.2 $in / $hasSome on scalars
  { name: '$in on text', filter: { title: { $in: ['Alpha', ''] } }, expected: ['a', 'd'] },
  { name: '$hasSome on text', filter: { title: { $hasSome: ['Alpha', 'Zebra 50%_x'] } }, expected: ['a', 'g'] },
  { name: '$hasSome on numbers', filter: { count: { $hasSome: [0, 2.5] } }, expected: ['b', 'd'] },
  // §1.9 arrays
  { name: '$eq on an array field = some element', filter: { tags: 'red' }, expected: ['a', 'c'] },
  {
    name: '$ne on an array field = no element',
    filter: { tags: { $ne: 'red' } },
    expected: ['b', 'd', 'e', 'f', 'g', 'h'],
  },
  {
    name: '$hasSome on an array field, case-sensitive',
    filter: { tags: { $hasSome: ['blue', 'RED'] } },
    expected: ['c', 'g'],
  },
  { name: '$hasAll on an array field', filter: { tags: { $hasAll: ['red', 'green'] } }, expected: ['a', 'c'] },
  { name: '$hasAll with one value', filter: { tags: { $hasAll: ['green'] } }, expected: ['a', 'b', 'c'] },
  // §1.3 $exists
  {
    name: '$exists true: "" counts as present',
    filter: { title: { $exists: true } },
    expected: ['a', 'b', 'c', 'd', 'g', 'h'],
  },
  { name: '$exists false: null or missing', filter: { title: { $exists: false } }, expected: ['e', 'f'] },
  { name: '$exists true on a number', filter: { count: { $exists: true } }, expected: ['a', 'b', 'c', 'd', 'g', 'h'] },
  // §1.5 nested paths
  { name: 'nested $eq', filter: { 'obj.city': 'Paris' }, expected: ['a'] },
  { name: 'nested $contains', filter: { 'obj.city': { $contains: 'PAR' } }, expected: ['a', 'c'] },
  { name: 'nested $gte number', filter: { 'obj.n': { $gte: 2 } }, expected: ['b'] },
  { name: 'nested number does not equal a string', filter: { 'obj.n': '1' }, expected: [] },
  { name: 'nested $exists false', filter: { 'obj.city': { $exists: false } }, expected: ['d', 'e', 'f', 'g', 'h'] },
  // §8 references compare by id
  { name: 'reference $eq by id', filter: { ref: 'a' }, expected: ['b'] },
  { name: 'reference $hasSome', filter: { ref: { $hasSome: ['a', 'b'] } }, expected: ['a', 'b'] },
  // §1.7 $matches: anchored, escaped, case per flag
  {
    name: '$matches with metacharacters in literals',
    filter: { title: matches(true, ['literal', 'c++'], ['anyOf', ' -'], ['literal', '(plus)']) },
    expected: ['h'],
  },
  {
    name: '$matches is anchored and case-sensitive without ignoreCase',
    filter: { title: matches(false, ['literal', 'alpha']) },
    expected: [],
  },
  { name: '$matches ignoreCase', filter: { title: matches(true, ['literal', 'alpha']) }, expected: ['a'] },
  {
    name: '$matches slug',
    filter: { title: matches(true, ['literal', 'alpha'], ['anyOf', ' -'], ['literal', 'BETA']) },
    expected: ['b'],
  },
  // §1.6 $urlized
  { name: '$urlized', filter: { title: { $urlized: ['alpha', 'beta'] } }, expected: ['b'] },
  // Whole value but for what is not a letter or a digit at its ends (rule 16): 'c++ (plus)' ends in ')'.
  { name: '$urlized ignores punctuation at the ends', filter: { title: { $urlized: ['c++ (plus'] } }, expected: ['h'] },
  { name: '$urlized is still the whole value', filter: { title: { $urlized: ['alpha'] } }, expected: ['a'] },
  // The evaluator matches without a regex (core patterns.ts urlizedMatcher); SQL runs the pattern.
  { name: '$urlized folds Unicode words', filter: { title: { $urlized: ['ÉPÉE', 'über'] } }, expected: ['c'] },
  { name: '$urlized edges hold no letter', filter: { title: { $urlized: ['++ (plus'] } }, expected: [] },
  { name: '$urlized with a word of punctuation', filter: { title: { $urlized: ['+'] } }, expected: [] },
  // §1.3 logical
  { name: '$and', filter: { $and: [{ active: true }, { count: { $gt: 0 } }] }, expected: ['a'] },
  { name: '$or', filter: { $or: [{ count: 0 }, { title: 'Alpha' }] }, expected: ['a', 'd'] },
  { name: 'several keys = implicit $and', filter: { active: true, count: 1 }, expected: ['a'] },
  { name: '$not object', filter: { $not: { active: true } }, expected: ['b', 'd', 'e', 'f', 'g', 'h'] },
  { name: '$not one-element array', filter: { $not: [{ active: true }] }, expected: ['b', 'd', 'e', 'f', 'g', 'h'] },
  {
    name: '$not of a range is its exact complement',
    filter: { $not: { count: { $gt: 0 } } },
    expected: ['c', 'd', 'e', 'f'],
  },
  { name: '$and [] matches all', filter: { $and: [] }, expected: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] },
  { name: '$or [] matches none', filter: { $or: [] }, expected: [] },
  {
    name: 'nested logic',
    filter: {
      $or: [
        { $and: [{ active: false }, { title: { $startsWith: 'ALPHA' } }] },
        { $not: { count: { $exists: true } } },
        { at: { $gte: { $date: '2030-01-01T00:00:00Z' } } },
      ],
    },
    expected: ['b', 'e', 'f', 'h'],
  },
];
