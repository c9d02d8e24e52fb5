/**
 * An HTTP proxy in front of the emulator that records each request line (`GET /bigquery/v2/…`)
 * and forwards it unchanged, with a real client pointed at it: what the adaptor sends, as sent.
 */
import { createServer, request } from 'node:http';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';

export interface RecordingProxy {
  /** `METHOD /path?query` of every request, in order. */
  readonly seen: string[];
  /** A client of the emulator's project through the proxy (built as client.ts builds one for an emulator). */
  readonly bq: BigQuery;
  /** The tables.get calls seen so far: the table name of each. */
  tableGets(): string[];
  close(): void;
}

export async function recordingProxy(emulatorUrl: string, projectId: string): Promise<RecordingProxy> {
  const seen: string[] = [];
  const target = new URL(emulatorUrl);
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
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
    seen,
    bq,
    tableGets: () =>
      seen.flatMap((line) => {
        const match = /^GET \S*\/tables\/([^/?]+)(\?|$)/.exec(line);
        return match?.[1] ? [decodeURIComponent(match[1])] : [];
      }),
    close: () => server.close(),
  };
}
