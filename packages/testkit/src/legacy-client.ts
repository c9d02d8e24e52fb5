/**
 * A second Wix-like client: the legacy External Database Collections protocol
 * (STANDALONE connections: JSON bodies with `requestContext.settings.secretKey`,
 * POST /provision, /schemas/*, /data/*). It offers the `WixClient` method
 * surface so the conformance suite runs through it unchanged: each call is
 * translated into the legacy wire format and the legacy answer back into the
 * v3 shape the suite reads.
 *
 * What the legacy protocol cannot say throws `Inexpressible` (cursor paging,
 * distinct values, references, indexes, aggregation sort/paging, insert
 * options). Collection management goes to the `fixtures` v3 client: the legacy
 * schema calls cannot state v3 field types, options or display names, so the
 * suite's fixtures are created the way a site migrating from v3 would have
 * them; the legacy schema endpoints have their own tests
 * (test/legacy-routes.test.ts). Legacy errors carry only a status and a
 * message, so an error answer comes back with the generic code of its status
 * (`LEGACY_STATUS_CODES`), never a guessed specific one.
 */
import type { CallResult, WixClient } from './client.ts';
import { toV1Filter } from './legacy-filter-v1.ts';
import { Inexpressible } from './legacy-inexpressible.ts';

export { Inexpressible } from './legacy-inexpressible.ts';

export type LegacyRoleName = 'OWNER' | 'BACKEND_CODE' | 'MEMBER' | 'VISITOR';

export interface LegacyClientOptions {
  readonly baseUrl: string;
  /** What the connection's configuration.secretKey holds. */
  readonly secretKey: string;
  /** requestContext.role; default BACKEND_CODE (site backend code). */
  readonly role?: LegacyRoleName;
  /** Filter wire format: v2 (the query language, default) or v1 (the operator tree). */
  readonly filterFormat?: 'v1' | 'v2';
  /** v3 client for collection management (see the file comment). */
  readonly fixtures?: WixClient;
}

export interface LegacyCallOptions {
  /** Override the secret (undefined = the client's; null = send none). */
  readonly secretKey?: string | null;
  readonly role?: LegacyRoleName;
  /** Send this body exactly, without adding a requestContext. */
  readonly raw?: boolean;
}

/** The generic v3 error code reported for a legacy error status (the legacy body has no code). */
export const LEGACY_STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'BAD_REQUEST',
  409: 'ALREADY_EXISTS',
  413: 'PAYLOAD_TOO_LARGE',
  500: 'UNKNOWN_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON whose shape each test asserts.
type Json = any;
type Obj = Record<string, unknown>;

export class LegacyClient {
  private readonly options: LegacyClientOptions;

