/**
 * The socket layer under BigQuery's REST calls: rest.ts sends each call through it, and behind
 * an HTTP(S) proxy hands it to google-auth-library's request as gaxios' documented
 * `fetchImplementation` option (the function that sends), with the proxy agent gaxios chose.
 * It carries the call over `node:http` / `node:https`.
 *
 * Why not Node's own `fetch` (undici), which carried them before: per call it builds
 * WHATWG request and response objects and streams for both bodies (the request body is
 * even written through an async iterator); at start it compiles undici's WebAssembly
 * HTTP parser and, on the first released stream reader, a new V8 context for an error
 * pattern. Measured on one jobs.query of 50 items in one process: ~0.8 ms of CPU through
 * `fetch`, ~0.5 ms through `http.request` (DEPLOY.md, "The client's paths").
 *
 * What gaxios needs of a response (HttpResponse below): its status and text, and for an
 * error `ok`, `statusText` and `headers` (a `Headers`, built on first use).
 * The agent gaxios chose (an HTTPS proxy from `HTTPS_PROXY`) is used when it gives
 * one; otherwise one keep-alive agent per scheme. Responses are asked uncompressed
 * (no `Accept-Encoding`): BigQuery's answers travel inside Google's network, where
 * inflating them would cost more CPU than their bytes cost time.
 */
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';

/** What gaxios passes a `fetchImplementation` (its prepared options; only these are read). */
export interface FetchInit {
  readonly method?: string;
  readonly headers?: Headers | Record<string, string>;
  readonly body?: unknown;
  readonly signal?: AbortSignal | null;
  readonly agent?: unknown;
}

/**
 * Idle keep-alive sockets are closed after this long (undici's default keep-alive
 * timeout, which `fetch` applied): a socket the server has already closed is then
 * rarely handed to a new call.
 */
const IDLE_SOCKET_MS = 4000;

type Scheme = 'http:' | 'https:';
const agents = new Map<Scheme, Agent>();
// Loaded on first use (process.getBuiltinModule): an emulator at http:// never loads TLS.
const transport = (scheme: Scheme) =>
  scheme === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');

function agentFor(scheme: Scheme): Agent {
  let agent = agents.get(scheme);
  if (!agent) {
    agent = new (transport(scheme).Agent)({ keepAlive: true, timeout: IDLE_SOCKET_MS });
    agents.set(scheme, agent);
  }
  return agent;
}

export function httpFetch(input: string | URL, init: FetchInit = {}): Promise<HttpResponse> {
  const url = typeof input === 'string' ? new URL(input) : input;
  const scheme = url.protocol;
  if (scheme !== 'http:' && scheme !== 'https:') {
    return Promise.reject(new TypeError(`BigQuery calls go over http or https, not ${scheme}`));
  }
  let body: Buffer | undefined;
  if (typeof init.body === 'string') body = Buffer.from(init.body, 'utf8');
  else if (init.body instanceof Uint8Array)
    body = Buffer.from(init.body.buffer, init.body.byteOffset, init.body.length);
  else if (init.body !== undefined && init.body !== null) {
    return Promise.reject(new TypeError('BigQuery calls send a JSON text body'));
  }
  const headers: Record<string, string> = {};
  // Told apart by shape, not `instanceof Headers`: naming the global loads Node's undici (~30 ms
  // of a cold start) in a process that sent no gaxios call (rest.ts).
  if (isHeaders(init.headers)) {
    init.headers.forEach((value, name) => {
      headers[name] = value;
    });
  } else if (init.headers) {
    for (const name of Object.keys(init.headers)) headers[name.toLowerCase()] = init.headers[name] as string;
  }
  if (body) headers['content-length'] = String(body.length);
  const options: RequestOptions = {
    method: init.method ?? 'GET',
    headers,
    agent: (init.agent as Agent | undefined) ?? agentFor(scheme),
    ...(init.signal ? { signal: init.signal } : {}),
  };
  return new Promise((resolve, reject) => {
    let request: ClientRequest;
    try {
      request = transport(scheme).request(url, options, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(new HttpResponse(response, Buffer.concat(chunks))));
        response.on('error', reject);
        // A connection closed before the whole answer came: never a truncated body as an answer.
        response.on('close', () => {
          if (!response.complete)
            reject(
              Object.assign(new Error('the connection closed before the whole answer came'), { code: 'ECONNRESET' }),
            );
        });
      });
    } catch (error) {
      reject(error);
      return;
    }
    request.on('error', reject);
    request.end(body);
  });
}

/** A WHATWG `Headers` (gaxios' requests): a record of names has no `forEach`. */
function isHeaders(headers: FetchInit['headers']): headers is Headers {
  return typeof (headers as Headers | undefined)?.forEach === 'function';
}

/**
 * The part of a fetch `Response` gaxios reads, over a fully read `node:http` answer: `status`,
 * and for an error `ok`, `statusText` and `headers` (its message and redaction); `text()` for
 * the JSON calls rest.ts makes.
 */
export class HttpResponse {
  readonly status: number;
  readonly statusText: string;
  private readonly raw: IncomingHttpHeaders;
  private readonly bytes: Buffer;
  private built: Headers | undefined;

  constructor(response: IncomingMessage, bytes: Buffer) {
    this.status = response.statusCode ?? 0;
    this.statusText = response.statusMessage ?? '';
    this.raw = response.headers;
    this.bytes = bytes;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (!this.built) {
      this.built = new Headers();
      for (const name of Object.keys(this.raw)) {
        const value = this.raw[name];
        if (Array.isArray(value)) for (const v of value) this.built.append(name, v);
        else if (value !== undefined) this.built.set(name, value);
      }
    }
    return this.built;
  }

  async text(): Promise<string> {
    return this.bytes.toString('utf8');
  }
}
