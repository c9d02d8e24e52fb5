// The engine-neutral storage helpers (src/) that Spanner and BigQuery share.
import type { Field, ReferencedSpec } from '@adaptors/core';
import { type CompiledQuery, fieldTypeOfColumn, spanner } from '@adaptors/googlesql';
import { describe, expect, test } from 'vitest';
import {
  fieldCapabilitiesByType,
  fromAny,
  itemsById,
  itemsByIdQuery,
  lastPerId,
  numericText,
  queryReferenced,
  readDistinct,
  storedCollection,
  toItem,
  toJson,
} from '../src/index.ts';

describe('row decoding', () => {
  const query = {
    sql: '',
    params: {},
    types: {},
    columns: [
      { alias: 'c0', key: 'title' },
      { alias: 'c1', key: 'any' },
    ],
  };
  const fields = new Map<string, Field>([['any', { key: 'any', type: 'ANY' } as Field]]);

  test('aliases become keys, nulls are missing, an ANY top-level $date is a Date again', () => {
    const when = new Date('2020-01-02T03:04:05.000Z');
    const row = new Map([
      ['c0', null],
      ['c1', toJson(when) as { $date: string }],
    ]);
    expect(toItem(row, query as CompiledQuery, fields)).toEqual({ any: when });
    expect(fromAny({ a: 1 })).toEqual({ a: 1 });
  });

  test('a TIMESTAMP read as epoch milliseconds (OutputColumn.millis) is answered as its Date, in items and distinct values', async () => {
    const at = new Date('1969-12-31T23:59:59.999Z');
    const select = spanner.select(
      { name: 't', columns: new Map([['at', { name: 'at', type: 'TIMESTAMP' }]]) },
      { filter: { kind: 'true' }, sort: [], projection: ['at'], offset: 0, limit: 5, after: undefined },
    );
    expect(select.columns).toEqual([{ alias: 'c0', key: 'at', millis: true }]);
    expect(toItem(new Map([['c0', at.getTime()]]), select, new Map())).toEqual({ at });
    // Unmarked numbers stay numbers.
    expect(toItem(new Map([['c0', -1]]), { ...select, columns: [{ alias: 'c0', key: 'n' }] }, new Map())).toEqual({
      n: -1,
    });
    const values = { sql: '', params: {}, types: {}, columns: [{ alias: 'v', key: 'at', millis: true as const }] };
    const rows = [new Map([['v', -1]]), new Map([['v', null]]), new Map([['v', 253402300799999]])];
    expect(await readDistinct(async () => rows, { values })).toEqual({
      values: [new Date(-1), new Date('9999-12-31T23:59:59.999Z')],
    });
  });

  test('toJson writes Dates at any depth as {$date}', () => {
    const when = new Date(0);
    expect(toJson({ a: [when], b: 1 })).toEqual({ a: [{ $date: '1970-01-01T00:00:00.000Z' }], b: 1 });
  });

  test('numericText is plain decimal text with at most 9 fractional digits', () => {
    expect(numericText(1e21)).toBe('1000000000000000000000');
    expect(numericText(0.1234567891)).toBe('0.123456789');
  });
});

test('fieldCapabilitiesByType works each type out once; a type without a column can do nothing', () => {
  let asked = 0;
  const caps = fieldCapabilitiesByType((field) => {
    asked++;
    return field.type === 'MULTI_REFERENCE' ? undefined : { name: field.key, type: 'STRING' };
  }, spanner);
  expect(caps({ key: 'a', type: 'TEXT' })).toBe(caps({ key: 'b', type: 'TEXT' }));
  expect(caps({ key: 'r', type: 'MULTI_REFERENCE' })).toEqual({ sortable: false, queryOperators: [] });
  expect(asked).toBe(2);
});

test('fieldTypeOfColumn and lastPerId', () => {
  expect(fieldTypeOfColumn({ array: 'STRING' })).toBe('ARRAY_STRING');
  expect(fieldTypeOfColumn('BYTES')).toBe('ANY');
  expect(
    lastPerId([
      { id: 'a', v: 1 },
      { id: 'b', v: 2 },
      { id: 'a', v: 3 },
    ]),
  ).toEqual([
    { id: 'a', v: 3 },
    { id: 'b', v: 2 },
  ]);
});

test('queryReferenced: total only when asked, referenced items only for the page', async () => {
  const spec = {
    field: { key: 'refs', type: 'MULTI_REFERENCE' },
    referringItemIds: [],
    referencedItemIds: [],
    order: 'asc',
    offset: 0,
    limit: 10,
    includeReferencedItems: true,
    projection: undefined,
  } as unknown as ReferencedSpec;
  const asked: string[][] = [];
  const pages = {
    pairs: async () => [
      { referringItemId: 'x', referencedItemId: 'p' },
      { referringItemId: 'y', referencedItemId: 'p' },
      { referringItemId: 'y', referencedItemId: 'q' },
    ],
    count: async () => 7,
    referencedItems: async (_spec: ReferencedSpec, ids: string[]) => {
      asked.push(ids);
      return new Map([['p', { _id: 'p' }]]);
    },
  };
  const answer = await queryReferenced('c', spec, { countTotal: false }, pages);
  expect(answer).toEqual({
    items: [
      { referringItemId: 'x', referencedItemId: 'p', referencedItem: { _id: 'p' } },
      { referringItemId: 'y', referencedItemId: 'p', referencedItem: { _id: 'p' } },
      { referringItemId: 'y', referencedItemId: 'q' },
    ],
  });
  expect(asked).toEqual([['p', 'q']]);
  expect((await queryReferenced('c', spec, { countTotal: true }, pages)).total).toBe(7);
});

test('storedCollection leaves absent metadata out, freezes what it shares and marks read-only tables', () => {
  const field: Field = { key: 'title', type: 'TEXT' };
  const c = storedCollection(
    't',
    [field],
    { displayName: null },
    {
      writable: false,
      missing: ['_owner'],
      fixableByUpdate: true,
      reason: 'read-only: why',
    },
  );
  expect(c).toEqual({
    id: 't',
    fields: [field],
    readOnly: true,
    readOnlyReason: 'read-only: why',
    writableAfterUpdate: true,
  });
  expect(Object.isFrozen(c) && Object.isFrozen(c.fields) && Object.isFrozen(c.fields[0])).toBe(true);
  expect(c.fields[0]).not.toBe(field);
  const writable = { writable: true, missing: [], fixableByUpdate: false };
  expect(storedCollection('t', [], { displayName: 'T' }, writable)).toEqual({ id: 't', displayName: 'T', fields: [] });
});

test('itemsByIdQuery reads every id in one page; itemsById keys them by _id', () => {
  const spec = itemsByIdQuery(['b', 'a'], ['title']);
  expect(spec).toMatchObject({
    projection: ['title'],
    offset: 0,
    limit: 2,
    filter: { kind: 'in', values: ['b', 'a'] },
  });
  expect([...itemsById([{ _id: 'a' }, { _id: 'b' }]).keys()]).toEqual(['a', 'b']);
});
