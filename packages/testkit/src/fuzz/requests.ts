/**
 * Random signed requests for every endpoint, hostile in their filters, sorts,
 * paging, cursors, ids, keys and values. Each carries how its answer is
 * judged against the reference (see judge.ts).
 */
import type { EndpointName } from '@adaptors/core';
import fc from 'fast-check';
import { filterArb, sortArb } from '../conformance/suite-differential.ts';
import { hostileFilter } from './filters.ts';
import {
  type HostileOptions,
  hostileCollectionId,
  hostileDate,
  hostileId,
  hostileKey,
  hostileNumber,
  hostileString,
  hostileValue,
} from './hostile.ts';

/**
 * How an answer is compared with the reference's: `ids` (items in order, and
 * totalCount when asked), `count`, `body` (the whole body, normalised),
 * `write` (per-item outcome), `class` (2xx vs 4xx alike), `safe` (only: no
 * 5xx, an SPI error shape).
 */
export type Judgement = 'ids' | 'count' | 'body' | 'write' | 'class' | 'safe';

export interface FuzzRequest {
  readonly path: EndpointName;
  readonly request: unknown;
  readonly judge: Judgement;
  /** Walk every page with the cursor, tampering with one of them (cursor walks only). */
  readonly cursorWalk?: { readonly tamper: 'none' | 'flip' | 'truncate' | 'swap' | 'garbage' };
}

export interface FuzzCollections {
  /** Seeded before the run, only read: its count and checksum must survive. */
  readonly seed: string;
  /** Written by the run. */
  readonly scratch: string;
}

/** Fields of the seed and scratch collections: the differential suite's, plus an OBJECT for nested paths. */
export const FUZZ_FIELDS = [
  { key: 'name', type: 'TEXT' },
  { key: 'score', type: 'NUMBER' },
  { key: 'flag', type: 'BOOLEAN' },
  { key: 'when', type: 'DATETIME' },
  { key: 'labels', type: 'ARRAY_STRING' },
  { key: 'doc', type: 'OBJECT' },
] as const;

const FIELD_KEYS = FUZZ_FIELDS.map((f) => f.key);
const SYSTEM_KEYS = ['_id', '_createdDate', '_updatedDate', '_owner'];
const NESTED = ['doc.a', 'doc.a.b', 'doc.n.n.n', 'doc.0', 'labels.0', 'name.x'];
export const ID_POOL = Array.from({ length: 12 }, (_, i) => `p${i}`);

