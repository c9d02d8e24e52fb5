/**
 * Engine-neutral value conversions shared by the Spanner and BigQuery
 * storages. Only what is the same for both lives here; how each client wants
 * a value wrapped (Spanner.float, BigQuery.timestamp, …) stays in its service.
 */
import { errors, isDateLiteral, parseDateLiteral, type Value } from '@adaptors/core';
import { decimalToStore, type ScalarColumnType, timeOfDayText } from '@adaptors/googlesql';

/** A Wix value as JSON: `Date` → `{"$date": iso}` (the form the core's codec reads back, SEMANTICS.md #21). */
export function toJson(value: Value): unknown {
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map((v) => toJson(v as Value));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v as Value);
    return out;
  }
  return value;
}

/** An ANY column's stored JSON back to a Wix value: a top-level `{"$date"}` (see `toJson`) is a Date again. */
export function fromAny(value: Value): Value {
  return isDateLiteral(value) ? (parseDateLiteral(value) ?? value) : value;
}

/**
 * A number as NUMERIC text: plain decimal, no exponent or grouping, at most 9
 * fractional digits (the NUMERIC scale of both Spanner and BigQuery).
 */
export function numericText(n: number): string {
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 9 });
}

/**
 * An item value checked against a scalar column and given in the neutral
 * form every engine starts from: JSON as text, INT64/NUMERIC as exact decimal
 * text (googlesql exact-numbers.ts: never rounded), DATE as "YYYY-MM-DD", TIME as "HH:mm:ss.sss",
 * BYTES as base64 text. A value the column cannot hold is a VALIDATION_ERROR
 * naming the field (only possible on tables the adaptor did not create, e.g.
 * 2.5 into INT64). Each engine then wraps the result for its client.
 */
export function scalarToStore(key: string, type: ScalarColumnType, value: Value): string | number | boolean | Date {
  const refuse = (expected: string): never => {
    throw errors.violation(key, value, `must be ${expected} to be stored in this ${type} column`);
  };
  switch (type) {
    case 'JSON':
      return JSON.stringify(toJson(value));
    case 'STRING':
      return typeof value === 'string' ? value : refuse('a string');
    case 'FLOAT64':
      return typeof value === 'number' ? value : refuse('a number');
    // Exact or refused, never rounded (googlesql exact-numbers.ts): decimal text, or a double the column holds.
    case 'INT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return decimalToStore(key, type, value);
    case 'BOOL':
      return typeof value === 'boolean' ? value : refuse('true or false');
    case 'TIMESTAMP':
      return value instanceof Date ? value : refuse('a date-time');
    case 'DATE':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : refuse('a date "YYYY-MM-DD"');
    // The millisecond text the column answers (googlesql time-of-day.ts), so the write's answer is the value read back.
    case 'TIME':
      return (typeof value === 'string' ? timeOfDayText(value) : undefined) ?? refuse('a time of day "HH:mm:ss.sss"');
    case 'BYTES':
      return typeof value === 'string' ? value : refuse('base64 text');
  }
}
