/**
 * Every legacy endpoint (legacy/README.md "Endpoints") as a translation onto the
 * v3 adaptor library: the request becomes a v3 request, `adaptor.call` validates
 * it, applies the access policy, parses filters into the one AST and runs it on
 * the storage; the answer is translated back. So both protocols share
 * validation, capabilities, system fields, the codec and the evaluator.
 */
import type { Adaptor } from '../adaptor/adaptor.ts';
import type { CallContext } from '../adaptor/context.ts';
import { listCollections } from '../adaptor/schema.ts';
import { runWithDeadline } from '../deadline.ts';
import { type ErrorObject, errors, SpiError } from '../errors.ts';
import type { Collection } from '../model.ts';
import { isPlainObject } from '../plain-object.ts';
import { type EndpointName, validateRequest } from '../wire/validate.ts';
import { fromErrorObject, type LegacyError, unsupportedOperation } from './errors.ts';
import { legacyFilterToWire } from './filter.ts';
import { renamePaths } from './paths.ts';
import { columnToField, isLegacyField, isSystemField, toLegacyHeader, toLegacySchema } from './schema.ts';

type Body = Record<string, unknown>;
type Handler = (adaptor: Adaptor, body: Body, ctx: CallContext) => Promise<unknown>;

/** Default and largest page of /data/find (the v3 limits: wire/paging.ts). */
const DEFAULT_LIMIT = 50;
/** The reference's cap on /schemas/find. */
const MAX_SCHEMA_IDS = 10;
/** Largest aggregation answer: legacy aggregation has no paging, so one page of the v3 maximum. */
const AGGREGATE_ROWS = 1000;

// biome-ignore lint/suspicious/noExplicitAny: adaptor answers are the v3 response types, read by key here.
type Answer = any;

async function v3(adaptor: Adaptor, endpoint: EndpointName, request: unknown, ctx: CallContext): Promise<Answer> {
  return adaptor.call(endpoint, request, ctx);
}

function collectionName(body: Body): string {
  const name = body.collectionName;
  if (typeof name !== 'string' || name === '') {
    throw errors.violation('collectionName', name, 'must name the collection (table)');
  }
  return name;
}

function sortOf(body: Body): { fieldName: unknown; order: 'ASC' | 'DESC' }[] | undefined {
  const sort = body.sort;
  if (sort === undefined || sort === null) return undefined;
  const list = Array.isArray(sort) ? sort : [sort];
  return list.map((entry, i) => {
    if (!isPlainObject(entry)) throw errors.violation(`sort[${i}]`, entry, 'must be {"fieldName", "direction"}');
    const direction = entry.direction ?? 'asc';
    if (typeof direction !== 'string' || !['asc', 'desc'].includes(direction.toLowerCase())) {
      throw errors.violation(`sort[${i}].direction`, direction, 'must be "asc" or "desc"');
    }
    return { fieldName: entry.fieldName, order: direction.toLowerCase() === 'desc' ? 'DESC' : 'ASC' };
  });
}

function projectionOf(body: Body): unknown {
  return body.projection === undefined || body.projection === null ? undefined : body.projection;
}

/** One modification result: the item, or the error it carries thrown. */
function single(results: readonly ({ item: unknown } | { error: ErrorObject })[]): unknown {
  const first = results[0];
  if (!first) throw errors.internal();
  if ('error' in first) throw fromErrorObject(first.error);
  return first.item;
}

const PAST = { insert: 'stored', update: 'updated', remove: 'removed' } as const;

/**
 * Legacy bulk calls answer all items or one error (legacy/README.md "Bulk calls with some bad
 * items"). Underneath they are v3 calls, which write the good items of a mixed batch: the storage
 * contract has no all-or-nothing batch on every engine, so the error says exactly which items were
 * written and which were not, by position in the array sent (`key`), for a retry that sends only
 * the rest (a whole retry would fail on every item already inserted).
 */
function all(
  results: readonly ({ item: unknown } | { error: ErrorObject })[],
  verb: keyof typeof PAST,
  key: 'items' | 'itemIds',
): unknown[] {
  const failed: number[] = [];
  const done: number[] = [];
  results.forEach((r, i) => {
    ('error' in r ? failed : done).push(i);
  });
  const index = failed[0];
  if (index === undefined) return results.map((r) => (r as { item: unknown }).item);
  const spi = fromErrorObject((results[index] as { error: ErrorObject }).error);
  const past = PAST[verb];
  // The item's message is a sentence of its own: its final stop gives way to the "; …" clauses.
  throw new SpiError(
    spi.code,
    `item ${index} ${verb} failed: ${spi.message.replace(/[.\s]+$/, '')}` +
      (failed.length > 1 ? ` (${failed.length} items failed in all)` : '') +
      `; ${past}: ${done.length === 0 ? 'none' : `${positions(done)} (${done.length} of ${results.length})`}` +
      `; not ${past}: ${positions(failed)} (positions in ${key}, from 0). ` +
      `Correct the ones not ${past} and send only them again.`,
    spi.data,
  );
}

