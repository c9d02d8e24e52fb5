/** parseAggregation + runAggregate (docs/protocol.md §4.3, §11; docs/semantics.md §6.1). */
import { describe, expect, test } from 'vitest';
import type { AggregateSpec, Item } from '../../src/query/ast.ts';
import { runAggregate } from '../../src/query/evaluate.ts';
import { parseAggregation } from '../../src/query/parse-aggregation.ts';
import { ctx, d, looseCtx, thrown } from './fixtures.ts';

const items: Item[] = [
  {
    _id: '1',
    family: 'Lamiaceae',
    perennial: true,
    heightCm: 90,
    lastWatered: d('2024-01-03T00:00:00Z'),
    commonName: 'Lavender',
  },
  {
    _id: '2',
    family: 'Lamiaceae',
    perennial: true,
    heightCm: 60,
    lastWatered: d('2024-01-01T00:00:00Z'),
    commonName: 'Sage',
  },
  { _id: '3', family: 'Lamiaceae', perennial: false, heightCm: 75, commonName: 'basil' },
  { _id: '4', family: 'Rosaceae', perennial: true, heightCm: 55, commonName: 'Rose' },
  { _id: '5', family: 'Rosaceae', perennial: true, heightCm: null, commonName: 'Apple' },
  { _id: '6', family: null, perennial: true, heightCm: 10 },
  { _id: '7', perennial: true, heightCm: 'tall', care: { sun: 'full' } },
];

function agg(raw: Parameters<typeof parseAggregation>[0], offset = 0, limit = 50, context = ctx): AggregateSpec {
  return { ...parseAggregation(raw, context, ''), offset, limit };
}

describe('sum and average past the double range (docs/semantics.md §6.1)', () => {
  const huge: Item[] = [
    { _id: 'a', n: 1e308, g: 1 },
    { _id: 'b', n: 1.7e308, g: 1 },
    { _id: 'c', n: 1e308, g: 1 },
    { _id: 'd', n: 2, g: 2 },
  ];
  const op = (operations: unknown[]) => agg({ aggregation: { groupingFields: ['g'], operations } }, 0, 50, looseCtx);

  test('an average whose plain sum overflows is the finite mean, not null', () => {
    const { rows } = runAggregate(huge, op([{ resultFieldName: 'a', average: { itemFieldName: 'n' } }]), false);
    const mean = rows.find((r) => r.g === 1)?.a as number;
    expect(Math.abs(mean / 1.2333333333333333e308 - 1)).toBeLessThan(1e-15);
    // Averages within the range keep the plain sum's bits.
    expect(rows.find((r) => r.g === 2)?.a).toBe(2);
  });

  test('a sum past the range is ±Infinity in the row, compared as that number by finalFilter and sort', () => {
    // The core refuses such a row only if it is answered (adaptor/items-read.ts refuseOutOfRange).
    const negative: Item[] = [...huge, { _id: 'e', n: -1.7e308, g: 3 }, { _id: 'f', n: -1.7e308, g: 3 }];
    const sums = [{ resultFieldName: 's', sum: { itemFieldName: 'n' } }];
    const all = runAggregate(negative, op(sums), false).rows;
    expect(all).toEqual([
      { g: 1, s: Number.POSITIVE_INFINITY },
      { g: 2, s: 2 },
      { g: 3, s: Number.NEGATIVE_INFINITY },
    ]);
    const sorted = agg(
      { aggregation: { groupingFields: ['g'], operations: sums }, sort: [{ fieldName: 's', order: 'DESC' }] },
      1,
      1,
      looseCtx,
    );
    expect(runAggregate(negative, sorted, true)).toEqual({ rows: [{ g: 2, s: 2 }], total: 3 });
    const kept = agg(
      { aggregation: { groupingFields: ['g'], operations: sums }, finalFilter: { s: { $lt: 1e308, $gt: -1e308 } } },
      0,
      50,
      looseCtx,
    );
    expect(runAggregate(negative, kept, true)).toEqual({ rows: [{ g: 2, s: 2 }], total: 1 });
  });

  test('a partial sum that overflows does not make the sum infinite', () => {
    const back: Item[] = [
      { _id: 'a', n: 1.7e308 },
      { _id: 'b', n: 1.7e308 },
      { _id: 'c', n: -1.7e308 },
    ];
    const sums = [{ resultFieldName: 's', sum: { itemFieldName: 'n' } }];
    expect(
      runAggregate(back, agg({ aggregation: { groupingFields: [], operations: sums } }, 0, 50, looseCtx), false).rows,
    ).toEqual([{ s: 1.7e308 }]);
  });
});

