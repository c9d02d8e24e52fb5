/**
 * One BigQuery REST call (`/projects/<project>/…` below the client's base URL),
 * sent by the client's own auth client: `bq.authClient.request`, google-auth-library's
 * documented request method (gaxios), which adds the credentials the client
 * would add (none for an emulator built with `PassThroughClient`: client.ts).
 *
 * Why not the client's `bq.request`: it sends through @google-cloud/common's
 * retry-request → teeny-request → node-fetch 3 chain, which copies the options
 * deeply, runs two `stream.pipeline`s per call (each ending in an `AbortController`
 * abort that builds a `DOMException` with its stack) and re-wraps the response.
 * The path below costs ~0.25 ms less CPU per call (DEPLOY.md, "The client's paths").
 * The auth client's request, sent over `node:http` (http-fetch.ts, as gaxios' documented
 * `fetchImplementation`), is the same REST call with the same credentials.
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
import type { BigQuery } from '@google-cloud/bigquery';
// The client's own version, for the headers its `request_` sends (the bundle inlines it).
import bigqueryPackage from '@google-cloud/bigquery/package.json' with { type: 'json' };
import { httpFetch } from './http-fetch.ts';

export interface RestCall {
  readonly method: string;
  /** Below `/projects/<project>`, e.g. `/queries`. */
  readonly uri: string;
  readonly json?: unknown;
  readonly qs?: Record<string, unknown>;
}

/** The part of the client a call needs. */
export type RestClient = Pick<BigQuery, 'authClient' | 'baseUrl' | 'projectId' | 'getProjectId'>;

/** @google-cloud/common's placeholder for a project id the auth client must find. */
const PROJECT_PLACEHOLDER = '{{projectId}}';

export async function restCall<T>(bq: RestClient, call: RestCall): Promise<T> {
  const projectId = bq.projectId === PROJECT_PLACEHOLDER ? await bq.getProjectId() : bq.projectId;
  let response: { data: T; status: number };
  try {
    response = await bq.authClient.request<T>({
      url: `${bq.baseUrl}/projects/${encodeURIComponent(projectId)}${call.uri}`,
      method: call.method as 'GET',
      ...(call.qs ? { params: call.qs } : {}),
      ...(call.json === undefined ? {} : { body: JSON.stringify(call.json) }),
      headers: call.json === undefined ? CLIENT_HEADERS : JSON_HEADERS,
      responseType: 'json',
      retry: false,
      // The function that sends (gaxios' documented option): node:http under the auth client (http-fetch.ts).
      fetchImplementation: httpFetch as unknown as typeof fetch,
    });
  } catch (error) {
    throw apiError(error);
  }
  // gaxios answers a body that does not parse as JSON as its text (a proxy's error page, say).
  if (typeof response.data !== 'object' || response.data === null) {
    throw new BigQueryCallError(
      `BigQuery answered HTTP ${response.status} with a body that is not JSON`,
      undefined,
      [],
    );
  }
  return response.data;
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
  if (typeof e?.status === 'number') {
    const body = (e.response?.data as { error?: { message?: unknown; errors?: unknown } } | undefined)?.error;
    const list = Array.isArray(body?.errors) ? (body.errors as { reason?: string; message?: string }[]) : [];
    const message = typeof body?.message === 'string' ? body.message : `HTTP ${e.status}`;
    return new BigQueryCallError(message, e.status, list);
  }
  const code = systemCode(error);
  if (code !== undefined) return new BigQueryCallError(`BigQuery could not be reached (${code})`, code, []);
  // Anything else gaxios raised (its errors hold the request's `config`, headers included):
  // its message only.
  if (error instanceof Error && 'config' in error) return new BigQueryCallError(error.message, undefined, []);
  return error;
}

/** The first string `code` along an error's `cause` chain (gaxios wraps the socket error of http-fetch.ts as its `cause`). */
function systemCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | null, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}
