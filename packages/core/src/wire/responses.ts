/**
 * Response bodies of every endpoint, in wire form (docs/protocol.md §3–§8). These are
 * plain TS types: we emit them, we never validate them. Items are already
 * encoded (dates as `{"$date"}`, wire/codec.ts).
 */
import type { ErrorObject } from '../errors.ts';
import type { Collection, FieldType } from '../model.ts';

/** An encoded item: field key → wire JSON value. */
export type WireItemOut = Record<string, unknown>;

/**
 * §3.4. `total` only for offset paging with `returnTotalCount: true`; `cursors`
 * only for cursor paging (omit `next` on the last page). `count`/`offset` are
 * harmless extras Wix's reference adaptor always sends.
 */
export interface PagingMetadata {
  count?: number;
  offset?: number;
  total?: number;
  tooManyToCount?: boolean;
  cursors?: { next?: string | null; prev?: string | null };
}

/** §3.6: exactly one of `item` / `error`; `results[i]` answers input `i`. */
export type DataItemModificationResult = { item: WireItemOut } | { error: ErrorObject };

/** §3.7 */
export interface ReferenceIdOut {
  referringItemId: string;
  referencedItemId: string;
}
export type ReferenceModificationResult = { reference: ReferenceIdOut } | { error: ErrorObject };
export interface ReferencedItem extends ReferenceIdOut {
  referencedItem?: WireItemOut;
}

/** §4.1 */
export interface QueryResponse {
  items: WireItemOut[];
  pagingMetadata: PagingMetadata;
}
/** §4.2 */
export interface CountResponse {
  totalCount: number;
}
/** §4.3: one key per grouping field plus one per `resultFieldName`. */
export interface AggregateResponse {
  items: WireItemOut[];
  pagingMetadata: PagingMetadata;
}
/** §4.4: array fields unwound, dates as `{"$date"}`. */
export interface DistinctValuesResponse {
  distinctValues: unknown[];
  pagingMetadata: PagingMetadata;
}
/** §4.5 */
export interface InsertResponse {
  results: DataItemModificationResult[];
}
/** §4.6 */
export interface UpdateResponse {
  results: DataItemModificationResult[];
}
/** §4.7: successes carry the removed item. */
export interface RemoveResponse {
  results: DataItemModificationResult[];
}
/** §4.8 */
export type TruncateResponse = Record<string, never>;
/** §4.9 */
export interface QueryReferencedResponse {
  items: ReferencedItem[];
  pagingMetadata: PagingMetadata;
}
/** §4.10 */
export interface InsertReferencesResponse {
  results: ReferenceModificationResult[];
}
/** §4.11 */
export interface RemoveReferencesResponse {
  results: ReferenceModificationResult[];
}

/** §5.1: unknown requested ids are left out (§14). */
export interface ListCollectionsResponse {
  collections: Collection[];
}
/** §5.2: the stored collection, with capabilities and pagingMode filled in (§14). */
export interface CreateCollectionResponse {
  collection: Collection;
}
/** §5.3 */
export interface UpdateCollectionResponse {
  collection: Collection;
}
/** §5.4: `{}`. */
export type DeleteCollectionResponse = Record<string, never>;

/** §6. `indexOptions`, never `indexptions` as Wix's reference adaptor spells it. */
export interface CapabilitiesResponse {
  supportsCollectionModifications: boolean;
  supportedFieldTypes: FieldType[];
  indexOptions: {
    supportsIndexes: boolean;
    maxNumberOfRegularIndexesPerCollection: number;
    maxNumberOfUniqueIndexesPerCollection: number;
    maxNumberOfIndexesPerCollection: number;
  };
}

export const INDEX_STATUSES = ['UNKNOWN', 'BUILDING', 'ACTIVE', 'DROPPING', 'DROPPED', 'FAILED', 'INVALID'] as const;
export type IndexStatus = (typeof INDEX_STATUSES)[number];

/** §7 `Index`. */
export interface Index {
  id?: string;
  name: string;
  fields: { path: string; order: 'ASC' | 'DESC' }[];
  unique: boolean;
  caseInsensitive: boolean;
  status: IndexStatus;
  failure?: ErrorObject;
}
/** §7.1: includes the primary-key index on `_id`. */
export interface ListIndexesResponse {
  indexes: Index[];
}
/** §7.2 */
export interface CreateIndexResponse {
  index: Index;
}
/** §7.3 */
export type RemoveIndexResponse = Record<string, never>;

/** §8: exactly these four keys. */
export interface ProvisionResponse {
  type: string;
  vendor: string;
  protocolVersion: 3;
  adapterVersion: string;
}
