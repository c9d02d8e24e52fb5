/**
 * BigQuery errors reach Wix as SPI errors (docs/design.md §3, src/errors.ts):
 * a table dropped behind the adaptor's back is COLLECTION_NOT_FOUND (and leaves
 * the listings), an unreachable endpoint is SERVICE_UNAVAILABLE, and BigQuery's
 * error reasons map as the README's Errors table says. The mapped errors are
 * the real client's, raised on the emulator's real error bodies (faults for
 * quota, permission and backend errors); a few the emulator cannot produce
 * (401, billing, bytes billed) are written in the client's error shape.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { addFault, type FaultError, removeFault } from '@adaptors/bigquery-emulator';
import { newDeadline, runWithDeadline, SpiError } from '@adaptors/core';
import { freePort } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openBigQuery } from '../src/client.ts';
import { isDuplicate, isRetryable, itemError, translateError } from '../src/errors.ts';
import { createBigQueryStorage } from '../src/storage.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

let h: BigQueryHarness;
beforeAll(async () => {
  h = await startBigQueryHarness({ retry: { baseDelayMs: 1, maxDelayMs: 2 } });
  const created = await h.harness.client.createCollection({ id: 'plants', fields: [{ key: 'name', type: 'TEXT' }] });
  expect(created.status).toBe(200);
});
afterAll(async () => {
  await h?.close();
});

/** The error the real client raises for `run` (a rejected promise's reason). */
async function caught(run: () => Promise<unknown>): Promise<unknown> {
  return run().then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
}

/** The real client's error for a DML statement failed by an injected fault. */
async function faulted(error: FaultError): Promise<unknown> {
  const f = await addFault(h.ds.url, { match: 'DML', error, times: 1, datasetId: h.ds.datasetId });
  try {
    return await caught(() =>
      h.ds.bq.query({ query: `DELETE FROM \`${h.ds.datasetId}.plants\` WHERE _id = 'x'`, useLegacySql: false }),
    );
  } finally {
    await removeFault(h.ds.url, f.id);
  }
}

/** The client's ApiError shape (@google-cloud/common): HTTP code, errors[], message. */
function apiError(code: number, reason: string, message: string): Error {
  return Object.assign(new Error(message), { code, errors: [{ reason, message, domain: 'global' }] });
}

function expectSpi(translated: unknown, code: string, text?: string): SpiError {
  expect(translated).toBeInstanceOf(SpiError);
  const spi = translated as SpiError;
  expect(spi.code).toBe(code);
  expect(spi.message).not.toMatch(/\n\s+at |127\.0\.0\.1/);
  if (text) expect(spi.message).toContain(text);
  return spi;
}

describe('errors on the emulator', () => {
  test('a table dropped outside the adaptor answers COLLECTION_NOT_FOUND, then disappears from listings', async () => {
    const { client } = h.harness;
    expect((await client.createCollection({ id: 'gone', fields: [{ key: 'x', type: 'TEXT' }] })).status).toBe(200);
    await client.insert('gone', [{ _id: '1', x: 'a' }]);
    expect((await client.listCollections(['gone'])).body.collections).toHaveLength(1); // cached now
    await h.ds.bq.dataset(h.ds.datasetId).table('gone').delete();
    const result = await client.query('gone', {});
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ errorCode: 'COLLECTION_NOT_FOUND', data: { collectionId: 'gone' } });
    expect((await client.listCollections(['gone'])).body.collections).toEqual([]);
    const write = await client.insert('gone', [{ _id: '2', x: 'b' }]);
    expect(write.status).toBe(404);
    expect(write.body.errorCode).toBe('COLLECTION_NOT_FOUND');
  });

  test('an unreachable endpoint: ready() rejects with SERVICE_UNAVAILABLE on the refused connection, not a timer', async () => {
    const closed = await freePort();
    const bq = await openBigQuery({
      projectId: 'nowhere',
      datasetId: 'none',
      location: undefined,
      apiEndpoint: `http://127.0.0.1:${closed}`,
    });
    // No deadline around ready(): only the connection error can end it.
    const storage = createBigQueryStorage({ bq, datasetId: 'none' });
    try {
      const error = await caught(() => storage.ready());
      expectSpi(error, 'SERVICE_UNAVAILABLE', 'cannot reach BigQuery');
      expect((error as SpiError).message).toContain('BIGQUERY_API_ENDPOINT');
    } finally {
      await storage.close();
    }
  }, 15_000);

  test('an endpoint that accepts but never answers: ready() ends at the readiness deadline with an SpiError', async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const bq = await openBigQuery({
      projectId: 'nowhere',
      datasetId: 'none',
      location: undefined,
      apiEndpoint: `http://127.0.0.1:${port}`,
    });
    const storage = createBigQueryStorage({ bq, datasetId: 'none' });
    try {
      // As the core's readiness check runs it (packages/core/src/server/readiness.ts): no timer in the storage.
      expectSpi(
        await caught(() => runWithDeadline(newDeadline(300), 'read', () => storage.ready())),
        'DEADLINE_EXCEEDED',
      );
    } finally {
      await storage.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 15_000);
});

