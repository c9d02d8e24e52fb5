/**
 * TIME columns (BigQuery; Spanner has no TIME type): THE rule for how a time of day in a column
 * is a Wix TIME value.
 *
 * Wix TIME values are text "HH:mm:ss.sss" (docs/semantics.md §1.4: compared as text, since the
 * format sorts in time order); Wix writers may also send "HH:mm" or "HH:mm:ss" (core
 * wire/field-values.ts). A TIME column holds microseconds. So a TIME column is a Wix TIME field
 * whose value is its time at the millisecond as fixed-width "HH:mm:ss.sss" text (finer digits
 * dropped, as TIMESTAMP columns drop theirs: target.ts `millisecondOf`): text order is then time
 * order, and the same text is answered, filtered, sorted, grouped and paged on, so a filter built
 * from an answered value finds its row. A write sends the value as a TIME.
 */

const TIME_TEXT = /^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?$/;

/** A time of day's fixed-width "HH:mm:ss" and its fraction digits as written; undefined when `text` is none. */
function timeOfDayParts(text: string): { readonly seconds: string; readonly fraction: string } | undefined {
  const m = TIME_TEXT.exec(text);
  if (!m) return undefined;
  const [hour, minute, second] = [m[1], m[2], m[3] ?? '0'].map(Number) as [number, number, number];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const two = (n: number) => String(n).padStart(2, '0');
  return { seconds: `${two(hour)}:${two(minute)}:${two(second)}`, fraction: m[4] ?? '' };
}

/**
 * A time of day ("H:m", "HH:mm:ss", "HH:mm:ss.ffffff" …) as the fixed-width "HH:mm:ss.sss" text
 * of its millisecond (truncated); undefined when `text` is not a time of day.
 */
export function timeOfDayText(text: string): string | undefined {
  const parts = timeOfDayParts(text);
  return parts && `${parts.seconds}.${parts.fraction.padEnd(3, '0').slice(0, 3)}`;
}

/**
 * A filter operand for a TIME column (filter.ts `timeOperand`): `timeOfDayText`'s fixed-width
 * "HH:mm:ss.sss", followed by the operand's digits finer than the millisecond when it has any
 * that are not zeros. Compared as text with the column's fixed-width values it then compares as
 * times: "10:30:00.0005" is after the stored "10:30:00.000" (a longer text with the same start)
 * and before "10:30:00.001", and equals no stored value; "10:30:00.500000" is "10:30:00.500".
 * Undefined when `text` is not a time of day.
 */
export function timeOfDayOperand(text: string): string | undefined {
  const parts = timeOfDayParts(text);
  if (!parts) return undefined;
  const fraction = parts.fraction.padEnd(3, '0');
  return `${parts.seconds}.${fraction.slice(0, 3)}${fraction.slice(3).replace(/0+$/, '')}`;
}

/**
 * The SQL of a TIME value's "HH:mm:ss.sss" text (`timeOfDayText`). GoogleSQL's CAST(TIME AS
 * STRING) prints "HH:MM:SS" and the fraction of a second in groups of three digits (none, 3 or 6:
 * '10:30:00', '10:30:00.500', '10:30:00.123450'; packages/bigquery-emulator reproduces it), so
 * appending '.000' and keeping 12 characters gives the millisecond, truncated. It is its own
 * text's fixed point: applied again to that text (a STRING: a derived table holding the values,
 * distinct.ts, aggregate.ts) it answers the same text.
 */
export function timeOfDaySql(expr: string): string {
  return `SUBSTR(CONCAT(CAST(${expr} AS STRING), '.000'), 1, 12)`;
}