export function fuzzRequests(c: FuzzCollections, o: HostileOptions): fc.Arbitrary<FuzzRequest> {
  const fieldRef = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...FIELD_KEYS) },
    { weight: 2, arbitrary: fc.constantFrom(...SYSTEM_KEYS, ...NESTED) },
    { weight: 2, arbitrary: hostileKey() },
  );
  const filter = hostileFilter(fieldRef, o);
  const sort = fc.oneof(
    { weight: 6, arbitrary: sortArb },
    {
      weight: 2,
      arbitrary: fc.array(
        fc.record(
          { fieldName: fieldRef, order: fc.constantFrom('ASC', 'DESC', 'asc', '', 'UP', null) },
          { requiredKeys: ['fieldName'] },
        ),
        { maxLength: 4 },
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, 'name', {}, [['name', 'ASC']], [{}]) },
  );
  const paging = pagingArb();
  const cursorPaging = fc.record(
    {
      limit: fc.oneof(fc.integer({ min: 0, max: 30 }), hostileNumber()),
      cursor: fc.oneof(fc.constant(null), hostileString(o), fc.constantFrom('e30', 'e30.e30', 'a.b.c')),
    },
    { requiredKeys: [] },
  );
  const collection = (owner: string) =>
    fc.oneof({ weight: 8, arbitrary: fc.constant(owner) }, { weight: 1, arbitrary: hostileCollectionId() });
  const fields = fc.option(fc.array(fieldRef, { maxLength: 4 }), { nil: undefined, freq: 4 });

  const query = fc.record(
    {
      collectionId: collection(c.seed),
      query: fc.record({ filter, sort, paging, fields }, { requiredKeys: [] }),
      returnTotalCount: fc.boolean(),
      consistentRead: fc.boolean(),
    },
    { requiredKeys: ['collectionId', 'query'] },
  );
  const queryWithCursor = fc.record({
    collectionId: fc.constant(c.seed),
    query: fc.record({ filter: filterArb, sort: sortArb, cursorPaging }),
  });

  const item = itemArb(o);
  const items = fc.array(item, { maxLength: 6 });
  const ids = fc.array(fc.oneof(fc.constantFrom(...ID_POOL), hostileId(o)), { maxLength: 6 });
  const aggregationOp = fc.record({
    resultFieldName: fc.oneof(fc.constantFrom('r', 'total'), hostileKey()),
    op: fc.constantFrom('average', 'min', 'max', 'sum', 'itemCount', 'count'),
    field: fieldRef,
  });

  const requests: fc.Arbitrary<FuzzRequest>[] = [
    query.map((request) => ({ path: 'items/query', request, judge: 'ids' })),
    fc
      .record({ collectionId: collection(c.seed), filter })
      .map((request) => ({ path: 'items/count', request, judge: 'count' })),
    fc
      .record(
        {
          collectionId: collection(c.seed),
          fieldName: fieldRef,
          filter,
          order: fc.constantFrom('ASC', 'DESC'),
          paging,
        },
        { requiredKeys: ['collectionId', 'fieldName'] },
      )
      .map((request) => ({ path: 'items/query-distinct-values', request, judge: 'body' })),
    fc
      .record(
        {
          collectionId: collection(c.seed),
          initialFilter: filter,
          aggregation: fc.record({
            groupingFields: fc.array(fieldRef, { maxLength: 2 }),
            operations: fc.array(aggregationOp, { maxLength: 3 }).map((ops) =>
              ops.map(({ resultFieldName, op, field }) => ({
                resultFieldName,
                [op]: op === 'itemCount' || op === 'count' ? {} : { itemFieldName: field },
              })),
            ),
          }),
          sort,
          paging,
        },
        { requiredKeys: ['collectionId', 'aggregation'] },
      )
      .map((request) => ({ path: 'items/aggregate', request, judge: 'body' })),
    queryWithCursor.chain((request) =>
      fc
        .constantFrom('none', 'flip', 'truncate', 'swap', 'garbage')
        .map((tamper) => ({ path: 'items/query', request, judge: 'ids', cursorWalk: { tamper } }) as FuzzRequest),
    ),
    // Writes go to the scratch collection, mirrored on the reference.
    items.map((its) => ({ path: 'items/insert', request: { collectionId: c.scratch, items: its }, judge: 'write' })),
    fc.record({ its: items, overwrite: fc.boolean() }).map(({ its, overwrite }) => ({
      path: 'items/insert',
      request: { collectionId: c.scratch, items: its, overwriteExisting: overwrite },
      judge: 'write',
    })),
    items.map((its) => ({ path: 'items/update', request: { collectionId: c.scratch, items: its }, judge: 'write' })),
    ids.map((itemIds) => ({ path: 'items/remove', request: { collectionId: c.scratch, itemIds }, judge: 'write' })),
    fc
      .record({ filter, sort, paging })
      .map((q) => ({ path: 'items/query', request: { collectionId: c.scratch, query: q }, judge: 'ids' })),
    fc.constant({ path: 'items/truncate', request: { collectionId: c.scratch }, judge: 'write' }),
    // Hostile collection ids on every item endpoint: refused alike, never a 5xx.
    fc
      .record({
        path: fc.constantFrom<EndpointName>(
          'items/query',
          'items/count',
          'items/insert',
          'items/remove',
          'items/truncate',
        ),
        collectionId: hostileCollectionId(),
      })
      .map(({ path, collectionId }) => ({
        path,
        request: { collectionId, query: {}, items: [{ _id: 'x' }], itemIds: ['x'] },
        judge: 'class',
      })),
    fc
      .array(hostileCollectionId(), { maxLength: 3 })
      .map((collectionIds) => ({ path: 'collections/get', request: { collectionIds }, judge: 'class' })),
    fc
      .record({
        id: hostileCollectionId(),
        fields: fc.array(
          fc.record(
            {
              key: hostileKey(),
              type: fc.oneof(
                fc.constantFrom('TEXT', 'NUMBER', 'BOOLEAN', 'DATETIME', 'OBJECT', 'ARRAY', 'REFERENCE', 'ANY'),
                hostileString(o),
              ),
            },
            { requiredKeys: ['key'] },
          ),
          { maxLength: 4 },
        ),
      })
      // `safe`: which ids and keys name a table or column is the engine's rule (each storage refuses
      // the rest with a violation), so only the shape of the answer is judged.
      .map((collection) => ({ path: 'collections/create', request: { collection }, judge: 'safe' })),
    fc
      .record({ collectionId: collection(c.seed), index: hostileValue(o, 2) })
      .map((request) => ({ path: 'indexes/create', request, judge: 'safe' })),
    fc
      .record({
        collectionId: collection(c.scratch),
        referringFieldKey: fieldRef,
        references: fc.array(fc.record({ referringItemId: hostileId(o), referencedItemId: hostileId(o) }), {
          maxLength: 3,
        }),
      })
      .map((request) => ({ path: 'items/insert-references', request, judge: 'safe' })),
    fc
      .record({ collectionId: collection(c.seed), referringFieldKey: fieldRef, referencedItemIds: ids })
      .map((request) => ({ path: 'items/query-referenced', request, judge: 'safe' })),
    // Anything at all as the request of any endpoint.
    fc
      .record({
        path: fc.constantFrom<EndpointName>(
          'items/query',
          'items/count',
          'items/aggregate',
          'items/query-distinct-values',
          'items/insert',
          'items/update',
          'items/remove',
          'items/query-referenced',
          'collections/get',
          'collections/update',
          'indexes/list',
          'indexes/create',
        ),
        request: fc.oneof(
          hostileValue(o, 3),
          fc.dictionary(
            fc.constantFrom('collectionId', 'query', 'filter', 'items', 'itemIds', 'paging', 'fieldName', 'collection'),
            hostileValue(o, 3),
          ),
        ),
      })
      .map(({ path, request }) => ({ path, request, judge: 'safe' })),
  ];
  return fc.oneof(...requests);
}

