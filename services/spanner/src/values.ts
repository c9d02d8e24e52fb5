/**
 * Values between the core's internal form (query/ast.ts: JSON with `Date` for
 * instants) and the Spanner client: mutation values per column type, query
 * parameters per googlesql ParamType, and result values back.
 *
 * Client facts (measured on the emulator, docs/engines.md §2): a JS number is
 * sent as a decimal string unless wrapped, and Spanner refuses "5" for FLOAT64,
 * so FLOAT64 values are always `Spanner.float`; JSON values are sent as JSON
 * text (a bare JS string would be parsed as JSON text, so 'x' must be '"x"').
 */
import { errors, type Value } from '@adaptors/core';
import {
  type ColumnType,
  type CompiledQuery,
  canonicalDecimal,
  doubleOfDecimal,
  type ParamType,
  type ScalarColumnType,
} from '@adaptors/googlesql';
import { numericText, scalarToStore, toJson } from '@adaptors/sql-storage';
import { Float, Int, Numeric, Spanner, SpannerDate } from '@google-cloud/spanner';

/** The client's friendly type descriptor for `run({ types })`. */
export type SpannerParamType = string | { type: 'array'; child: { type: string } };

export function spannerParamType(type: ParamType): SpannerParamType {
  const scalar = type.type.toLowerCase();
  return type.array ? { type: 'array', child: { type: scalar } } : scalar;
}

/** Converts googlesql parameters (JS values) to what the client sends for their declared types. */
export function spannerParams(
  params: Record<string, unknown>,
  types: Record<string, ParamType>,
): { params: Record<string, unknown>; types: Record<string, SpannerParamType> } {
  const outParams: Record<string, unknown> = {};
  const outTypes: Record<string, SpannerParamType> = {};
  for (const [name, type] of Object.entries(types)) {
    const value = params[name];
    outTypes[name] = spannerParamType(type);
    outParams[name] =
      type.array && Array.isArray(value) ? value.map((v) => paramValue(type.type, v)) : paramValue(type.type, value);
  }
  return { params: outParams, types: outTypes };
}

/** A compiled statement as the client's `run`/`runUpdate` request. */
export function spannerStatement(query: Pick<CompiledQuery, 'sql' | 'params' | 'types'>): {
  sql: string;
  params: Record<string, unknown>;
  types: Record<string, SpannerParamType>;
} {
  return { sql: query.sql, ...spannerParams(query.params, query.types) };
}

function paramValue(type: ParamType['type'], value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'FLOAT64':
      return Spanner.float(value as number);
    case 'NUMERIC':
      // Text operands of decimal-text columns are exact already (googlesql exact-numbers.ts).
      return Spanner.numeric(typeof value === 'string' ? value : numericText(value as number));
    case 'JSON':
      return JSON.stringify(toJson(value as Value));
    default:
      return value;
  }
}

/**
 * An item value → the mutation value for a column of `type`. Throws a
 * VALIDATION_ERROR naming the field when the value cannot be stored there
 * (only possible on tables the adaptor did not create, e.g. 2.5 into INT64).
 */
export function columnValue(key: string, type: ColumnType, value: Value | undefined): unknown {
  if (value === null || value === undefined) return null;
  if (typeof type === 'object') {
    if (!Array.isArray(value)) throw errors.violation(key, value, `must be an array (ARRAY<${type.array}> column)`);
    return value.map((element) => (element === null ? null : scalarValue(key, type.array, element as Value)));
  }
  return scalarValue(key, type, value);
}

/** The checked value (sql-storage `scalarToStore`) as the Spanner client sends it for the column's type. */
function scalarValue(key: string, type: ScalarColumnType, value: Value): unknown {
  const stored = scalarToStore(key, type, value);
  switch (type) {
    case 'FLOAT64':
      return Spanner.float(stored as number);
    case 'NUMERIC':
      return Spanner.numeric(stored as string);
    case 'BYTES':
      return base64Bytes(key, stored as string);
    default:
      return stored;
  }
}

/**
 * Base64 text → its bytes, or a VALIDATION_ERROR naming the field (TYPES.md: a BYTES column
 * accepts base64). Node's decoder skips what is not base64 ("not base64!!" decodes to the bytes
 * of "notbase6"), so the text must be exactly the encoding of the bytes it decodes to: the
 * standard alphabet with its padding, as values of BYTES columns are answered.
 */
function base64Bytes(key: string, text: string): Buffer {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw errors.violation(
      key,
      text,
      'must be base64 text (A–Z, a–z, 0–9, + and /, padded with =) to be stored in this BYTES column',
    );
  }
  return bytes;
}

/**
 * A value the client decoded (without `json: true`, so wrappers keep full
 * precision until here) → internal value. TIMESTAMP → `Date` (whole ms:
 * sub-millisecond digits of foreign rows are dropped), DATE → "YYYY-MM-DD",
 * INT64/NUMERIC → number when exact (else an error naming `key`), inside arrays their exact text, BYTES → base64, JSON → parsed JSON.
 */
export function fromSpanner(value: unknown, key = 'value'): Value {
  if (value === null || value === undefined) return null;
  if (value instanceof Float) return Number(value.value);
  // Decimal-text fields are read as STRING (googlesql exact-numbers.ts); an INT64/NUMERIC cell is a
  // number only when a double holds it exactly, never rounded.
  if (value instanceof Int || value instanceof Numeric) return doubleOfDecimal(key, String(value.value));
  if (value instanceof SpannerDate) return calendarDate(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (Buffer.isBuffer(value)) return value.toString('base64');
  // Integer and decimal elements are their exact decimal text (googlesql exact-numbers.ts), never rounded.
  if (Array.isArray(value))
    return value.map((v) => (v instanceof Int || v instanceof Numeric ? decimalElement(v) : fromSpanner(v, key)));
  return value as Value;
}

/** Spanner sends INT64/NUMERIC as canonical text (no exponent, no trailing zeros): the text is the value. */
function decimalElement(v: Int | Numeric): string {
  return canonicalDecimal(String(v.value)) ?? String(v.value);
}

/** SpannerDate is a local-time Date at midnight of the stored day. */
function calendarDate(date: Date): string {
  const y = String(date.getFullYear()).padStart(4, '0');
  const m = String(date.getMonth() + 1).padStart(2, '0');
  const d = String(date.getDate()).padStart(2, '0');
  return `${y}-${m}-${d}`;
}

/** One result row (`[{ name, value }]`) as alias → internal value. */
export function rowValues(row: unknown): Map<string, Value> {
  const out = new Map<string, Value>();
  if (!Array.isArray(row)) return out;
  for (const cell of row as { name?: unknown; value?: unknown }[]) {
    if (typeof cell?.name === 'string') out.set(cell.name, fromSpanner(cell.value, cell.name));
  }
  return out;
}
