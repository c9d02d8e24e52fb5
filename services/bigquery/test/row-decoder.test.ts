/**
 * The REST row decoder (src/values.ts rowDecoder) on TIMESTAMP cells: BigQuery answers them as
 * int64 microseconds text (runner.ts asks for `useInt64Timestamp`). Each is floored to whole
 * milliseconds, before 1970 too, on both sides of the 2^53 microseconds where doubles stop
 * being exact; the expected instants are computed here in BigInt.
 */
import { describe, expect, it } from 'vitest';
import { rowDecoder } from '../src/values.ts';

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
