/**
 * Collection endpoints (docs/protocol.md §5), capabilities (§6) and indexes (§7).
 * System fields are completed here so every storage receives the same full
 * definition; field types a storage cannot create are refused per field with
 * COLLECTION_CHANGE_NOT_SUPPORTED (§12.1).
 */
import { type AccessPolicy, mayAccess } from '../auth/policy.ts';
import { describeCollection } from '../capabilities.ts';
import { errors, type Violation } from '../errors.ts';
import { type Collection, type Field, SYSTEM_FIELDS } from '../model.ts';
import type { Storage, StoredCollection } from '../storage.ts';
import { nameLimits } from '../wire/limits.ts';
import { isDescending } from '../wire/schemas/common.ts';
import { normalizeCollectionInput, type RequestOf } from '../wire/validate.ts';
import { resolveCollection } from './collections.ts';
import type { CallContext } from './context.ts';

/**
 * collections/get shows each collection's whole schema, so under ACCESS_POLICY it shows only the
 * collections the caller may read, and leaves out the others as it leaves out unknown ids
 * (auth/README.md "What each call needs"): a listing judged by the "*" rules showed the schema of a
 * collection whose own rule refuses the caller.
 */
export async function listCollections(
  storage: Storage,
  req: RequestOf['collections/get'],
  ctx: CallContext,
  policy?: AccessPolicy,
) {
  // An id longer than this engine can name cannot exist: not asked (wire/limits.ts).
  const { collectionIdLength } = nameLimits(storage.capabilities.limits);
  const ids = (req.collectionIds ?? []).filter((id) => id.length <= collectionIdLength);
  // Unknown ids are left out, not an error (docs/protocol.md §5.1, §14).
  const stored =
    (req.collectionIds ?? []).length === 0
      ? await storage.listCollections()
      : (await Promise.all([...new Set(ids)].map((id) => storage.getCollection(id)))).filter((c) => c !== undefined);
  const readable = policy ? stored.filter((c) => mayAccess(policy, ctx.metadata, c.id, 'read')) : stored;
  return { collections: readable.map((c) => describeCollection(c, storage.capabilities)) };
}

export async function createCollection(storage: Storage, req: RequestOf['collections/create'], ctx: CallContext) {
  const collection = prepareDefinition(storage, normalizeCollectionInput(req.collection));
  ctx.info.collectionId = collection.id;
  if (await storage.getCollection(collection.id)) throw errors.collectionAlreadyExists(collection.id);
  const stored = await storage.createCollection(collection);
  return { collection: describeCollection(stored, storage.capabilities) };
}

export async function updateCollection(storage: Storage, req: RequestOf['collections/update'], ctx: CallContext) {
  const collection = prepareDefinition(storage, normalizeCollectionInput(req.collection));
  ctx.info.collectionId = collection.id;
  const existing = await storage.getCollection(collection.id);
  if (!existing) throw errors.collectionNotFound(collection.id);
  // A table that lacks only system fields is made writable by this update (prepareDefinition
  // always includes them); any other read-only table must be changed in the database.
  if (existing.readOnly && !existing.writableAfterUpdate) {
    throw errors.collectionChangeNotSupported(collection.id, [
      {
        fieldKey: '_id',
        message: `this collection is ${existing.readOnlyReason ?? 'read-only (it has no _id column, or it is a view)'}; change it in the database`,
      },
    ]);
  }
  await refuseRetypedReferences(storage, existing, collection.fields);
  const stored = await storage.updateCollection(collection);
  return { collection: describeCollection(stored, storage.capabilities) };
}

/**
 * A MULTI_REFERENCE field that holds pairs cannot change its type or its referenced collection,
 * as a field whose items hold values cannot be converted (docs/protocol.md §5.3): the pairs would
 * stay behind, unreachable, and come back if the field were changed back. Removing the field
 * removes its pairs (each storage), and a field without pairs changes freely.
 */
async function refuseRetypedReferences(
  storage: Storage,
  existing: StoredCollection,
  fields: readonly Field[],
): Promise<void> {
  if (!storage.queryReferenced) return;
  const requested = new Map(fields.map((f) => [f.key, f]));
  for (const field of existing.fields) {
    if (field.type !== 'MULTI_REFERENCE') continue;
    const next = requested.get(field.key);
    if (!next) continue;
    const sameTarget =
      next.type === 'MULTI_REFERENCE' &&
      next.multiReferenceOptions?.referencedCollectionId === field.multiReferenceOptions?.referencedCollectionId;
    if (sameTarget) continue;
    const held = await storage.queryReferenced(
      existing,
      {
        field,
        referringItemIds: [],
        referencedItemIds: [],
        order: 'asc',
        offset: 0,
        limit: 1,
        includeReferencedItems: false,
        projection: undefined,
      },
      { countTotal: false },
    );
    if (held.items.length > 0) {
      throw errors.collectionChangeNotSupported(existing.id, [
        {
          fieldKey: field.key,
          message: `'${field.key}' holds references; remove them (items/remove-references) or remove the field before changing its type or referenced collection`,
        },
      ]);
    }
  }
}

