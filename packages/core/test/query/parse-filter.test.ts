/**
 * Parser refusals (docs/protocol.md §10, §12.3): every one a VALIDATION_ERROR (400)
 * with the wire location of the offending part, never a TypeError.
 */
import { describe, expect, test } from 'vitest';
import { fieldRef } from '../../src/query/ast.ts';
import { ctx, looseCtx, parse, thrown } from './fixtures.ts';

type Refusal = readonly [name: string, filter: unknown, fieldPath: string, message: string];

const m = (...parts: [string, unknown][]) => ({
  $matches: { ignoreCase: true, spec: parts.map(([type, value]) => ({ type, value })) },
});

const refusals: Refusal[] = [
  ['filter is a string', 'x', 'query.filter', 'must be a JSON object'],
  ['filter is an array', [{}], 'query.filter', 'must be a JSON object'],
  [
    'unknown top-level operator lists supported ones',
    { $foo: 1 },
    'query.filter.$foo',
    'Supported operators: $eq, $ne',
  ],
  ['field operator at top level', { $eq: 1 }, 'query.filter.$eq', 'must be applied to a field'],
  [
    'unknown operator in a condition',
    { commonName: { $regex: 'x' } },
    'query.filter.commonName.$regex',
    "Unknown operator '$regex'",
  ],
  [
    'logical operator inside a condition',
    { commonName: { $and: [] } },
    'query.filter.commonName.$and',
    'combines whole filters',
  ],
  ['operators mixed with field names', { care: { $eq: 1, sun: 'x' } }, 'query.filter.care.sun', 'cannot mix'],
  [
    'operator not in capabilities',
    { heightCm: { $contains: '1' } },
    'query.filter.heightCm.$contains',
    'not supported on field',
  ],
  [
    'range on a BOOLEAN',
    { perennial: { $gt: true } },
    'query.filter.perennial.$gt',
    'Supported operators there: $eq, $ne, $in',
  ],
  ['$matches without CONTAINS', { heightCm: m(['literal', '1']) }, 'query.filter.heightCm.$matches', 'not supported'],
  ['$hasAll not in capabilities', { heightCm: { $hasAll: [1] } }, 'query.filter.heightCm.$hasAll', 'not supported'],
  ['implicit $eq with a string on NUMBER', { heightCm: '5' }, 'query.filter.heightCm', 'needs a number, got a string'],
  ['$gt with a string on NUMBER', { heightCm: { $gt: '5' } }, 'query.filter.heightCm.$gt', 'needs a number'],
  ['$gt with null', { heightCm: { $gt: null } }, 'query.filter.heightCm.$gt', 'needs a number, got null'],
  ['$gt with an array', { heightCm: { $gt: [1] } }, 'query.filter.heightCm.$gt', 'got an array'],
  [
    '$lt with an object on ANY',
    { extra: { $lt: { a: 1 } } },
    'query.filter.extra.$lt',
    'string, number, boolean or date',
  ],
  [
    '$eq with an array on a scalar TEXT field',
    { commonName: ['a'] },
    'query.filter.commonName',
    'needs a string, got an array',
  ],
  ['$eq with a number on BOOLEAN', { perennial: 1 }, 'query.filter.perennial', 'needs true or false'],
  ['$eq with a number on ARRAY_STRING', { tags: 1 }, 'query.filter.tags', 'needs a string'],
  ['$eq with a wrong element in a whole array', { tags: ['a', 1] }, 'query.filter.tags[1]', 'needs a string'],
  [
    '$hasSome with a non-array',
    { commonName: { $hasSome: 'x' } },
    'query.filter.commonName.$hasSome',
    'needs an array',
  ],
  ['$in with an empty list', { commonName: { $in: [] } }, 'query.filter.commonName.$in', 'empty list'],
  ['$hasSome with an empty list', { tags: { $hasSome: [] } }, 'query.filter.tags.$hasSome', 'empty list'],
  ['$hasAll with an empty list', { tags: { $hasAll: [] } }, 'query.filter.tags.$hasAll', 'empty list'],
  ['$in element of the wrong type', { heightCm: { $in: [1, 'x'] } }, 'query.filter.heightCm.$in[1]', 'needs a number'],
  ['$exists with a string', { commonName: { $exists: 'yes' } }, 'query.filter.commonName.$exists', 'true or false'],
  ['$isEmpty with a string', { commonName: { $isEmpty: 'yes' } }, 'query.filter.commonName.$isEmpty', 'true or false'],
  ['$contains with a number', { commonName: { $contains: 5 } }, 'query.filter.commonName.$contains', 'needs a string'],
  [
    '$contains on a NUMBER field without capabilities',
    { notes: { $contains: 5 } },
    'query.filter.notes.$contains',
    'needs a string',
  ],
  [
    '$matches with a string',
    { commonName: { $matches: 'c.*' } },
    'query.filter.commonName.$matches',
    'needs an object',
  ],
  [
    '$matches without spec',
    { commonName: { $matches: { ignoreCase: true } } },
    'query.filter.commonName.$matches.spec',
    'non-empty array',
  ],
  ['$matches with an empty spec', { commonName: m() }, 'query.filter.commonName.$matches.spec', 'non-empty array'],
  [
    '$matches with a bad part type',
    { commonName: m(['regex', '.*']) },
    'query.filter.commonName.$matches.spec[0].type',
    '"literal" or "anyOf"',
  ],
  [
    '$matches with a non-string value',
    { commonName: m(['literal', 'a'], ['literal', 1]) },
    'query.filter.commonName.$matches.spec[1].value',
    'must be a string',
  ],
  [
    '$matches with an empty anyOf',
    { commonName: m(['anyOf', '']) },
    'query.filter.commonName.$matches.spec[0].value',
    'at least one character',
  ],
  [
    '$matches with a non-boolean ignoreCase',
    { commonName: { $matches: { ignoreCase: 'yes', spec: [] } } },
    'query.filter.commonName.$matches.ignoreCase',
    'true or false',
  ],
  [
    '$matches with a part that is not an object',
    { commonName: { $matches: { spec: ['a'] } } },
    'query.filter.commonName.$matches.spec[0]',
    'Each $matches part',
  ],
  [
    '$urlized with a string',
    { commonName: { $urlized: 'a-b' } },
    'query.filter.commonName.$urlized',
    'non-empty array of words',
  ],
  [
    '$urlized with no words',
    { commonName: { $urlized: [] } },
    'query.filter.commonName.$urlized',
    'non-empty array of words',
  ],
  [
    '$urlized with a non-string word',
    { commonName: { $urlized: ['a', 1] } },
    'query.filter.commonName.$urlized[1]',
    'non-empty string',
  ],
  ['unknown field (strict)', { nope: 1 }, 'query.filter.nope', "has no field 'nope'"],
  ['unknown field in a nested path (strict)', { 'nope.x': 1 }, 'query.filter.nope.x', "has no field 'nope'"],
  ['nested path into a TEXT field', { 'commonName.x': 1 }, 'query.filter.commonName.x', 'only OBJECT, ADDRESS'],
  [
    'nested path operator not in nestedQueryOperators',
    { 'care.sun': { $startsWith: 'f' } },
    'query.filter.care.sun.$startsWith',
    "nested path 'care.sun'",
  ],
  ['empty field key', { '': 1 }, 'query.filter.', 'non-empty string'],
  ['$and with an object', { $and: { a: 1 } }, 'query.filter.$and', 'needs an array of filters'],
  ['$or with a string', { $or: 'x' }, 'query.filter.$or', 'needs an array of filters'],
  ['$and element not an object', { $and: [{}, 5] }, 'query.filter.$and[1]', 'must be a JSON object'],
  [
    'violation deep inside $and',
    { $and: [{}, { $or: [{ heightCm: 1 }, { commonName: 5 }] }] },
    'query.filter.$and[1].$or[1].commonName',
    'needs a string',
  ],
  ['$not with a number', { $not: 5 }, 'query.filter.$not', 'needs one filter'],
  ['$not with an empty array', { $not: [] }, 'query.filter.$not', 'needs one filter'],
  ['$not with two filters', { $not: [{}, {}] }, 'query.filter.$not', 'needs one filter'],
  ['$not with a non-object element', { $not: [5] }, 'query.filter.$not[0]', 'must be a JSON object'],
  ['MULTI_REFERENCE with $eq', { companions: 'p-1' }, 'query.filter.companions', 'MULTI_REFERENCE'],
  ['MULTI_REFERENCE with $nin', { companions: { $nin: ['p-1'] } }, 'query.filter.companions', 'cannot be filtered'],
  ['malformed $date literal', { lastWatered: { $date: 'yesterday' } }, 'query.filter.lastWatered', 'ISO 8601'],
  [
    '$date literal on a TEXT field',
    { commonName: { $date: '2024-01-01T00:00:00Z' } },
    'query.filter.commonName',
    'needs a string, got a date',
  ],
  ['non-ISO string on DATETIME', { lastWatered: '2024-13-01' }, 'query.filter.lastWatered', 'needs a date'],
  ['number on DATETIME', { lastWatered: { $gte: 1700000000000 } }, 'query.filter.lastWatered.$gte', 'needs a date'],
  [
    '$date literal with another key',
    { extra: { $date: '2024-01-01T00:00:00Z', x: 1 } },
    'query.filter.extra.$date',
    'cannot have other keys',
  ],
];

