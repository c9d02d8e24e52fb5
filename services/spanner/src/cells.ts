/**
 * Result cells as Spanner sends them (protobuf `Value`s, read as the JS value each
 * holds by result-decoder.ts, typed by the result's column types) → internal values,
 * for the reads of single-use.ts. The same
 * answers as the client's decoding followed by values.ts `fromSpanner`
 * (test/cells.test.ts compares both on every column type), without the
 * client's wrapper objects: INT64/NUMERIC are their decimal text (a number
 * only when a double holds it exactly, googlesql exact-numbers.ts), TIMESTAMP
 * a Date of whole milliseconds, DATE "YYYY-MM-DD", BYTES base64, JSON parsed;
 * inside arrays, integers and decimals stay their exact text.
 */
import type { Value } from '@adaptors/core';
import { canonicalDecimal, doubleOfDecimal } from '@adaptors/googlesql';
import type { Cell } from './result-decoder.ts';

/** google.spanner.v1.Type as the client's gRPC layer hands it (enum codes as names). */
export interface CellType {
  readonly code?: string | number | null;
  readonly arrayElementType?: CellType | null;
}

type Decode = (cell: Cell | undefined) => Value;

/** The decoder of a column of `type`; `key` names the field in an error (an integer no double holds exactly). */
export function cellDecoder(type: CellType, key: string): Decode {
  if (type.code === 'ARRAY') {
    const element = elementDecoder(type.arrayElementType ?? {}, key);
    return (cell) => (Array.isArray(cell) ? cell.map((v: Cell) => (v === null ? null : element(v))) : null);
  }
  const scalar = scalarDecoder(type.code, key);
  return (cell) => (cell === undefined || cell === null ? null : scalar(cell));
}

/** A TIMESTAMP read as UNIX_MILLIS (googlesql spanner.ts `timestampMillis`): an INT64 cell, exact as a double. */
export function millisDecoder(): Decode {
  return (cell) => (typeof cell === 'string' ? new Date(Number(cell)) : null);
}

/** A non-null cell's text ('' when it holds something else: Spanner sends these types as strings). */
const text = (cell: Cell): string => (typeof cell === 'string' ? cell : '');

function elementDecoder(type: CellType, key: string): (cell: Cell) => Value {
  // Integer and decimal elements are their exact decimal text (googlesql exact-numbers.ts), never rounded.
  if (type.code === 'INT64' || type.code === 'NUMERIC') {
    return (cell) => {
      const digits = text(cell);
      return canonicalDecimal(digits) ?? digits;
    };
  }
  return scalarDecoder(type.code, key);
}

function scalarDecoder(code: CellType['code'], key: string): (cell: Cell) => Value {
  switch (code) {
    case 'BOOL':
      return (cell) => (typeof cell === 'boolean' ? cell : null);
    case 'FLOAT64':
      // NaN and ±Infinity come as text.
      return (cell) => (typeof cell === 'number' ? cell : Number(cell));
    case 'INT64':
    case 'NUMERIC':
      return (cell) => doubleOfDecimal(key, text(cell));
    case 'TIMESTAMP':
      return (cell) => timestampDate(text(cell));
    case 'JSON':
      return (cell) => JSON.parse(typeof cell === 'string' ? cell : 'null') as Value;
    default:
      // STRING, DATE ("YYYY-MM-DD"), BYTES (base64): the text is the value.
      return plain;
  }
}

/**
 * Spanner's RFC 3339 UTC text ("2024-05-01T10:00:00.123456789Z") → a Date of
 * its whole milliseconds: the digits past the third are dropped, which is
 * rounding down in time, also before 1970 (as UNIX_MILLIS does).
 */
function timestampDate(text: string): Date {
  const dot = text.indexOf('.');
  if (dot < 0) return new Date(text);
  const fraction = text
    .slice(dot + 1, text.length - 1)
    .padEnd(3, '0')
    .slice(0, 3);
  return new Date(`${text.slice(0, dot)}.${fraction}Z`);
}

function plain(cell: Cell): Value {
  return Array.isArray(cell) ? cell.map(plain) : (cell as Value);
}
