/**
 * One BigQuery REST call (`/projects/<project>/…` below the client's base URL), with the
 * credentials the client would add, sent over `node:http` / `node:https` (http-fetch.ts).
 *
 * The credentials come from google-auth-library's `GoogleAuth` (client.ts builds it as the
 * official client does; `authClient`) through `getRequestHeaders(url)`, its documented method for
 * the headers of one request: the access token (fetched and refreshed by the library before it
 * expires), a quota project, whatever the credential type adds. An emulator has no auth client
 * (client.ts): its calls carry no credentials, and no auth library is loaded for them.
 *
 * Why not the client's `bq.request`: it sends through @google-cloud/common's
 * retry-request → teeny-request → node-fetch 3 chain, which copies the options
 * deeply, runs two `stream.pipeline`s per call (each ending in an `AbortController`
 * abort that builds a `DOMException` with its stack) and re-wraps the response.
 * Why not the auth client's `request` (gaxios), which sent these calls until 5 December: per call
 * it deep-copies its options and builds a WHATWG `Headers` for the request and for the credentials,
 * and the first `Headers` loads Node's internal undici (with http2 and web streams), ~30 ms of a
 * cold start's CPU that a start on the emulator never needs otherwise (DEPLOY.md, "The client's
 * paths"). gaxios still carries the calls when an HTTP(S) proxy is set (`viaProxy`): its proxy
 * agent (and `NO_PROXY`) is what such a network needs.
 *
 * What the client's request did besides sending, kept here: the URL (its `baseUrl`,
 * project id, the path), its `User-Agent` and `x-goog-api-client` headers, no retry of
 * its own (client.ts: the executor's policy retries), and its error model: a failed call
 * becomes an `ApiError`-shaped error (`code` = HTTP status, `errors` = BigQuery's
 * `error.errors`, `message`), which errors.ts classifies, or an error carrying the
 * system `code` of a call that got no answer.
 * The body is JSON text, not an object: nothing rewrites values inside it (the client's
 * `json` option replaced every `{{projectId}}` text in item values and descriptions).
 */
// The client's own version, for the headers its `request_` sends (the bundle inlines it).
import { isMissingCredentials } from '@adaptors/core';
import bigqueryPackage from '@google-cloud/bigquery/package.json' with { type: 'json' };
import type { GoogleAuth } from 'google-auth-library';
import { httpFetch } from './http-fetch.ts';

export interface RestCall {
  readonly method: string;
  /** Below `/projects/<project>`, e.g. `/queries`. */
  readonly uri: string;
  readonly json?: unknown;
  readonly qs?: Record<string, unknown>;
}

/**
 * What a call needs of the connection (client.ts; an official `BigQuery` client has the same
 * members): the base URL (`<endpoint>/bigquery/v2`), the project, and the credentials.
 */
export interface RestClient {
  readonly baseUrl: string;
  /** The project, or PROJECT_PLACEHOLDER until `getProjectId` has asked the credentials for it. */
  readonly projectId: string;
  getProjectId(): Promise<string>;
  /** google-auth-library's `GoogleAuth`; undefined for an emulator, which is called without credentials. */
  readonly authClient: Pick<GoogleAuth, 'getRequestHeaders' | 'request'> | undefined;
}

/** @google-cloud/common's placeholder for a project id the auth client must find. */
export const PROJECT_PLACEHOLDER = '{{projectId}}';

export async function restCall<T>(bq: RestClient, call: RestCall): Promise<T> {
  const projectId = bq.projectId === PROJECT_PLACEHOLDER ? await bq.getProjectId() : bq.projectId;
  const url = `${bq.baseUrl}/projects/${encodeURIComponent(projectId)}${call.uri}`;
  const body = call.json === undefined ? undefined : JSON.stringify(call.json);
  const headers = call.json === undefined ? CLIENT_HEADERS : JSON_HEADERS;
  // An emulator (no auth client) is local: called directly, proxy or not.
  if (bq.authClient && viaProxy()) return throughAuthClient<T>(bq.authClient, call, url, body, headers);
  const target = call.qs ? `${url}?${queryString(call.qs)}` : url;
  let answer: { status: number; text: string };
  try {
    const credentials = await credentialHeaders(bq, target);
    const response = await httpFetch(target, {
      method: call.method,
      headers: credentials ? { ...headers, ...credentials } : headers,
      ...(body === undefined ? {} : { body }),
    });
    answer = { status: response.status, text: await response.text() };
  } catch (error) {
    // No usable credentials (a key file that is not there fails with the file system's code):
    // left as it is for errors.ts to answer, not taken for a call that got no answer.
    if (isMissingCredentials(error)) throw error;
    throw apiError(error);
  }
  // 401: BigQuery refused the credentials before doing anything. The auth client's `request`
  // applies google-auth-library's own rule for that case (refresh the token and send once more,
  // for the credential types that allow it), so the call is sent again through it.
  if (answer.status === 401 && bq.authClient) return throughAuthClient<T>(bq.authClient, call, url, body, headers);
  const data = parsedBody(answer.text);
  if (answer.status < 200 || answer.status >= 300) throw httpError(answer.status, data);
  return jsonObject<T>(data, answer.status);
}

