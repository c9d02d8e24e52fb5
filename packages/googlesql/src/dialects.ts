/**
 * The two GoogleSQL dialects. They share almost everything this compiler
 * emits (README.md "Dialect facts"); the hooks below are only where they
 * really differ: which identifiers they accept.
 *
 * Null ordering needs no hook: both put NULLs first in ASC and last in DESC
 * by default, which is exactly "missing ranks lowest" (docs/semantics.md
 * §2), so ORDER BY never needs NULLS FIRST/LAST.
 */

export interface Dialect {
  readonly name: 'spanner' | 'bigquery';
  /**
   * Why an identifier cannot be used, or undefined when it can. Characters
   * that could leave the backticks (backtick, backslash, control characters)
   * are refused by identifiers.ts for every dialect before this runs.
   */
  readonly identifierProblem: (name: string) => string | undefined;
}

const SPANNER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Spanner schema object names are letters, digits and underscores, at most
 * 128 characters (Spanner "Naming rules"); anything else cannot name a real
 * table or column, so it is refused instead of quoted.
 */
export const spanner: Dialect = Object.freeze({
  name: 'spanner',
  identifierProblem(name: string): string | undefined {
    if (name.length > 128) return 'is longer than 128 characters (Spanner naming rules)';
    if (!SPANNER_NAME.test(name))
      return 'must be letters, digits and underscores, not starting with a digit (Spanner naming rules)';
    return undefined;
  },
});

/**
 * BigQuery has "flexible column names" (spaces, dashes, many symbols) and
 * qualified table names (`project.dataset.table`), all legal inside one pair
 * of backticks; quoted identifiers can be up to 1024 characters for tables.
 */
export const bigquery: Dialect = Object.freeze({
  name: 'bigquery',
  identifierProblem(name: string): string | undefined {
    if (name.length > 1024) return 'is longer than 1024 characters (BigQuery limit)';
    return undefined;
  },
});
