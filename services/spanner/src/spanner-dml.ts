/**
 * Pure SQL for what googlesql does not compile: DML (truncate, reference
 * clean-up) and reads of the adaptor's own references table. Identifiers via
 * the one quote function (spanner-ddl.ts `q`), every value a typed parameter.
 */
import type { PairsQuery } from '@adaptors/sql-storage';
import { q, REFERENCES_TABLE } from './spanner-ddl.ts';
import type { SpannerParamType } from './spanner-values.ts';

export interface Statement {
  readonly sql: string;
  readonly params: Record<string, unknown>;
  readonly types: Record<string, SpannerParamType>;
}

const STRING: SpannerParamType = 'string';
const STRINGS: SpannerParamType = { type: 'array', child: { type: 'string' } };
const INT64: SpannerParamType = 'int64';
const R = q(REFERENCES_TABLE);

/** Every row; run as Partitioned DML so no transaction limit applies (truncate of any size). */
export function deleteAllRows(table: string): Statement {
  return { sql: `DELETE FROM ${q(table)} WHERE TRUE`, params: {}, types: {} };
}

/** Pairs in which removed items take part, on either side (docs/semantics.md §8). */
export function deleteReferencesOfItems(collectionId: string, itemIds: readonly string[]): Statement {
  return {
    sql:
      `DELETE FROM ${R} WHERE (${q('collection_id')} = @c AND ${q('referring_id')} IN UNNEST(@ids)) ` +
      `OR (${q('referenced_collection_id')} = @c AND ${q('referenced_id')} IN UNNEST(@ids))`,
    params: { c: collectionId, ids: [...itemIds] },
    types: { c: STRING, ids: STRINGS },
  };
}

/** Every pair of a collection's fields and every pair pointing into it (truncate, delete). */
export function deleteReferencesOfCollection(collectionId: string): Statement {
  return {
    sql: `DELETE FROM ${R} WHERE ${q('collection_id')} = @c OR ${q('referenced_collection_id')} = @c`,
    params: { c: collectionId },
    types: { c: STRING },
  };
}

/** The pairs of one MULTI_REFERENCE field (the field was removed). */
export function deleteReferencesOfField(collectionId: string, fieldKey: string): Statement {
  return {
    sql: `DELETE FROM ${R} WHERE ${q('collection_id')} = @c AND ${q('field_key')} = @f`,
    params: { c: collectionId, f: fieldKey },
    types: { c: STRING, f: STRING },
  };
}

function pairsWhere(query: PairsQuery): Statement {
  const params: Record<string, unknown> = { c: query.collectionId, f: query.fieldKey };
  const types: Record<string, SpannerParamType> = { c: STRING, f: STRING };
  let sql = `${q('collection_id')} = @c AND ${q('field_key')} = @f`;
  if (query.referringItemIds.length > 0) {
    sql += ` AND ${q('referring_id')} IN UNNEST(@from)`;
    params.from = [...query.referringItemIds];
    types.from = STRINGS;
  }
  if (query.referencedItemIds.length > 0) {
    sql += ` AND ${q('referenced_id')} IN UNNEST(@to)`;
    params.to = [...query.referencedItemIds];
    types.to = STRINGS;
  }
  return { sql, params, types };
}

/**
 * A page of pairs in creation order (commit timestamp, then position in the
 * inserting call; docs/protocol.md §4.9), reversed for DESC; referring/referenced
 * ids make the order total.
 */
export function selectPairs(query: PairsQuery): Statement {
  const where = pairsWhere(query);
  const dir = query.order === 'desc' ? 'DESC' : 'ASC';
  const order = ['created_at', 'seq', 'referring_id', 'referenced_id'].map((c) => `${q(c)} ${dir}`).join(', ');
  return {
    sql:
      `SELECT ${q('referring_id')}, ${q('referenced_id')} FROM ${R} WHERE ${where.sql} ` +
      `ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    params: { ...where.params, limit: Math.max(0, query.limit), offset: Math.max(0, query.offset) },
    types: { ...where.types, limit: INT64, offset: INT64 },
  };
}

export function countPairs(query: PairsQuery): Statement {
  const where = pairsWhere(query);
  return { sql: `SELECT COUNT(*) AS ${q('n')} FROM ${R} WHERE ${where.sql}`, params: where.params, types: where.types };
}
