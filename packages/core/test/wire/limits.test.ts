/**
 * The input limits of src/wire/limits.ts, each refused with a 400 naming the
 * path before any compiler or storage could see the request (README.md
 * "Input limits"). Hostile shapes from an attack run: nothing here may throw
 * anything but an SpiError, nor blow the stack.
 */
import { describe, expect, it } from 'vitest';
import { SpiError } from '../../src/errors.ts';
import { parseFilter } from '../../src/query/parse-filter.ts';
import { decodeItem } from '../../src/wire/codec.ts';
import { LIMITS } from '../../src/wire/limits.ts';
import { validateRequest } from '../../src/wire/validate.ts';
import { ctx } from '../query/fixtures.ts';
import { expectViolation, spiErrorOf, violationsOf } from './helpers.ts';

/** A query request through validation and the filter parser, as the adaptor runs them. */
function query(filter: unknown, extra: Record<string, unknown> = {}) {
  const request = validateRequest('items/query', { collectionId: 'plants', query: { filter, ...extra } });
  return parseFilter(request.query.filter, ctx, 'query.filter');
}

const nested = (depth: number, wrap: (inner: unknown) => unknown, leaf: unknown = { heightCm: 1 }) => {
  let f = leaf;
  for (let i = 0; i < depth; i++) f = wrap(f);
  return f;
};
const and = (f: unknown) => ({ $and: [f] });
const or = (f: unknown) => ({ $or: [f] });
const not = (f: unknown) => ({ $not: f });

describe('filter size', () => {
  it(`accepts $and/$or/$not nested ${LIMITS.filterDepth} levels; one more is a 400 at the level that is too deep`, () => {
    for (const wrap of [and, or, not]) {
      expect(() => query(nested(LIMITS.filterDepth, wrap))).not.toThrow();
      const key = Object.keys(wrap({}) as object)[0] as string;
      const path = `query.filter${`.${key}${key === '$not' ? '' : '[0]'}`.repeat(LIMITS.filterDepth)}.${key}`;
      const violation = expectViolation(() => query(nested(LIMITS.filterDepth + 1, wrap)), path);
      expect(violation.message).toContain(`at most ${LIMITS.filterDepth} levels`);
    }
  });

  it('filters nested thousands of levels deep are a 400, never a stack overflow', () => {
    for (const depth of [5_000, 200_000]) {
      for (const wrap of [and, or, not]) {
        const error = spiErrorOf(() => query(nested(depth, wrap)), 'VALIDATION_ERROR');
        expect(violationsOf(error)[0]?.fieldPath).toMatch(/^query\.filter\.\$(and|or|not)/);
      }
    }
    // Operands nest like stored values (20 levels); deep JSON inside an operand is a 400 too.
    expect(() => query({ extra: nested(20, (inner) => ({ a: inner }), 1) })).not.toThrow();
    expectViolation(
      () => query({ extra: nested(21, (inner) => ({ a: inner }), 1) }),
      `query.filter.extra${'.a'.repeat(20)}`,
    );
    const deepArray = nested(1_000_000, (inner) => [inner], 1);
    spiErrorOf(() => query({ extra: { $eq: deepArray } }), 'VALIDATION_ERROR');
  });

  it(`counts conditions: ${LIMITS.filterConditions} fit, more are a 400 (e.g. $or with 5,000 branches)`, () => {
    const branches = (n: number) => Array.from({ length: n }, (_, i) => ({ heightCm: i }));
    expect(() => query({ $or: branches(LIMITS.filterConditions - 1) })).not.toThrow();
    const violation = expectViolation(() => query({ $or: branches(5_000) }), 'query.filter.$or');
    expect(violation.message).toContain('$in');
    // Spread over nested branches, the same budget.
    const spread = { $and: [{ $or: branches(600) }, { $or: branches(600) }] };
    expect(violationsOf(spiErrorOf(() => query(spread), 'VALIDATION_ERROR'))[0]?.fieldPath).toMatch(
      /^query\.filter\.\$and\[1\]/,
    );
  });

  it(`lists of $in/$nin/$hasSome/$hasAll hold at most ${LIMITS.listValues} values`, () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => `t${i}`);
    expect(() => query({ tags: { $hasAll: values(LIMITS.listValues) } })).not.toThrow();
    for (const op of ['$in', '$nin', '$hasSome', '$hasAll']) {
      const violation = expectViolation(() => query({ tags: { [op]: values(10_000) } }), `query.filter.tags.${op}`);
      expect(violation.message).toContain(`at most ${LIMITS.listValues} values`);
    }
  });
});

describe('paging.offset', () => {
  it(`accepts up to ${LIMITS.maxOffset}; 1e20 and 2^31 are a 400 at query.paging.offset`, () => {
    expect(() => query({}, { paging: { offset: LIMITS.maxOffset } })).not.toThrow();
    for (const offset of [1e20, 2 ** 31])
      expectViolation(() => query({}, { paging: { offset } }), 'query.paging.offset');
    expectViolation(
      () =>
        validateRequest('items/query-referenced', {
          collectionId: 'p',
          referringItemFieldKey: 'r',
          paging: { offset: 1e20 },
        }),
      'paging.offset',
    );
  });
});

