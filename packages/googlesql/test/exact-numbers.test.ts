// Numbers without loss (src/exact-numbers.ts): the texts, limits and compiled SQL of decimal-text columns.

import type { FieldRef, Filter, QuerySpec } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import {
  canonicalDecimal,
  columnInfo,
  decimalToStore,
  doubleOfDecimal,
  exactDecimal,
  fieldTypeOfColumn,
  NumberColumns,
  numberColumnsSetting,
  plainText,
  spanner,
  type TableInfo,
} from '../src/index.ts';

describe('decimal texts', () => {
  test('canonical form is what CAST(x AS STRING) prints', () => {
    expect(canonicalDecimal('007')).toBe('7');
    expect(canonicalDecimal('-0')).toBe('0');
    expect(canonicalDecimal('1.500')).toBe('1.5');
    expect(canonicalDecimal('+2.0')).toBe('2');
    expect(canonicalDecimal('0.05')).toBe('0.05');
    for (const bad of ['1e3', '.5', '5.', ' 5', '0x10', '', '-', '1_000'])
      expect(canonicalDecimal(bad)).toBeUndefined();
  });

  test('each type holds exactly its range', () => {
    expect(exactDecimal('9223372036854775807', 'INT64')).toBe('9223372036854775807');
    expect(exactDecimal('-9223372036854775808', 'INT64')).toBe('-9223372036854775808');
    expect(exactDecimal('9223372036854775808', 'INT64')).toBeUndefined();
    expect(exactDecimal('1.5', 'INT64')).toBeUndefined();
    expect(exactDecimal('99999999999999999999999999999.999999999', 'NUMERIC')).toBe(
      '99999999999999999999999999999.999999999',
    );
    expect(exactDecimal('100000000000000000000000000000', 'NUMERIC')).toBeUndefined();
    expect(exactDecimal('0.1234567891', 'NUMERIC')).toBeUndefined();
    // BIGNUMERIC: 38 fractional digits, from -2^255 to 2^255−1 units of 10^-38.
    const max = '578960446186580977117854925043439539266.34992332820282019728792003956564819967';
    const min = '-578960446186580977117854925043439539266.34992332820282019728792003956564819968';
    expect(exactDecimal(max, 'BIGNUMERIC')).toBe(max);
    expect(exactDecimal(min, 'BIGNUMERIC')).toBe(min);
    expect(exactDecimal(`${max.slice(0, -1)}8`, 'BIGNUMERIC')).toBeUndefined();
    expect(exactDecimal(`${min.slice(0, -1)}9`, 'BIGNUMERIC')).toBeUndefined();
    expect(exactDecimal('0.00000000000000000000000000000000000001', 'BIGNUMERIC')).toBe(
      '0.00000000000000000000000000000000000001',
    );
    expect(exactDecimal('0.000000000000000000000000000000000000001', 'BIGNUMERIC')).toBeUndefined();
  });

  test('doubles are stored by their shortest text and refused when the column cannot hold it', () => {
    expect(plainText(1e21)).toBe('1000000000000000000000');
    expect(plainText(1e-7)).toBe('0.0000001');
    expect(plainText(-1.5e-3)).toBe('-0.0015');
    expect(plainText(-0)).toBe('0');
    expect(decimalToStore('p', 'NUMERIC', 0.1)).toBe('0.1');
    expect(decimalToStore('p', 'INT64', 2 ** 60)).toBe('1152921504606846976');
    expect(decimalToStore('p', 'INT64', '9007199254740993')).toBe('9007199254740993');
    expect(() => decimalToStore('p', 'NUMERIC', 1e-10)).toThrow(/p: must be a decimal number/);
    expect(() => decimalToStore('q', 'INT64', 2.5)).toThrow(/q: must be a whole number/);
    expect(() => decimalToStore('q', 'INT64', Number.NaN)).toThrow(/q: /);
    expect(() => decimalToStore('q', 'INT64', true)).toThrow(/q: /);
  });

  test('a NUMBER field reads a decimal only when a double is exactly it', () => {
    expect(doubleOfDecimal('n', '9007199254740992')).toBe(2 ** 53);
    expect(doubleOfDecimal('n', '0.1')).toBe(0.1);
    expect(doubleOfDecimal('n', '1152921504606846976')).toBe(2 ** 60);
    expect(doubleOfDecimal('n', '1.50')).toBe(1.5);
    expect(() => doubleOfDecimal('n', '9007199254740993')).toThrow(/'n' holds 9007199254740993/);
    expect(() => doubleOfDecimal('n', '123456789012345678901234.123456789')).toThrow(/TEXT/);
  });

  test('INT64 and NUMERIC columns are TEXT unless their field is NUMBER; FLOAT64 is NUMBER', () => {
    expect(fieldTypeOfColumn('INT64')).toBe('TEXT');
    expect(fieldTypeOfColumn('NUMERIC')).toBe('TEXT');
    expect(fieldTypeOfColumn('FLOAT64')).toBe('NUMBER');
    expect(columnInfo('n', 'INT64', 'TEXT')).toEqual({ name: 'n', type: 'INT64', decimalText: true });
    expect(columnInfo('n', 'INT64', 'NUMBER')).toEqual({ name: 'n', type: 'INT64' });
    expect(columnInfo('f', 'FLOAT64', 'TEXT')).toEqual({ name: 'f', type: 'FLOAT64' });
  });
});