describe('runAggregate', () => {
  test('the docs/protocol.md §4.3 example', () => {
    const spec = agg({
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
    });
    expect(runAggregate(items, spec, true)).toEqual({
      rows: [
        { family: 'Lamiaceae', avgHeight: 75, tallest: 90, plantCount: 2 },
        { family: 'Rosaceae', avgHeight: 55, tallest: 55, plantCount: 2 },
        // null and missing family are one group; max follows the cross-type order (strings above numbers).
        { family: null, avgHeight: 10, tallest: 'tall', plantCount: 2 },
      ],
      total: 3,
    });
  });

  test('null and missing are one group; sum/avg skip non-numbers', () => {
    const spec = agg({
      aggregation: {
        groupingFields: ['family'],
        operations: [
          { resultFieldName: 'n', count: {} },
          { resultFieldName: 'sum', sum: { itemFieldName: 'heightCm' } },
        ],
      },
    });
    expect(runAggregate(items, spec, false)).toEqual({
      rows: [
        { family: null, n: 2, sum: 10 },
        { family: 'Lamiaceae', n: 3, sum: 225 },
        { family: 'Rosaceae', n: 2, sum: 55 },
      ],
    });
  });

  test('no grouping fields over zero items: one row, count 0, others null', () => {
    const spec = agg({
      initialFilter: { family: 'none' },
      aggregation: {
        operations: [
          { resultFieldName: 'n', itemCount: {} },
          { resultFieldName: 's', sum: { itemFieldName: 'heightCm' } },
          { resultFieldName: 'a', average: { itemFieldName: 'heightCm' } },
          { resultFieldName: 'lo', min: { itemFieldName: 'heightCm' } },
        ],
      },
    });
    expect(runAggregate(items, spec, true)).toEqual({ rows: [{ n: 0, s: null, a: null, lo: null }], total: 1 });
  });

  test('no grouping, finalFilter can remove the single row', () => {
    const spec = agg({
      aggregation: { operations: [{ resultFieldName: 'n', count: {} }] },
      finalFilter: { n: { $gt: 100 } },
    });
    expect(runAggregate(items, spec, true)).toEqual({ rows: [], total: 0 });
  });

  test('min/max on strings (code point) and dates', () => {
    const spec = agg({
      aggregation: {
        operations: [
          { resultFieldName: 'first', min: { itemFieldName: 'commonName' } },
          { resultFieldName: 'last', max: { itemFieldName: 'commonName' } },
          { resultFieldName: 'early', min: { itemFieldName: 'lastWatered' } },
          { resultFieldName: 'late', max: { itemFieldName: 'lastWatered' } },
        ],
      },
    });
    expect(runAggregate(items, spec, false).rows).toEqual([
      { first: 'Apple', last: 'basil', early: d('2024-01-01T00:00:00Z'), late: d('2024-01-03T00:00:00Z') },
    ]);
  });

  test('finalFilter on a DATETIME result takes a $date literal', () => {
    const spec = agg({
      aggregation: {
        groupingFields: ['family'],
        operations: [{ resultFieldName: 'late', max: { itemFieldName: 'lastWatered' } }],
      },
      finalFilter: { late: { $gt: { $date: '2024-01-02T00:00:00Z' } } },
    });
    expect(runAggregate(items, spec, false).rows).toEqual([{ family: 'Lamiaceae', late: d('2024-01-03T00:00:00Z') }]);
  });

  test('multiple grouping fields, default order by grouping keys, paging and total', () => {
    const raw = {
      aggregation: { groupingFields: ['family', 'perennial'], operations: [{ resultFieldName: 'n', count: {} }] },
    };
    const all = runAggregate(items, agg(raw), true);
    expect(all.rows.map((r) => `${r.family}/${r.perennial}/${r.n}`)).toEqual([
      'null/true/2',
      'Lamiaceae/false/1',
      'Lamiaceae/true/2',
      'Rosaceae/true/2',
    ]);
    expect(runAggregate(items, agg(raw, 1, 2), true)).toEqual({ rows: all.rows.slice(1, 3), total: 4 });
  });

  test('result names that are keys of Object.prototype other than __proto__ are kept in rows', () => {
    const spec = agg({
      aggregation: {
        groupingFields: ['family'],
        operations: [
          { resultFieldName: 'constructor', count: {} },
          { resultFieldName: 'toString', max: { itemFieldName: 'heightCm' } },
        ],
      },
      finalFilter: { constructor: { $gt: 1 } },
      sort: [{ fieldName: 'toString', order: 'DESC' }],
    });
    const { rows } = runAggregate(items, spec, false);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(Object.hasOwn(row, 'constructor') && Object.hasOwn(row, 'toString')).toBe(true);
  });

  test('grouping by a nested path keeps the dotted key in rows, filters and sorts', () => {
    const spec = agg({
      aggregation: { groupingFields: ['care.sun'], operations: [{ resultFieldName: 'n', count: {} }] },
      finalFilter: { 'care.sun': { $ne: null } },
      sort: [{ fieldName: 'care.sun', order: 'DESC' }],
    });
    expect(runAggregate(items, spec, true)).toEqual({ rows: [{ 'care.sun': 'full', n: 1 }], total: 1 });
  });

  test('undeclared fields in a non-strict collection', () => {
    const spec = agg(
      {
        aggregation: { groupingFields: ['kind'], operations: [{ resultFieldName: 's', sum: { itemFieldName: 'w' } }] },
      },
      0,
      50,
      looseCtx,
    );
    const rows = runAggregate(
      [
        { _id: '1', kind: 'a', w: 2 },
        { _id: '2', kind: 'a', w: 3 },
        { _id: '3', w: 1 },
      ],
      spec,
      false,
    ).rows;
    expect(rows).toEqual([
      { kind: null, s: 1 },
      { kind: 'a', s: 5 },
    ]);
  });
});

