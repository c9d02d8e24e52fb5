/**
 * Write endpoints (docs/protocol.md §4.5–§4.8). The core owns the semantics Wix
 * expects from every database: `_id` generated when absent, `_createdDate` /
 * `_updatedDate` stamped by the server, update as full replacement, and one
 * positional result per input — a bad item becomes an error entry and never
 * fails or loses the others (§3.6).
 */
import { randomUUID } from 'node:crypto';
import { errors, SpiError } from '../errors.ts';
import type { Item } from '../query/ast.ts';
import type { ItemResult, Storage, StoredCollection } from '../storage.ts';
import { decodeItem, encodeItem } from '../wire/codec.ts';
import type { RequestOf } from '../wire/validate.ts';
import { resolveCollection } from './collections.ts';
import type { CallContext } from './context.ts';
import { readByIds } from './read-by-ids.ts';

export interface WriteDeps {
  readonly storage: Storage;
  /** Server clock; injectable for tests. */
  readonly now: () => Date;
}

type WireResult = { item: Record<string, unknown> } | { error: ReturnType<SpiError['toObject']> };

export async function insertItems(deps: WriteDeps, req: RequestOf['items/insert'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  ctx.info.itemCount = req.items.length;
  const { stored } = await resolveCollection(deps.storage, req.collectionId, 'INSERT', req.items);
  const now = deps.now();
  // The item's own dates only when the call says so (context.ts `keepGivenDates`: legacy inserts);
  // decodeItem has made a valid one a Date and refused an invalid one.
  const keep = ctx.keepGivenDates === true;
  const prepared = perItem(req.items, (raw, index) => {
    const item = decodeItem(stored, raw, `items[${index}]`);
    const id = item._id;
    return {
      ...item,
      _id: typeof id === 'string' && id.length > 0 ? id : randomUUID(),
      _createdDate: keep && item._createdDate instanceof Date ? item._createdDate : now,
      _updatedDate: keep && item._updatedDate instanceof Date ? item._updatedDate : now,
    } satisfies Item;
  });
  // overwriteExisting is an early-draft flag (docs/protocol.md §4.5, §14); honoured as an upsert when it arrives.
  const overwrite = (req as { overwriteExisting?: unknown }).overwriteExisting === true;
  return { results: await writeBatch(stored, prepared, (items) => deps.storage.insert(stored, items, { overwrite })) };
}

export async function updateItems(deps: WriteDeps, req: RequestOf['items/update'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  ctx.info.itemCount = req.items.length;
  const { stored } = await resolveCollection(deps.storage, req.collectionId, 'UPDATE', req.items);
  const now = deps.now();
  const prepared = perItem(req.items, (raw, index) => {
    const { _createdDate: _kept, ...item } = decodeItem(stored, raw, `items[${index}]`);
    if (typeof item._id !== 'string' || item._id.length === 0) {
      throw errors.violation(`items[${index}]._id`, item._id, 'an updated item needs the _id of the item it replaces');
    }
    // The storage keeps the stored _createdDate (§4.6); the client's value is ignored.
    return { ...item, _updatedDate: now } satisfies Item;
  });
  return {
    results: await writeBatch(stored, prepared, async (items) =>
      deps.storage.update(stored, await withStoredOwners(deps.storage, stored, items)),
    ),
  };
}

/**
 * An update replaces the item (§4.6), but `_owner` names who created it, like `_createdDate`: an
 * item sent without the key keeps the stored owner instead of losing it (a caller that builds the
 * item from a projection, backend code, a legacy update), which on a site where members edit only
 * their own items took the item away from its member. An `_owner` the item does carry, null
 * included, is written as sent. One read of the owners, only when some item leaves the key out.
 */
async function withStoredOwners(storage: Storage, stored: StoredCollection, items: readonly Item[]): Promise<Item[]> {
  const missing = [...new Set(items.filter((item) => !('_owner' in item)).map((item) => String(item._id)))];
  if (missing.length === 0 || !stored.fields.some((field) => field.key === '_owner')) return [...items];
  const rows = await readByIds(storage, stored, missing, { projection: ['_id', '_owner'] });
  const owners = new Map(rows.map((row) => [String(row._id), row._owner ?? null]));
  return items.map((item) =>
    '_owner' in item || !owners.has(String(item._id))
      ? item
      : { ...item, _owner: owners.get(String(item._id)) ?? null },
  );
}

export async function removeItems(deps: WriteDeps, req: RequestOf['items/remove'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  ctx.info.itemCount = req.itemIds.length;
  const { stored } = await resolveCollection(deps.storage, req.collectionId, 'REMOVE');
  // An empty batch is answered empty once the collection is known (wire/schemas/common.ts BulkArray).
  const results = req.itemIds.length === 0 ? [] : await deps.storage.remove(stored, req.itemIds);
  return { results: results.map((result) => toWire(stored, result)) };
}

export async function truncateItems(deps: WriteDeps, req: RequestOf['items/truncate'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  const { stored } = await resolveCollection(deps.storage, req.collectionId, 'TRUNCATE');
  await deps.storage.truncate(stored);
  return {};
}

/**
 * Runs `prepare` per item (validation errors become that item's result), sends
 * the valid ones to the storage in one call, and merges both back in input order.
 */
async function writeBatch(
  stored: StoredCollection,
  prepared: readonly (Item | SpiError)[],
  write: (items: readonly Item[]) => Promise<readonly ItemResult[]>,
): Promise<WireResult[]> {
  const results: WireResult[] = new Array(prepared.length);
  const valid: Item[] = [];
  const positions: number[] = [];
  prepared.forEach((entry, index) => {
    if (entry instanceof SpiError) results[index] = { error: entry.toObject() };
    else {
      valid.push(entry);
      positions.push(index);
    }
  });
  if (valid.length > 0) {
    const written = await write(valid);
    if (written.length !== valid.length) {
      throw new Error(`storage answered ${written.length} results for ${valid.length} items`);
    }
    written.forEach((result, i) => {
      results[positions[i] as number] = toWire(stored, result);
    });
  }
  return results;
}

function toWire(stored: StoredCollection, result: ItemResult): WireResult {
  return 'item' in result ? { item: encodeItem(stored, result.item) } : { error: result.error.toObject() };
}

/** Maps each raw item through `prepare`, turning a thrown SpiError into that item's error. */
export function perItem<T>(items: readonly unknown[], prepare: (raw: unknown, index: number) => T): (T | SpiError)[] {
  return items.map((raw, index) => {
    try {
      return prepare(raw, index);
    } catch (error) {
      if (error instanceof SpiError) return error;
      throw error;
    }
  });
}
