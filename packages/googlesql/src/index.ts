// @adaptors/googlesql — pure AST → { sql, params, types } for GoogleSQL (Spanner and BigQuery). See README.md.

export { compileAggregate } from './aggregate.ts';
export { columnCapabilities, nestedPathOperators } from './capabilities.ts';
export { bigquery, type Dialect, spanner } from './dialects.ts';
export { compileDistinct } from './distinct.ts';
export { compileFilter } from './filter.ts';
export { jsonPathLiteral, quoteIdentifier } from './identifiers.ts';
export { defaultColumnType } from './mapping.ts';
export { ParamBag } from './params.ts';
export { compileCount, compileSelect } from './select.ts';
export type {
  ColumnInfo,
  ColumnType,
  CompiledQuery,
  OutputColumn,
  ParamType,
  ScalarColumnType,
  TableInfo,
} from './types.ts';
