import { describe, expect, test } from 'vitest';
import { SpiError } from '../../src/errors.ts';
import { filterFormat, legacyFilterToWire } from '../../src/legacy/filter.ts';

describe('filterFormat', () => {
  test.each([
    [undefined, 'none'],
    [null, 'none'],
    ['', 'none'],
    [{}, 'none'],
    [{ kind: 'filter' }, 'none'],
    [{ kind: 'filter', operator: '$eq', fieldName: 'a', value: 1 }, 'v1'],
    [{ operator: '$and', value: [] }, 'v1'],
    [{ a: { $eq: 1 } }, 'v2'],
    [{ operator: { $eq: 'x' } }, 'v2'],
    // A v1 node with neither operator nor kind is no filter (legacy/README.md "Filters")…
    [{ value: [] }, 'none'],
    [{ fieldName: 'a', value: 1 }, 'none'],
    [{ operator: null, value: [] }, 'none'],
    // …unless it holds a v2 condition or a key no v1 node has.
    [{ value: { $gt: 1 } }, 'v2'],
    [{ value: [], family: { $eq: 'x' } }, 'v2'],
    // `kind` marks a v1 node only with the samples' value "filter"; otherwise it is a field.
    [{ kind: 'filter', value: [] }, 'none'],
    [{ kind: { $eq: 'veg' } }, 'v2'],
    [{ kind: { $eq: 'veg' }, title: { $eq: 'x' } }, 'v2'],
    [{ kind: 'veg' }, 'v2'],
  ])('%j → %s', (filter, format) => {
    expect(filterFormat(filter)).toBe(format);
  });
});

describe('legacyFilterToWire (v1)', () => {
  test('the spec example becomes the equivalent v3 filter', () => {
    expect(
      legacyFilterToWire({
        kind: 'filter',
        operator: '$and',
        value: [
          { kind: 'filter', operator: '$startsWith', fieldName: 'title', value: 'lent' },
          {
            kind: 'filter',
            operator: '$not',
            value: { kind: 'filter', operator: '$eq', fieldName: 'vegan', value: false },
          },
        ],
      }),
    ).toEqual({ $and: [{ title: { $startsWith: 'lent' } }, { $not: { vegan: { $eq: false } } }] });
  });

  test('$eq without a value is IS NULL; $contains with an array is $hasSome; empty $and/$or are no restriction', () => {
    expect(legacyFilterToWire({ operator: '$eq', fieldName: 'a' })).toEqual({ a: { $eq: null } });
    expect(legacyFilterToWire({ operator: '$contains', fieldName: 'a', value: ['x'] })).toEqual({
      a: { $hasSome: ['x'] },
    });
    expect(legacyFilterToWire({ operator: '$contains', fieldName: 'a', value: 'x' })).toEqual({
      a: { $contains: 'x' },
    });
    expect(legacyFilterToWire({ operator: '$or', value: [] })).toEqual({});
    // Every v3 field operator, as /schemas/list and the parser's messages name them.
    expect(legacyFilterToWire({ operator: '$nin', fieldName: 'a', value: ['x'] })).toEqual({ a: { $nin: ['x'] } });
    expect(legacyFilterToWire({ operator: '$isEmpty', fieldName: 'a' })).toEqual({ a: { $isEmpty: true } });
    expect(legacyFilterToWire({ operator: '$isNotEmpty', fieldName: 'a', value: false })).toEqual({
      a: { $isNotEmpty: false },
    });
    expect(legacyFilterToWire({ operator: '$not', value: [{ operator: '$gt', fieldName: 'n', value: 1 }] })).toEqual({
      $not: { n: { $gt: 1 } },
    });
  });

  test.each([
    [{ operator: '$near', fieldName: 'a', value: 1 }, 'filter.operator'],
    [{ operator: '$eq', value: 1 }, 'filter.fieldName'],
    [{ operator: '$and', value: { operator: '$eq' } }, 'filter.value'],
    [{ operator: '$or', value: [{ operator: 7 }] }, 'filter.value[0].operator'],
  ])('%j → 400 naming %s', (filter, path) => {
    try {
      legacyFilterToWire(filter);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SpiError);
      expect((error as SpiError).status).toBe(400);
      expect((error as SpiError).data?.violations).toEqual([expect.objectContaining({ fieldPath: path })]);
    }
  });

  test('v2 filters pass through unchanged', () => {
    const v2 = { $and: [{ a: { $gt: 1 } }, { $not: [{ b: 'x' }] }] };
    expect(legacyFilterToWire(v2)).toBe(v2);
  });
});
