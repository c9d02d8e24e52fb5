// @adaptors/sql-storage — one SQL storage (packages/core/src/storage.ts) over a narrow seam per engine:
// the schema snapshot cache, reads, references and write bookkeeping the Spanner and BigQuery adaptors
// share. See README.md.

export { fieldCapabilitiesByType } from './capabilities.ts';
export {
  INTERNAL_PREFIX,
  inferredField,
  isInternalTable,
  isSystemKey,
  SYSTEM_COLUMN_SCALARS,
  sqlCollection,
  storedCollection,
  wrongSystemType,
} from './collections.ts';
export type {
  ErrorTranslator,
  IndexManager,
  ItemWriter,
  ReferenceWriter,
  SchemaIntrospector,
  SqlCollection,
  SqlEngine,
  StatementRunner,
} from './engine.ts';
export { type RunCompiled, readAggregate, readDistinct, readNumber, SqlReader } from './reads.ts';
export {
  insertAnswers,
  itemsById,
  itemsByIdQuery,
  type PairsQuery,
  pairId,
  pairsQuery,
  queryReferenced,
  REFERENCES_TABLE,
  type ReferencedPages,
  referencesStatements,
  removeAnswers,
} from './references.ts';
export { cellValue, columnPlan, type PlannedColumn, putValue, toItem } from './rows.ts';
export { CachedSchema } from './schema.ts';
export { SchemaSnapshotCache, type SchemaVersionSource } from './schema-cache.ts';
export { sqlStorageSettings } from './settings.ts';
export {
  type CollectionSnapshot,
  type CollectionView,
  collectionSnapshot,
  type LazyCollectionSnapshot,
  type LazySnapshotOptions,
  lazyCollectionSnapshot,
} from './snapshot.ts';
export { createSqlStorage } from './storage.ts';
export { renderTypeTable, type TypeTableOptions } from './type-table.ts';
export { fromAny, numericText, scalarToStore, toJson } from './values.ts';
export {
  type BatchLimits,
  batches,
  isSchemaChangedMeanwhile,
  lastPerId,
  type Pending,
  prepareWrites,
  removalAnswers,
  schemaChangedMeanwhile,
  updatesFound,
  writeItems,
  writeOrSplit,
} from './writes.ts';