describe('compiled SQL of a decimal-text column', () => {
  const table: TableInfo = {
    name: 't',
    columns: new Map([
      ['_id', { name: '_id', type: 'STRING' }],
      ['n', columnInfo('n', 'INT64', 'TEXT')],
    ]),
  };
  const n: FieldRef = { key: 'n', field: 'n', path: [], type: 'TEXT' };
  const spec = (filter: Filter, extra: Partial<QuerySpec> = {}): QuerySpec => ({
    filter,
    sort: [],
    projection: undefined,
    offset: 0,
    limit: 10,
    after: undefined,
    ...extra,
  });

  test('projected as exact text, compared and sorted on the column', () => {
    const q = spanner.select(
      table,
      spec({ kind: 'compare', field: n, op: 'eq', value: '9007199254740993' }, { sort: [{ field: n, order: 'asc' }] }),
    );
    expect(q.sql).toContain('CAST(`n` AS STRING) AS `c1`');
    expect(q.sql).toContain('COALESCE(`n` = @p0, FALSE)');
    expect(q.sql).toContain('ORDER BY `n` ASC');
    expect(q.params.p0).toBe('9007199254740993');
    expect(q.types.p0).toEqual({ type: 'INT64' });
  });

  test('text operators read the text; a non-canonical operand equals nothing', () => {
    const contains = spanner.select(table, spec({ kind: 'string', field: n, op: 'contains', value: '99' }));
    expect(contains.sql).toContain('STRPOS(LOWER(CAST(`n` AS STRING)), LOWER(@p0))');
    const padded = spanner.select(table, spec({ kind: 'compare', field: n, op: 'eq', value: '007' }));
    expect(padded.sql).toContain('WHERE FALSE');
    expect(padded.params).not.toHaveProperty('p0', '007');
  });

  test('a range operand the column cannot hold is a 400', () => {
    expect(() => spanner.select(table, spec({ kind: 'compare', field: n, op: 'gt', value: '1.5' }))).toThrow(
      /whole number/,
    );
  });
});

test('NUMBER_COLUMNS: listed INT64/NUMERIC columns are NUMBER; entries must be table.column', () => {
  const listed = new NumberColumns(['stock.qty']);
  expect(listed.fieldType('stock', 'qty', 'INT64', fieldTypeOfColumn)).toBe('NUMBER');
  expect(listed.fieldType('stock', 'other', 'INT64', fieldTypeOfColumn)).toBe('TEXT');
  expect(listed.fieldType('stock', 'qty', 'STRING', fieldTypeOfColumn)).toBe('TEXT');
  expect(numberColumnsSetting.parse('a.b, c.d')).toEqual(['a.b', 'c.d']);
  expect(() => numberColumnsSetting.parse('qty')).toThrow(/table\.column/);
});

test('NUMBER_COLUMNS: `*` stands for any table or column (a dataset of the reference adaptor: docs/migrating.md)', () => {
  const table = new NumberColumns(['reftab.*']);
  expect(table.fieldType('reftab', 'price', 'NUMERIC', fieldTypeOfColumn)).toBe('NUMBER');
  expect(table.fieldType('other', 'price', 'NUMERIC', fieldTypeOfColumn)).toBe('TEXT');
  expect(new NumberColumns(['*.price']).fieldType('any', 'price', 'INT64', fieldTypeOfColumn)).toBe('NUMBER');
  const all = new NumberColumns(numberColumnsSetting.parse('*.*'));
  expect(all.fieldType('reftab', 'price', 'NUMERIC', fieldTypeOfColumn)).toBe('NUMBER');
  expect(all.fieldType('reftab', 'big', 'BIGNUMERIC', fieldTypeOfColumn)).toBe('NUMBER');
  // Only integer and decimal columns: others keep their own type.
  expect(all.fieldType('reftab', 'title', 'STRING', fieldTypeOfColumn)).toBe('TEXT');
  expect(all.fieldType('reftab', 'ratio', 'FLOAT64', fieldTypeOfColumn)).toBe('NUMBER');
  expect(() => numberColumnsSetting.parse('*')).toThrow(/table\.column/);
});