describe('dates: years 0001–9999', () => {
  it('filters refuse instants in year 0000 or 10000 (also through an offset)', () => {
    for (const iso of ['0000-06-01T00:00:00Z', '0001-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00']) {
      const violation = expectViolation(
        () => query({ lastWatered: { $gt: { $date: iso } } }),
        'query.filter.lastWatered.$gt',
      );
      expect(violation.message).toContain('9999');
    }
    expect(() => query({ lastWatered: { $gt: { $date: '0001-01-01T00:00:00Z' } } })).not.toThrow();
    expect(() => query({ lastWatered: { $lt: { $date: '9999-12-31T23:59:59.999Z' } } })).not.toThrow();
  });

  it('items refuse them per field', () => {
    const collection = { fields: [{ key: 'when', type: 'DATETIME' as const }] };
    const violation = expectViolation(
      () => decodeItem(collection, { when: { $date: '0000-01-01T00:00:00Z' } }, 'items[0]'),
      'items[0].when',
    );
    expect(violation.message).toContain('0001');
    expectViolation(() => decodeItem(collection, { when: '9999-12-31T23:00:00-02:00' }, 'items[0]'), 'items[0].when');
  });
});

describe('strings are well-formed UTF-16 (no lone surrogate)', () => {
  const lone = 'ab\ud800';

  it('in filters: operands and field names', () => {
    expectViolation(() => query({ commonName: lone }), 'query.filter.commonName');
    expectViolation(() => query({ commonName: { $in: ['ok', lone] } }), 'query.filter.commonName.$in[1]');
    expectViolation(() => query({ [`x${'\udc00'}`]: 1 }), `query.filter.x${'\ufffd'}`);
  });

  it('in ids and keys anywhere in a request', () => {
    expectViolation(() => validateRequest('items/count', { collectionId: lone }), 'collectionId');
    expectViolation(() => validateRequest('items/remove', { collectionId: 'p', itemIds: ['a', lone] }), 'itemIds[1]');
    expectViolation(
      () => validateRequest('collections/create', { collection: { id: 'p', fields: [{ key: lone, type: 'TEXT' }] } }),
      'collection.fields[0].key',
    );
    expectViolation(() => query({}, { sort: [{ fieldName: lone }] }), 'query.sort[0].fieldName');
  });

  it('in items: per item, at the field (at any depth), including _id and keys', () => {
    const loose = { fields: [], strict: false };
    expectViolation(() => decodeItem(loose, { a: lone }, 'items[2]'), 'items[2].a');
    expectViolation(() => decodeItem(loose, { a: { b: [1, lone] } }, 'items[0]'), 'items[0].a.b[1]');
    expectViolation(() => decodeItem(loose, { _id: lone }, 'items[0]'), 'items[0]._id');
    expectViolation(() => decodeItem(loose, { a: { [lone]: 1 } }, 'items[0]'), `items[0].a.ab${'\ufffd'}`);
    // A well-formed pair is fine.
    expect(decodeItem(loose, { a: '\ud83c\udf39' }, 'items[0]')).toEqual({ a: '🌹' });
  });

  it('a bad item in an insert stays a per-item error: validation leaves items to the codec', () => {
    expect(() => validateRequest('items/insert', { collectionId: 'p', items: [{ a: lone }] })).not.toThrow();
  });
});

describe('item values', () => {
  const loose = { fields: [{ key: 'o', type: 'OBJECT' as const }], strict: false };
  const deep = (levels: number) => nested(levels - 1, (inner) => ({ a: inner }), { a: 1 });

  it(`nest at most ${LIMITS.valueDepth} levels (Firestore's limit), refused per item naming the field`, () => {
    expect(decodeItem(loose, { o: deep(LIMITS.valueDepth) }, 'items[0]')).toBeDefined();
    const violation = expectViolation(
      () => decodeItem(loose, { o: deep(LIMITS.valueDepth + 1) }, 'items[0]'),
      `items[0].o${'.a'.repeat(LIMITS.valueDepth)}`,
    );
    expect(violation.message).toContain(`at most ${LIMITS.valueDepth} levels`);
    // A million levels: a 400, not a stack overflow while measuring the item.
    spiErrorOf(
      () => decodeItem(loose, { o: nested(1_000_000, (inner) => [inner], 1) }, 'items[0]'),
      'VALIDATION_ERROR',
    );
  });

  it('refuse __proto__ keys at any depth (a storage would drop them while the answer showed them)', () => {
    const wire = JSON.parse('{"o": {"x": 1, "__proto__": {"polluted": true}}}');
    expectViolation(() => decodeItem(loose, wire, 'items[0]'), 'items[0].o.__proto__');
    expectViolation(
      () => decodeItem(loose, JSON.parse('{"z": [{"__proto__": 1}]}'), 'items[0]'),
      'items[0].z[0].__proto__',
    );
  });

  it('refuse numbers JSON cannot carry exactly: 1e309 parses as Infinity', () => {
    const wire = JSON.parse('{"any": 1e309, "o": {"n": -1e309}}');
    const error = spiErrorOf(() => decodeItem(loose, wire, 'items[0]'), 'VALIDATION_ERROR');
    expect(violationsOf(error).map((v) => v.fieldPath)).toEqual(['items[0].any', 'items[0].o.n']);
    expect(violationsOf(error)[0]?.message).toContain('finite');
  });

  it('every refusal is an SpiError', () => {
    const error = spiErrorOf(() => decodeItem(loose, { o: { a: '\udfff' } }, 'items[0]'), 'VALIDATION_ERROR');
    expect(error).toBeInstanceOf(SpiError);
    expect(error.status).toBe(400);
  });
});
