/**
 * Looking collections up and making sure an operation is allowed on them.
 * Storages cache schema reads themselves; this layer only decorates and checks.
 */
import { allows, describeCollection } from '../capabilities.ts';
import { errors, type SpiError } from '../errors.ts';
import type { Collection, DataOperation } from '../model.ts';
import type { ParseContext } from '../query/parse-context.ts';
import type { Storage, StoredCollection } from '../storage.ts';
import { nameLimits } from '../wire/limits.ts';

export interface ResolvedCollection {
  readonly stored: StoredCollection;
  readonly described: Collection;
  readonly parse: ParseContext;
}

const parseContexts = new WeakMap<StoredCollection, ParseContext>();

export async function resolveCollection(
  storage: Storage,
  collectionId: string,
  operation: DataOperation | undefined,
  items?: readonly unknown[],
): Promise<ResolvedCollection> {
  // An id longer than this engine can name cannot exist: the database is not asked (wire/limits.ts).
  if (collectionId.length > nameLimits(storage.capabilities.limits).collectionIdLength) {
    throw errors.collectionNotFound(collectionId);
  }
  let stored = await storage.getCollection(collectionId);
  if (!stored) throw errors.collectionNotFound(collectionId);
  // Items carrying a field this (cached) definition lacks: another instance may have just added it.
  // The definition is read again whatever refreshCollection answers: "unchanged" compares the
  // fresh read with the storage's current snapshot, which its background check may have replaced
  // by the new definition after `stored` was read (sql-storage schema-cache.ts `refresh`).
  if (items && storage.refreshCollection && hasUnknownKey(stored, items)) {
    await storage.refreshCollection(collectionId);
    stored = await storage.getCollection(collectionId);
    if (!stored) throw errors.collectionNotFound(collectionId);
  }
  const described = describeCollection(stored, storage.capabilities);
  if (operation && !allows(described, operation)) throw operationNotAllowed(described, stored, operation);
  let parse = parseContexts.get(stored);
  if (!parse) {
    parse = {
      collection: described,
      strict: stored.strict ?? true,
      nestedQueryOperators: storage.capabilities.nestedQueryOperators,
      supportsMatches: storage.capabilities.supportsMatches,
      ...(stored.rowKey ? { rowKey: stored.rowKey } : {}),
    };
    parseContexts.set(stored, parse);
  }
  return { stored, described, parse };
}

function operationNotAllowed(collection: Collection, stored: StoredCollection, operation: DataOperation): SpiError {
  const why = stored.readOnly
    ? `collection '${collection.id}' is ${stored.readOnlyReason ?? 'read-only (it has no _id column, or it is a view)'}`
    : `collection '${collection.id}' does not support ${operation} in this database; use the operations its dataOperations (collections/get) list`;
  return errors.badRequest(`${operation} is not allowed: ${why}.`);
}

/** Whether a strict collection lacks a top-level key of one of the raw items (the codec then refuses it). */
function hasUnknownKey(stored: StoredCollection, items: readonly unknown[]): boolean {
  if (stored.strict === false) return false;
  const keys = new Set(stored.fields.map((f) => f.key));
  for (const raw of items) {
    if (typeof raw !== 'object' || raw === null) continue;
    for (const key of Object.keys(raw)) if (!keys.has(key) && !key.startsWith('$')) return true;
  }
  return false;
}
