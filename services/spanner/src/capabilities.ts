/**
 * What this storage declares (docs/protocol.md §13), derived from the one compiler:
 * a field's sortability and operators are the googlesql compiler's `capabilities`
 * for the column type the field is stored in — only what it answers exactly
 * like the evaluator. Everything else is refused by the core with a 400.
 */
import { DATA_OPERATIONS, FIELD_TYPES, type StorageCapabilities } from '@adaptors/core';
import { defaultColumnType, spanner } from '@adaptors/googlesql';
import { fieldCapabilitiesByType } from '@adaptors/sql-storage';
import { MAX_INDEXES_PER_COLLECTION } from './indexes.ts';
import { SPANNER_NAME_LENGTH } from './names.ts';

/** A field is stored in googlesql's default column for its type (mapping.ts); MULTI_REFERENCE has none. */
export const fieldCapabilities = fieldCapabilitiesByType((field) => {
  const type = defaultColumnType(field.type);
  return type ? { name: field.key, type } : undefined;
}, spanner);

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
    nestedQueryOperators: spanner.nestedPathOperators(),
    supportsMatches: true,
    // A collection id names a table and a field key a column: the core refuses longer ones up front.
    limits: { collectionIdLength: SPANNER_NAME_LENGTH, fieldKeyLength: SPANNER_NAME_LENGTH },
  });
}
