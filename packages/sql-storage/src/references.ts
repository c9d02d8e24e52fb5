/**
 * query-referenced (docs/protocol.md §4.9) over a references table, shared by the
 * Spanner and BigQuery storages: both keep MULTI_REFERENCE pairs in one table
 * and answer a page of pairs, optionally with the referenced items and a
 * total. Running the statements is the engine's; the injected `ReferencedPages`
 * seam does it, and this module only shapes the request and the answer.
 */
import {
  fieldRef,
  type Item,
  type QuerySpec,
  type ReferencedItem,
  type ReferencedSpec,
  type ReferencePair,
} from '@adaptors/core';

/** One page of one field's pairs, as each engine's DML builds its SELECT and COUNT from. */
export interface PairsQuery {
  readonly collectionId: string;
  readonly fieldKey: string;
  readonly referringItemIds: readonly string[];
  readonly referencedItemIds: readonly string[];
  readonly order: 'asc' | 'desc';
  readonly offset: number;
  readonly limit: number;
}

export interface ReferencedPages {
  /** The page of pairs `query` asks for, in its order. */
  pairs(query: PairsQuery): Promise<ReferencePair[]>;
  /** How many pairs `query` matches, ignoring its offset and limit. */
  count(query: PairsQuery): Promise<number>;
  /** The referenced items among `ids` (projected), by _id; missing ones are left out. */
  referencedItems(spec: ReferencedSpec, ids: string[]): Promise<Map<string, Item>>;
}

export function pairsQuery(collectionId: string, spec: ReferencedSpec): PairsQuery {
  return {
    collectionId,
    fieldKey: spec.field.key,
    referringItemIds: spec.referringItemIds,
    referencedItemIds: spec.referencedItemIds,
    order: spec.order,
    offset: spec.offset,
    limit: spec.limit,
  };
}

/**
 * A query-referenced answer: the page and its total are read together; the
 * referenced items only when asked for and only for the pairs on the page.
 */
export async function queryReferenced(
  collectionId: string,
  spec: ReferencedSpec,
  options: { readonly countTotal: boolean },
  pages: ReferencedPages,
): Promise<{ items: ReferencedItem[]; total?: number }> {
  const query = pairsQuery(collectionId, spec);
  const [pairs, total] = await Promise.all([pages.pairs(query), options.countTotal ? pages.count(query) : undefined]);
  const referenced =
    spec.includeReferencedItems && pairs.length > 0
      ? await pages.referencedItems(spec, [...new Set(pairs.map((p) => p.referencedItemId))])
      : new Map<string, Item>();
  const items: ReferencedItem[] = pairs.map((pair) => {
    const item = referenced.get(pair.referencedItemId);
    return item ? { ...pair, referencedItem: item } : pair;
  });
  return total === undefined ? { items } : { items, total };
}

/** The read of the referenced items with these _ids (projected): one page that holds them all. */
export function itemsByIdQuery(ids: readonly string[], projection: readonly string[] | undefined): QuerySpec {
  return {
    filter: { kind: 'in', field: fieldRef('_id', 'TEXT'), values: ids },
    sort: [{ field: fieldRef('_id', 'TEXT'), order: 'asc' }],
    projection,
    offset: 0,
    limit: ids.length,
    after: undefined,
  };
}

/** Items by _id, for `ReferencedPages.referencedItems`. */
export function itemsById(items: readonly Item[]): Map<string, Item> {
  return new Map(items.map((item) => [String(item._id), item]));
}