function pagingArb(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: fc.record({ offset: fc.nat(40), limit: fc.integer({ min: 1, max: 40 }) }) },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          offset: fc.oneof(hostileNumber(), fc.constantFrom('3', null, true, -1, 1.5)),
          limit: fc.oneof(hostileNumber(), fc.constantFrom('3', null, 0, -1, 1001)),
        },
        { requiredKeys: [] },
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, 5, 'x', []) },
  );
}

function itemArb(o: HostileOptions): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record(
      {
        _id: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ID_POOL) }, { weight: 1, arbitrary: hostileId(o) }),
        name: fc.oneof(hostileString(o), fc.constant(null)),
        score: fc.oneof(hostileNumber(), fc.constant(null), fc.constant('12')),
        flag: fc.oneof(fc.boolean(), fc.constant(null), fc.constant('true')),
        when: fc.oneof(hostileDate(o), fc.constant(null)),
        labels: fc.oneof(fc.array(hostileString(o), { maxLength: 4 }), fc.constant(null), hostileValue(o, 1)),
        doc: hostileValue(o, 3),
        extraKey: hostileKey(),
        extraValue: hostileValue(o, 1),
      },
      { requiredKeys: ['_id'] },
    )
    .map(({ extraKey, extraValue, ...rest }) =>
      extraKey === undefined ? rest : { ...rest, [extraKey]: extraValue, _id: rest._id },
    );
}
