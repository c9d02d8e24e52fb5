/**
 * Exact typing of JSON values (docs/semantics.md §1.3 same-type rule:
 * the number 5 never equals the string "5"). JSON_TYPE names the JSON type
 * (`object`, `array`, `string`, `number`, `boolean`, `null`); a LAX_*
 * converter then reads the value. LAX_* never raise errors, and the
 * JSON_TYPE guard stops them from coercing ("5" → 5) — both dialects have
 * all of these functions (README.md "Dialect facts").
 */
import type { ValueKind } from './params.ts';

const JSON_TYPE_OF_KIND: Readonly<Record<Exclude<ValueKind, 'date'>, string>> = {
  number: 'number',
  string: 'string',
  boolean: 'boolean',
};

const LAX_OF_KIND: Readonly<Record<Exclude<ValueKind, 'date'>, string>> = {
  number: 'LAX_FLOAT64',
  string: 'LAX_STRING',
  boolean: 'LAX_BOOL',
};

/** The value of a JSON expression as SQL of `kind`, or NULL when it is another JSON type (or missing). */
export function jsonAs(kind: Exclude<ValueKind, 'date'>, json: string): string {
  return `CASE WHEN JSON_TYPE(${json}) = '${JSON_TYPE_OF_KIND[kind]}' THEN ${LAX_OF_KIND[kind]}(${json}) END`;
}

/** JSON `null` (missing is SQL NULL): both are "no value" for the evaluator (§1.8). */
export function jsonIsNullValue(json: string): string {
  return `JSON_TYPE(${json}) = 'null'`;
}

/** The elements of a JSON array; no rows for any other value (JSON_QUERY_ARRAY gives NULL). */
export function jsonElements(json: string): string {
  return `UNNEST(JSON_QUERY_ARRAY(${json}))`;
}

/**
 * Sort rank of a JSON value, mirroring the evaluator's cross-type order
 * (core compare.ts TYPE_ORDER: null/missing < number < string < object <
 * array < boolean < date). A {"$date"} object is a date for the evaluator (core
 * SEMANTICS.md #21) but ranks as an object here: see order.ts.
 */
export function jsonRank(json: string): string {
  return `CASE JSON_TYPE(${json}) WHEN 'number' THEN 1 WHEN 'string' THEN 2 WHEN 'object' THEN 3 WHEN 'array' THEN 4 WHEN 'boolean' THEN 5 ELSE 0 END`;
}

/** Evaluator rank of each scalar kind (core compare.ts TYPE_ORDER). */
export const KIND_RANK: Readonly<Record<ValueKind, number>> = { number: 1, string: 2, boolean: 5, date: 6 };