describe('parseAggregation', () => {
  test('missing aggregation: one empty row spec', () => {
    expect(parseAggregation({}, ctx, '')).toMatchObject({
      groupBy: [],
      operations: [],
      having: { kind: 'true' },
      sort: [],
    });
  });

  test('itemFieldName on a count is ignored', () => {
    const spec = parseAggregation(
      { aggregation: { operations: [{ resultFieldName: 'n', count: { itemFieldName: 'x' } }] } },
      ctx,
      '',
    );
    expect(spec.operations).toEqual([{ name: 'n', op: 'count', field: undefined }]);
  });

  test.each<[string, Parameters<typeof parseAggregation>[0], string, string]>([
    ['aggregation not an object', { aggregation: [] }, 'aggregation', 'must be an object'],
    [
      'groupingFields not an array',
      { aggregation: { groupingFields: 'family' } },
      'aggregation.groupingFields',
      'array',
    ],
    [
      'unknown grouping field',
      { aggregation: { groupingFields: ['family', 'nope'] } },
      'aggregation.groupingFields[1]',
      "no field 'nope'",
    ],
    [
      'grouping by MULTI_REFERENCE',
      { aggregation: { groupingFields: ['companions'] } },
      'aggregation.groupingFields[0]',
      'MULTI_REFERENCE',
    ],
    ['operations not an array', { aggregation: { operations: {} } }, 'aggregation.operations', 'array'],
    ['operation not an object', { aggregation: { operations: [1] } }, 'aggregation.operations[0]', 'Each operation'],
    [
      'missing resultFieldName',
      { aggregation: { operations: [{ count: {} }] } },
      'aggregation.operations[0].resultFieldName',
      'required',
    ],
    [
      '$ resultFieldName',
      { aggregation: { operations: [{ resultFieldName: '$n', count: {} }] } },
      'aggregation.operations[0].resultFieldName',
      'cannot start',
    ],
    [
      'no operation key',
      { aggregation: { operations: [{ resultFieldName: 'n' }] } },
      'aggregation.operations[0]',
      'exactly one of',
    ],
    [
      'two operation keys',
      { aggregation: { operations: [{ resultFieldName: 'n', count: {}, itemCount: {} }] } },
      'aggregation.operations[0]',
      'exactly one of',
    ],
    [
      'unknown operation',
      { aggregation: { operations: [{ resultFieldName: 'n', median: { itemFieldName: 'heightCm' } }] } },
      'aggregation.operations[0].median',
      'Unknown aggregation operation',
    ],
    [
      'operand not an object',
      { aggregation: { operations: [{ resultFieldName: 'n', sum: 'heightCm' }] } },
      'aggregation.operations[0].sum',
      'itemFieldName',
    ],
    [
      'missing itemFieldName',
      { aggregation: { operations: [{ resultFieldName: 'n', min: {} }] } },
      'aggregation.operations[0].min.itemFieldName',
      'non-empty string',
    ],
    [
      'average of TEXT',
      { aggregation: { operations: [{ resultFieldName: 'n', average: { itemFieldName: 'family' } }] } },
      'aggregation.operations[0].average.itemFieldName',
      'needs a NUMBER field',
    ],
    [
      'sum of DATETIME',
      { aggregation: { operations: [{ resultFieldName: 'n', sum: { itemFieldName: 'lastWatered' } }] } },
      'aggregation.operations[0].sum.itemFieldName',
      'needs a NUMBER field',
    ],
    [
      'max of MULTI_REFERENCE',
      { aggregation: { operations: [{ resultFieldName: 'n', max: { itemFieldName: 'companions' } }] } },
      'aggregation.operations[0].max.itemFieldName',
      'MULTI_REFERENCE',
    ],
    [
      'duplicate result name',
      {
        aggregation: {
          operations: [
            { resultFieldName: 'n', count: {} },
            { resultFieldName: 'n', count: {} },
          ],
        },
      },
      'aggregation.operations[1].resultFieldName',
      'used twice',
    ],
    [
      // A row cannot hold "__proto__" as a key: the result vanished and a finalFilter on it saw nothing.
      '__proto__ as a result name',
      { aggregation: { groupingFields: ['family'], operations: [{ resultFieldName: '__proto__', count: {} }] } },
      'aggregation.operations[0].resultFieldName',
      'cannot be named "__proto__"',
    ],
    [
      // The grouping value and the result would share one key of the row.
      'a result named like a grouping field',
      {
        aggregation: {
          groupingFields: ['family', 'care.sun'],
          operations: [
            { resultFieldName: 'n', count: {} },
            { resultFieldName: 'care.sun', max: { itemFieldName: 'heightCm' } },
          ],
        },
      },
      'aggregation.operations[1].resultFieldName',
      "'care.sun' is also a grouping field",
    ],
    ['bad initialFilter', { initialFilter: { heightCm: 'x' } }, 'initialFilter.heightCm', 'needs a number'],
    [
      'finalFilter on an item field',
      { aggregation: { groupingFields: ['family'] }, finalFilter: { heightCm: 1 } },
      'finalFilter.heightCm',
      "no field 'heightCm'",
    ],
    [
      'finalFilter with the wrong type',
      { aggregation: { operations: [{ resultFieldName: 'n', count: {} }] }, finalFilter: { n: 'x' } },
      'finalFilter.n',
      'needs a number',
    ],
    [
      'sort on an item field',
      { aggregation: { groupingFields: ['family'] }, sort: [{ fieldName: 'heightCm' }] },
      'sort[0].fieldName',
      "no field 'heightCm'",
    ],
  ])('refuses %s', (_name, raw, fieldPath, message) => {
    const err = thrown(() => parseAggregation(raw, ctx, ''));
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.fieldPath).toBe(fieldPath);
    expect(err.message).toContain(message);
  });

  test('path prefix is used in fieldPaths', () => {
    const err = thrown(() => parseAggregation({ aggregation: { operations: [{}] } }, ctx, 'request'));
    expect(err.fieldPath).toBe('request.aggregation.operations[0].resultFieldName');
  });
});
