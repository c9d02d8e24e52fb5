// @adaptors/googlesql — pure AST → { sql, params, types } for GoogleSQL (Spanner and BigQuery): a default
// compiler and the engine hooks its subclasses override. No I/O; the storage built on it is @adaptors/sql-storage.
// See README.md.

export { BigQueryCompiler, bigquery } from './bigquery.ts';
export { describeColumnType, fieldTypeOfColumn } from './columns.ts';
export { GoogleSqlCompiler } from './compiler.ts';
export {
  canonicalDecimal,
  columnInfo,
  type DecimalColumnType,
  decimalFieldType,
  decimalRange,
  decimalToStore,
  doubleOfDecimal,
  exactDecimal,
  isDecimalType,
  NumberColumns,
  numberColumnsSetting,
  plainText,
} from './exact-numbers.ts';
export type { SqlHooks } from './hooks.ts';
export { jsonPathLiteral } from './identifiers.ts';
export { defaultColumnType } from './mapping.ts';
export { ParamBag } from './params.ts';
export { SpannerCompiler, spanner } from './spanner.ts';
export { timeOfDaySql, timeOfDayText } from './time-of-day.ts';
export type {
  ColumnInfo,
  ColumnType,
  CompiledQuery,
  OutputColumn,
  ParamType,
  ScalarColumnType,
  TableInfo,
} from './types.ts';
