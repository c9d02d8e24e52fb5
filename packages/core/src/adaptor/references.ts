/**
 * Multi-reference endpoints (docs/protocol.md §4.9–§4.11) and `includeReferencedItems`
 * on queries (§4.1). Pairs are stored by the storage; the core resolves fields,
 * projections, paging and encoding.
 */
import { type AccessKind, type AccessPolicy, checkAccess } from '../auth/policy.ts';
import { errors } from '../errors.ts';
import type { Field } from '../model.ts';
import type { Filter, Item } from '../query/ast.ts';
import { encodeCursor } from '../query/cursor.ts';
import { parseFilter } from '../query/parse-filter.ts';
import { parseProjection } from '../query/parse-projection.ts';
import type { ReferencedItem, ReferenceResult, Storage, StoredCollection } from '../storage.ts';
import { encodeItem } from '../wire/codec.ts';
import { LIMITS } from '../wire/limits.ts';
import { isDescending } from '../wire/schemas/common.ts';
import type { RequestOf } from '../wire/validate.ts';
import { resolveCollection } from './collections.ts';
import type { CallContext } from './context.ts';
import { multiReferenceField } from './fields.ts';
import { type PageInput, resolvePage } from './page-input.ts';
import {
  completePage,
  cursorOffset,
  cursorPart,
  cursorString,
  cursorStrings,
  fetchLimit,
  fromCursor,
  invalidCursor,
  openCursor,
} from './paging.ts';
import { readByIds } from './read-by-ids.ts';

export interface ReferenceDeps {
  readonly storage: Storage;
  readonly cursorSecret: string;
  /** ACCESS_POLICY, for the referenced collection of each call (referencedAccess). */
  readonly policy?: AccessPolicy;
}

/**
 * Every call through a reference field reads the collection the field references, not only the
 * call's own, which adaptor.ts checks: included items and query-referenced answer its items, and
 * insert/remove-references answer whether an id exists in it (ITEM_NOT_FOUND; a pair exists only
 * while both items do, docs/semantics.md §8). So that collection must allow the caller to read it,
 * as a query on it would (auth/README.md "References"). A pair changes no item of the referenced
 * collection (it is kept with the referring field, written under the call's own `write`), so
 * `read` is what it needs, never `write`. Checked by the id the field names, before anything is read.
 */
function referencedAccess(
  policy: AccessPolicy | undefined,
  ctx: CallContext,
  collectionId: string,
  field: Field,
  kind: AccessKind,
  instead?: string,
): void {
  const target = referencedCollectionId(field);
  if (policy && target !== undefined) {
    const through = { collectionId, fieldKey: field.key };
    checkAccess(policy, ctx.metadata, target, kind, instead === undefined ? through : { ...through, instead });
  }
}

function referencedCollectionId(field: Field): string | undefined {
  return field.multiReferenceOptions?.referencedCollectionId ?? field.singleReferenceOptions?.referencedCollectionId;
}

/** Wix's public API caps included referenced items at 50 per item (docs/semantics.md §8). */
const MAX_INCLUDED_PER_ITEM = 50;

/**
 * At most how many referenced items `includeReferencedItems[].limit` includes per item. Wix sends
 * its requests as protobuf JSON, where an int left unset arrives as 0 (or not at all): 0 reads as
 * "not set", the cap, rather than as one item (a decision: Wix does not document 0; no caller asks
 * for included items and then for none of them).
 */
export function includedLimit(limit: number | null | undefined): number {
  return limit == null || limit <= 0 ? MAX_INCLUDED_PER_ITEM : Math.min(limit, MAX_INCLUDED_PER_ITEM);
}

/** What a query-referenced cursor carries: the first page's request and the position after it. */
interface ReferencedCursorState {
  /** referringFieldKey */
  readonly f: string;
  readonly r: readonly string[];
  readonly d: readonly string[];
  /** order */
  readonly s: 'asc' | 'desc';
  /** includeReferencedItems */
  readonly i: boolean;
  /** fieldsToReturn */
  readonly p: unknown;
  /** pairs before the next page */
  readonly o: number;
}

