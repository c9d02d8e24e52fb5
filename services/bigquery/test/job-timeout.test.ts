/**
 * A query the adaptor gives up on is not left running on BigQuery (src/runner.ts): every
 * jobs.query carries BigQuery's own job timeout (`jobTimeoutMs`) from the call's time left, and
 * a query that is not complete when the call's wait ends is cancelled (jobs.cancel). Observed on
 * the wire: an HTTP proxy in front of the emulator records each request and its JSON body (the
 * emulator does not enforce job timeouts), and answers jobs.query itself where BigQuery would
 * answer "not complete yet".
 */
import { createServer, request } from 'node:http';
import { newDeadline, runWithDeadline } from '@adaptors/core';
import { BigQuery } from '@google-cloud/bigquery';
import { PassThroughClient } from 'google-auth-library';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { BigQueryRunner } from '../src/runner.ts';
import { openTestDataset, type TestDataset } from './emulator-dataset.ts';

interface Seen {
  readonly line: string;
  readonly body: Record<string, unknown> | undefined;
}

let ds: TestDataset;
const seen: Seen[] = [];
/** When set, jobs.query is answered with this instead of the emulator's answer. */
let queryAnswer: unknown;
let server: ReturnType<typeof createServer>;
let bq: BigQuery;

beforeAll(async () => {
  ds = await openTestDataset();
  const target = new URL(ds.url);
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const line = `${req.method} ${req.url}`;
      seen.push({ line, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined });
      if (queryAnswer && /^POST \S*\/queries(\?|$)/.test(line)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(queryAnswer));
        return;
      }
      if (/\/cancel(\?|$)/.test(line)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'bigquery#jobCancelResponse' }));
        return;
      }
      const forward = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  bq = new BigQuery({
    projectId: ds.projectId,
    apiEndpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    authClient: new PassThroughClient(),
    autoRetry: false,
  });
});

afterAll(() => server?.close());

const runner = () =>
  new BigQueryRunner({
    bq,
    projectId: ds.projectId,
    datasetId: ds.datasetId,
    location: undefined,
    onStaleSchema: () => {},
  });

const queries = () => seen.filter((s) => /^POST \S*\/queries(\?|$)/.test(s.line));

test("jobs.query carries BigQuery's job timeout: the call's time left, as an int64 string", async () => {
  seen.length = 0;
  const deadline = newDeadline(3000);
  const { rows } = await runWithDeadline(deadline, 'read', () =>
    runner().run({ sql: 'SELECT 1 AS x', params: {}, types: {} }),
  );
  expect(rows.map((row) => row.get('x'))).toEqual([1]);
  const [sent] = queries();
  expect(typeof sent?.body?.jobTimeoutMs).toBe('string');
  const jobTimeout = Number(sent?.body?.jobTimeoutMs);
  expect(jobTimeout).toBeGreaterThan(2000);
  expect(jobTimeout).toBeLessThanOrEqual(3000);
  // The wait for the answer and the job's own limit are the same budget.
  expect(Math.abs(jobTimeout - Number(sent?.body?.timeoutMs))).toBeLessThan(50);
});

test('a call with almost no time left still sends a usable job timeout (1 s at least)', async () => {
  seen.length = 0;
  const deadline = newDeadline(200);
  await runWithDeadline(deadline, 'read', () => runner().run({ sql: 'SELECT 1 AS x', params: {}, types: {} }));
  expect(queries()[0]?.body?.jobTimeoutMs).toBe('1000');
});

test('a query not complete when the wait ends is cancelled (jobs.cancel, in its location) and the call fails', async () => {
  seen.length = 0;
  queryAnswer = {
    kind: 'bigquery#queryResponse',
    jobComplete: false,
    jobReference: { jobId: 'job_slow', location: 'EU' },
  };
  try {
    const failure = await runWithDeadline(newDeadline(3000), 'read', () =>
      runner().run({ sql: 'SELECT 1 AS x', params: {}, types: {} }),
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    await expect
      .poll(() => seen.filter((s) => s.line.includes('/cancel')).map((s) => s.line))
      .toEqual([`POST /bigquery/v2/projects/${ds.projectId}/jobs/job_slow/cancel?location=EU`]);
  } finally {
    queryAnswer = undefined;
  }
});
