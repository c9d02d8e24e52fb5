import { describe, expect, it } from 'vitest';
import { aggregateOperationOf } from '../../src/wire/schemas/items.ts';
import { ENDPOINTS, validateRequest } from '../../src/wire/validate.ts';
import { expectViolation, spiErrorOf, violationsOf } from './helpers.ts';

describe('endpoint table', () => {
  it('lists the 19 endpoints and provision', () => {
    expect(ENDPOINTS).toHaveLength(20);
    expect(new Set(ENDPOINTS).size).toBe(20);
    expect(ENDPOINTS).toContain('items/query-distinct-values');
    expect(ENDPOINTS).toContain('provision');
  });
});

describe('request envelope', () => {
  it('refuses a body that is not an object with BAD_REQUEST', () => {
    for (const body of [[], 'query', 42, true]) {
      const error = spiErrorOf(() => validateRequest('items/query', body), 'BAD_REQUEST');
      expect(error.data).toBeNull();
      expect(error.status).toBe(400);
    }
  });

  it('reads an absent request as {} (so a missing collectionId is reported by name)', () => {
    expectViolation(() => validateRequest('items/count', undefined), 'collectionId');
    expect(validateRequest('capabilities/get', undefined)).toEqual({});
    expect(validateRequest('provision', null)).toEqual({});
  });

  it('ignores unknown keys everywhere and returns them untouched', () => {
    const body = { collectionId: 'plants', filter: {}, futureFlag: { x: 1 }, consistentRead: true };
    expect(validateRequest('items/count', body)).toBe(body);
  });
});

