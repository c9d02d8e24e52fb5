/**
 * Building blocks shared by the request schemas (docs/protocol.md §3): filters,
 * sorting, the two paging objects, id lists and the liberal boolean flags.
 *
 * Every object schema allows unknown keys (TypeBox's default): Wix adds fields
 * to its requests over time and the checklist asks us to ignore them
 * (docs/protocol.md §14, liberal input).
 *
 * `errorMessage` is our own schema keyword: wire/violations.ts uses it, when
 * present, as the human message for a failed pattern/format check.
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { LIMITS } from '../limits.ts';

/** Items per bulk request, and the largest page (docs/semantics.md §10). */
export const BULK_LIMIT = 1000;

/** Optional and nullable: Wix's proto-generated bodies send `null` for unset fields. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Optional(Type.Union([schema, Type.Null()]));
}

/** A non-empty string id (collection ids are ≤ 256 chars, docs/semantics.md §10; wire/limits.ts). */
export const CollectionId = Type.String({ minLength: 1, maxLength: LIMITS.collectionIdLength });

/** A field key as it appears in a request (sort, projection, grouping …): non-empty. */
export const FieldName = Type.String({ minLength: 1 });

/**
 * A filter stays opaque here; the query parser validates its contents (§10).
 * At this level it only has to be an object, or null / absent (= match all, §3.1).
 */
export const Filter = Type.Record(Type.String(), Type.Unknown());
export const OptionalFilter = Nullable(Filter);

/**
 * `consistentRead` / `returnTotalCount`: the contract marks them required, but a
 * missing or null flag simply means `false` (§14: be liberal).
 */
export const Flag = Nullable(Type.Boolean());

/** ASC or DESC; lower-case `asc`/`desc` too (docs/protocol.md §14: be liberal). Read it with `isDescending`. */
export const SortOrder = Type.Union([
  Type.Literal('ASC'),
  Type.Literal('DESC'),
  Type.Literal('asc'),
  Type.Literal('desc'),
]);

/** Whether a wire sort order (SortOrder, or missing: ASC) is descending. */
export function isDescending(order: string | null | undefined): boolean {
  return order === 'DESC' || order === 'desc';
}

/** §3.2. A missing (or null) `order` means ASC. */
export const Sorting = Type.Object({
  fieldName: FieldName,
  order: Nullable(SortOrder),
});
export type Sorting = Static<typeof Sorting>;

const PageLimit = Type.Integer({ minimum: 0 });

/** §3.3 offset paging. The server clamps `limit` to [1, 1000] (wire/paging.ts); offsets are bounded (wire/limits.ts). */
export const Paging = Type.Object({
  limit: Nullable(PageLimit),
  offset: Nullable(Type.Integer({ minimum: 0, maximum: LIMITS.maxOffset })),
});
export type Paging = Static<typeof Paging>;

/** §3.3 cursor paging. Follow-up requests carry only the cursor. */
export const CursorPaging = Type.Object({
  limit: Nullable(PageLimit),
  cursor: Nullable(Type.String()),
});
export type CursorPaging = Static<typeof CursorPaging>;

/** The `paging` XOR `cursorPaging` pair; the XOR itself is checked in wire/validate.ts. */
export const PagingPair = {
  paging: Nullable(Paging),
  cursorPaging: Nullable(CursorPaging),
};

/**
 * A bounded list of things to write: 1 to 1000 entries (docs/protocol.md §4.5–§4.7, §4.10, §12.3).
 * An empty list is a 400 VALIDATION_ERROR naming it, as the protocol says ("min 1"); it was
 * answered with empty results before, which no part of the protocol describes.
 */
export function BulkArray<T extends TSchema>(item: T) {
  return Type.Array(item, { minItems: 1, maxItems: BULK_LIMIT });
}

/**
 * A wire item: any JSON object. Its contents are checked per item by
 * wire/codec.ts, so that one bad item becomes a per-item error (§12.3), not a
 * failed batch.
 */
export const WireItem = Type.Record(Type.String(), Type.Unknown());
export type WireItem = Static<typeof WireItem>;

/**
 * Item ids in remove / query-referenced. Any string: an empty or unknown id is a
 * per-item ITEM_NOT_FOUND, never a reason to fail the whole batch (§12.3).
 */
export const ItemId = Type.String();

/** §3.7 `ReferenceId`. Any strings: an unknown id is a per-entry error (§4.10, §12.3). */
export const ReferenceId = Type.Object({
  referringItemId: Type.String(),
  referencedItemId: Type.String(),
});
export type ReferenceId = Static<typeof ReferenceId>;
