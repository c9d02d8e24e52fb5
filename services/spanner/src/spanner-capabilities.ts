/**
 * What this storage declares (spi-v3.md §13), derived from the one compiler:
 * a field's sortability and operators are googlesql's `columnCapabilities`
 * for the column type the field is stored in — only what it answers exactly
 * like the evaluator. Everything else is refused by the core with a 400.
 */
import {
  DATA_OPERATIONS,
  FIELD_TYPES,
  type Field,
  type FieldCapabilities,
  type StorageCapabilities,
} from '@adaptors/core';
import { columnCapabilities, defaultColumnType, nestedPathOperators, spanner } from '@adaptors/googlesql';
import { MAX_INDEXES_PER_COLLECTION } from './spanner-indexes.ts';

const NONE: FieldCapabilities = Object.freeze({ sortable: false, queryOperators: Object.freeze([]) });
const byType = new Map<string, FieldCapabilities>();

export function fieldCapabilities(field: Pick<Field, 'key' | 'type'>): FieldCapabilities {
  let caps = byType.get(field.type);
  if (!caps) {
    const type = defaultColumnType(field.type);
    // MULTI_REFERENCE has no column: it is queried through query-referenced only.
    caps = type ? Object.freeze(columnCapabilities({ name: field.key, type }, spanner)) : NONE;
    byType.set(field.type, caps);
  }
  return caps;
}

export function spannerCapabilities(options: { readonly readOnlySchema: boolean }): StorageCapabilities {
  return Object.freeze({
    engine: 'spanner',
    supportsCollectionModifications: !options.readOnlySchema,
    // Every Wix type has a column type (googlesql mapping.ts) or, for MULTI_REFERENCE, the references table.
    supportedFieldTypes: FIELD_TYPES,
    indexOptions: {
      supportsIndexes: true,
      maxNumberOfRegularIndexesPerCollection: MAX_INDEXES_PER_COLLECTION,
      maxNumberOfUniqueIndexesPerCollection: MAX_INDEXES_PER_COLLECTION,
      maxNumberOfIndexesPerCollection: MAX_INDEXES_PER_COLLECTION,
    },
    // Offset paging keeps totals available to Wix; cursor paging (keyset) works on every collection too.
    defaultPagingMode: 'OFFSET',
    dataOperations: DATA_OPERATIONS,
    fieldCapabilities,
    nestedQueryOperators: nestedPathOperators(spanner),
    supportsMatches: true,
  });
}