describe('items/query (§4.1)', () => {
  it('accepts a minimal body and fills an absent query', () => {
    const request = validateRequest('items/query', { collectionId: 'plants' });
    expect(request.query).toEqual({});
    expect(validateRequest('items/query', { collectionId: 'plants', query: null }).query).toEqual({});
  });

  it('accepts the full offset example', () => {
    const body = {
      collectionId: 'plants',
      query: {
        filter: {
          $and: [
            { perennial: true },
            { heightCm: { $lte: 120 } },
            { lastWatered: { $lt: { $date: '2026-05-01T00:00:00.000Z' } } },
          ],
        },
        sort: [{ fieldName: 'heightCm', order: 'DESC' }],
        fields: ['commonName', 'heightCm'],
        paging: { limit: 2, offset: 0 },
      },
      includeReferencedItems: [{ fieldKey: 'supplier', limit: 1, filter: {} }],
      consistentRead: false,
      returnTotalCount: true,
    };
    expect(validateRequest('items/query', body)).toBe(body);
  });

  it('accepts the cursor examples, and null paging members', () => {
    validateRequest('items/query', {
      collectionId: 'plants',
      query: {
        filter: { family: 'Lamiaceae' },
        sort: [{ fieldName: 'commonName', order: 'ASC' }],
        cursorPaging: { limit: 2 },
      },
      consistentRead: false,
      returnTotalCount: false,
    });
    validateRequest('items/query', {
      collectionId: 'plants',
      query: { filter: {}, cursorPaging: { limit: 2, cursor: 'djE.eyJrIjpbIk1pbnQiLCI2YzJlIl19.q9Zx' } },
    });
    validateRequest('items/query', {
      collectionId: 'plants',
      query: { filter: null, sort: [{ fieldName: 'a' }], paging: null, cursorPaging: { limit: null, cursor: null } },
      consistentRead: null,
      returnTotalCount: null,
    });
  });

  it('refuses both paging kinds with BAD_REQUEST naming the location', () => {
    const error = spiErrorOf(
      () =>
        validateRequest('items/query', {
          collectionId: 'plants',
          query: { paging: { limit: 1 }, cursorPaging: { limit: 1 } },
        }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain('query.paging');
    expect(error.message).toContain('query.cursorPaging');
  });

  it('refuses a negative limit, a fractional offset and a bad sort order', () => {
    const limit = expectViolation(
      () => validateRequest('items/query', { collectionId: 'plants', query: { paging: { limit: -1 } } }),
      'query.paging.limit',
    );
    expect(limit.message).toBe('must be an integer ≥ 0');
    expect(limit.rejectedValue).toBe('-1');
    // Past the upper bound, the message names both bounds.
    const far = expectViolation(
      () => validateRequest('items/query', { collectionId: 'plants', query: { paging: { offset: 2 ** 31 } } }),
      'query.paging.offset',
    );
    expect(far.message).toBe('must be an integer from 0 to 2147483647');
    expectViolation(
      () => validateRequest('items/query', { collectionId: 'plants', query: { paging: { offset: 1.5 } } }),
      'query.paging.offset',
    );
    expectViolation(
      () => validateRequest('items/query', { collectionId: 'plants', query: { cursorPaging: { limit: -3 } } }),
      'query.cursorPaging.limit',
    );
    const order = expectViolation(
      () =>
        validateRequest('items/query', { collectionId: 'plants', query: { sort: [{ fieldName: 'a', order: 'UP' }] } }),
      'query.sort[0].order',
    );
    expect(order.message).toBe('expected one of ASC, DESC, asc, desc');
    // Lower-case orders are accepted (docs/protocol.md §14).
    expect(() =>
      validateRequest('items/query', { collectionId: 'plants', query: { sort: [{ fieldName: 'a', order: 'desc' }] } }),
    ).not.toThrow();
  });

  it('refuses a filter that is not an object, a missing or empty collectionId, wrong flag types', () => {
    expectViolation(() => validateRequest('items/query', { collectionId: 'p', query: { filter: [] } }), 'query.filter');
    expectViolation(
      () => validateRequest('items/query', { collectionId: 'p', query: { filter: 'x' } }),
      'query.filter',
    );
    const missing = expectViolation(() => validateRequest('items/query', { query: {} }), 'collectionId');
    expect(missing.message).toMatch(/required/);
    expectViolation(() => validateRequest('items/query', { collectionId: '' }), 'collectionId');
    expectViolation(() => validateRequest('items/query', { collectionId: 7 }), 'collectionId');
    expectViolation(
      () => validateRequest('items/query', { collectionId: 'p', returnTotalCount: 'yes' }),
      'returnTotalCount',
    );
    expectViolation(
      () => validateRequest('items/query', { collectionId: 'p', query: { fields: [1] } }),
      'query.fields[0]',
    );
  });

  it('reports every problem at once, one violation per location', () => {
    const error = spiErrorOf(
      () => validateRequest('items/query', { query: { paging: { limit: -1, offset: -1 } }, consistentRead: 1 }),
      'VALIDATION_ERROR',
    );
    const paths = violationsOf(error).map((violation) => violation.fieldPath);
    expect(paths).toEqual(
      expect.arrayContaining(['collectionId', 'query.paging.limit', 'query.paging.offset', 'consistentRead']),
    );
    expect(new Set(paths).size).toBe(paths.length);
  });
});

describe('items/count (§4.2)', () => {
  it('accepts minimal and full bodies', () => {
    validateRequest('items/count', { collectionId: 'plants' });
    validateRequest('items/count', { collectionId: 'plants', filter: null });
    validateRequest('items/count', {
      collectionId: 'plants',
      filter: { tags: { $hasSome: ['herb'] } },
      consistentRead: true,
    });
  });
  it('refuses an array filter', () => {
    expectViolation(() => validateRequest('items/count', { collectionId: 'plants', filter: [1] }), 'filter');
  });
});

describe('items/aggregate (§4.3)', () => {
  const full = {
    collectionId: 'plants',
    initialFilter: { perennial: true },
    aggregation: {
      groupingFields: ['family'],
      operations: [
        { resultFieldName: 'avgHeight', average: { itemFieldName: 'heightCm' } },
        { resultFieldName: 'tallest', max: { itemFieldName: 'heightCm' } },
        { resultFieldName: 'plantCount', itemCount: {} },
      ],
    },
    finalFilter: { plantCount: { $gte: 2 } },
    sort: [{ fieldName: 'avgHeight', order: 'DESC' }],
    paging: { limit: 10, offset: 0 },
    consistentRead: false,
    returnTotalCount: true,
  };

  it('accepts minimal and full bodies', () => {
    validateRequest('items/aggregate', { collectionId: 'plants' });
    const request = validateRequest('items/aggregate', full);
    const kinds = request.aggregation?.operations?.map((operation) => aggregateOperationOf(operation));
    expect(kinds).toEqual([
      { kind: 'average', itemFieldName: 'heightCm' },
      { kind: 'max', itemFieldName: 'heightCm' },
      { kind: 'itemCount', itemFieldName: undefined },
    ]);
  });

  it('accepts count: {} (the spelling of the Wix reference adaptor) as itemCount, and the e2e shape', () => {
    const request = validateRequest('items/aggregate', {
      collectionId: 'plants',
      initialFilter: {},
      aggregation: {
        groupingFields: ['family'],
        operations: [
          { resultFieldName: 'n', count: {} },
          { resultFieldName: 's', sum: { itemFieldName: 'heightCm' } },
          { resultFieldName: 'm', min: { itemFieldName: 'heightCm' } },
        ],
      },
      finalFilter: { $and: [] },
      returnTotalCount: true,
    });
    const operation = request.aggregation?.operations?.[0];
    expect(operation && aggregateOperationOf(operation).kind).toBe('itemCount');
  });

  it('refuses operations with zero or several kinds, or no resultFieldName', () => {
    expectViolation(
      () =>
        validateRequest('items/aggregate', {
          collectionId: 'plants',
          aggregation: { operations: [{ resultFieldName: 'x' }] },
        }),
      'aggregation.operations[0]',
    );
    const several = expectViolation(
      () =>
        validateRequest('items/aggregate', {
          collectionId: 'plants',
          aggregation: {
            operations: [
              { resultFieldName: 'ok', itemCount: {} },
              { resultFieldName: 'x', itemCount: {}, sum: { itemFieldName: 'a' } },
            ],
          },
        }),
      'aggregation.operations[1]',
    );
    expect(several.message).toContain('itemCount');
    expectViolation(
      () =>
        validateRequest('items/aggregate', {
          collectionId: 'plants',
          aggregation: { operations: [{ itemCount: {} }] },
        }),
      'aggregation.operations[0].resultFieldName',
    );
    expectViolation(
      () =>
        validateRequest('items/aggregate', {
          collectionId: 'plants',
          aggregation: { operations: [{ resultFieldName: 'a', average: {} }] },
        }),
      'aggregation.operations[0].average.itemFieldName',
    );
  });

  it('refuses both paging kinds with BAD_REQUEST', () => {
    const error = spiErrorOf(
      () => validateRequest('items/aggregate', { ...full, cursorPaging: { limit: 3 } }),
      'BAD_REQUEST',
    );
    expect(error.message).toContain('cursorPaging');
  });
});

describe('items/query-distinct-values (§4.4)', () => {
  it('accepts minimal and full bodies', () => {
    validateRequest('items/query-distinct-values', { collectionId: 'plants', fieldName: 'tags' });
    validateRequest('items/query-distinct-values', {
      collectionId: 'plants',
      fieldName: 'tags',
      filter: { perennial: true },
      order: 'ASC',
      paging: { limit: 50, offset: 0 },
      consistentRead: false,
      returnTotalCount: true,
    });
  });
  it('refuses an empty fieldName, a bad order and both paging kinds', () => {
    // Left out, it is the cursor's (a follow-up page); the handler refuses it without one (memory-service.test.ts).
    expect(() => validateRequest('items/query-distinct-values', { collectionId: 'plants' })).not.toThrow();
    expectViolation(
      () => validateRequest('items/query-distinct-values', { collectionId: 'plants', fieldName: '' }),
      'fieldName',
    );
    expectViolation(
      () => validateRequest('items/query-distinct-values', { collectionId: 'plants', fieldName: 'a', order: 'up' }),
      'order',
    );
    expect(() =>
      validateRequest('items/query-distinct-values', { collectionId: 'plants', fieldName: 'a', order: 'desc' }),
    ).not.toThrow();
    spiErrorOf(
      () =>
        validateRequest('items/query-distinct-values', {
          collectionId: 'plants',
          fieldName: 'a',
          paging: {},
          cursorPaging: {},
        }),
      'BAD_REQUEST',
    );
  });
});