/** Ascending positions as `item 3` or `items 0, 2-4, 7`. */
function positions(list: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < list.length; i++) {
    const start = list[i] as number;
    let end = start;
    while (list[i + 1] === end + 1) end = list[++i] as number;
    runs.push(end === start ? `${start}` : `${start}-${end}`);
  }
  return `${list.length === 1 ? 'item' : 'items'} ${runs.join(', ')}`;
}

/**
 * Refuses items that carry a value for a field the legacy protocol does not have (schema.ts
 * `isLegacyField`: MULTI_REFERENCE): the v3 codec would drop it and answer success, so a value
 * the site owner entered would vanish without a word. `paths`: where each item sits in the body.
 * The definition is the storage's cached one the write reads anyway; a missing collection or a
 * failed read is left to the write, which answers it with the v3 checks (404, id format, 503).
 * The write's own permission is checked first (adaptor.authorize): a caller who may not write
 * the collection gets its 403, never a 400 that would tell which fields the collection has.
 */
async function refuseNonLegacyFields(
  adaptor: Adaptor,
  write: { readonly endpoint: 'items/insert' | 'items/update'; readonly ctx: CallContext },
  id: string,
  items: readonly unknown[],
  paths: string[],
) {
  adaptor.authorize(write.endpoint, id, write.ctx);
  const stored = await adaptor.storage.getCollection(id).catch(() => undefined);
  const hidden = (stored?.fields ?? []).filter((f) => !isLegacyField(f)).map((f) => f.key);
  if (hidden.length === 0) return;
  items.forEach((item, i) => {
    if (!isPlainObject(item)) return;
    const key = hidden.find((k) => item[k] !== undefined);
    if (key === undefined) return;
    throw errors.violation(
      `${paths[i]}.${key}`,
      item[key],
      `'${key}' is a multi-reference field, which the legacy protocol cannot store (it is left out of /schemas/list); leave it out of the item — the references it holds are kept`,
    );
  });
}

function itemOf(body: Body): Record<string, unknown> {
  if (!isPlainObject(body.item)) throw errors.violation('item', body.item, 'must be the item object');
  return body.item;
}

function itemsOf(body: Body, key: 'items' | 'itemIds'): unknown[] {
  const value = body[key];
  if (!Array.isArray(value)) throw errors.violation(key, value, 'must be an array');
  return value;
}

async function described(adaptor: Adaptor, ids: string[] | undefined, ctx: CallContext): Promise<Collection[]> {
  const answer = await v3(adaptor, 'collections/get', { collectionIds: ids ?? [] }, ctx);
  return answer.collections as Collection[];
}

/** Aggregation (legacy/README.md "Aggregation"): `_id` grouping and `$avg/$max/$min/$sum` aliases. */
function aggregationOf(body: Body) {
  const nested = isPlainObject(body.aggregation) ? body.aggregation : body;
  const step = nested.processingStep;
  if (!isPlainObject(step)) {
    throw errors.violation('processingStep', step, 'must be an object like {"_id": "$field", "n": {"$sum": 1}}');
  }
  const fieldOf = (value: unknown, path: string): string => {
    if (typeof value !== 'string' || !value.startsWith('$') || value.length < 2) {
      throw errors.violation(path, value, 'must be a "$field" reference');
    }
    return value.slice(1);
  };
  // `renames`: each v3 path of the aggregation → what the legacy caller wrote (paths.ts
  // `renamePaths`), so a message names `processingStep.total.$sum`, not `aggregation.operations[0]…`.
  const renames: [string, string][] = [];
  const id = step._id;
  const grouping: [string, unknown][] =
    id === undefined || id === null
      ? []
      : isPlainObject(id)
        ? Object.entries(id).map(([k, v]) => [`processingStep._id.${k}`, v])
        : [['processingStep._id', id]];
  const groupingFields = grouping.map(([path, value], i) => {
    renames.push([`aggregation.groupingFields[${i}]`, path]);
    return fieldOf(value, path);
  });
  const operations = Object.entries(step)
    .filter(([alias]) => alias !== '_id')
    .map(([alias, spec], i) => {
      const path = `processingStep.${alias}`;
      if (!isPlainObject(spec) || Object.keys(spec).length !== 1) {
        throw errors.violation(path, spec, 'must be one of {"$sum"|"$avg"|"$min"|"$max": "$field"} or {"$sum": 1}');
      }
      const [op, arg] = Object.entries(spec)[0] as [string, unknown];
      renames.push([`aggregation.operations[${i}]`, path]);
      if (op === '$sum' && arg === 1) return { resultFieldName: alias, itemCount: {} };
      const kind = { $sum: 'sum', $avg: 'average', $min: 'min', $max: 'max' }[op];
      if (!kind) throw errors.violation(path, op, 'use $sum, $avg, $min or $max');
      renames.unshift([`aggregation.operations[${i}].${kind}.itemFieldName`, `${path}.${op}`]);
      return { resultFieldName: alias, [kind]: { itemFieldName: fieldOf(arg, `${path}.${op}`) } };
    });
  return { groupingFields, operations, postFilteringStep: nested.postFilteringStep, renames };
}

