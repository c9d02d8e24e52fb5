// @adaptors/sql-storage — one SQL storage (packages/core/src/storage.ts) over a narrow seam per engine:
// the schema snapshot cache, reads, references and write bookkeeping the Spanner and BigQuery adaptors
// share. See README.md.

export { fieldCapabilitiesByType } from './capabilities.ts';
export { storedCollection } from './collections.ts';
export { type RunCompiled, readAggregate, readDistinct, readNumber } from './reads.ts';
export {
  itemsById,
  itemsByIdQuery,
  type PairsQuery,
  pairsQuery,
  queryReferenced,
  type ReferencedPages,
} from './references.ts';
export { toItem } from './rows.ts';
export {
  type CollectionSnapshot,
  type CollectionView,
  collectionSnapshot,
  SchemaSnapshotCache,
  type SchemaVersionSource,
} from './schema-cache.ts';
export { renderTypeTable, type TypeTableOptions } from './type-table.ts';
export { fromAny, numericText, toJson } from './values.ts';
export { lastPerId } from './writes.ts';
