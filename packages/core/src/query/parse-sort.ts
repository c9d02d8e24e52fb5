/**
 * Wire `Sorting[]` → Sort[] (docs/protocol.md §3.2, §10.4; docs/semantics.md §2).
 */
import { errors } from '../errors.ts';
import { ID_FIELD } from '../model.ts';
import { isPlainObject } from '../plain-object.ts';
import type { Sort, SortOrder } from './ast.ts';
import { fieldsByKey, isSortable, type ParseContext, resolveField, topLevelRef } from './parse-context.ts';
import { valueShape } from './parse-operand.ts';

/** Missing order → ASC (docs/protocol.md §3.2); lower-case is accepted as the legacy protocol spelled it. */
function parseOrder(raw: unknown, at: string): SortOrder {
  if (raw === undefined || raw === null) return 'asc';
  if (typeof raw === 'string') {
    const upper = raw.toUpperCase();
    if (upper === 'ASC') return 'asc';
    if (upper === 'DESC') return 'desc';
  }
  throw errors.violation(at, raw, 'Sort order must be "ASC" or "DESC".');
}

/**
 * The sort entries as sent, validated: field known (strict), sortable, at
 * most one array field (native error WDE0121, §2). A field listed twice keeps
 * its first entry (later ones cannot change the order). No tie-breaker here.
 */
export function parseSortEntries(raw: unknown, ctx: ParseContext, path: string): Sort[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    throw errors.violation(path, raw, 'sort must be an array like [{"fieldName": "title", "order": "ASC"}].');
  }
  const sorts: Sort[] = [];
  const seen = new Set<string>();
  let arrayField: string | undefined;
  raw.forEach((entry: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(entry))
      throw errors.violation(at, entry, 'Each sort entry must be {"fieldName": …, "order": "ASC"|"DESC"}.');
    const resolved = resolveField(ctx, entry.fieldName, `${at}.fieldName`);
    const order = parseOrder(entry.order, `${at}.order`);
    const key = resolved.ref.key;
    if (!isSortable(ctx, resolved)) {
      throw errors.violation(`${at}.fieldName`, key, `Field '${key}' is not sortable in this collection.`);
    }
    if (resolved.declared?.type === 'MULTI_REFERENCE') {
      throw errors.violation(`${at}.fieldName`, key, `'${key}' is a MULTI_REFERENCE field and cannot be sorted on.`);
    }
    if (seen.has(key)) return;
    if (!resolved.nested && valueShape(resolved).array) {
      if (arrayField !== undefined) {
        throw errors.violation(
          `${at}.fieldName`,
          key,
          `Cannot sort by more than one array field ('${arrayField}' and '${key}').`,
        );
      }
      arrayField = key;
    }
    seen.add(key);
    sorts.push(Object.freeze({ field: resolved.ref, order }));
  });
  return sorts;
}

/**
 * Sorts for an items query: the validated entries with the tie-breaker that makes offset and
 * keyset paging stable (docs/semantics.md §2 "Rule"): `{_id asc}` appended when absent (entries
 * after `_id` are cut: it is unique, nothing after it can matter). No sort at all → `_id ASC`,
 * Wix's reference adaptor's default. A collection identified by other fields (ParseContext.rowKey:
 * an owner's table keyed by other columns) ends with those instead; one with no key at all, with
 * every sortable top-level field, so equal rows are the only ties left.
 */
export function parseSort(raw: unknown, ctx: ParseContext, path: string): Sort[] {
  const sorts = parseSortEntries(raw, ctx, path);
  if (ctx.rowKey === undefined) {
    const idAt = sorts.findIndex((s) => s.field.key === ID_FIELD);
    if (idAt >= 0) return sorts.slice(0, idAt + 1);
    return [...sorts, idTieBreaker(ctx)];
  }
  const sorted = new Set(sorts.map((s) => s.field.key));
  const keys = ctx.rowKey.length > 0 ? ctx.rowKey : ctx.collection.fields.map((f) => f.key);
  const tieBreakers: Sort[] = [];
  for (const key of keys) {
    const field = fieldsByKey(ctx.collection).get(key);
    if (sorted.has(key) || !field || field.capabilities?.sortable === false) continue;
    const ref = topLevelRef(key, field.type);
    // Arrays (and multi-references) cannot end a sort: the parser's own notion of an array field.
    if (valueShape({ ref, declared: field, nested: false }).array) continue;
    tieBreakers.push(Object.freeze({ field: ref, order: 'asc' as const }));
  }
  return [...sorts, ...tieBreakers];
}

/** `{_id asc}`, typed from the collection when it declares `_id` (TEXT otherwise). */
export function idTieBreaker(ctx: ParseContext): Sort {
  const type = fieldsByKey(ctx.collection).get(ID_FIELD)?.type ?? 'TEXT';
  return Object.freeze({ field: topLevelRef(ID_FIELD, type), order: 'asc' });
}