/**
 * The headers of the credentials for one call to `url`, as a plain record; none for an emulator
 * (no auth client: client.ts), so its calls build no WHATWG `Headers` (which loads undici).
 */
async function credentialHeaders(bq: RestClient, url: string): Promise<Record<string, string> | undefined> {
  if (!bq.authClient) return undefined;
  const record: Record<string, string> = {};
  (await bq.authClient.getRequestHeaders(url)).forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/**
 * An HTTP(S) proxy is set (the variables gaxios reads for its proxy agent): the calls go through
 * the auth client's `request`, whose agent for the proxy (honouring `NO_PROXY`) carries them.
 */
function viaProxy(): boolean {
  const env = process.env;
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/** The call through google-auth-library's documented `request` (gaxios), over `node:http` with the agent gaxios chose. */
async function throughAuthClient<T>(
  auth: NonNullable<RestClient['authClient']>,
  call: RestCall,
  url: string,
  body: string | undefined,
  headers: Readonly<Record<string, string>>,
): Promise<T> {
  let response: { data: T; status: number };
  try {
    response = await auth.request<T>({
      url,
      method: call.method as 'GET',
      ...(call.qs ? { params: call.qs } : {}),
      ...(body === undefined ? {} : { body }),
      headers,
      responseType: 'json',
      retry: false,
      // The function that sends (gaxios' documented option): node:http under the auth client (http-fetch.ts).
      fetchImplementation: httpFetch as unknown as typeof fetch,
    });
  } catch (error) {
    throw apiError(error);
  }
  // gaxios answers a body that does not parse as JSON as its text (a proxy's error page, say).
  return jsonObject<T>(response.data, response.status);
}

/** The query string gaxios makes of `params` (`URLSearchParams` of the values as text). */
function queryString(qs: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const name of Object.keys(qs)) params.append(name, String(qs[name]));
  return params.toString();
}

/** The answer's JSON value, or its text when it is not JSON (a proxy's error page, say). */
function parsedBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Every call here answers a JSON object; anything else fails naming only the HTTP status. */
function jsonObject<T>(data: unknown, status: number): T {
  if (typeof data !== 'object' || data === null) {
    throw new BigQueryCallError(`BigQuery answered HTTP ${status} with a body that is not JSON`, undefined, []);
  }
  return data as T;
}

/** The identification headers @google-cloud/common's `request_` sends (service.js), for BigQuery's usage metrics. */
const CLIENT_HEADERS: Readonly<Record<string, string>> = {
  'User-Agent': `gcloud-node-bigquery/${bigqueryPackage.version}`,
  'x-goog-api-client': `gl-node/${process.versions.node} gccl/${bigqueryPackage.version}`,
};
const JSON_HEADERS: Readonly<Record<string, string>> = { ...CLIENT_HEADERS, 'Content-Type': 'application/json' };

/**
 * The error of a failed call in the shape errors.ts reads (@google-cloud/common's
 * `ApiError`): an HTTP answer gives `code` (its status), BigQuery's `errors` list and
 * message (REST "Error messages": `{ error: { code, message, errors: [{ reason, message }] } }`);
 * a call that got no answer keeps the system `code` of its cause (ECONNREFUSED, …).
 * Neither carries the request, its headers or the response. An answer that is not a JSON
 * object (every call here answers one) fails the same way, with its HTTP status named.
 */
export class BigQueryCallError extends Error {
  readonly code: number | string | undefined;
  readonly errors: readonly { reason?: string; message?: string }[];

  constructor(
    message: string,
    code: number | string | undefined,
    errors: readonly { reason?: string; message?: string }[],
  ) {
    super(message);
    this.name = 'BigQueryCallError';
    this.code = code;
    this.errors = errors;
  }
}

function apiError(error: unknown): unknown {
  const e = error as { status?: unknown; response?: { data?: unknown }; message?: unknown } | null;
  if (typeof e?.status === 'number') return httpError(e.status, e.response?.data);
  const code = systemCode(error);
  if (code !== undefined) return new BigQueryCallError(`BigQuery could not be reached (${code})`, code, []);
  // Anything else gaxios raised (its errors hold the request's `config`, headers included):
  // its message only.
  if (error instanceof Error && 'config' in error) return new BigQueryCallError(error.message, undefined, []);
  return error;
}

/** An HTTP answer other than 2xx: its status, and BigQuery's message and reasons when the body is its error JSON. */
function httpError(status: number, data: unknown): BigQueryCallError {
  const body = (data as { error?: { message?: unknown; errors?: unknown } } | undefined)?.error;
  const list = Array.isArray(body?.errors) ? (body.errors as { reason?: string; message?: string }[]) : [];
  const message = typeof body?.message === 'string' ? body.message : `HTTP ${status}`;
  return new BigQueryCallError(message, status, list);
}

/** The first string `code` along an error's `cause` chain (gaxios wraps the socket error of http-fetch.ts as its `cause`). */
function systemCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | null, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
