/**
 * What the Firestore storage declares (docs/protocol.md §13). It answers every
 * operator of the evaluator's table: what one Firestore query cannot answer
 * is evaluated exactly on streamed documents (planner.ts), so the
 * declaration is the evaluator's ceiling, not Firestore's native subset.
 */
import {
  DATA_OPERATIONS,
  EVALUATOR_NESTED_OPERATORS,
  evaluatorFieldCapabilities,
  FIELD_TYPES,
  type StorageCapabilities,
} from '@adaptors/core';

/** Firestore's limit is 200 composite indexes per database (Firestore quotas); we cannot split it per collection. */
const MAX_COMPOSITE_INDEXES = 200;

export function firestoreCapabilities(options: {
  readonly supportsIndexes: boolean;
  /** READ_ONLY_SCHEMA: collections cannot be created, changed or deleted (the core refuses them). */
  readonly readOnlySchema?: boolean;
}): StorageCapabilities {
  return {
    engine: 'firestore',
    supportsCollectionModifications: !options.readOnlySchema,
    supportedFieldTypes: FIELD_TYPES,
    indexOptions: {
      supportsIndexes: options.supportsIndexes,
      maxNumberOfRegularIndexesPerCollection: options.supportsIndexes ? MAX_COMPOSITE_INDEXES : 0,
      // Firestore has no unique indexes: `_id` (the document id) is the only unique key.
      maxNumberOfUniqueIndexesPerCollection: 0,
      maxNumberOfIndexesPerCollection: options.supportsIndexes ? MAX_COMPOSITE_INDEXES : 0,
    },
    defaultPagingMode: 'OFFSET',
    dataOperations: DATA_OPERATIONS,
    fieldCapabilities: (field) => evaluatorFieldCapabilities(field.type),
    nestedQueryOperators: EVALUATOR_NESTED_OPERATORS,
    supportsMatches: true,
  };
}