  // No parameter properties: Node's type stripping must be able to run this file.
  constructor(options: LegacyClientOptions) {
    this.options = options;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** The same client with other options (role, filter format, secret). */
  with(options: Partial<LegacyClientOptions>): LegacyClient {
    return new LegacyClient({ ...this.options, ...options });
  }

  /** POSTs a legacy call: `body` plus the requestContext Wix adds. */
  async legacy(path: string, body: Obj = {}, options: LegacyCallOptions = {}): Promise<CallResult<Json>> {
    const secretKey = options.secretKey === undefined ? this.options.secretKey : options.secretKey;
    const payload = options.raw
      ? body
      : {
          ...body,
          requestContext: {
            settings: secretKey === null ? {} : { secretKey },
            instanceId: '3f0c5d7e-0000-4000-8000-aaaaaaaaaaaa',
            installationId: 'b71e2a90-0000-4000-8000-bbbbbbbbbbbb',
            memberId: '0c9d8e7f-0000-4000-8000-cccccccccccc',
            role: options.role ?? this.options.role ?? 'BACKEND_CODE',
          },
        };
    return this.postRaw(path, JSON.stringify(payload));
  }

  /** Posts a raw body to a root path (`/data/find` …). */
  async postRaw(path: string, body: string, contentType = 'application/json'): Promise<CallResult<Json>> {
    const response = await fetch(`${this.options.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    const text = await response.text();
    let parsed: Json;
    try {
      parsed = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      parsed = { nonJsonBody: text };
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  // ---- the WixClient surface, translated ----

  async call(path: string, request: Obj): Promise<CallResult<Json>> {
    const { collectionId, ...rest } = request as Obj & { collectionId: string };
    switch (path) {
      case 'items/query': {
        const { query, ...extra } = rest;
        return this.query(collectionId, (query ?? {}) as Obj, extra);
      }
      case 'items/count':
        return this.count(collectionId, rest.filter);
      case 'items/aggregate':
        return this.aggregate(collectionId, rest);
      case 'items/insert':
        return this.insert(collectionId, rest.items as unknown[]);
      case 'items/update':
        return this.update(collectionId, rest.items as unknown[]);
      case 'items/remove':
        return this.remove(collectionId, rest.itemIds as string[]);
      case 'items/truncate':
        return this.truncate(collectionId);
      default:
        throw new Inexpressible(`the v3 endpoint ${path}`);
    }
  }

  async query(collectionId: string, query: Obj = {}, extra: Obj = {}): Promise<CallResult<Json>> {
    if (query.cursorPaging) throw new Inexpressible('cursor paging');
    if (extra.includeReferencedItems) throw new Inexpressible('includeReferencedItems');
    const paging = (query.paging ?? {}) as { offset?: number; limit?: number };
    const wantTotal = extra.returnTotalCount === true;
    // skip/limit only when asked, so the adaptor's own defaults are what the suite checks.
    const body: Obj = { collectionName: collectionId, filter: this.filter(query.filter), omitTotalCount: !wantTotal };
    if (paging.offset !== undefined) body.skip = paging.offset;
    if (paging.limit !== undefined) body.limit = paging.limit;
    if (Array.isArray(query.sort)) body.sort = query.sort.map(toLegacySort);
    if (query.fields !== undefined && query.fields !== null) body.projection = query.fields;
    const result = await this.legacy('/data/find', body);
    if (result.status !== 200) return asV3Error(result);
    const items = result.body.items as unknown[];
    return ok(result, {
      items,
      pagingMetadata: {
        count: items.length,
        offset: body.skip,
        ...(wantTotal ? { total: result.body.totalCount } : {}),
      },
    });
  }

  async count(collectionId: string, filter: unknown = {}): Promise<CallResult<Json>> {
    const result = await this.legacy('/data/count', { collectionName: collectionId, filter: this.filter(filter) });
    return result.status === 200 ? ok(result, { totalCount: result.body.totalCount }) : asV3Error(result);
  }

  async aggregate(collectionId: string, request: Obj): Promise<CallResult<Json>> {
    for (const key of ['sort', 'paging', 'cursorPaging'] as const) {
      if (request[key] !== undefined) throw new Inexpressible(`aggregation ${key}`);
    }
    const aggregation = (request.aggregation ?? {}) as { groupingFields?: string[]; operations?: Obj[] };
    const grouping = aggregation.groupingFields ?? [];
    const processingStep: Obj = {
      _id:
        grouping.length === 0
          ? null
          : grouping.length === 1
            ? `$${grouping[0]}`
            : Object.fromEntries(grouping.map((f) => [f, `$${f}`])),
    };
    for (const op of aggregation.operations ?? []) {
      const { resultFieldName, ...kind } = op as { resultFieldName: string } & Obj;
      const [name, arg] = Object.entries(kind)[0] ?? [];
      const field = (arg as { itemFieldName?: string } | undefined)?.itemFieldName;
      const legacyOp = { sum: '$sum', average: '$avg', min: '$min', max: '$max' }[name ?? ''];
      // defineProperty: a name like "__proto__" must become a key of the body, not its prototype.
      const alias = (value: Obj) =>
        Object.defineProperty(processingStep, resultFieldName, { value, enumerable: true, writable: true });
      if (name === 'itemCount' || name === 'count') alias({ $sum: 1 });
      else if (legacyOp && field) alias({ [legacyOp]: `$${field}` });
      else throw new Inexpressible(`aggregation operation ${JSON.stringify(op)}`);
    }
    const body: Obj = { collectionName: collectionId, processingStep };
    if (request.initialFilter !== undefined) body.filter = this.filter(request.initialFilter);
    if (request.finalFilter !== undefined) body.postFilteringStep = this.filter(request.finalFilter);
    const result = await this.legacy('/data/aggregate', body);
    if (result.status !== 200) return asV3Error(result);
    const items = result.body.items as unknown[];
    const total = request.returnTotalCount === true ? { total: result.body.totalCount } : {};
    return ok(result, { items, pagingMetadata: { count: items.length, offset: 0, ...total } });
  }

  distinct(): Promise<CallResult<Json>> {
    throw new Inexpressible('distinct values');
  }

  async insert(collectionId: string, items: unknown[], extra: Obj = {}): Promise<CallResult<Json>> {
    if (Object.keys(extra).length > 0) throw new Inexpressible(`insert options ${Object.keys(extra).join(', ')}`);
    return this.write('insert', collectionId, 'items', items);
  }

  update(collectionId: string, items: unknown[]): Promise<CallResult<Json>> {
    return this.write('update', collectionId, 'items', items);
  }

  remove(collectionId: string, itemIds: string[]): Promise<CallResult<Json>> {
    return this.write('remove', collectionId, 'itemIds', itemIds);
  }

  async truncate(collectionId: string): Promise<CallResult<Json>> {
    const result = await this.legacy('/data/truncate', { collectionName: collectionId });
    return result.status === 200 ? ok(result, {}) : asV3Error(result);
  }

  /** One item → the single endpoint; several → the bulk one (legacy bulk answers all or one error). */
  private async write(
    verb: 'insert' | 'update' | 'remove',
    collectionId: string,
    key: 'items' | 'itemIds',
    values: unknown[],
  ): Promise<CallResult<Json>> {
    if (values.length === 1) {
      const singleKey = key === 'items' ? 'item' : 'itemId';
      const result = await this.legacy(`/data/${verb}`, { collectionName: collectionId, [singleKey]: values[0] });
      return result.status === 200 ? ok(result, { results: [{ item: result.body.item }] }) : asV3Error(result);
    }
    const result = await this.legacy(`/data/${verb}/bulk`, { collectionName: collectionId, [key]: values });
    if (result.status !== 200) return asV3Error(result);
    return ok(result, { results: (result.body.items as unknown[]).map((item) => ({ item })) });
  }

  // ---- collection management: the v3 fixtures client (file comment) ----

  private get v3(): WixClient {
    if (!this.options.fixtures) throw new Inexpressible('collection management without a fixtures client');
    return this.options.fixtures;
  }
  listCollections(collectionIds: string[] = []) {
    return this.v3.listCollections(collectionIds);
  }
  createCollection(collection: Obj) {
    return this.v3.createCollection(collection);
  }
  updateCollection(collection: Obj) {
    return this.v3.updateCollection(collection);
  }
  deleteCollection(collectionId: string) {
    return this.v3.deleteCollection(collectionId);
  }

  capabilities(): Promise<CallResult<Json>> {
    throw new Inexpressible('capabilities/get');
  }
  listIndexes(): Promise<CallResult<Json>> {
    throw new Inexpressible('indexes');
  }
  createIndex(): Promise<CallResult<Json>> {
    throw new Inexpressible('indexes');
  }
  removeIndex(): Promise<CallResult<Json>> {
    throw new Inexpressible('indexes');
  }
  queryReferenced(): Promise<CallResult<Json>> {
    throw new Inexpressible('references');
  }
  insertReferences(): Promise<CallResult<Json>> {
    throw new Inexpressible('references');
  }
  removeReferences(): Promise<CallResult<Json>> {
    throw new Inexpressible('references');
  }

  private filter(filter: unknown): unknown {
    return this.options.filterFormat === 'v1' ? toV1Filter(filter) : (filter ?? {});
  }
}

function toLegacySort(entry: unknown): Obj {
  const { fieldName, order } = entry as { fieldName: string; order?: string };
  return order === undefined ? { fieldName } : { fieldName, direction: order.toLowerCase() };
}

function ok(result: CallResult<Json>, body: Json): CallResult<Json> {
  return { status: result.status, body, headers: result.headers };
}

/** A legacy `{ message }` error in the v3 error shape, with the generic code of its status. */
function asV3Error(result: CallResult<Json>): CallResult<Json> {
  const message = typeof result.body?.message === 'string' ? result.body.message : JSON.stringify(result.body);
  return {
    status: result.status,
    body: { errorCode: LEGACY_STATUS_CODES[result.status] ?? 'UNKNOWN_ERROR', errorMessage: message, data: null },
    headers: result.headers,
  };
}
