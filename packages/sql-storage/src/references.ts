/**
 * MULTI_REFERENCE pairs (docs/protocol.md §4.9–§4.11) in the one references
 * table every SQL engine keeps (`REFERENCES_TABLE`): its statements, built once
 * with the engine's compiler hooks; the per-pair answers of insert and remove;
 * and query-referenced (a page of pairs, optionally with the referenced items
 * and a total). Running statements is the engine's (the injected
 * `ReferencedPages` seam and the engine's ReferenceWriter).
 */
import {
  errors,
  type Field,
  fieldRef,
  type Item,
  type QuerySpec,
  type ReferencedItem,
  type ReferencedSpec,
  type ReferencePair,
  type ReferenceResult,
} from '@adaptors/core';
import type { CompiledQuery, GoogleSqlCompiler, ParamType } from '@adaptors/googlesql';
import { INTERNAL_PREFIX } from './collections.ts';

/** The adaptor's references table, one row per pair (each engine's DDL creates it). */
export const REFERENCES_TABLE = `${INTERNAL_PREFIX}references`;

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

const STRING: ParamType = { type: 'STRING' };
const STRINGS: ParamType = { type: 'STRING', array: true };

/**
 * The references table's statements in an engine's SQL: identifiers through
 * its quote hook, every value a typed parameter. Pairs come back as `a`
 * (referring id) and `b` (referenced id), counts as `n`.
 */
export function referencesStatements(sql: GoogleSqlCompiler) {
  const q = (name: string) => sql.quote(name);
  const R = q(REFERENCES_TABLE);
  const C = q('collection_id');
  const F = q('field_key');
  const FROM = q('referring_id');
  const TO = q('referenced_id');
  const TARGET = q('referenced_collection_id');
  const statement = (build: (p: (value: unknown, type: ParamType) => string) => string): CompiledQuery => {
    const params = sql.params();
    const text = build((value, type) => params.add(value, type));
    return { sql: text, params: params.params, types: params.types };
  };
  const pairsWhere = (query: PairsQuery, p: (value: unknown, type: ParamType) => string): string => {
    let where = `${C} = ${p(query.collectionId, STRING)} AND ${F} = ${p(query.fieldKey, STRING)}`;
    if (query.referringItemIds.length > 0)
      where += ` AND ${sql.inArray(FROM, p([...query.referringItemIds], STRINGS))}`;
    if (query.referencedItemIds.length > 0)
      where += ` AND ${sql.inArray(TO, p([...query.referencedItemIds], STRINGS))}`;
    return where;
  };
  return {
    /** Pairs in which removed items take part, on either side (docs/semantics.md §8). */
    deleteOfItems: (collectionId: string, itemIds: readonly string[]) =>
      statement((p) => {
        const c = p(collectionId, STRING);
        const ids = p([...itemIds], STRINGS);
        return `DELETE FROM ${R} WHERE (${C} = ${c} AND ${sql.inArray(FROM, ids)}) OR (${TARGET} = ${c} AND ${sql.inArray(TO, ids)})`;
      }),
    /** Every pair of a collection's fields and every pair pointing into it (truncate, delete). */
    deleteOfCollection: (collectionId: string) =>
      statement((p) => {
        const c = p(collectionId, STRING);
        return `DELETE FROM ${R} WHERE ${C} = ${c} OR ${TARGET} = ${c}`;
      }),
    /** The pairs of one MULTI_REFERENCE field (the field was removed). */
    deleteOfField: (collectionId: string, fieldKey: string) =>
      statement((p) => `DELETE FROM ${R} WHERE ${C} = ${p(collectionId, STRING)} AND ${F} = ${p(fieldKey, STRING)}`),
    /**
     * A page of pairs in creation order (created_at, then position in the
     * inserting call; docs/protocol.md §4.9), reversed for DESC; the ids make the order total.
     */
    selectPairs: (query: PairsQuery) =>
      statement((p) => {
        const dir = query.order === 'desc' ? 'DESC' : 'ASC';
        const order = ['created_at', 'seq', 'referring_id', 'referenced_id'].map((c) => `${q(c)} ${dir}`).join(', ');
        const where = pairsWhere(query, p);
        const limit = p(Math.max(0, query.limit), { type: 'INT64' });
        const offset = p(Math.max(0, query.offset), { type: 'INT64' });
        return `SELECT ${FROM} AS ${q('a')}, ${TO} AS ${q('b')} FROM ${R} WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`;
      }),
    countPairs: (query: PairsQuery) =>
      statement((p) => `SELECT COUNT(*) AS ${q('n')} FROM ${R} WHERE ${pairsWhere(query, p)}`),
  };
}

/** A pair's identity within one field. */
export const pairId = (ref: ReferencePair): string => JSON.stringify([ref.referringItemId, ref.referencedItemId]);

/**
 * The per-pair answers of insertReferences (docs/protocol.md §4.10) from what
 * the engine read: which referring and referenced items exist, and which
 * pairs already do (by `pairId`). `fresh` are the pairs to write, in call order.
 */
export function insertAnswers(
  collectionId: string,
  field: Field,
  references: readonly ReferencePair[],
  found: {
    readonly referring: ReadonlySet<string>;
    readonly referenced: ReadonlySet<string>;
    readonly existing: Set<string>;
  },
): { results: ReferenceResult[]; fresh: ReferencePair[] } {
  const targetId = field.multiReferenceOptions?.referencedCollectionId ?? '?';
  const fresh: ReferencePair[] = [];
  const results = references.map((ref): ReferenceResult => {
    const key = pairId(ref);
    if (!found.referring.has(ref.referringItemId))
      return { error: errors.itemNotFound(collectionId, ref.referringItemId) };
    if (!found.referenced.has(ref.referencedItemId))
      return { error: errors.itemNotFound(targetId, ref.referencedItemId) };
    if (found.existing.has(key))
      return { error: errors.referenceAlreadyExists(field.key, ref.referringItemId, ref.referencedItemId) };
    found.existing.add(key); // the same pair twice in one call: the second already exists
    fresh.push(ref);
    return { reference: { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId } };
  });
  return { results, fresh };
}

/** The per-pair answers of removeReferences (§4.11); `removed` are the pairs to delete, each once. */
export function removeAnswers(
  field: Field,
  references: readonly ReferencePair[],
  existing: Set<string>,
): { results: ReferenceResult[]; removed: ReferencePair[] } {
  const removed: ReferencePair[] = [];
  const results = references.map((ref): ReferenceResult => {
    const key = pairId(ref);
    if (!existing.has(key)) {
      return { error: errors.referenceNotFound(field.key, ref.referringItemId, ref.referencedItemId) };
    }
    existing.delete(key); // removed once: a repeat in the same call is not found
    removed.push(ref);
    return { reference: { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId } };
  });
  return { results, removed };
}