/**
 * The collection a column change (/schemas/column/add, /remove) edits, read for the v3
 * collections/update the change becomes, so the legacy call needs exactly what that call needs
 * (auth/README.md: legacy calls get the v3 checks): first its check — `schema` on the collection,
 * the 403 naming it when refused (adaptor.authorize) — then the definition, read as
 * collections/get describes it but without that call's `read` filter (adaptor/schema.ts
 * listCollections), which would also need `read` and answer a collection the caller may change
 * but not read as one that does not exist.
 */
async function collectionToChange(adaptor: Adaptor, id: string, ctx: CallContext): Promise<Collection> {
  adaptor.authorize('collections/update', id, ctx);
  const request = validateRequest('collections/get', { collectionIds: [id] });
  const { collections } = await runWithDeadline(
    ctx.deadline,
    'read',
    () => listCollections(adaptor.storage, request, ctx),
    adaptor.abandoned,
  );
  const [collection] = collections;
  if (!collection) throw errors.collectionNotFound(id);
  return collection;
}

function requireSchemaChanges(adaptor: Adaptor): void {
  if (!adaptor.storage.capabilities.supportsCollectionModifications) {
    throw unsupportedOperation(
      'Changing collections',
      'this adaptor runs with a read-only schema; make the change in the database itself',
    );
  }
}

/**
 * The v3 refusal of the `_id` filter /data/get sends: the collection has no `_id` column
 * (a read-only table). The caller sent no filter, so the v3 message would blame one.
 */
function isNoIdColumn(error: unknown): boolean {
  if (!(error instanceof SpiError) || error.code !== 'VALIDATION_ERROR') return false;
  const violations = (error.data?.violations ?? []) as readonly { fieldPath?: string }[];
  return violations.some((v) => v.fieldPath === 'query.filter._id');
}

/** /data/get on a table without `_id`: not offered in its allowedOperations (schema.ts), so 405. */
function noGetWithoutId(id: string): LegacyError {
  return unsupportedOperation(
    `/data/get on '${id}'`,
    `the table has no _id column to fetch an item by; use /data/find with a filter on its columns, or add an _id column (unique text per row) in the database`,
  );
}

/**
 * Legacy inserts keep the `_createdDate` / `_updatedDate` an item gives (a valid date), and set
 * the missing ones to now: the legacy reference set them "to now when missing", so an import or
 * migration through the legacy protocol keeps the original dates. v3 inserts stamp the server
 * time whatever the item says (docs/semantics.md §7.3); the one switch is the call context's
 * `keepGivenDates` (adaptor/items-write.ts). Updates keep the stored `_createdDate` in both.
 * Decision: legacy/README.md, docs/legacy.md.
 */
function legacyInsert(ctx: CallContext): CallContext {
  return { ...ctx, keepGivenDates: true };
}

/** v3 field list to send back for an update (capabilities are derived, not sent). */
function definitionOf(collection: Collection) {
  return collection.fields.map(({ capabilities: _derived, ...field }) => field);
}

