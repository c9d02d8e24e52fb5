/**
 * An HTTP proxy in front of the emulator that records each request line (`GET /bigquery/v2/…`)
 * and forwards it unchanged, with a real client pointed at it: what the adaptor sends, as sent.
 * `refuse` answers the requests it matches itself, as BigQuery answers a refusal (a status and
 * BigQuery's error body), for what the emulator cannot be made to refuse (one table's metadata).
 */
import { createServer, request } from 'node:http';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';

export interface RecordingProxy {
  /** A client of the emulator's project through the proxy (built as client.ts builds one for an emulator). */
  readonly bq: BigQuery;
  /** The tables.get calls seen so far, their URLs (path and query). */
  tableGetUrls(): URL[];
  /** The tables.get calls seen so far: the table name of each. */
  tableGets(): string[];
  close(): void;
}

export interface Refusal {
  readonly status: number;
  readonly reason: string;
  readonly message: string;
}

export async function recordingProxy(
  emulatorUrl: string,
  projectId: string,
  refuse: (requestLine: string) => Refusal | undefined = () => undefined,
): Promise<RecordingProxy> {
  const seen: string[] = [];
  const target = new URL(emulatorUrl);
  const server = createServer((req, res) => {
    const line = `${req.method} ${req.url}`;
    seen.push(line);
    const refusal = refuse(line);
    if (refusal) {
      // BigQuery's error body (REST "Error messages"): what the client's error model reads.
      const { status, reason, message } = refusal;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: status, message, errors: [{ reason, message }] } }));
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
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
    tableGetUrls: () => tableGetUrls(seen),
    tableGets: () => tableGetUrls(seen).map((url) => decodeURIComponent(url.pathname.split('/').pop() ?? '')),
    close: () => server.close(),
  };
}

/** The URL of each `GET …/tables/<name>` request line (tables.get; not tables.list or tabledata). */
function tableGetUrls(seen: readonly string[]): URL[] {
  return seen.flatMap((line) =>
    /^GET \S*\/tables\/[^/?]+(\?|$)/.test(line) ? [new URL(line.slice('GET '.length), 'http://proxy')] : [],
  );
}
