/**
 * Client of Wix's External Database Connections REST API
 * (docs/connections.md §1): create, get, list, update, delete
 * a site's connection. Narrow on purpose: the fetch-like seam (http.ts) is the
 * only I/O, so tests run it against a local fake of the API.
 *
 * Authentication is not described by the spec (§1 only says an app or a Wix
 * user identity may call). Wix's REST APIs take an API key as the raw
 * `Authorization` header value plus the site in `wix-site-id` (Wix's API-key
 * docs, outside our spec); an OAuth access token also works in Authorization
 * and then needs no site header.
 */
import { type FetchLike, type HttpResult, isSuccess, send } from './http.ts';
import { isPlainObject } from './input.ts';

/** The API base of §1, split so `--api-base` can point at a fake server. */
export const DEFAULT_API_BASE = 'https://www.wixapis.com';
export const CONNECTIONS_PATH = '/wix-data/v1/external-database-connections';

/** §2 `connectionType`: the v3 service plugin (older typings said WIX_SPI; send this one). */
export const CONNECTION_TYPE = 'WIX_SERVICE_PLUGIN';

/** §2: the legacy External Database Collections protocol (packages/core/src/legacy/README.md). */
export const STANDALONE = 'STANDALONE';

/** §2: the writable properties (name on create only); everything else is read-only. */
export interface ConnectionInput {
  readonly name: string;
  readonly configuration?: Record<string, unknown>;
  /** Default WIX_SERVICE_PLUGIN; STANDALONE needs the endpoint and configuration on create (§1). */
  readonly connectionType?: typeof CONNECTION_TYPE | typeof STANDALONE;
  readonly endpoint?: string;
}

export interface ConnectionUpdate {
  readonly endpoint?: string;
  readonly configuration?: Record<string, unknown>;
}

/** §2 and §3, as Wix answers them; unknown fields are kept. */
export interface Connection {
  readonly name: string;
  readonly endpoint?: string;
  readonly configuration?: Record<string, unknown>;
  readonly connectionStatus?: {
    readonly successful?: boolean;
    readonly causeOfFailure?: string;
    readonly hasCollections?: string;
  };
  readonly publicKey?: string;
  readonly capabilities?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export interface ConnectionList {
  readonly externalDatabaseConnections: Connection[];
  readonly pagingMetadata?: Record<string, unknown>;
}

export interface ConnectionsClientOptions {
  readonly apiBase?: string;
  /** A Wix API key (or OAuth access token), sent as the Authorization header; never logged. */
  readonly apiKey: string;
  readonly siteId?: string;
  readonly fetch: FetchLike;
  readonly timeoutSeconds?: number;
}

/** A non-2xx answer from Wix; `message` is built from Wix's error body, never from the request. */
export class WixApiError extends Error {
  override readonly name = 'WixApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly body: unknown;
  constructor(status: number, code: string | undefined, message: string, body: unknown) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export interface ConnectionsClient {
  create(connection: ConnectionInput): Promise<Connection>;
  get(name: string): Promise<Connection>;
  list(paging?: { limit?: number; offset?: number }): Promise<ConnectionList>;
  update(name: string, update: ConnectionUpdate): Promise<Connection>;
  delete(name: string): Promise<void>;
}

export function createConnectionsClient(options: ConnectionsClientOptions): ConnectionsClient {
  const base = `${(options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '')}${CONNECTIONS_PATH}`;
  const headers = (withBody: boolean): Record<string, string> => ({
    authorization: options.apiKey,
    ...(options.siteId ? { 'wix-site-id': options.siteId } : {}),
    accept: 'application/json',
    ...(withBody ? { 'content-type': 'application/json' } : {}),
  });
  const request = async (method: string, path: string, body?: unknown): Promise<HttpResult> => {
    const result = await send(
      options.fetch,
      `${base}${path}`,
      { method, headers: headers(body !== undefined), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) },
      options.timeoutSeconds,
    );
    if (!isSuccess(result.status)) throw wixError(result);
    return result;
  };
  const one = (result: HttpResult): Connection => {
    const json = result.json;
    // §1: Create/Get/Update answer { externalDatabaseConnection: {...} }.
    if (!isPlainObject(json) || !isPlainObject(json.externalDatabaseConnection)) {
      throw new WixApiError(
        result.status,
        undefined,
        'Wix answered without an externalDatabaseConnection object',
        json,
      );
    }
    return json.externalDatabaseConnection as Connection;
  };
  const named = (name: string): string => `/${encodeURIComponent(name)}`;