export async function queryReferenced(deps: ReferenceDeps, req: RequestOf['items/query-referenced'], ctx: CallContext) {
  const { storage, cursorSecret } = deps;
  ctx.info.collectionId = req.collectionId;
  const { stored } = await resolveCollection(storage, req.collectionId, 'QUERY_REFERENCED');
  const page = resolvePage(req as PageInput);
  // Follow-ups carry only the cursor (docs/protocol.md §3.3): it holds the whole first request.
  let state: Omit<ReferencedCursorState, 'f'> & { f: string | undefined } = {
    f: req.referringFieldKey,
    r: req.referringItemIds ?? [],
    d: req.referencedItemIds ?? [],
    s: isDescending(req.order) ? 'desc' : 'asc',
    i: req.includeReferencedItems === true,
    p: req.fieldsToReturn,
    o: page.mode === 'offset' ? page.offset : 0,
  };
  if (page.mode === 'cursor' && page.cursor) {
    state = referencedCursorState(
      openCursor(
        page.cursor,
        cursorSecret,
        { op: 'referenced', collectionId: req.collectionId },
        REFERENCED_CURSOR,
        REFERENCED_CURSOR_OPTIONAL,
      ),
    );
  }
  if (state.f === undefined) throw errors.violation('referringFieldKey', undefined, 'is required (a string)');
  const fieldKey = state.f;
  const field = fromCursor(page, () => multiReferenceField(stored.fields, fieldKey, stored.id, 'referringFieldKey'));
  referencedAccess(deps.policy, ctx, stored.id, field, 'read');
  const queryReferencedFn = storage.queryReferenced?.bind(storage);
  if (!queryReferencedFn) throw errors.unsupported('query-referenced');
  const target = await referencedCollection(storage, field);
  const parse = target ? (await resolveCollection(storage, target.id, undefined)).parse : undefined;
  const projection = parse ? fromCursor(page, () => parseProjection(state.p, parse, 'fieldsToReturn')) : undefined;
  const offset = state.o;
  const result = await queryReferencedFn(
    stored,
    {
      field,
      referringItemIds: state.r,
      referencedItemIds: state.d,
      order: state.s,
      offset,
      limit: fetchLimit(page),
      includeReferencedItems: state.i,
      projection,
    },
    { countTotal: page.mode === 'offset' && req.returnTotalCount === true },
  );
  // Pairs page by position (the storage contract's offset): pairs inserted or removed between
  // pages can shift the next one (docs/protocol.md §4.9).
  const { rows: pairs, pagingMetadata } = completePage(result.items, page, result.total, (_last, kept) =>
    encodeCursor(
      { op: 'referenced', collectionId: req.collectionId, state: { ...state, f: fieldKey, o: offset + kept } as never },
      cursorSecret,
    ),
  );
  ctx.info.itemCount = pairs.length;
  return {
    items: pairs.map((pair) => ({
      referringItemId: pair.referringItemId,
      referencedItemId: pair.referencedItemId,
      ...(pair.referencedItem && target ? { referencedItem: encodeItem(target, pair.referencedItem, projection) } : {}),
    })),
    pagingMetadata,
  };
}

const REFERENCED_CURSOR = ['f', 'r', 'd', 's', 'i', 'o'] as const;
/** `p` (fieldsToReturn) is left out of the JSON when the first request had none. */
const REFERENCED_CURSOR_OPTIONAL = ['p'] as const;

/** Each field of a query-referenced cursor's state, checked (paging.ts openCursor). */
function referencedCursorState(state: Readonly<Record<string, unknown>>): ReferencedCursorState {
  if ((state.s !== 'asc' && state.s !== 'desc') || typeof state.i !== 'boolean') throw invalidCursor();
  return {
    f: cursorString(state.f),
    r: cursorStrings(state.r),
    d: cursorStrings(state.d),
    s: state.s,
    i: state.i,
    p: state.p === undefined ? undefined : cursorPart(state.p, 'array'),
    o: cursorOffset(state.o),
  };
}

export async function insertReferences(
  deps: ReferenceDeps,
  req: RequestOf['items/insert-references'],
  ctx: CallContext,
) {
  return changeReferences(deps, req, ctx, 'INSERT_REFERENCES');
}

