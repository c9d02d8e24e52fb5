/**
 * An HTTP proxy in front of the emulator that records each request (its line,
 * `POST /bigquery/v2/…`, and its JSON body) and forwards it unchanged, with a real client pointed
 * at it: what the adaptor sends, as sent. `answer` answers the requests it matches itself, for
 * what the emulator cannot be made to answer: a refusal as BigQuery answers one (`refusal`: a
 * status and BigQuery's error body), or a body BigQuery would send (a query not complete yet).
 */
import { createServer, request } from 'node:http';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';

export interface SeenRequest {
  readonly line: string;
  readonly body: Record<string, unknown> | undefined;
}

export interface RecordingProxy {
  /** A client of the emulator's project through the proxy (built as client.ts builds one for an emulator). */
  readonly bq: BigQuery;
  /** Every request seen so far, in order (the test may empty it). */
  readonly seen: SeenRequest[];
  /** The tables.get calls seen so far, their URLs (path and query). */
  tableGetUrls(): URL[];
  /** The tables.get calls seen so far: the table name of each. */
  tableGets(): string[];
  close(): void;
}

/** An answer of the proxy's own: its status and JSON body. */
export interface ProxyAnswer {
  readonly status: number;
  readonly json: unknown;
}

/** BigQuery's error body (REST "Error messages"): what the client's error model reads. */
export function refusal(status: number, reason: string, message: string): ProxyAnswer {
  return { status, json: { error: { code: status, message, errors: [{ reason, message }] } } };
}

export async function recordingProxy(
  emulatorUrl: string,
  projectId: string,
  answer: (request: SeenRequest) => ProxyAnswer | undefined = () => undefined,
): Promise<RecordingProxy> {
  const seen: SeenRequest[] = [];
  const target = new URL(emulatorUrl);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const seenRequest = {
        line: `${req.method} ${req.url}`,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      };
      seen.push(seenRequest);
      const own = answer(seenRequest);
      if (own) {
        res.writeHead(own.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(own.json));
        return;
      }
      const forward = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (upstream) => {
          res.writeHead(upstream.statusCode ?? 502, upstream.headers);
          upstream.pipe(res);
        },
      );
      forward.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const bq = new BigQuery({
    projectId,
    apiEndpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    authClient: new PassThroughClient(),
    autoRetry: false,
  });
  return {
    bq,
    seen,
    tableGetUrls: () => tableGetUrls(seen),
    tableGets: () => tableGetUrls(seen).map((url) => decodeURIComponent(url.pathname.split('/').pop() ?? '')),
    close: () => server.close(),
  };
}

/** The URL of each `GET …/tables/<name>` request line (tables.get; not tables.list or tabledata). */
function tableGetUrls(seen: readonly SeenRequest[]): URL[] {
  return seen.flatMap(({ line }) =>
    /^GET \S*\/tables\/[^/?]+(\?|$)/.test(line) ? [new URL(line.slice('GET '.length), 'http://proxy')] : [],
  );
}
