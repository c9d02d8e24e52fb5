/**
 * The memory storage implements everything the evaluator implements, so it
 * advertises the evaluator's full capability table: it is the reference every
 * other storage is compared with.
 */
import {
  DATA_OPERATIONS,
  EVALUATOR_NESTED_OPERATORS,
  evaluatorFieldCapabilities,
  FIELD_TYPES,
  type StorageCapabilities,
} from '@adaptors/core';

export const memoryCapabilities: StorageCapabilities = {
  engine: 'memory',
  supportsCollectionModifications: true,
  supportedFieldTypes: FIELD_TYPES,
  indexOptions: {
    supportsIndexes: true,
    maxNumberOfRegularIndexesPerCollection: 10,
    maxNumberOfUniqueIndexesPerCollection: 10,
    maxNumberOfIndexesPerCollection: 20,
  },
  defaultPagingMode: 'OFFSET',
  dataOperations: DATA_OPERATIONS,
  fieldCapabilities: (field) => evaluatorFieldCapabilities(field.type),
  nestedQueryOperators: EVALUATOR_NESTED_OPERATORS,
  supportsMatches: true,
};
