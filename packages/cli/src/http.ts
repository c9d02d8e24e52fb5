/**
 * The HTTP seam shared by `call` and `connect`: a fetch-like function (global
 * fetch by default, injectable in tests), a timeout, and errors that say which
 * URL could not be reached and why, never what headers were sent.
 */
import { CommandError } from './output.ts';

export interface HttpRequest {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  text(): Promise<string>;
}

export type FetchLike = (url: string, init: HttpRequest) => Promise<HttpResponse>;

export interface HttpResult {
  readonly status: number;
  readonly text: string;
  /** Parsed body; undefined when empty or not JSON. */
  readonly json: unknown;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;

export async function send(
  fetchLike: FetchLike,
  url: string,
  init: Omit<HttpRequest, 'signal'>,
  timeoutSeconds = DEFAULT_TIMEOUT_SECONDS,
): Promise<HttpResult> {
  let response: HttpResponse;
  let text: string;
  try {
    response = await fetchLike(url, { ...init, signal: AbortSignal.timeout(timeoutSeconds * 1000) });
    text = await response.text();
  } catch (err) {
    throw new CommandError(`could not reach ${url}: ${reason(err, timeoutSeconds)}`);
  }
  let json: unknown;
  try {
    json = text.trim() === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json };
}

function reason(err: unknown, timeoutSeconds: number): string {
  const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${timeoutSeconds} s`;
  const code = error.cause?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED): is the service running on that host and port?';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name not found (${code}): check the URL`;
    case undefined:
      // fetch refuses ports on the WHATWG "bad ports" list (1, 9, 6000, …) before connecting.
      if (error.cause?.message === 'bad port')
        return 'fetch refuses this port (WHATWG blocked-port list); use another port';
      return error.cause?.message ?? error.message ?? String(err);
    case 'ECONNRESET':
      return 'the connection was reset (ECONNRESET)';
    default:
      return code;
  }
}

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

export function parseHttpUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} "${value}" is not a URL (expected e.g. https://host or http://127.0.0.1:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${what} "${value}" must be an http:// or https:// URL`);
  }
  return url;
}
