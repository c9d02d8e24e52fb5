/**
 * Where GoogleSQL engines differ: the handful of hooks the compiler asks its
 * engine for (compiler.ts implements the GoogleSQL defaults; spanner.ts and
 * bigquery.ts override what their engine does differently). Everything else
 * the compiler emits is the same text on every engine (README.md "Dialect facts").
 */
import type { ScalarColumnType } from './types.ts';

export interface SqlHooks {
  /** The engine's name, in error messages. */
  readonly name: string;
  /** The ONE way an identifier (table, column, alias) reaches the SQL text. */
  quote(name: string): string;
  /** How the SQL text refers to the named parameter. */
  placeholder(name: string): string;
  /** `value` is one of the elements of the array expression `array`. */
  inArray(value: string, array: string): string;
  /** The JSON value at `path` (object keys) inside the JSON expression `json`. */
  jsonQuery(json: string, path: readonly string[]): string;
  /** `value` matches the RE2 `pattern` somewhere. */
  regexpContains(value: string, pattern: string): string;
  /** The engine's spelling of a scalar type in CAST. */
  typeName(type: ScalarColumnType): string;
  /**
   * How a TIMESTAMP value the query answers is read: undefined to answer the
   * TIMESTAMP itself, or SQL of its epoch milliseconds (`UNIX_MILLIS`) for an
   * engine whose client decodes instants wrongly or slowly; the storage then
   * turns the number into a Date (OutputColumn.millis). Filters, sorts and
   * keyset conditions always use the value itself, so indexes still apply.
   */
  timestampMillis(value: string): string | undefined;
}