describe('refusals', () => {
  test.each(refusals)('%s', (_name, filter, fieldPath, message) => {
    const err = thrown(() => parse(filter));
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.status).toBe(400);
    expect(err.fieldPath).toBe(fieldPath);
    expect(err.message).toContain(message);
  });

  test('$matches refused when the storage does not support it', () => {
    const err = thrown(() => parse({ commonName: m(['literal', 'x']) }, { ...ctx, supportsMatches: false }));
    expect(err.fieldPath).toBe('query.filter.commonName.$matches');
    expect(err.message).toContain('$matches is not supported by this database');
  });

  test('a $matches spec longer than LIMITS.matchesLength is a 400, not a regular expression V8 refuses (500)', () => {
    const err = thrown(() => parse({ commonName: m(['literal', 'a'.repeat(40_000)]) }));
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.fieldPath).toBe('query.filter.commonName.$matches.spec');
    expect(err.message).toContain('at most 10000 characters');
    expect(() => parse({ commonName: m(['literal', 'a'.repeat(9_999)], ['anyOf', 'b']) })).not.toThrow();
  });

  test('a $urlized operand past LIMITS.urlizedLength or LIMITS.urlizedWords is a 400, not a regular expression V8 refuses (500)', () => {
    const long = thrown(() => parse({ commonName: { $urlized: ['x'.repeat(40_000)] } }));
    expect(long.code).toBe('VALIDATION_ERROR');
    expect(long.fieldPath).toBe('query.filter.commonName.$urlized');
    expect(long.message).toContain('at most 10000 characters');
    const many = thrown(() => parse({ commonName: { $urlized: Array.from({ length: 4000 }, (_, i) => `word${i}`) } }));
    expect(many.code).toBe('VALIDATION_ERROR');
    expect(many.fieldPath).toBe('query.filter.commonName.$urlized');
    expect(many.message).toContain('at most 100 words');
    expect(() => parse({ commonName: { $urlized: ['a'.repeat(5_000), 'b'.repeat(5_000)] } })).not.toThrow();
    expect(() => parse({ commonName: { $urlized: Array.from({ length: 100 }, (_, i) => `w${i}`) } })).not.toThrow();
  });

  test('empty path segment in a non-strict collection', () => {
    expect(thrown(() => parse({ 'a..b': 1 }, looseCtx)).message).toContain('empty segment');
  });
});

