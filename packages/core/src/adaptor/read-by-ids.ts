/**
 * Items of a collection by their ids, for the core's own reads beside a call (the items an
 * include references, the owners an update keeps): `_id` `in` lists of at most LIMITS.listValues
 * ids each, as a caller's filter may hold, in `_id` order.
 */
import { type Filter, fieldRef, type Item } from '../query/ast.ts';
import type { Storage, StoredCollection } from '../storage.ts';
import { LIMITS } from '../wire/limits.ts';

export async function readByIds(
  storage: Storage,
  collection: StoredCollection,
  ids: readonly string[],
  options: { readonly filter?: Filter; readonly projection?: readonly string[] } = {},
): Promise<Item[]> {
  const id = fieldRef('_id', 'TEXT');
  const out: Item[] = [];
  for (let start = 0; start < ids.length; start += LIMITS.listValues) {
    const part = ids.slice(start, start + LIMITS.listValues);
    const byId: Filter = { kind: 'in', field: id, values: part };
    const rows = await storage.query(collection, {
      filter: options.filter ? { kind: 'and', filters: [byId, options.filter] } : byId,
      sort: [{ field: id, order: 'asc' }],
      projection: options.projection,
      offset: 0,
      limit: part.length,
      after: undefined,
    });
    out.push(...rows);
  }
  return out;
}