export async function removeReferences(
  deps: ReferenceDeps,
  req: RequestOf['items/remove-references'],
  ctx: CallContext,
) {
  return changeReferences(deps, req, ctx, 'REMOVE_REFERENCES');
}

async function changeReferences(
  deps: ReferenceDeps,
  req: RequestOf['items/insert-references'],
  ctx: CallContext,
  operation: 'INSERT_REFERENCES' | 'REMOVE_REFERENCES',
) {
  ctx.info.collectionId = req.collectionId;
  ctx.info.itemCount = req.references.length;
  const { stored } = await resolveCollection(deps.storage, req.collectionId, operation);
  const field = multiReferenceField(stored.fields, req.referringFieldKey, stored.id, 'referringFieldKey');
  referencedAccess(deps.policy, ctx, stored.id, field, 'read');
  const change =
    operation === 'INSERT_REFERENCES'
      ? deps.storage.insertReferences?.bind(deps.storage)
      : deps.storage.removeReferences?.bind(deps.storage);
  if (!change) throw errors.unsupported(operation === 'INSERT_REFERENCES' ? 'insert-references' : 'remove-references');
  const results = req.references.length === 0 ? [] : await change(stored, field, req.references);
  return { results: results.map(referenceResultToWire) };
}

function referenceResultToWire(result: ReferenceResult) {
  return 'reference' in result ? { reference: result.reference } : { error: result.error.toObject() };
}

async function referencedCollection(storage: Storage, field: Field): Promise<StoredCollection | undefined> {
  const id = referencedCollectionId(field);
  return id ? storage.getCollection(id) : undefined;
}

interface IncludeRequest {
  readonly fieldKey: string;
  readonly limit?: number | null;
  readonly filter?: unknown;
}

/**
 * The fields `includeReferencedItems` names, checked before the query reads anything: each a
 * field of the collection, named once, and the collection it references readable by the caller
 * (referencedAccess). A refused one refuses the call (403) rather than leaving its ids as they
 * are: an answer with ids left in place reads like references to items that are gone, and the
 * caller asked for the items by name (auth/README.md "References").
 */
export function resolveIncludes(
  stored: StoredCollection,
  includes: readonly IncludeRequest[],
  policy: AccessPolicy | undefined,
  ctx: CallContext,
): Field[] {
  // Every entry checked before any read: a field included twice would be read twice.
  return includes.map((include, index) => {
    const at = `includeReferencedItems[${index}].fieldKey`;
    const first = includes.findIndex((other) => other.fieldKey === include.fieldKey);
    if (first !== index) {
      throw errors.violation(at, include.fieldKey, `the field is already included at includeReferencedItems[${first}]`);
    }
    const field = stored.fields.find((f) => f.key === include.fieldKey);
    if (!field) throw errors.violation(at, include.fieldKey, 'unknown field');
    referencedAccess(policy, ctx, stored.id, field, 'read', `leave '${field.key}' out of includeReferencedItems`);
    return field;
  });
}

/**
 * Replaces reference ids by the referenced items for the listed fields:
 * REFERENCE → the item object; MULTI_REFERENCE → an array of items, ordered by
 * reference creation time (docs/protocol.md §4.1). Unknown or dangling references stay
 * as they are; included items are already wire-encoded. `fields` are the includes' fields
 * from resolveIncludes.
 */
