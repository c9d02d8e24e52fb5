/**
 * The compiler's vocabulary: the physical schema the caller hands in
 * (TableInfo), dialect-neutral parameter types, and the compiled output.
 * Nothing here is guessed from data: the service reads its schema and says
 * which column holds which Wix field (docs/design.md §4).
 */

export type ScalarColumnType =
  | 'STRING'
  | 'FLOAT64'
  | 'INT64'
  | 'NUMERIC'
  | 'BIGNUMERIC'
  | 'BOOL'
  | 'TIMESTAMP'
  | 'DATE'
  /** BigQuery only: a time of day, the Wix TIME field's "HH:mm:ss.sss" text (time-of-day.ts). */
  | 'TIME'
  | 'JSON'
  | 'BYTES';
export type ColumnType = ScalarColumnType | { readonly array: ScalarColumnType };

export interface ColumnInfo {
  /** Physical column name (quoted by the dialect's one quote function). */
  readonly name: string;
  readonly type: ColumnType;
  /**
   * Only with type JSON: every value is an array of this scalar type, or NULL
   * (e.g. BigQuery keeps ARRAY_STRING in JSON because a REPEATED column cannot
   * be NULL). Operators then work element-wise, exactly as on ARRAY columns.
   */
  readonly elements?: ScalarColumnType;
  /**
   * Only with type STRING: a column that always holds exactly LOWER(this
   * column) (a stored generated column, e.g. behind a Spanner case-insensitive
   * index). Case-insensitive comparisons read it instead of computing LOWER,
   * so the database can use an index on it; the answers are the same.
   */
  readonly lowered?: string;
  /**
   * Only with INT64/NUMERIC/BIGNUMERIC: the field is Wix TEXT holding each value's exact
   * decimal text (exact-numbers.ts). Projections read `CAST(col AS STRING)`;
   * equality, ranges and sorts still run on the column's own type.
   */
  readonly decimalText?: boolean;
  /**
   * Only with TIMESTAMP: every value is already a whole millisecond (a column a query derived
   * at the millisecond: distinct values, group keys, MIN/MAX), compared as it is rather than
   * through target.ts `millisecondOf` again.
   */
  readonly millisecond?: true;
}

export interface TableInfo {
  /** Physical table name; BigQuery may qualify it (`dataset.table`). */
  readonly name: string;
  /** Wix field key → column. Keys without a column hold no value (always missing). */
  readonly columns: ReadonlyMap<string, ColumnInfo>;
}

/** Dialect-neutral parameter type; each executor maps it to its client's format. */
export interface ParamType {
  readonly type:
    | 'STRING'
    | 'FLOAT64'
    | 'INT64'
    | 'BOOL'
    | 'TIMESTAMP'
    | 'DATE'
    | 'JSON'
    | 'NUMERIC'
    | 'BIGNUMERIC'
    | 'BYTES';
  readonly array?: boolean;
}

/** An output column: the SQL alias and the Wix key the executor renames it to. */
export interface OutputColumn {
  readonly alias: string;
  readonly key: string;
  /** The cell is a TIMESTAMP's epoch milliseconds (SqlHooks.timestampMillis): answered as a Date. */
  readonly millis?: true;
}

export interface CompiledQuery {
  readonly sql: string;
  /** Parameter name (without `@`) → JS value (Date for TIMESTAMP, number, string, boolean, arrays, null). */
  readonly params: Record<string, unknown>;
  /** Parameter name → explicit type, for every parameter (nulls and empty arrays included). */
  readonly types: Record<string, ParamType>;
  /** Result columns in SELECT order, when the rows carry Wix keys under safe aliases. */
  readonly columns?: readonly OutputColumn[];
}
