/**
 * Values between the core's internal form (query/ast.ts: JSON with `Date` for
 * instants) and BigQuery's REST encoding: query parameters per googlesql
 * ParamType (encoded by params.ts), row values for DML, and result cells back.
 *
 * Parameter values are what jobs.query carries: an instant stays a `Date` (sent as its ISO
 * text), DATE and TIME values their text, JSON values JSON text, NUMERIC and BIGNUMERIC values
 * their decimal text. Results are read raw (`f`/`v`) and decoded here from the response schema
 * (the official client decodes negative int64-microsecond timestamps, before 1970, wrongly).
 */
import { errors, type Field, type Item, type Value } from '@adaptors/core';
import {
  type ColumnType,
  type CompiledQuery,
  doubleOfDecimal,
  type ParamType,
  plainText,
  type ScalarColumnType,
  timeOfDayText,
} from '@adaptors/googlesql';
import { cellValue, columnPlan, numericText, putValue, scalarToStore, toJson } from '@adaptors/sql-storage';
import type { ParameterType } from './params.ts';
import type { ColumnShape } from './types.ts';

export interface Statement {
  readonly sql: string;
  readonly params: Record<string, unknown>;
  readonly types: Record<string, ParameterType>;
  /** Result alias → Wix key, so a value refused while decoding is reported under its field's name. */
  readonly names?: ReadonlyMap<string, string>;
}

/** googlesql parameters → what the client sends for their declared types. */
export function clientParams(
  params: Record<string, unknown>,
  types: Record<string, ParamType>,
): { params: Record<string, unknown>; types: Record<string, ParameterType> } {
  const outParams: Record<string, unknown> = {};
  const outTypes: Record<string, ParameterType> = {};
  for (const [name, type] of Object.entries(types)) {
    const value = params[name];
    outTypes[name] = type.array ? [type.type] : type.type;
    outParams[name] =
      type.array && Array.isArray(value)
        ? value.map((v) => paramValue(type.type, v as Value))
        : paramValue(type.type, value as Value);
  }
  return { params: outParams, types: outTypes };
}

export function paramValue(type: ScalarColumnType | ParamType['type'], value: Value | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'JSON':
      return JSON.stringify(toJson(value));
    case 'NUMERIC':
      return typeof value === 'number' ? numericText(value) : value;
    // The double's own shortest text, not rounded to NUMERIC's 9 places (one BIGNUMERIC cannot hold is refused).
    case 'BIGNUMERIC':
      return typeof value === 'number' ? plainText(value) : value;
    default:
      return value;
  }
}

/** Client type of a column, for the STRUCT fields of a rows parameter. */
export function clientColumnType(type: ColumnType): ParameterType {
  return typeof type === 'object' ? [type.array] : type;
}

/**
 * An item value → the parameter value for a column. Throws a VALIDATION_ERROR
 * naming the field when the column cannot hold it (only possible on tables
 * the adaptor did not create, e.g. 2.5 into INT64). A REPEATED column cannot
 * be NULL in BigQuery: a missing array is written as [] (and read back so).
 */
export function columnValue(key: string, shape: ColumnShape, value: Value | undefined): unknown {
  const type = shape.type;
  if (typeof type === 'object') {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) throw errors.violation(key, value, `must be an array (ARRAY<${type.array}> column)`);
    return value.map((element) => {
      if (element === null) throw errors.violation(key, value, 'BigQuery arrays cannot hold null elements');
      return scalarToStore(key, type.array, element as Value);
    });
  }
  if (value === null || value === undefined) return null;
  return scalarToStore(key, type, value);
}

/** A schema field of a query response (`schema.fields[]`). */
export interface ResultField {
  readonly name: string;
  readonly type: string;
  readonly mode?: string;
  readonly fields?: readonly ResultField[];
}

type Cell = { v?: unknown } | null | undefined;

/** One raw cell value (`v`) → internal value. */
type CellDecoder = (raw: unknown) => Value;

/**
 * The decoder of a response's raw rows (`{ f: [{ v }] }`) → alias → internal value, built once
 * per response from its schema: each column's type is read once, not once per cell.
 */
export function rowDecoder(
  fields: readonly ResultField[],
  names?: ReadonlyMap<string, string>,
): (row: unknown) => Map<string, Value> {
  const columns = fields.map((field) => ({
    name: field.name,
    decode: cellDecoder(field, names?.get(field.name) ?? field.name),
  }));
  return (row) => {
    const out = new Map<string, Value>();
    const cells = (row as { f?: Cell[] } | null)?.f ?? [];
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] as (typeof columns)[number];
      out.set(column.name, column.decode(cells[i]?.v));
    }
    return out;
  };
}