export async function deleteCollection(storage: Storage, req: RequestOf['collections/delete'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  requireModifications(storage, req.collectionId);
  const tooLong = req.collectionId.length > nameLimits(storage.capabilities.limits).collectionIdLength;
  // The same call sent again after a 504 that said so: it finishes the delete, and answers as the
  // delete it completes (storage.ts `finishDelete`).
  if (!tooLong && (await storage.finishDelete?.(req.collectionId))) return {};
  const existing = tooLong ? undefined : await storage.getCollection(req.collectionId);
  if (!existing) throw errors.collectionNotFound(req.collectionId);
  // A read-only table is the owner's data the adaptor may not write (Wix's rule: read-write only with
  // _id, _createdDate, _updatedDate and _owner; docs/protocol.md §5.4, §9.3): item removal and truncation are
  // refused on it, so dropping the whole table from Wix must be too.
  if (existing.readOnly) {
    throw errors.collectionChangeNotSupported(req.collectionId, [
      {
        fieldKey: '_id',
        message: `this collection is ${existing.readOnlyReason ?? 'read-only (it has no _id column, or it is a view)'}; the adaptor does not delete it: drop it in the database if you mean to`,
      },
    ]);
  }
  await storage.deleteCollection(req.collectionId);
  return {};
}

export function getCapabilities(storage: Storage) {
  const caps = storage.capabilities;
  return {
    supportsCollectionModifications: caps.supportsCollectionModifications,
    supportedFieldTypes: caps.supportsCollectionModifications ? caps.supportedFieldTypes : [],
    indexOptions: caps.indexOptions,
  };
}

export async function listIndexes(storage: Storage, req: RequestOf['indexes/list'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  const { stored } = await resolveCollection(storage, req.collectionId, undefined);
  const list = indexMethod(storage, storage.listIndexes);
  return { indexes: await list(stored) };
}

export async function createIndex(storage: Storage, req: RequestOf['indexes/create'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  const { stored } = await resolveCollection(storage, req.collectionId, undefined);
  const create = indexMethod(storage, storage.createIndex);
  const fieldKeys = new Set(stored.fields.map((f) => f.key));
  req.index.fields.forEach((f, i) => {
    const top = f.path.split('.')[0] ?? f.path;
    if (!fieldKeys.has(top)) throw errors.violation(`index.fields[${i}].path`, f.path, `unknown field '${top}'`);
  });
  const index = await create(stored, {
    name: req.index.name,
    fields: req.index.fields.map((f) => ({ path: f.path, order: isDescending(f.order) ? 'DESC' : 'ASC' })),
    unique: req.index.unique === true,
    caseInsensitive: req.index.caseInsensitive === true,
  });
  return { index };
}

export async function removeIndex(storage: Storage, req: RequestOf['indexes/remove'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  const { stored } = await resolveCollection(storage, req.collectionId, undefined);
  const remove = indexMethod(storage, storage.removeIndex);
  await remove(stored, req.indexName);
  return {};
}

export function provision(storage: Storage) {
  // The legacy handshake (docs/protocol.md §8): exactly these four keys.
  return { type: storage.capabilities.engine, vendor: 'gcp', protocolVersion: 3, adapterVersion: 'v3' };
}

function indexMethod<F extends (...args: never[]) => unknown>(storage: Storage, method: F | undefined): F {
  if (!storage.capabilities.indexOptions.supportsIndexes || !method) {
    throw errors.unsupported('Managing indexes', 'capabilities/get reports indexOptions.supportsIndexes: false');
  }
  return method.bind(storage) as F;
}

function requireModifications(storage: Storage, collectionId: string): void {
  if (!storage.capabilities.supportsCollectionModifications) {
    throw errors.collectionChangeNotSupported(collectionId, [
      { fieldKey: '', message: 'this adaptor is configured without collection modifications (read-only schema)' },
    ]);
  }
}

/**
 * Completes and checks a create/update definition: system fields present with
 * their types, keys unique, every type creatable by this storage.
 */
function prepareDefinition(storage: Storage, input: Collection): Collection {
  requireModifications(storage, input.id);
  checkNameLengths(storage, input);
  const seen = new Set<string>();
  input.fields.forEach((field, i) => {
    if (seen.has(field.key)) throw errors.violation(`collection.fields[${i}].key`, field.key, 'duplicate field key');
    seen.add(field.key);
  });
  const problems: { fieldKey: string; message: string }[] = [];
  const fields: Field[] = [];
  for (const system of SYSTEM_FIELDS) {
    const given = input.fields.find((f) => f.key === system.key);
    if (given && given.type !== system.type) {
      problems.push({ fieldKey: system.key, message: `system field ${system.key} must be ${system.type}` });
    }
    fields.push({ ...system, ...(given?.displayName != null ? { displayName: given.displayName } : {}) });
  }
  const supported = new Set(storage.capabilities.supportedFieldTypes);
  for (const field of input.fields) {
    if (SYSTEM_FIELDS.some((s) => s.key === field.key)) continue;
    if (!supported.has(field.type)) {
      problems.push({
        fieldKey: field.key,
        message: `field type ${field.type} is not supported by this database; supported: ${[...supported].join(', ')}`,
      });
    }
    fields.push(field);
  }
  if (problems.length > 0) throw errors.collectionChangeNotSupported(input.id, problems);
  return { ...input, fields };
}

/** Ids and keys within the engine's lengths (wire/limits.ts), refused before the database sees them. */
function checkNameLengths(storage: Storage, input: Collection): void {
  const limits = nameLimits(storage.capabilities.limits);
  const engine = storage.capabilities.engine;
  const violations: Violation[] = [];
  if (input.id.length > limits.collectionIdLength) {
    violations.push({
      fieldPath: 'collection.id',
      rejectedValue: input.id,
      message: `collection ids may be at most ${limits.collectionIdLength} characters in ${engine}; use a shorter id`,
    });
  }
  input.fields.forEach((field, i) => {
    if (field.key.length <= limits.fieldKeyLength) return;
    violations.push({
      fieldPath: `collection.fields[${i}].key`,
      rejectedValue: field.key,
      message: `field keys may be at most ${limits.fieldKeyLength} characters in ${engine}; use a shorter key`,
    });
  });
  if (violations.length > 0) throw errors.validation(violations);
}
