/**
 * Engine-neutral value conversions shared by the Spanner and BigQuery
 * storages. Only what is the same for both lives here; how each client wants
 * a value wrapped (Spanner.float, BigQuery.timestamp, …) stays in its service.
 */
import { isDateLiteral, parseDateLiteral, type Value } from '@adaptors/core';

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
