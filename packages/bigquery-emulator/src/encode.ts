/**
 * DuckDB values → BigQuery's REST row format (`rows: [{ f: [{ v }] }]`):
 * every scalar is a string, NULL is null, REPEATED is `[{ v }]`, RECORD is
 * `{ f: [...] }` (tabledata.list / jobs.getQueryResults "TableRow").
 */
import {
  type DuckDBBlobValue,
  type DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBListValue,
  DuckDBStructValue,
  type DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBTimeValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import { bigNumericText, inBigNumericRange } from './bignumeric.ts';
import { invalid } from './errors.ts';
import type { FieldSchema } from './schema.ts';

export type Cell = { v: CellValue };
export type CellValue = string | null | Cell[] | { f: Cell[] };
export interface Row {
  f: Cell[];
}

export interface EncodeOptions {
  /** `formatOptions.useInt64Timestamp`: TIMESTAMP as int64 microseconds instead of float seconds. */
  readonly int64Timestamp: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function encodeRow(values: readonly DuckDBValue[], fields: readonly FieldSchema[], o: EncodeOptions): Row {
  return { f: fields.map((field, i) => ({ v: encodeField(values[i] ?? null, field, o) })) };
}

function encodeField(value: DuckDBValue, field: FieldSchema, o: EncodeOptions): CellValue {
  if (field.mode === 'REPEATED') {
    // A NULL array reads back as [] ("BigQuery translates a NULL ARRAY into an empty ARRAY in the query result").
    if (value === null) return [];
    if (!(value instanceof DuckDBListValue)) throw new Error(`Expected a list for ${field.name}`);
    return value.items.map((item) => {
      if (item === null) throw invalid(`Array cannot have a null element; error in writing field ${field.name}`);
      return { v: encodeScalar(item, field, o) };
    });
  }
  return encodeScalar(value, field, o);
}

function encodeScalar(value: DuckDBValue, field: FieldSchema, o: EncodeOptions): CellValue {
  if (value === null) return null;
  switch (field.type) {
    case 'RECORD': {
      if (!(value instanceof DuckDBStructValue)) throw new Error(`Expected a struct for ${field.name}`);
      const entries = Object.values(value.entries);
      return { f: (field.fields ?? []).map((sub, i) => ({ v: encodeField(entries[i] ?? null, sub, o) })) };
    }
    case 'INTEGER': {
      const n = typeof value === 'bigint' ? value : BigInt(value as number);
      // DuckDB widens SUM(BIGINT) to HUGEINT; BigQuery raises on INT64 overflow.
      if (n < INT64_MIN || n > INT64_MAX) throw invalid(`int64 overflow: ${n}`);
      return n.toString();
    }
    case 'FLOAT':
      return floatText(value as number);
    case 'BOOLEAN':
      return value ? 'true' : 'false';
    case 'NUMERIC':
      return value instanceof DuckDBDecimalValue ? decimalText(value) : String(value);
    case 'BIGNUMERIC': {
      // A BIGNUM is the value × 10^38 (bignumeric.ts); a SUM may leave BigQuery's range.
      const scaled = value as bigint;
      if (!inBigNumericRange(scaled)) throw invalid('BIGNUMERIC overflow');
      return bigNumericText(scaled);
    }
    case 'TIMESTAMP': {
      const micros = (value as DuckDBTimestampTZValue).micros;
      return o.int64Timestamp ? micros.toString() : secondsText(micros);
    }
    case 'DATETIME':
      return civil((value as DuckDBTimestampValue).micros);
    case 'DATE':
      return (value as DuckDBDateValue).toString();
    case 'TIME':
      return civilFraction((value as DuckDBTimeValue).toString());
    case 'BYTES':
      return Buffer.from((value as DuckDBBlobValue).bytes).toString('base64');
    case 'JSON':
      return String(value);
    case 'STRING':
      return String(value);
  }
}

/** FLOAT64 text the client reads with Number(): "NaN", "Infinity", "-Infinity" included. */
function floatText(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return String(n);
}

/** NUMERIC without trailing zeros: DECIMAL(38,9) 1.500000000 → "1.5" (as BigQuery prints NUMERIC). */
export function decimalText(d: DuckDBDecimalValue): string {
  const negative = d.value < 0n;
  const digits = (negative ? -d.value : d.value).toString().padStart(d.scale + 1, '0');
  const whole = digits.slice(0, digits.length - d.scale);
  const fraction = digits.slice(digits.length - d.scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Float seconds since the epoch with microsecond digits, exact (no float rounding on the way). */
function secondsText(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const seconds = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, '0');
  return `${negative ? '-' : ''}${seconds}.${fraction}`;
}

/** DATETIME as BigQuery returns it: `YYYY-MM-DDTHH:MM:SS[.fff[fff]]`. */
function civil(micros: bigint): string {
  const text = new DuckDBTimestampValue(micros).toString();
  return civilFraction(text.replace(' ', 'T'));
}

/**
 * TIME and DATETIME text with BigQuery's fraction of a second: none, 3 or 6 digits ('10:30:00',
 * '10:30:00.500', '10:30:00.123450', as its CAST to STRING prints them); DuckDB trims the trailing
 * zeros ('10:30:00.5'). The `bq_civil_text` macro (macros.ts) does the same for CAST.
 */
export function civilFraction(text: string): string {
  const point = text.indexOf('.');
  if (point < 0) return text;
  const digits = text.length - point - 1;
  return text.padEnd(point + 1 + (digits <= 3 ? 3 : 6), '0');
}
