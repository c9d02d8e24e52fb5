/**
 * The REST row decoder (src/values.ts rowDecoder) on TIMESTAMP cells: BigQuery answers them as
 * int64 microseconds text (runner.ts asks for `useInt64Timestamp`). Each is floored to whole
 * milliseconds, before 1970 too, on both sides of the 2^53 microseconds where doubles stop
 * being exact; the expected instants are computed here in BigInt.
 */
import type { Field } from '@adaptors/core';
import type { CompiledQuery } from '@adaptors/googlesql';
import { toItem } from '@adaptors/sql-storage';
import { describe, expect, it } from 'vitest';
import { itemDecoder, rowDecoder } from '../src/values.ts';

const decode = rowDecoder([{ name: 'at', type: 'TIMESTAMP' }]);
const timestamp = (text: string | null) => decode({ f: [{ v: text }] }).get('at');

/** Floor of micros / 1000 in exact integers. */
function expectedMs(micros: bigint): number {
  const ms = micros / 1000n;
  return Number(micros % 1000n < 0n ? ms - 1n : ms);
}

describe('TIMESTAMP cells as int64 microseconds', () => {
  const limit = 2n ** 53n;
  const micros = [
    0n,
    1n,
    -1n,
    999n,
    -999n,
    -1000n,
    -1001n,
    1_796_354_633_123_456n, // 2026: 16 digits
    -14_182_940_123_456n, // 1969-07-20T20:17:40.123456Z
    999_999_999_999_999n, // the last 15-digit value
    1_000_000_000_000_000n, // 2001-09-09, the first 16-digit one
    limit - 1n,
    -(limit - 1n),
    limit,
    limit + 1n,
    -limit - 1n,
    253_402_300_799_999_999n, // 9999-12-31T23:59:59.999999Z
    -62_135_596_800_000_000n, // 0001-01-01T00:00:00Z
  ];
  it.each(micros.map((m) => [m.toString()]))('%s µs is its floored millisecond', (text) => {
    const value = timestamp(text);
    expect(value).toBeInstanceOf(Date);
    expect((value as Date).getTime()).toBe(expectedMs(BigInt(text)));
  });

  it('reads float seconds, ISO text and null as before', () => {
    expect((timestamp('1.5') as Date).getTime()).toBe(1500);
    expect((timestamp('-0.0015') as Date).getTime()).toBe(-2);
    expect((timestamp('2024-05-01T10:00:00.123Z') as Date).toISOString()).toBe('2024-05-01T10:00:00.123Z');
    expect(timestamp(null)).toBeNull();
  });
});

describe('rows straight to items (itemDecoder) = toItem over the alias Map (rowDecoder)', () => {
  const schema = [
    { name: 'c0', type: 'STRING' },
    { name: 'c1', type: 'FLOAT' },
    { name: 'c2', type: 'BOOLEAN' },
    { name: 'c3', type: 'TIMESTAMP' },
    { name: 'c4', type: 'INTEGER' },
    { name: 'c5', type: 'JSON' },
    { name: 'c6', type: 'STRING', mode: 'REPEATED' },
    { name: 'c7', type: 'NUMERIC', mode: 'REPEATED' },
  ];
  const query = {
    sql: 'SELECT …',
    params: {},
    types: {},
    columns: [
      { alias: 'c0', key: '_id' },
      { alias: 'c1', key: 'height' },
      { alias: 'c2', key: 'perennial' },
      { alias: 'c3', key: '_createdDate' },
      { alias: 'c4', key: 'planted', millis: true },
      { alias: 'c5', key: 'extra' },
      { alias: 'c6', key: 'tags' },
      { alias: 'c7', key: 'counts' },
      { alias: 'absent', key: 'never' },
    ],
  } as unknown as CompiledQuery;
  const fields = new Map<string, Field>([
    ['extra', { key: 'extra', type: 'ANY' } as Field],
    ['tags', { key: 'tags', type: 'ARRAY_STRING' } as Field],
  ]);
  const rows = [
    {
      f: [
        { v: 'a' },
        { v: '1.5' },
        { v: 'true' },
        { v: '1796354633123456' },
        { v: '1796354633123' },
        { v: '{"$date":"2026-01-02T03:04:05.006Z"}' },
        { v: [{ v: 'x' }, { v: 'y' }] },
        { v: [{ v: '12345678901234567890' }] },
      ],
    },
    {
      f: [
        { v: 'b' },
        { v: null },
        { v: 'false' },
        { v: null },
        { v: null },
        { v: '{"n":[1,{"$date":"x"}]}' },
        { v: [] },
        { v: [] },
      ],
    },
    {
      f: [{ v: 'c' }, { v: '0' }, { v: null }, { v: '-1001' }, { v: '0' }, { v: null }, { v: [] }, { v: [{ v: '0' }] }],
    },
  ];

  it('answers the same items, nulls left out, dates revived, millis read as instants', () => {
    const viaMap = rows.map((row) => toItem(rowDecoder(schema)(row), query, fields));
    const direct = rows.map(itemDecoder(schema, query, fields));
    expect(direct).toEqual(viaMap);
    expect(direct[0]).toMatchObject({ _id: 'a', perennial: true, planted: new Date(1796354633123) });
    expect(direct[0]?.extra).toEqual(new Date('2026-01-02T03:04:05.006Z'));
    expect(direct[1]).toEqual({ _id: 'b', perennial: false, extra: { n: [1, { $date: 'x' }] }, tags: [], counts: [] });
    expect(direct[2]).toMatchObject({ height: 0, _createdDate: new Date(-2), planted: new Date(0) });
    expect(Object.keys(direct[2] ?? {})).not.toContain('perennial');
  });
});