  return {
    // §1 Create, §4.2 step 2: name (+ configuration) and connectionType; the endpoint comes later.
    async create(connection) {
      const externalDatabaseConnection = {
        name: connection.name,
        ...(connection.endpoint !== undefined ? { endpoint: connection.endpoint } : {}),
        ...(connection.configuration !== undefined ? { configuration: connection.configuration } : {}),
      };
      const connectionType = connection.connectionType ?? CONNECTION_TYPE;
      return one(await request('POST', '', { externalDatabaseConnection, connectionType }));
    },
    // §1 Get.
    async get(name) {
      return one(await request('GET', named(name)));
    },
    // §1 List: paging.limit / paging.offset query parameters.
    async list(paging = {}) {
      const query = new URLSearchParams();
      if (paging.limit !== undefined) query.set('paging.limit', String(paging.limit));
      if (paging.offset !== undefined) query.set('paging.offset', String(paging.offset));
      const text = query.toString();
      const result = await request('GET', text === '' ? '' : `?${text}`);
      const json = result.json;
      if (!isPlainObject(json))
        throw new WixApiError(result.status, undefined, 'Wix answered without a JSON body', json);
      const list = Array.isArray(json.externalDatabaseConnections) ? json.externalDatabaseConnections : [];
      return {
        externalDatabaseConnections: list as Connection[],
        ...(isPlainObject(json.pagingMetadata) ? { pagingMetadata: json.pagingMetadata } : {}),
      };
    },
    // §1 Update, §8: PUT …/{name} with { externalDatabaseConnection: { endpoint, configuration } }.
    // Full replacement: the caller sends every writable value it wants to keep.
    async update(name, update) {
      const externalDatabaseConnection = {
        ...(update.endpoint !== undefined ? { endpoint: update.endpoint } : {}),
        ...(update.configuration !== undefined ? { configuration: update.configuration } : {}),
      };
      return one(await request('PUT', named(name), { externalDatabaseConnection }));
    },
    // §1 Delete: empty answer; irreversible.
    async delete(name) {
      await request('DELETE', named(name));
    },
  };
}

/**
 * Wix's API error body is `{ message, details: { applicationError: { code,
 * description, data } | validationError: { fieldViolations: [...] } } }`
 * (Wix API errors page; docs/protocol.md §12.2 cites its code/description/data shape).
 * Whatever the shape, show what is there.
 */
function wixError(result: HttpResult): WixApiError {
  const body = result.json;
  const parts: string[] = [];
  let code: string | undefined;
  if (isPlainObject(body)) {
    const details = isPlainObject(body.details) ? body.details : {};
    const app = isPlainObject(details.applicationError) ? details.applicationError : {};
    const validation = isPlainObject(details.validationError) ? details.validationError : {};
    code = str(app.code) ?? str(body.code) ?? str(body.errorCode);
    const message = str(body.message) ?? str(body.errorMessage);
    const description = str(app.description);
    if (message) parts.push(message);
    if (description && description !== message) parts.push(description);
    if (Array.isArray(validation.fieldViolations)) {
      for (const violation of validation.fieldViolations) {
        if (!isPlainObject(violation)) continue;
        parts.push(
          `${str(violation.field) ?? '?'}: ${str(violation.description) ?? str(violation.ruleName) ?? 'invalid'}`,
        );
      }
    }
  } else if (result.text.trim() !== '') {
    parts.push(result.text.trim().slice(0, 300));
  }
  const text = `HTTP ${result.status}${code ? ` ${code}` : ''}${parts.length > 0 ? `: ${parts.join('; ')}` : ''}`;
  return new WixApiError(result.status, code, text, body);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