describe('accepted forms', () => {
  test('unknown field in a non-strict collection is typed undefined', () => {
    expect(parse({ nope: { $gt: 'x' } }, looseCtx)).toEqual({
      kind: 'compare',
      field: { key: 'nope', field: 'nope', path: [], type: undefined },
      op: 'gt',
      value: 'x',
    });
  });

  test('nested path of an undeclared field in a non-strict collection', () => {
    expect(parse({ 'meta.a.b': 1 }, looseCtx)).toMatchObject({
      field: { key: 'meta.a.b', field: 'meta', path: ['a', 'b'] },
    });
  });

  test('$date literal becomes a Date; ISO string on DATETIME too', () => {
    const expected = new Date('2024-05-01T09:30:00.000Z');
    expect(parse({ lastWatered: { $date: '2024-05-01T09:30:00Z' } })).toMatchObject({ value: expected });
    expect(parse({ lastWatered: '2024-05-01T11:30:00+02:00' })).toMatchObject({ value: expected });
  });

  test('$encrypted object is a literal, not an operator', () => {
    expect(parse({ commonName: { $encrypted: 'abc', iv: '1' } })).toMatchObject({
      kind: 'compare',
      op: 'eq',
      value: { $encrypted: 'abc', iv: '1' },
    });
  });

  test('$nin parses to not(in); $isEmpty to exists:false', () => {
    expect(parse({ family: { $nin: ['x'] } })).toMatchObject({ kind: 'not', filter: { kind: 'in', values: ['x'] } });
    expect(parse({ family: { $isEmpty: true } })).toMatchObject({ kind: 'exists', exists: false });
    expect(parse({ family: { $isNotEmpty: null } })).toMatchObject({ kind: 'exists', exists: true });
  });

  test('MULTI_REFERENCE refuses $hasSome too, naming query-referenced (no storage filters on pairs)', () => {
    const err = thrown(() => parse({ companions: { $hasSome: ['p-1'] } }));
    expect(err.fieldPath).toBe('query.filter.companions');
    expect(err.message).toContain('items/query-referenced');
  });

  test('empty $and / $or / {} simplify to the neutral nodes', () => {
    expect(parse({})).toEqual({ kind: 'true' });
    expect(parse({ $and: [] })).toEqual({ kind: 'true' });
    expect(parse({ $or: [] })).toEqual({ kind: 'false' });
    expect(parse(undefined)).toEqual({ kind: 'true' });
  });

  test('field refs match ast.fieldRef for nested paths', () => {
    const f = parse({ 'care.sun': 'full' });
    expect(f).toMatchObject({ field: fieldRef('care.sun', 'OBJECT') });
  });

  test('the AST is frozen', () => {
    const f = parse({ $and: [{ family: 'a' }, { heightCm: 1 }] });
    expect(Object.isFrozen(f)).toBe(true);
  });
});
