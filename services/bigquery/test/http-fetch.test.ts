/**
 * The socket layer under the REST calls (src/http-fetch.ts), against real local HTTP
 * servers: what it sends, what gaxios reads back, keep-alive, aborts, and the agent
 * gaxios picks for an HTTPS proxy — through the auth client's own request (rest.ts).
 */

import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { httpFetch } from '../src/http-fetch.ts';
import { restCall } from '../src/rest.ts';

interface Seen {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly port: number;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('httpFetch', () => {
  const seen: Seen[] = [];
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          port: req.socket.remotePort ?? 0,
        });
        handler(req, res);
      });
    });
    base = await listen(server);
  });
  afterEach(() => {
    seen.length = 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('sends the method, headers and body; answers status, text and headers', async () => {
    handler = (_req, res) => {
      res.setHeader('x-answer', ['a', 'b']);
      res.statusCode = 201;
      res.end('{"ok":"é"}');
    };
    const body = JSON.stringify({ query: 'SELECT "ü"' });
    const response = await httpFetch(`${base}/p/q?x=1`, {
      method: 'POST',
      headers: new Headers({ 'Content-Type': 'application/json', 'X-Goog-Api-Client': 'gl-node' }),
      body,
    });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/p/q?x=1', body });
    expect(seen[0]?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-goog-api-client': 'gl-node',
      'content-length': String(Buffer.byteLength(body)),
    });
    expect(seen[0]?.headers['accept-encoding']).toBeUndefined();
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(await response.text()).toBe('{"ok":"é"}');
    expect(response.headers.get('x-answer')).toBe('a, b');
  });

  test('a character split across two chunks of the answer is decoded whole', async () => {
    const bytes = Buffer.from('{"s":"日本"}', 'utf8');
    handler = (_req, res) => {
      res.write(bytes.subarray(0, 8));
      setTimeout(() => res.end(bytes.subarray(8)), 10);
    };
    expect(JSON.parse(await (await httpFetch(base)).text())).toEqual({ s: '日本' });
  });

  test('calls one after another reuse one connection', async () => {
    handler = (_req, res) => res.end('{}');
    for (let i = 0; i < 3; i++) await (await httpFetch(base)).text();
    expect(new Set(seen.map((s) => s.port)).size).toBe(1);
  });

  test('an aborted signal ends the call with an abort error', async () => {
    handler = (_req, res) => setTimeout(() => res.end('{}'), 2000);
    const controller = new AbortController();
    const call = httpFetch(base, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('a refused connection fails with its system code; a body that is not text is refused', async () => {
    const closed = createServer();
    const url = await listen(closed);
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(httpFetch(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await expect(httpFetch(base, { method: 'POST', body: { not: 'text' } })).rejects.toThrow(TypeError);
  });

  test('an answer cut off mid-body fails with ECONNRESET, never answers a truncated body', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"rows":[');
      setTimeout(() => res.destroy(), 20);
    };
    await expect(httpFetch(base)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  test('a call longer than the idle-socket timeout (4 s) still gets its answer', async () => {
    handler = (_req, res) => setTimeout(() => res.end('{"late":true}'), 4500);
    expect(JSON.parse(await (await httpFetch(base)).text())).toEqual({ late: true });
  }, 10_000);

  test('the agent gaxios gives (an HTTPS proxy, mTLS) carries the call', async () => {
    let used = 0;
    class CountingAgent extends Agent {
      override createConnection(...args: Parameters<Agent['createConnection']>) {
        used++;
        return super.createConnection(...args);
      }
    }
    handler = (_req, res) => res.end('{}');
    await (await httpFetch(base, { agent: new CountingAgent() })).text();
    expect(used).toBe(1);
  });
});

describe('REST calls behind an HTTPS proxy', () => {
  const tunnels: string[] = [];
  let proxy: Server;
  let target: Server;
  let bq: BigQuery;
  const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };

  beforeAll(async () => {
    target = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end('{"kind":"bigquery#queryResponse","jobComplete":true}');
    });
    const targetUrl = await listen(target);
    // A CONNECT proxy, as https-proxy-agent (gaxios' agent for HTTPS_PROXY) speaks to.
    proxy = createServer();
    proxy.on('connect', (req: IncomingMessage, client: Socket) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const proxyUrl = await listen(proxy);
    process.env.HTTPS_PROXY = proxyUrl;
    delete process.env.NO_PROXY;
    bq = new BigQuery({ projectId: 'p', apiEndpoint: targetUrl, authClient: new PassThroughClient() });
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    proxy.closeAllConnections();
    target.closeAllConnections();
    await Promise.all([proxy, target].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  test('the call goes through the proxy named by HTTPS_PROXY, with no other setting', async () => {
    const answer = await restCall<{ jobComplete: boolean }>(bq, { method: 'POST', uri: '/queries', json: {} });
    expect(answer.jobComplete).toBe(true);
    expect(tunnels).toEqual([`127.0.0.1:${(target.address() as AddressInfo).port}`]);
  });
});
