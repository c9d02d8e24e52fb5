/**
 * `{"$date": "…"}` — the wire form of a DATETIME instant (docs/protocol.md §9.2):
 * always emitted with milliseconds and `Z`; accepted with or without
 * milliseconds, and with an explicit offset, always read as an instant.
 * Instants outside years 0001–9999 (UTC) are refused (wire/limits.ts): no
 * engine's TIMESTAMP can hold them.
 */
import { instantInRange } from './limits.ts';

export interface DateLiteral {
  readonly $date: string;
}

// ISO 8601 date-time with mandatory zone: 2024-05-01T09:30:00Z, …00.123Z, …00+02:00
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** True for an object whose only key is `$date` (any value type; see parseDateLiteral). */
export function isDateLiteral(value: unknown): value is { $date: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$date';
}

/** Parses an ISO instant string; undefined when it is not one, or not within years 0001–9999 (UTC). */
export function parseInstant(text: string): Date | undefined {
  if (!ISO_INSTANT.test(text)) return undefined;
  const date = new Date(text);
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
