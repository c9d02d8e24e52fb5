/**
 * `{"$date": "…"}` — the wire form of a DATETIME instant (docs/protocol.md §9.2):
 * always emitted with milliseconds and `Z`; accepted with or without
 * milliseconds, with an explicit offset or without a zone (read as UTC).
 * Instants outside years 0001–9999 (UTC) are refused (wire/limits.ts): no
 * engine's TIMESTAMP can hold them.
 */
import { instantInRange } from './limits.ts';

export interface DateLiteral {
  readonly $date: string;
}

// ISO 8601 date-time: 2024-05-01T09:30:00Z, …00.123Z, …00+02:00, or without a zone (…09:30:00),
// which reads as UTC (docs/protocol.md §9.2: Wix's dates are UTC instants; JavaScript alone would
// read a zone-less date-time as the server's local time).
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether year-month-day names a real calendar day of years 0001–9999 (no 2024-02-30), by
 * arithmetic: `Date.UTC` reads years 0–99 as 1900–1999, which refused every date of the first
 * century (the engines' DATE and TIMESTAMP start at 0001-01-01).
 */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] as number));
}

/** True for an object whose only key is `$date` (any value type; see parseDateLiteral). */
export function isDateLiteral(value: unknown): value is { $date: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$date';
}

/** Parses an ISO instant string; undefined when it is not one, or not within years 0001–9999 (UTC). */
export function parseInstant(text: string): Date | undefined {
  const parts = ISO_INSTANT.exec(text);
  if (!parts) return undefined;
  // The day and hour written must exist: JavaScript reads 2024-02-30 as 1 March and 24:00 as the
  // next day's midnight, which stored another instant than the one sent.
  if (!isCalendarDay(Number(parts[1]), Number(parts[2]), Number(parts[3])) || Number(parts[4]) > 23) return undefined;
  const date = new Date(parts[7] === undefined ? `${text}Z` : text);
  return Number.isNaN(date.getTime()) || !instantInRange(date) ? undefined : date;
}

/** `{"$date": iso}` → Date; undefined when the literal is malformed. */
export function parseDateLiteral(value: { $date: unknown }): Date | undefined {
  return typeof value.$date === 'string' ? parseInstant(value.$date) : undefined;
}

/** Date → `{"$date": "YYYY-MM-DDTHH:mm:ss.sssZ"}`. */
export function toDateLiteral(date: Date): DateLiteral {
  return { $date: date.toISOString() };
}
