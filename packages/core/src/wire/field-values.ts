/**
 * One wire value → internal value, driven by the field's declared type
 * (docs/protocol.md §9.2, docs/semantics.md §7.2). Never by the value's shape: a
 * TEXT field holding an ISO string stays a string. `null` is handled by the
 * caller (it clears any field).
 */
import { rejectedValueOf, type Violation } from '../errors.ts';
import type { FieldType } from '../model.ts';
import { isObjectValue } from '../plain-object.ts';
import type { Value } from '../query/ast.ts';
import { isCalendarDay, isDateLiteral, parseDateLiteral, parseInstant } from './dates.ts';
import { INSTANT_RANGE_TEXT } from './limits.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// 24 h; seconds and 1–3 fractional digits optional (docs/protocol.md §9.2: "HH:mm[:ss[.sss]]", e.g. "16:45").
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,3})?)?$/;

const DATETIME_HINT = `must be a date-time: {"$date": "YYYY-MM-DDTHH:mm:ss.sssZ"}, ${INSTANT_RANGE_TEXT}`;

/** Types whose wire value is a plain string (§9.2). */
export const STRING_FIELD_TYPES: ReadonlySet<FieldType> = new Set([
  'TEXT',
  'URL',
  'IMAGE',
  'VIDEO',
  'AUDIO',
  'DOCUMENT',
  'RICH_TEXT',
  'LANGUAGE',
]);
const OBJECT_TYPES: ReadonlySet<FieldType> = new Set(['OBJECT', 'ADDRESS', 'RICH_CONTENT']);
const ARRAY_TYPES: ReadonlySet<FieldType> = new Set(['ARRAY', 'MEDIA_GALLERY', 'ARRAY_DOCUMENT']);

/** "YYYY-MM-DD" naming a real calendar day (no 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  return match !== null && isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

export function isTimeOfDay(text: string): boolean {
  return TIME.test(text);
}

/**
 * A DATETIME value: `{"$date": iso}` (ms optional, any offset), or — liberal —
 * a bare ISO instant string or a Date. undefined when it is none of these.
 */
export function toInstant(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (isDateLiteral(value)) return parseDateLiteral(value);
  if (typeof value === 'string') return parseInstant(value);
  return undefined;
}

/**
 * Decodes a non-null `value` of a field of type `type`; on a bad value pushes
 * a violation at `path` (or below it) and returns undefined.
 */
export function decodeFieldValue(type: FieldType, value: unknown, path: string, out: Violation[]): Value | undefined {
  const bad = (message: string, at = path, rejected: unknown = value): undefined => {
    out.push({ fieldPath: at, rejectedValue: rejectedValueOf(rejected), message });
    return undefined;
  };

  if (STRING_FIELD_TYPES.has(type)) return typeof value === 'string' ? value : bad(`must be a string (${type} field)`);
  if (OBJECT_TYPES.has(type)) return isObjectValue(value) ? (value as Value) : bad(`must be an object (${type} field)`);
  if (ARRAY_TYPES.has(type)) return Array.isArray(value) ? (value as Value) : bad(`must be an array (${type} field)`);

  switch (type) {
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : bad('must be a finite number (NUMBER field)');
    case 'BOOLEAN':
      return typeof value === 'boolean' ? value : bad('must be true or false (BOOLEAN field)');
    case 'DATETIME':
      return toInstant(value) ?? bad(DATETIME_HINT);
    case 'DATE':
      return typeof value === 'string' && isCalendarDate(value)
        ? value
        : bad('must be a calendar date "YYYY-MM-DD" (DATE field)');
    case 'TIME':
      return typeof value === 'string' && isTimeOfDay(value)
        ? value
        : bad('must be a time of day "HH:mm", "HH:mm:ss" or "HH:mm:ss.sss", 24 h (TIME field)');
    case 'REFERENCE':
      // The referenced item's `_id`; a writer may send the whole item (§9.2).
      if (typeof value === 'string') return value;
      if (isObjectValue(value) && typeof value._id === 'string') return value._id;
      return bad('must be the referenced item\'s _id (a string) or an item object with an "_id" (REFERENCE field)');
    case 'ARRAY_STRING': {
      if (!Array.isArray(value)) return bad('must be an array of strings (ARRAY_STRING field)');
      const before = out.length;
      value.forEach((element, index) => {
        if (typeof element !== 'string') bad('must be a string (ARRAY_STRING element)', `${path}[${index}]`, element);
      });
      return out.length === before ? (value as string[]) : undefined;
    }
    case 'ANY':
      return decodeAny(value);
    default:
      // MULTI_REFERENCE never reaches here (the codec skips it); any type added
      // to the enum later is kept verbatim rather than refused.
      return decodeAny(value);
  }
}

/**
 * ANY (and undeclared fields of non-strict collections): any JSON, verbatim.
 * Only a top-level well-formed `{"$date"}` literal becomes a Date — it is an
 * explicit type tag, and the filter parser reads the same literal as a Date,
 * so comparisons line up. Nested literals are kept as they are.
 */
export function decodeAny(value: unknown): Value {
  if (isDateLiteral(value)) {
    const date = parseDateLiteral(value);
    if (date) return date;
  }
  return value as Value;
}
