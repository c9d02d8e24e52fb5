/**
 * Result cells as Spanner sends them (protobuf `Value`s, typed by the result's
 * column types) → internal values, for the reads of single-use.ts. The same
 * answers as the client's decoding followed by values.ts `fromSpanner`
 * (test/cells.test.ts compares both on every column type), without the
 * client's wrapper objects: INT64/NUMERIC are their decimal text (a number
 * only when a double holds it exactly, googlesql exact-numbers.ts), TIMESTAMP
 * a Date of whole milliseconds, DATE "YYYY-MM-DD", BYTES base64, JSON parsed;
 * inside arrays, integers and decimals stay their exact text.
 */
import type { Value } from '@adaptors/core';
import { canonicalDecimal, doubleOfDecimal } from '@adaptors/googlesql';

/** google.spanner.v1.Type as the client's gRPC layer hands it (enum codes as names). */
export interface CellType {
  readonly code?: string | number | null;
  readonly arrayElementType?: CellType | null;
}

/** google.protobuf.Value as the client's gRPC layer hands it (`kind` names the field set). */
export interface ProtoCell {
  readonly kind?: string;
  readonly stringValue?: string;
  readonly numberValue?: number;
  readonly boolValue?: boolean;
  readonly listValue?: { readonly values?: readonly ProtoCell[] } | null;
}

type Decode = (cell: ProtoCell | undefined) => Value;

/** The decoder of a column of `type`; `key` names the field in an error (an integer no double holds exactly). */
export function cellDecoder(type: CellType, key: string): Decode {
  if (type.code === 'ARRAY') {
    const element = elementDecoder(type.arrayElementType ?? {}, key);
    return (cell) => {
      const values = cell?.kind === 'listValue' ? cell.listValue?.values : undefined;
      return values ? values.map((v) => (v.kind === 'nullValue' ? null : element(v))) : null;
    };
  }
  const scalar = scalarDecoder(type.code, key);
  return (cell) => (cell === undefined || cell.kind === 'nullValue' ? null : scalar(cell));
}

/** A TIMESTAMP read as UNIX_MILLIS (googlesql spanner.ts `timestampMillis`): an INT64 cell, exact as a double. */
export function millisDecoder(): Decode {
  return (cell) => (cell?.kind === 'stringValue' ? new Date(Number(cell.stringValue)) : null);
}

function elementDecoder(type: CellType, key: string): (cell: ProtoCell) => Value {
  // Integer and decimal elements are their exact decimal text (googlesql exact-numbers.ts), never rounded.
  if (type.code === 'INT64' || type.code === 'NUMERIC') {
    return (cell) => {
      const text = cell.stringValue ?? '';
      return canonicalDecimal(text) ?? text;
    };
  }
  return scalarDecoder(type.code, key);
}

function scalarDecoder(code: CellType['code'], key: string): (cell: ProtoCell) => Value {
  switch (code) {
    case 'BOOL':
      return (cell) => cell.boolValue ?? null;
    case 'FLOAT64':
      // NaN and ±Infinity come as text.
      return (cell) => (cell.kind === 'numberValue' ? (cell.numberValue ?? null) : Number(cell.stringValue));
    case 'INT64':
    case 'NUMERIC':
      return (cell) => doubleOfDecimal(key, cell.stringValue ?? '');
    case 'TIMESTAMP':
      return (cell) => timestampDate(cell.stringValue ?? '');
    case 'JSON':
      return (cell) => JSON.parse(cell.stringValue ?? 'null') as Value;
    default:
      // STRING, DATE ("YYYY-MM-DD"), BYTES (base64): the text is the value.
      return (cell) => plain(cell);
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

function plain(cell: ProtoCell): Value {
  switch (cell.kind) {
    case 'stringValue':
      return cell.stringValue ?? null;
    case 'numberValue':
      return cell.numberValue ?? null;
    case 'boolValue':
      return cell.boolValue ?? null;
    case 'listValue':
      return (cell.listValue?.values ?? []).map(plain);
    default:
      return null;
  }
}