/**
 * The decoder of a response's raw rows straight to items (the runner's `items`): the column
 * plan (sql-storage `columnPlan`: which cell answers which key) and each column's decoder are
 * worked out once per response, and no alias → value Map is built per row. Same items as
 * `toItem(rowDecoder(…)(row), …)`.
 */
export function itemDecoder(
  fields: readonly ResultField[],
  query: CompiledQuery,
  wixFields: ReadonlyMap<string, Field>,
): (row: unknown) => Item {
  const plan = columnPlan(
    query,
    wixFields,
    fields.map((field) => field.name),
  ).map((column) => ({ ...column, decode: cellDecoder(fields[column.index] as ResultField, column.key) }));
  return (row) => {
    const item: Record<string, Value> = {};
    const cells = (row as { f?: Cell[] } | null)?.f ?? [];
    for (const column of plan) {
      putValue(item, column.key, column.any, cellValue(column.decode(cells[column.index]?.v), column));
    }
    return item;
  };
}

function cellDecoder(field: ResultField, key: string): CellDecoder {
  const type = field.type.toUpperCase();
  if (field.mode?.toUpperCase() === 'REPEATED') {
    // Integer and decimal elements are their exact decimal text (googlesql exact-numbers.ts), never rounded.
    const element = DECIMAL_CELLS.has(type) ? decimalElement : scalarDecoder(type, key);
    return (raw) => (Array.isArray(raw) ? raw.map((cell: Cell) => element(cell?.v)) : []);
  }
  return scalarDecoder(type, key);
}

const DECIMAL_CELLS = new Set(['INTEGER', 'INT64', 'NUMERIC', 'BIGNUMERIC']);

/** BigQuery prints integers and decimals canonically (no exponent, no trailing zeros): the text is the value. */
function decimalElement(raw: unknown): Value {
  return raw === null || raw === undefined ? null : String(raw);
}

/**
 * A cell value (always text in the REST encoding) → internal value.
 * TIMESTAMP: int64 microseconds (`formatOptions.useInt64Timestamp`, runner.ts)
 * → Date, floor to whole milliseconds (also before 1970).
 */
function scalarDecoder(type: string, key: string): CellDecoder {
  const text = (decode: (text: string) => Value): CellDecoder => {
    return (raw) => (raw === null || raw === undefined ? null : decode(String(raw)));
  };
  switch (type) {
    case 'FLOAT':
    case 'FLOAT64':
      return text(Number);
    // Decimal-text fields are read as STRING (googlesql exact-numbers.ts); an integer or decimal cell
    // is a number only when a double holds it exactly, never rounded.
    case 'INTEGER':
    case 'INT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return text((t) => doubleOfDecimal(key, t));
    case 'BOOLEAN':
    case 'BOOL':
      return text((t) => t === 'true');
    case 'TIMESTAMP':
      return text(timestampOf);
    // "HH:MM:SS[.fff[fff]]" → the "HH:mm:ss.sss" text queries compare (googlesql time-of-day.ts); queries
    // already read that text, rows read by `_id` (writes.ts) read the column itself.
    case 'TIME':
      return text((t) => timeOfDayText(t) ?? t);
    case 'JSON':
      return text((t) => JSON.parse(t) as Value);
    case 'RECORD':
    case 'STRUCT':
      return () => null; // not exposed (no Wix type), never selected by the adaptor
    default:
      // STRING, DATE ("YYYY-MM-DD"), BYTES (base64), DATETIME …
      return text((t) => t);
  }
}

const INTEGER_TEXT = /^-?\d+$/;

function timestampOf(text: string): Date {
  if (INTEGER_TEXT.test(text)) {
    // Integer text converts exactly while it is a safe integer (|microseconds| < 2^53: years
    // 1685–2255), so the common case stays in doubles; beyond, BigInt.
    const micros = Number(text);
    if (Number.isSafeInteger(micros)) {
      // Floor division in exact integer arithmetic, so 1969 instants keep their millisecond.
      return new Date((micros - (((micros % 1000) + 1000) % 1000)) / 1000);
    }
    const big = BigInt(text);
    // Floor division, so 1969 instants keep their millisecond (BigInt division truncates toward 0).
    let ms = big / 1000n;
    if (big % 1000n < 0n) ms -= 1n;
    return new Date(Number(ms));
  }
  // Float seconds (useInt64Timestamp=false) or ISO text.
  const seconds = Number(text);
  return Number.isFinite(seconds) ? new Date(Math.floor(seconds * 1000)) : new Date(text);
}
