/**
 * Request schemas of the eleven item endpoints (docs/protocol.md §4.1–§4.11).
 * Required-ness follows the contract where it protects us (ids, items, keys);
 * flags and filters the contract marks required are optional here (§14).
 */
import { type Static, Type } from '@sinclair/typebox';
import {
  BULK_LIMIT,
  BulkArray,
  CollectionId,
  FieldName,
  Filter,
  Flag,
  ItemId,
  Nullable,
  OptionalFilter,
  PagingPair,
  ReferenceId,
  Sorting,
  SortOrder,
  WireItem,
} from './common.ts';

/** §4.1 `ReferencedItemToInclude`: `{ fieldKey, limit, filter }`. */
export const ReferencedItemToInclude = Type.Object({
  fieldKey: FieldName,
  limit: Nullable(Type.Integer({ minimum: 0 })),
  filter: Nullable(Filter),
});

/** §4.1 `query`. A missing `filter` means everything (§3.1); no paging means the default page (§3.3). */
export const Query = Type.Object({
  filter: OptionalFilter,
  sort: Nullable(Type.Array(Sorting)),
  fields: Nullable(Type.Array(FieldName)),
  ...PagingPair,
});
export type Query = Static<typeof Query>;

/**
 * §4.1. `query` is required in the type; wire/validate.ts turns an absent or
 * null `query` into `{}` before checking (liberal input, §14).
 */
export const QueryRequest = Type.Object({
  collectionId: CollectionId,
  query: Query,
  includeReferencedItems: Nullable(Type.Array(ReferencedItemToInclude)),
  consistentRead: Flag,
  returnTotalCount: Flag,
});
export type QueryRequest = Static<typeof QueryRequest>;

/** §4.2 */
export const CountRequest = Type.Object({
  collectionId: CollectionId,
  filter: OptionalFilter,
  consistentRead: Flag,
});
export type CountRequest = Static<typeof CountRequest>;

const ItemFieldRef = Type.Object({ itemFieldName: FieldName });

/**
 * §4.3 `Operation`: `resultFieldName` plus exactly one of the operation keys
 * (checked in wire/validate.ts). Both `itemCount` (Wix's generated types) and
 * `count` (Wix's reference adaptor) are accepted, and any `itemFieldName` in them ignored (§11).
 */
export const AggregateOperation = Type.Object({
  resultFieldName: FieldName,
  average: Type.Optional(ItemFieldRef),
  min: Type.Optional(ItemFieldRef),
  max: Type.Optional(ItemFieldRef),
  sum: Type.Optional(ItemFieldRef),
  itemCount: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  count: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type AggregateOperation = Static<typeof AggregateOperation>;

/** The operation keys of §4.3; `count` is Wix's reference adaptor's name for `itemCount`. */
export const AGGREGATE_OPERATION_KEYS = ['average', 'min', 'max', 'sum', 'itemCount', 'count'] as const;

export type AggregateOperationKind = 'average' | 'min' | 'max' | 'sum' | 'itemCount';

/**
 * The one operation of a validated `Operation`, with `count` folded into
 * `itemCount` so callers see one spelling (§4.3).
 */
export function aggregateOperationOf(operation: AggregateOperation): {
  readonly kind: AggregateOperationKind;
  readonly itemFieldName: string | undefined;
} {
  if (operation.average) return { kind: 'average', itemFieldName: operation.average.itemFieldName };
  if (operation.min) return { kind: 'min', itemFieldName: operation.min.itemFieldName };
  if (operation.max) return { kind: 'max', itemFieldName: operation.max.itemFieldName };
  if (operation.sum) return { kind: 'sum', itemFieldName: operation.sum.itemFieldName };
  return { kind: 'itemCount', itemFieldName: undefined };
}

/** §4.3 */
export const AggregateRequest = Type.Object({
  collectionId: CollectionId,
  initialFilter: OptionalFilter,
  aggregation: Nullable(
    Type.Object({
      groupingFields: Nullable(Type.Array(FieldName)),
      operations: Nullable(Type.Array(AggregateOperation)),
    }),
  ),
  finalFilter: OptionalFilter,
  sort: Nullable(Type.Array(Sorting)),
  ...PagingPair,
  consistentRead: Flag,
  returnTotalCount: Flag,
});
export type AggregateRequest = Static<typeof AggregateRequest>;

/** §4.4. `fieldName` may be left out of a follow-up that carries a cursor (the cursor holds it). */
export const DistinctValuesRequest = Type.Object({
  collectionId: CollectionId,
  fieldName: Type.Optional(FieldName),
  filter: OptionalFilter,
  order: Nullable(SortOrder),
  ...PagingPair,
  consistentRead: Flag,
  returnTotalCount: Flag,
});
export type DistinctValuesRequest = Static<typeof DistinctValuesRequest>;

/** §4.5. A legacy `overwriteExisting: true` turns the call into an upsert (§4.5, §14). */
export const InsertRequest = Type.Object({
  collectionId: CollectionId,
  items: BulkArray(WireItem),
  overwriteExisting: Flag,
});
export type InsertRequest = Static<typeof InsertRequest>;

/** §4.6. A missing `_id` in one item is that item's VALIDATION_ERROR, not the batch's. */
export const UpdateRequest = Type.Object({
  collectionId: CollectionId,
  items: BulkArray(WireItem),
});
export type UpdateRequest = Static<typeof UpdateRequest>;

/** §4.7 */
export const RemoveRequest = Type.Object({
  collectionId: CollectionId,
  itemIds: BulkArray(ItemId),
});
export type RemoveRequest = Static<typeof RemoveRequest>;

/** §4.8 */
export const TruncateRequest = Type.Object({
  collectionId: CollectionId,
});
export type TruncateRequest = Static<typeof TruncateRequest>;

const IdFilterList = Nullable(Type.Array(ItemId, { maxItems: BULK_LIMIT }));

/** §4.9. `referringFieldKey` may be left out of a follow-up that carries a cursor (the cursor holds it). */
export const QueryReferencedRequest = Type.Object({
  collectionId: CollectionId,
  referringFieldKey: Type.Optional(FieldName),
  referringItemIds: IdFilterList,
  referencedItemIds: IdFilterList,
  order: Nullable(SortOrder),
  fieldsToReturn: Nullable(Type.Array(FieldName)),
  includeReferencedItems: Flag,
  ...PagingPair,
  consistentRead: Flag,
  returnTotalCount: Flag,
});
export type QueryReferencedRequest = Static<typeof QueryReferencedRequest>;

/** §4.10 */
export const InsertReferencesRequest = Type.Object({
  collectionId: CollectionId,
  referringFieldKey: FieldName,
  references: BulkArray(ReferenceId),
});
export type InsertReferencesRequest = Static<typeof InsertReferencesRequest>;

/** §4.11: same shape as §4.10. */
export const RemoveReferencesRequest = Type.Object({
  collectionId: CollectionId,
  referringFieldKey: FieldName,
  references: BulkArray(ReferenceId),
});
export type RemoveReferencesRequest = Static<typeof RemoveReferencesRequest>;
