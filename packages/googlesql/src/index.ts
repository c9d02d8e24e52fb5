// @adaptors/googlesql — pure AST → { sql, params, types } for GoogleSQL (Spanner and BigQuery), plus the
// engine-neutral storage helpers both services share (src/storage/: no client imports). See README.md.

export { BigQueryCompiler, bigquery } from './bigquery.ts';
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
export { fieldCapabilitiesByType } from './storage/capabilities.ts';
export { storedCollection } from './storage/collections.ts';
export { describeColumnType, fieldTypeOfColumn } from './storage/columns.ts';
export { type RunCompiled, readAggregate, readDistinct, readNumber } from './storage/reads.ts';
export {
  itemsById,
  itemsByIdQuery,
  type PairsQuery,
  pairsQuery,
  queryReferenced,
  type ReferencedPages,
} from './storage/references.ts';
export { toItem } from './storage/rows.ts';
export {
  type CollectionSnapshot,
  type CollectionView,
  collectionSnapshot,
  SchemaSnapshotCache,
  type SchemaVersionSource,
} from './storage/schema-cache.ts';
export { renderTypeTable, type TypeTableOptions } from './storage/type-table.ts';
export { fromAny, numericText, toJson } from './storage/values.ts';
export { lastPerId } from './storage/writes.ts';
export type {
  ColumnInfo,
  ColumnType,
  CompiledQuery,
  OutputColumn,
  ParamType,
  ScalarColumnType,
  TableInfo,
} from './types.ts';