export async function includeReferencedItems(
  storage: Storage,
  stored: StoredCollection,
  items: readonly Item[],
  includes: readonly IncludeRequest[],
  fields: readonly Field[],
): Promise<Item[]> {
  const out = items.map((item) => ({ ...item }) as Record<string, unknown>);
  for (const [index, include] of includes.entries()) {
    const field = fields[index] as Field;
    const target = await referencedCollection(storage, field);
    if (!target) continue;
    const targetParse = (await resolveCollection(storage, target.id, undefined)).parse;
    const extra = include.filter
      ? parseFilter(include.filter, targetParse, `includeReferencedItems[${index}].filter`)
      : undefined;
    const limit = includedLimit(include.limit);
    if (field.type === 'REFERENCE') {
      const ids = [...new Set(out.map((item) => item[field.key]).filter((v): v is string => typeof v === 'string'))];
      if (ids.length === 0) continue;
      const found = await fetchByIds(storage, target, ids, extra);
      for (const item of out) {
        const ref = item[field.key];
        if (typeof ref === 'string' && found.has(ref)) item[field.key] = found.get(ref);
      }
    } else if (field.type === 'MULTI_REFERENCE' && storage.queryReferenced) {
      // With a filter, the first 1000 references of each item are filtered, then `limit` kept.
      const ids = [...new Set(out.map((item) => String(item._id)))];
      const pairs = await firstPairs(storage, stored, field, ids, extra ? 1000 : limit, !extra);
      const allowed = extra
        ? await fetchByIds(
            storage,
            target,
            [...new Set([...pairs.values()].flat().map((p) => p.referencedItemId))],
            extra,
          )
        : undefined;
      for (const item of out) {
        const referenced = (pairs.get(String(item._id)) ?? []).flatMap((pair) => {
          if (allowed) {
            const found = allowed.get(pair.referencedItemId);
            return found ? [found] : [];
          }
          return pair.referencedItem ? [encodeItem(target, pair.referencedItem)] : [];
        });
        item[field.key] = referenced.slice(0, limit);
      }
    }
  }
  return out as Item[];
}

/**
 * Pairs one query-referenced call of an include may answer, at most: with the referenced items
 * (no filter, at most 50 per item: 100 referring ids a call), or ids only (with a filter, the
 * first 1000 per item: 100 ids a call). A page of 1000 items is 10 calls.
 */
const INCLUDED_PAIRS_PER_CALL = { withItems: 5_000, idsOnly: 100_000 };

/**
 * The first `perItem` pairs of each referring item, in the order of ReferencedSpec (creation time,
 * then referenced id): one query-referenced call per group of ids rather than one per item. A
 * page of pairs is a prefix of the group's order, so the pairs of any subset of the group it holds
 * are a prefix of that subset's order: the items still short of `perItem` after a full page go on
 * alone, from the offset of the pairs already read for them.
 */
async function firstPairs(
  storage: Storage,
  stored: StoredCollection,
  field: Field,
  ids: readonly string[],
  perItem: number,
  withItems: boolean,
): Promise<Map<string, ReferencedItem[]>> {
  const found = new Map<string, ReferencedItem[]>(ids.map((id) => [id, []]));
  const query = storage.queryReferenced?.bind(storage);
  if (!query) return found;
  const budget = withItems ? INCLUDED_PAIRS_PER_CALL.withItems : INCLUDED_PAIRS_PER_CALL.idsOnly;
  const group = Math.min(LIMITS.listValues, Math.max(1, Math.floor(budget / perItem)));
  for (let start = 0; start < ids.length; start += group) {
    let open = ids.slice(start, start + group);
    while (open.length > 0) {
      const offset = open.reduce((sum, id) => sum + (found.get(id)?.length ?? 0), 0);
      const limit = open.length * perItem;
      const page = await query(
        stored,
        {
          field,
          referringItemIds: open,
          referencedItemIds: [],
          order: 'asc',
          offset,
          limit,
          includeReferencedItems: withItems,
          projection: undefined,
        },
        { countTotal: false },
      );
      for (const pair of page.items) {
        const list = found.get(pair.referringItemId);
        if (list && list.length < perItem) list.push(pair);
      }
      if (page.items.length < limit) break;
      open = open.filter((id) => (found.get(id)?.length ?? 0) < perItem);
    }
  }
  return found;
}

/** The items of `target` with these ids (and matching `extra`), encoded, by id. */
async function fetchByIds(
  storage: Storage,
  target: StoredCollection,
  ids: readonly string[],
  extra: Filter | undefined,
): Promise<Map<string, Record<string, unknown>>> {
  const rows = await readByIds(storage, target, ids, extra ? { filter: extra } : {});
  return new Map(rows.map((row) => [String(row._id), encodeItem(target, row)]));
}