describe('BigQuery error reason → SPI error', () => {
  test.each([
    ['rateLimitExceeded', 'SERVICE_UNAVAILABLE', 'DML concurrency or rate limits', true],
    ['concurrentUpdate', 'SERVICE_UNAVAILABLE', 'DML concurrency or rate limits', true],
    ['dmlOutstanding', 'SERVICE_UNAVAILABLE', 'DML concurrency or rate limits', true],
    ['backendError', 'SERVICE_UNAVAILABLE', 'transient server error', true],
    ['internalError', 'SERVICE_UNAVAILABLE', 'transient server error', true],
    ['quotaExceeded', 'SERVICE_UNAVAILABLE', 'raise the quota or enable billing', false],
    ['accessDenied', 'SERVICE_UNAVAILABLE', 'roles/bigquery.jobUser', false],
  ] as const)('%s (real body through the client) → %s', async (fault, code, text, retryable) => {
    const error = await faulted(fault);
    expect(isRetryable(error)).toBe(retryable);
    expectSpi(translateError(error, 'plants'), code, text);
    // Never a per-item error: it concerns the whole request.
    expect(itemError(error, 'x')).toBeUndefined();
  });

  test('404 notFound: a table is COLLECTION_NOT_FOUND, a dataset is SERVICE_UNAVAILABLE naming the settings', async () => {
    const table = await caught(() => h.ds.bq.query(`SELECT 1 FROM \`${h.ds.datasetId}.nothere\``));
    expect(table).toMatchObject({ code: 404, errors: [{ reason: 'notFound' }] });
    expect(translateError(table, 'nothere')).toMatchObject({ code: 'COLLECTION_NOT_FOUND' });
    const dataset = await caught(() => h.ds.bq.query('SELECT 1 FROM `nowhere_ds.t`'));
    expectSpi(translateError(dataset, 't'), 'SERVICE_UNAVAILABLE', 'BIGQUERY_DATASET');
  });

  test('409 duplicate: recognised, and a collection created twice is COLLECTION_ALREADY_EXISTS', async () => {
    const error = await caught(() => h.ds.bq.dataset(h.ds.datasetId).createTable('plants', {}));
    expect(error).toMatchObject({ code: 409, errors: [{ reason: 'duplicate' }] });
    expect(isDuplicate(error)).toBe(true);
    const again = await h.harness.client.createCollection({ id: 'plants', fields: [] });
    expect(again.status).toBe(409);
    expect(again.body.errorCode).toBe('COLLECTION_ALREADY_EXISTS');
  });

  test('400 invalidQuery from SQL the adaptor sent is a bug: a plain Error without the HTTP response (a 500)', async () => {
    const error = await caught(() => h.ds.bq.query('SELEC 1'));
    expect(error).toMatchObject({ code: 400, errors: [{ reason: 'invalidQuery' }] });
    const translated = translateError(error, 'plants');
    expect(translated).not.toBeInstanceOf(SpiError);
    expect(translated).toBeInstanceOf(Error);
    expect(Object.keys(translated as object)).not.toContain('response');
    expect((translated as Error).message).toMatch(/^BigQuery error 400 invalidQuery: Syntax error/);
    expect(isRetryable(error)).toBe(false);
  });

  test('400 invalidQuery "too large / too complex" is a 400 saying how to make the query smaller', async () => {
    // The emulator's DuckDB refuses 1,000 nested ANDs ("Max expression depth limit of 1000
    // exceeded"), as real BigQuery refuses a query that is too large or too complex.
    // The SQL $hasAll with 1,000 values was compiled to before it became one ARRAY parameter.
    const deep = Array.from({ length: 1000 }, (_, i) => `EXISTS(SELECT 1 FROM UNNEST([name]) AS e WHERE e = 't${i}')`);
    const error = await caught(() =>
      h.ds.bq.query(`SELECT name FROM \`${h.ds.datasetId}.plants\` WHERE ${deep.join(' AND ')}`),
    );
    expect(error).toMatchObject({ code: 400, errors: [{ reason: 'invalidQuery' }] });
    const translated = expectSpi(translateError(error, 'plants'), 'BAD_REQUEST', 'fewer $hasAll values');
    expect(translated.message).toMatch(/too large or too complex for BigQuery/);
    for (const message of ['The query is too large.', 'Resources exceeded: the query is too complex to run.']) {
      expectSpi(translateError(apiError(400, 'invalidQuery', message), 'plants'), 'BAD_REQUEST', 'split the query');
    }
  });

  test('any other 400 invalidQuery is a 400 with what to check, never BigQuery text that may quote a value', async () => {
    const error = await caught(() => h.ds.bq.query("SELECT x FROM UNNEST(['secret-value']) AS x WHERE x > 1"));
    expect(error).toMatchObject({ code: 400, errors: [{ reason: 'invalidQuery' }] });
    const translated = expectSpi(translateError(error, 'plants'), 'BAD_REQUEST', 'Check the filter');
    expect(translated.message).not.toContain('secret-value');
    // A double overflow (GoogleSQL's wording) is the shared sum refusal, named by the core.
    const overflow = translateError(apiError(400, 'invalidQuery', 'double overflow: 1.7e+308 + 1.7e+308'), 'plants');
    expect(overflow).toMatchObject({ code: 'BAD_REQUEST', data: { outOfRange: 'sum' } });
    expect((overflow as SpiError).message).not.toContain('1.7e');
  });

  test('400 invalid on a value is that item’s VALIDATION_ERROR', () => {
    const error = apiError(400, 'invalid', 'Invalid NUMERIC value: 1e400');
    expect(itemError(error, 'a')).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  test('a failed query JOB (status.errorResult, no HTTP code) is classified by its reason', async () => {
    const f = await addFault(h.ds.url, {
      match: 'DML',
      error: 'concurrentUpdate',
      times: 1,
      datasetId: h.ds.datasetId,
    });
    try {
      const error = await caught(() =>
        h.ds.bq.createQueryJob({ query: `DELETE FROM \`${h.ds.datasetId}.plants\` WHERE TRUE`, useLegacySql: false }),
      );
      expect((error as { code?: unknown }).code).toBeUndefined();
      expect(error).toMatchObject({ errors: [{ reason: 'invalidQuery' }] });
      expect(isRetryable(error)).toBe(true);
      expectSpi(translateError(error, 'plants'), 'SERVICE_UNAVAILABLE', 'DML concurrency');
    } finally {
      await removeFault(h.ds.url, f.id);
    }
  });

  test.each([
    [apiError(401, 'authError', 'Request had invalid authentication credentials.'), 'SERVICE_UNAVAILABLE'],
    [apiError(403, 'billingNotEnabled', 'Billing has not been enabled for this project.'), 'SERVICE_UNAVAILABLE'],
    [apiError(400, 'bytesBilledLimitExceeded', 'Query exceeded limit for bytes billed: 10485760.'), 'BAD_REQUEST'],
    [apiError(400, 'invalidQuery', 'Unrecognized name: color at [1:8]'), 'VALIDATION_ERROR'],
    [apiError(400, 'invalidQuery', 'Column color is not present in table d.plants at [1:30]'), 'VALIDATION_ERROR'],
    [apiError(502, '', 'Bad Gateway'), 'SERVICE_UNAVAILABLE'],
  ])('%s → %s', (error, code) => {
    expectSpi(translateError(error, 'plants'), code);
  });

  test('errors that are not BigQuery answers stay errors (the core logs them as 500)', () => {
    const bug = new TypeError('x');
    expect(translateError(bug)).toBe(bug);
  });
});