export const LEGACY_HANDLERS: Readonly<Record<string, Handler>> = {
  '/provision': async (adaptor, _body, ctx) => {
    // Wix's first call on connecting: prove the database answers (as Wix's samples did), within
    // the call's deadline like every other call (deadline.ts). A storage says why it is not ready
    // with an SpiError (storage.ts `ready`; e.g. the database does not exist): that cause is the
    // answer, as /readyz gives it, since Wix shows it where the connection failed. No answer
    // within the deadline (as /readyz: server/readiness.ts) and an unexpected error become "not
    // reachable" (a raw client error may hold paths or ids).
    try {
      await runWithDeadline(ctx.deadline, 'read', () => adaptor.storage.ready(), adaptor.abandoned);
    } catch (error) {
      if (error instanceof SpiError && error.code !== 'DEADLINE_EXCEEDED') throw error;
      throw errors.unavailable(`The ${adaptor.storage.capabilities.engine} database`);
    }
    return { type: adaptor.storage.capabilities.engine, vendor: 'gcp', protocolVersion: 2 };
  },

  '/schemas/list': async (adaptor, _body, ctx) => {
    const caps = adaptor.storage.capabilities;
    return { schemas: (await described(adaptor, undefined, ctx)).map((c) => toLegacySchema(c, caps.supportsMatches)) };
  },
  '/schemas/list/headers': async (adaptor, _body, ctx) => ({
    schemas: (await described(adaptor, undefined, ctx)).map(toLegacyHeader),
  }),
  '/schemas/find': async (adaptor, body, ctx) => {
    const ids = body.schemaIds;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string' && id !== '')) {
      throw errors.violation('schemaIds', ids, 'must be a non-empty array of collection names');
    }
    if (ids.length > MAX_SCHEMA_IDS) {
      throw errors.violation('schemaIds', ids.length, `Too many schemas requested: at most ${MAX_SCHEMA_IDS} per call`);
    }
    const found = await described(adaptor, ids as string[], ctx);
    if (found.length === 0) {
      throw new SpiError('COLLECTION_NOT_FOUND', `None of the requested collections exists: ${ids.join(', ')}`, null);
    }
    const caps = adaptor.storage.capabilities;
    return { schemas: found.map((c) => toLegacySchema(c, caps.supportsMatches)) };
  },
  '/schemas/create': async (adaptor, body, ctx) => {
    requireSchemaChanges(adaptor);
    await v3(adaptor, 'collections/create', { collection: { id: collectionName(body), fields: [] } }, ctx);
    return {};
  },
  '/schemas/column/add': async (adaptor, body, ctx) => {
    requireSchemaChanges(adaptor);
    const id = collectionName(body);
    const field = columnToField(body.column);
    if (isSystemField(field.key)) throw errors.violation('column.name', field.key, 'Cannot modify system field');
    const collection = await collectionToChange(adaptor, id, ctx);
    if (collection.fields.some((f) => f.key === field.key)) {
      throw errors.violation('column.name', field.key, `${id} already has a field named ${field.key}`);
    }
    const fields = [...definitionOf(collection), field];
    await v3(adaptor, 'collections/update', { collection: { id, displayName: collection.displayName, fields } }, ctx);
    return {};
  },
  '/schemas/column/remove': async (adaptor, body, ctx) => {
    requireSchemaChanges(adaptor);
    const id = collectionName(body);
    const name = body.columnName;
    if (typeof name !== 'string' || name === '') throw errors.violation('columnName', name, 'must name a field');
    if (isSystemField(name)) throw errors.violation('columnName', name, 'Cannot modify system field');
    const collection = await collectionToChange(adaptor, id, ctx);
    if (!collection.fields.some((f) => f.key === name)) {
      // 404, as the legacy reference answers a field that does not exist (not a 400 blaming the request's form).
      throw new SpiError(
        'NOT_FOUND',
        `Collection '${id}' has no field named '${name}', so there is nothing to remove: check the columnName against the fields /schemas/find lists for '${id}'.`,
        null,
      );
    }
    const fields = definitionOf(collection).filter((f) => f.key !== name);
    await v3(adaptor, 'collections/update', { collection: { id, displayName: collection.displayName, fields } }, ctx);
    return {};
  },

  '/data/find': async (adaptor, body, ctx) => {
    const countTotal = body.omitTotalCount !== true;
    const limit = body.limit ?? DEFAULT_LIMIT;
    // v3 reads a limit of 0 as 1 (wire/paging.ts: Wix never asks for an empty page); a legacy
    // caller asking for 0 items wants none, and the totalCount. The query still runs (limit 1),
    // so every check of the request and the count are those of any other page.
    const none = limit === 0;
    const answer = await v3(
      adaptor,
      'items/query',
      {
        collectionId: collectionName(body),
        query: {
          filter: legacyFilterToWire(body.filter),
          sort: sortOf(body),
          fields: projectionOf(body),
          paging: { offset: body.skip ?? 0, limit: none ? 1 : limit },
        },
        returnTotalCount: countTotal,
      },
      ctx,
    );
    const items = none ? [] : answer.items;
    return countTotal ? { items, totalCount: answer.pagingMetadata.total } : { items };
  },
  '/data/get': async (adaptor, body, ctx) => {
    const id = collectionName(body);
    const itemId = body.itemId;
    if (typeof itemId !== 'string' || itemId === '') throw errors.violation('itemId', itemId, 'must be an item _id');
    const answer = await v3(
      adaptor,
      'items/query',
      {
        collectionId: id,
        query: { filter: { _id: { $eq: itemId } }, fields: projectionOf(body), paging: { limit: 1 } },
      },
      ctx,
    ).catch((error: unknown) => {
      throw isNoIdColumn(error) ? noGetWithoutId(id) : error;
    });
    const item = answer.items[0];
    if (item === undefined) throw errors.itemNotFound(id, itemId);
    return { item };
  },
  '/data/count': async (adaptor, body, ctx) => {
    const answer = await v3(
      adaptor,
      'items/count',
      { collectionId: collectionName(body), filter: legacyFilterToWire(body.filter) },
      ctx,
    );
    return { totalCount: answer.totalCount };
  },
  '/data/insert': async (adaptor, body, ctx) => {
    const id = collectionName(body);
    const item = itemOf(body);
    await refuseNonLegacyFields(adaptor, { endpoint: 'items/insert', ctx }, id, [item], ['item']);
    const answer = await v3(adaptor, 'items/insert', { collectionId: id, items: [item] }, legacyInsert(ctx));
    return { item: single(answer.results) };
  },
  '/data/update': async (adaptor, body, ctx) => {
    const id = collectionName(body);
    const item = itemOf(body);
    await refuseNonLegacyFields(adaptor, { endpoint: 'items/update', ctx }, id, [item], ['item']);
    const answer = await v3(adaptor, 'items/update', { collectionId: id, items: [item] }, ctx);
    return { item: single(answer.results) };
  },
  '/data/remove': async (adaptor, body, ctx) => {
    const itemId = body.itemId;
    if (typeof itemId !== 'string' || itemId === '') throw errors.violation('itemId', itemId, 'must be an item _id');
    const answer = await v3(adaptor, 'items/remove', { collectionId: collectionName(body), itemIds: [itemId] }, ctx);
    return { item: single(answer.results) };
  },
  '/data/insert/bulk': async (adaptor, body, ctx) => {
    const id = collectionName(body);
    const items = itemsOf(body, 'items');
    await refuseNonLegacyFields(
      adaptor,
      { endpoint: 'items/insert', ctx },
      id,
      items,
      items.map((_, i) => `items[${i}]`),
    );
    const answer = await v3(adaptor, 'items/insert', { collectionId: id, items }, legacyInsert(ctx));
    return { items: all(answer.results, 'insert', 'items') };
  },
  '/data/update/bulk': async (adaptor, body, ctx) => {
    const id = collectionName(body);
    const items = itemsOf(body, 'items');
    await refuseNonLegacyFields(
      adaptor,
      { endpoint: 'items/update', ctx },
      id,
      items,
      items.map((_, i) => `items[${i}]`),
    );
    const answer = await v3(adaptor, 'items/update', { collectionId: id, items }, ctx);
    return { items: all(answer.results, 'update', 'items') };
  },
  '/data/remove/bulk': async (adaptor, body, ctx) => {
    const itemIds = itemsOf(body, 'itemIds');
    const answer = await v3(adaptor, 'items/remove', { collectionId: collectionName(body), itemIds }, ctx);
    return { items: all(answer.results, 'remove', 'itemIds') };
  },
  '/data/truncate': async (adaptor, body, ctx) => {
    await v3(adaptor, 'items/truncate', { collectionId: collectionName(body) }, ctx);
    return {};
  },
  '/data/aggregate': async (adaptor, body, ctx) => {
    const { groupingFields, operations, postFilteringStep, renames } = aggregationOf(body);
    const answer = await v3(
      adaptor,
      'items/aggregate',
      {
        collectionId: collectionName(body),
        initialFilter: legacyFilterToWire(body.filter),
        aggregation: { groupingFields, operations },
        finalFilter: legacyFilterToWire(postFilteringStep, 'postFilteringStep'),
        paging: { offset: 0, limit: AGGREGATE_ROWS },
        returnTotalCount: true,
      },
      ctx,
    ).catch((error: unknown) => {
      if (!(error instanceof SpiError)) throw error;
      throw new SpiError(error.code, renamePaths(error.message, renames), error.data, { notApplied: error.notApplied });
    });
    return { items: answer.items, totalCount: answer.pagingMetadata.total };
  },
};

export const LEGACY_PATHS: readonly string[] = Object.keys(LEGACY_HANDLERS);
