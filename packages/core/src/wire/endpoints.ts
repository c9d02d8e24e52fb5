/**
 * The endpoint table: name (path = `/v3/${name}`, docs/protocol.md §1) → request
 * schema → response type. One place, so routes, validation and docs agree.
 */
import type { TSchema } from '@sinclair/typebox';
import type * as R from './responses.ts';
import * as C from './schemas/collections.ts';
import * as I from './schemas/items.ts';
import * as S from './schemas/service.ts';

export const ENDPOINTS = [
  'items/query',
  'items/count',
  'items/aggregate',
  'items/query-distinct-values',
  'items/insert',
  'items/update',
  'items/remove',
  'items/truncate',
  'items/query-referenced',
  'items/insert-references',
  'items/remove-references',
  'collections/get',
  'collections/create',
  'collections/update',
  'collections/delete',
  'capabilities/get',
  'indexes/list',
  'indexes/create',
  'indexes/remove',
  'provision',
] as const;
export type EndpointName = (typeof ENDPOINTS)[number];

/** Static request types, derived from the schemas. */
export interface RequestOf {
  'items/query': I.QueryRequest;
  'items/count': I.CountRequest;
  'items/aggregate': I.AggregateRequest;
  'items/query-distinct-values': I.DistinctValuesRequest;
  'items/insert': I.InsertRequest;
  'items/update': I.UpdateRequest;
  'items/remove': I.RemoveRequest;
  'items/truncate': I.TruncateRequest;
  'items/query-referenced': I.QueryReferencedRequest;
  'items/insert-references': I.InsertReferencesRequest;
  'items/remove-references': I.RemoveReferencesRequest;
  'collections/get': C.ListCollectionsRequest;
  'collections/create': C.CreateCollectionRequest;
  'collections/update': C.UpdateCollectionRequest;
  'collections/delete': C.DeleteCollectionRequest;
  'capabilities/get': S.CapabilitiesRequest;
  'indexes/list': S.ListIndexesRequest;
  'indexes/create': S.CreateIndexRequest;
  'indexes/remove': S.RemoveIndexRequest;
  provision: S.ProvisionRequest;
}

export interface ResponseOf {
  'items/query': R.QueryResponse;
  'items/count': R.CountResponse;
  'items/aggregate': R.AggregateResponse;
  'items/query-distinct-values': R.DistinctValuesResponse;
  'items/insert': R.InsertResponse;
  'items/update': R.UpdateResponse;
  'items/remove': R.RemoveResponse;
  'items/truncate': R.TruncateResponse;
  'items/query-referenced': R.QueryReferencedResponse;
  'items/insert-references': R.InsertReferencesResponse;
  'items/remove-references': R.RemoveReferencesResponse;
  'collections/get': R.ListCollectionsResponse;
  'collections/create': R.CreateCollectionResponse;
  'collections/update': R.UpdateCollectionResponse;
  'collections/delete': R.DeleteCollectionResponse;
  'capabilities/get': R.CapabilitiesResponse;
  'indexes/list': R.ListIndexesResponse;
  'indexes/create': R.CreateIndexResponse;
  'indexes/remove': R.RemoveIndexResponse;
  provision: R.ProvisionResponse;
}

/** The request schema of each endpoint (also usable for docs / OpenAPI). */
export const REQUEST_SCHEMAS: { readonly [E in EndpointName]: TSchema } = {
  'items/query': I.QueryRequest,
  'items/count': I.CountRequest,
  'items/aggregate': I.AggregateRequest,
  'items/query-distinct-values': I.DistinctValuesRequest,
  'items/insert': I.InsertRequest,
  'items/update': I.UpdateRequest,
  'items/remove': I.RemoveRequest,
  'items/truncate': I.TruncateRequest,
  'items/query-referenced': I.QueryReferencedRequest,
  'items/insert-references': I.InsertReferencesRequest,
  'items/remove-references': I.RemoveReferencesRequest,
  'collections/get': C.ListCollectionsRequest,
  'collections/create': C.CreateCollectionRequest,
  'collections/update': C.UpdateCollectionRequest,
  'collections/delete': C.DeleteCollectionRequest,
  'capabilities/get': S.CapabilitiesRequest,
  'indexes/list': S.ListIndexesRequest,
  'indexes/create': S.CreateIndexRequest,
  'indexes/remove': S.RemoveIndexRequest,
  provision: S.ProvisionRequest,
};

/** `/v3/items/query` etc. */
export function endpointPath(endpoint: EndpointName): string {
  return `/v3/${endpoint}`;
}
