/**
 * A query the adaptor gives up on is not left running on BigQuery (src/runner.ts): every
 * jobs.query carries BigQuery's own job timeout (`jobTimeoutMs`) from the call's time left, and
 * a query that is not complete when the call's wait ends is cancelled (jobs.cancel). Observed on
 * the wire: an HTTP proxy in front of the emulator records each request and its JSON body (the
 * emulator does not enforce job timeouts), and answers jobs.query itself where BigQuery would
 * answer "not complete yet".
 */
import { newDeadline, runWithDeadline } from '@adaptors/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { clientOf } from '../src/client.ts';
import { BigQueryRunner } from '../src/runner.ts';
import { openTestDataset, type TestDataset } from './emulator-dataset.ts';
import { type RecordingProxy, recordingProxy } from './recording-proxy.ts';

let ds: TestDataset;
let proxy: RecordingProxy;
/** When set, jobs.query is answered with this instead of the emulator's answer. */
let queryAnswer: unknown;
const isQuery = (line: string) => /^POST \S*\/queries(\?|$)/.test(line);

beforeAll(async () => {
  ds = await openTestDataset();
  proxy = await recordingProxy(ds.url, ds.projectId, ({ line }) => {
    if (queryAnswer && isQuery(line)) return { status: 200, json: queryAnswer };
    if (/\/cancel(\?|$)/.test(line)) return { status: 200, json: { kind: 'bigquery#jobCancelResponse' } };
    return undefined;
  });
});

afterAll(() => proxy?.close());

const runner = () =>
  new BigQueryRunner({
    bq: clientOf(proxy.bq),
    projectId: ds.projectId,
    datasetId: ds.datasetId,
    location: undefined,
    onStaleSchema: () => {},
  });

const queries = () => proxy.seen.filter((s) => isQuery(s.line));

test("jobs.query carries BigQuery's job timeout: the call's time left, as an int64 string", async () => {
  proxy.seen.length = 0;
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
  proxy.seen.length = 0;
  const deadline = newDeadline(200);
  await runWithDeadline(deadline, 'read', () => runner().run({ sql: 'SELECT 1 AS x', params: {}, types: {} }));
  expect(queries()[0]?.body?.jobTimeoutMs).toBe('1000');
});

test('a query not complete when the wait ends is cancelled (jobs.cancel, in its location) and the call fails', async () => {
  proxy.seen.length = 0;
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
      .poll(() => proxy.seen.filter((s) => s.line.includes('/cancel')).map((s) => s.line))
      .toEqual([`POST /bigquery/v2/projects/${ds.projectId}/jobs/job_slow/cancel?location=EU`]);
  } finally {
    queryAnswer = undefined;
  }
});
