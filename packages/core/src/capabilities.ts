/**
 * Capabilities at the three levels of docs/protocol.md §13: global (capabilities/get),
 * collection (`dataOperations`, `pagingMode`) and field (`sortable`,
 * `queryOperators`). Storages declare what they can do; this module turns a
 * stored collection into the collection object Wix sees.
 */
import type { Collection, DataOperation, Field, FieldCapabilities, FieldType, QueryOperator } from './model.ts';
import type { StorageCapabilities, StoredCollection } from './storage.ts';

const ORDERED: readonly QueryOperator[] = ['EQ', 'NE', 'GT', 'GTE', 'LT', 'LTE', 'HAS_SOME', 'EXISTS'];
const TEXTUAL: readonly QueryOperator[] = [...ORDERED, 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'URLIZED'];

/**
 * The operators the core evaluator applies inside OBJECT/ANY values (nested
 * paths): the ceiling of `nestedQueryOperators` for a storage that evaluates
 * what it cannot push down (memory, Firestore).
 */
export const EVALUATOR_NESTED_OPERATORS: readonly QueryOperator[] = [
  'EQ',
  'NE',
  'GT',
  'GTE',
  'LT',
  'LTE',
  'HAS_SOME',
  'HAS_ALL',
  'EXISTS',
  'CONTAINS',
  'STARTS_WITH',
  'ENDS_WITH',
];

/**
 * Everything the core evaluator implements, per field type: the ceiling a
 * storage may advertise. Engines that cannot do some of it trim this list in
 * their own `fieldCapabilities` (e.g. Firestore without CONTAINS pushdown).
 */
export function evaluatorFieldCapabilities(type: FieldType): FieldCapabilities {
  switch (type) {
    case 'TEXT':
    case 'URL':
    case 'RICH_TEXT':
    case 'IMAGE':
    case 'VIDEO':
    case 'AUDIO':
    case 'DOCUMENT':
    case 'LANGUAGE':
    case 'REFERENCE':
      return { sortable: true, queryOperators: TEXTUAL };
    case 'NUMBER':
    case 'DATE':
    case 'DATETIME':
    case 'TIME':
      return { sortable: true, queryOperators: ORDERED };
    case 'BOOLEAN':
      return { sortable: true, queryOperators: ['EQ', 'NE', 'HAS_SOME', 'EXISTS'] };
    case 'ARRAY_STRING':
    case 'ARRAY':
    case 'ARRAY_DOCUMENT':
    case 'MEDIA_GALLERY':
      return { sortable: false, queryOperators: ['EQ', 'NE', 'HAS_SOME', 'HAS_ALL', 'EXISTS'] };
    case 'OBJECT':
    case 'ADDRESS':
    case 'RICH_CONTENT':
    case 'ANY':
      return { sortable: false, queryOperators: ['EQ', 'NE', 'EXISTS'] };
    case 'MULTI_REFERENCE':
      // Its pairs are not a value on the item (wire/codec.ts drops it) and no storage evaluates a
      // condition over them: `$hasSome` would match nothing, `$in: [null]` every item. So nothing is
      // declared and every filter on it is a 400 (packages/core/SEMANTICS.md rule 24, docs/semantics.md §8).
      return { sortable: false, queryOperators: [] };
  }
}

/** Operations that never modify items: what a read-only collection keeps (docs/protocol.md §9.3). */
export const READ_OPERATIONS: readonly DataOperation[] = [
  'QUERY',
  'COUNT',
  'AGGREGATE',
  'DISTINCT',
  'QUERY_REFERENCED',
];

/** The collection object as Wix sees it: provider-set capabilities and paging mode filled in. */
export function describeCollection(stored: StoredCollection, caps: StorageCapabilities): Collection {
  const cached = described.get(stored);
  if (cached) return cached;
  const dataOperations = stored.readOnly
    ? caps.dataOperations.filter((op) => READ_OPERATIONS.includes(op))
    : caps.dataOperations;
  const result: Collection = {
    id: stored.id,
    ...(stored.displayName != null ? { displayName: stored.displayName } : {}),
    fields: stored.fields.map((field) => describeField(field, caps)),
    capabilities: { dataOperations },
    // Without a row key a cursor cannot resume exactly (StoredCollection.rowKey): offset paging only.
    pagingMode: stored.rowKey?.length === 0 ? 'OFFSET' : (stored.pagingMode ?? caps.defaultPagingMode),
    ...(stored.permissions ? { permissions: stored.permissions } : {}),
  };
  described.set(stored, result);
  return result;
}

// Stored collections are immutable snapshots; describing one is pure, so memoise per object.
const described = new WeakMap<StoredCollection, Collection>();

function describeField(field: Field, caps: StorageCapabilities): Field {
  const { capabilities: _ignored, ...rest } = field;
  return { ...rest, capabilities: caps.fieldCapabilities(field) };
}

/** Does the collection allow this operation? */
export function allows(collection: Collection, op: DataOperation): boolean {
  return collection.capabilities?.dataOperations.includes(op) ?? false;
}
