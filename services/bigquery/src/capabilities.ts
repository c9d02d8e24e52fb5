/**
 * What this storage declares (docs/protocol.md §13), derived from the one compiler:
 * a field's sortability and operators are the googlesql compiler's `capabilities`
 * for the column the field is stored in (types.ts `columnForField`)
 * — only what it answers exactly like the evaluator. Everything else is
 * refused by the core with a 400. BigQuery has no user indexes.
 */
import { DATA_OPERATIONS, FIELD_TYPES, type StorageCapabilities } from '@adaptors/core';
import { bigquery } from '@adaptors/googlesql';
import { fieldCapabilitiesByType } from '@adaptors/sql-storage';
import { columnForField } from './types.ts';

/** The column a field gets here decides its capabilities (types.ts `columnForField`). */
export const fieldCapabilities = fieldCapabilitiesByType((field) => {
  const shape = columnForField(field.type);
  if (!shape) return undefined;
  return shape.elements
    ? { name: field.key, type: shape.type, elements: shape.elements }
    : { name: field.key, type: shape.type };
}, bigquery);

export function bigqueryCapabilities(options: { readonly readOnlySchema: boolean }): StorageCapabilities {
  return Object.freeze({
    engine: 'bigquery',
    supportsCollectionModifications: !options.readOnlySchema,
    // Every Wix type has a column (types.ts) or, for MULTI_REFERENCE, the references table.
    supportedFieldTypes: FIELD_TYPES,
    // BigQuery has no user-defined indexes (clustering is fixed per table): docs/protocol.md §6, §7.
    indexOptions: {
      supportsIndexes: false,
      maxNumberOfRegularIndexesPerCollection: 0,
      maxNumberOfUniqueIndexesPerCollection: 0,
      maxNumberOfIndexesPerCollection: 0,
    },
    // Offset paging keeps totals available to Wix; cursor paging (keyset) works on every collection too.
    defaultPagingMode: 'OFFSET',
    dataOperations: DATA_OPERATIONS,
    fieldCapabilities,
    nestedQueryOperators: bigquery.nestedPathOperators(),
    supportsMatches: true,
  });
}
