/**
 * A Wix-like HTTP client: signs each request and POSTs the token as the raw
 * body, like Wix calls an adaptor (docs/protocol.md §2.1), with one helper per endpoint.
 */
import type { SignOptions, WixSigner } from './signer.ts';

export interface CallResult<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface WixClientOptions {
  readonly baseUrl: string;
  readonly signer: WixSigner;
  /** Content-Type Wix sets is unconfirmed (docs/protocol.md §15 item 1); tests vary it. */
  readonly contentType?: string;
  /** Abort a call that has no answer after this many ms (the fetch rejects with a TimeoutError). Default: none. */
  readonly timeoutMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON whose shape each test asserts.
type Json = any;

export class WixClient {
  private readonly options: WixClientOptions;

  // No parameter properties: Node's type stripping must be able to run this file.
  constructor(options: WixClientOptions) {
    this.options = options;
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Where the next call goes (a round-robin client over several instances overrides it). */
  protected nextBaseUrl(): string {
    return this.options.baseUrl;
  }

  /** Signs `request` and posts it to `/v3/<path>`. */
  async call(path: string, request: unknown, sign: SignOptions = {}): Promise<CallResult<Json>> {
    return this.post(path, await this.options.signer.sign(request, sign));
  }

  /** Posts a raw body (a token or anything else) to `/v3/<path>`. */
  async post(path: string, body: string, headers: Record<string, string> = {}): Promise<CallResult<Json>> {
    const url = `${this.nextBaseUrl()}/v3/${path}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': this.options.contentType ?? 'text/plain', ...headers },
      body,
      ...(this.options.timeoutMs ? { signal: AbortSignal.timeout(this.options.timeoutMs) } : {}),
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

  query(collectionId: string, query: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
    return this.call('items/query', {
      collectionId,
      query: { filter: {}, ...query },
      consistentRead: false,
      returnTotalCount: false,
      ...extra,
    });
  }
  count(collectionId: string, filter: unknown = {}) {
    return this.call('items/count', { collectionId, filter, consistentRead: false });
  }
  aggregate(collectionId: string, body: Record<string, unknown>) {
    return this.call('items/aggregate', { collectionId, consistentRead: false, returnTotalCount: false, ...body });
  }
  distinct(collectionId: string, fieldName: string, body: Record<string, unknown> = {}) {
    return this.call('items/query-distinct-values', {
      collectionId,
      fieldName,
      consistentRead: false,
      returnTotalCount: false,
      ...body,
    });
  }
  insert(collectionId: string, items: unknown[], extra: Record<string, unknown> = {}) {
    return this.call('items/insert', { collectionId, items, ...extra });
  }
  update(collectionId: string, items: unknown[]) {
    return this.call('items/update', { collectionId, items });
  }
  remove(collectionId: string, itemIds: string[]) {
    return this.call('items/remove', { collectionId, itemIds });
  }
  truncate(collectionId: string) {
    return this.call('items/truncate', { collectionId });
  }
  queryReferenced(collectionId: string, referringFieldKey: string, body: Record<string, unknown> = {}) {
    return this.call('items/query-referenced', {
      collectionId,
      referringFieldKey,
      includeReferencedItems: true,
      consistentRead: false,
      returnTotalCount: false,
      ...body,
    });
  }
  insertReferences(collectionId: string, referringFieldKey: string, references: unknown[]) {
    return this.call('items/insert-references', { collectionId, referringFieldKey, references });
  }
  removeReferences(collectionId: string, referringFieldKey: string, references: unknown[]) {
    return this.call('items/remove-references', { collectionId, referringFieldKey, references });
  }
  listCollections(collectionIds: string[] = []) {
    return this.call('collections/get', { collectionIds });
  }
  createCollection(collection: Record<string, unknown>) {
    return this.call('collections/create', { collection });
  }
  updateCollection(collection: Record<string, unknown>) {
    return this.call('collections/update', { collection });
  }
  deleteCollection(collectionId: string) {
    return this.call('collections/delete', { collectionId });
  }
  capabilities() {
    return this.call('capabilities/get', {});
  }
  listIndexes(collectionId: string) {
    return this.call('indexes/list', { collectionId });
  }
  createIndex(collectionId: string, index: Record<string, unknown>) {
    return this.call('indexes/create', { collectionId, index });
  }
  removeIndex(collectionId: string, indexName: string) {
    return this.call('indexes/remove', { collectionId, indexName });
  }
}
