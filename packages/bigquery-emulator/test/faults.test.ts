/**
 * Fault injection (src/faults.ts): BigQuery's own error bodies for quota,
 * concurrency and transient errors, on the request kinds asked for, counted.
 * Driven through the real client and raw HTTP (to see the exact body).
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { addFault, getFault } from '../src/index.ts';
import { type Harness, startHarness } from './helpers.ts';

let h: Harness;
const P = 'test';

beforeAll(async () => {
  h = await startHarness(P);
  for (const ds of ['f1', 'f2']) {
    await h.bq.createDataset(ds);
    await h.bq.dataset(ds).createTable('t', { schema: [{ name: 'id', type: 'STRING' }] });
  }
});
afterAll(async () => {
  await h.emulator.stop();
});
afterEach(async () => {
  await fetch(`${h.emulator.url}/emulator/v1/faults`, { method: 'DELETE' });
});

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const r = await fetch(`${h.emulator.url}/bigquery/v2/projects/${P}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const dml = (ds: string) => ({
  query: `INSERT INTO \`${ds}.t\` (id) VALUES ('x')`,
  useLegacySql: false,
});

describe('fault injection', () => {
  test('a DML fault fails exactly `times` DML requests with the BigQuery body; reads pass; counted', async () => {
    const fault = await addFault(h.emulator.url, {
      match: 'DML',
      times: 2,
      error: 'concurrentUpdate',
      datasetId: 'f1',
    });
    expect(fault).toMatchObject({ matched: 0, injected: 0, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await post('/queries', dml('f1'));
      expect(r.status).toBe(400);
      expect(r.body).toEqual({
        error: {
          code: 400,
          message: 'Could not serialize access to table test:f1.t due to concurrent update',
          errors: [
            {
              message: 'Could not serialize access to table test:f1.t due to concurrent update',
              domain: 'global',
              reason: 'invalidQuery',
              location: 'q',
              locationType: 'parameter',
            },
          ],
          status: 'INVALID_ARGUMENT',
        },
      });
    }
    // A SELECT is not DML; the other dataset is out of scope; the third DML runs.
    expect((await post('/queries', { query: 'SELECT COUNT(*) FROM f1.t', useLegacySql: false })).status).toBe(200);
    expect((await post('/queries', dml('f2'))).status).toBe(200);
    const third = await post('/queries', dml('f1'));
    expect(third.status).toBe(200);
    expect(third.body.numDmlAffectedRows).toBe('1');
    expect(await getFault(h.emulator.url, fault.id)).toMatchObject({ matched: 3, injected: 2 });
  });

  test.each([
    [
      'rateLimitExceeded',
      403,
      'rateLimitExceeded',
      'PERMISSION_DENIED',
      /^Exceeded rate limits: too many table dml insert operations/,
    ],
    [
      'dmlOutstanding',
      400,
      'resourcesExceeded',
      'INVALID_ARGUMENT',
      /Too many DML statements outstanding against table test:f1\.t, limit is 20$/,
    ],
    [
      'backendError',
      503,
      'backendError',
      'UNAVAILABLE',
      /^Error encountered during execution\. Retrying may solve the problem\.$/,
    ],
    ['internalError', 500, 'internalError', 'INTERNAL', /^An internal error occurred/],
    ['quotaExceeded', 403, 'quotaExceeded', 'PERMISSION_DENIED', /^Quota exceeded: /],
    [
      'accessDenied',
      403,
      'accessDenied',
      'PERMISSION_DENIED',
      /^Access Denied: Table test:f1\.t: Permission bigquery\.tables\.updateData denied/,
    ],
  ] as const)('%s: HTTP %i, reason %s, status %s', async (error, code, reason, status, message) => {
    await addFault(h.emulator.url, { match: 'query', times: 1, error });
    const r = await post('/queries', dml('f1'));
    expect(r.status).toBe(code);
    const body = r.body.error as {
      code: number;
      status: string;
      message: string;
      errors: { reason: string; domain: string }[];
    };
    expect(body).toMatchObject({ code, status, errors: [{ reason, domain: 'global' }] });
    expect(body.message).toMatch(message);
  });

  test('through the client: the ApiError carries the HTTP code and reasons callers branch on', async () => {
    await addFault(h.emulator.url, { match: 'DML', times: 1, error: 'rateLimitExceeded' });
    await expect(h.bq.query(dml('f1').query)).rejects.toMatchObject({
      code: 403,
      errors: [{ reason: 'rateLimitExceeded' }],
    });
    await expect(h.bq.query(dml('f1').query)).resolves.toBeDefined();
  });

  test('job path: the job is DONE with status.errorResult; getQueryResults answers the HTTP error', async () => {
    await addFault(h.emulator.url, { match: 'DML', times: 1, error: 'concurrentUpdate' });
    const inserted = await post('/jobs', { configuration: { query: dml('f1') } });
    expect(inserted.status).toBe(200);
    const status = inserted.body.status as { state: string; errorResult: { reason: string; message: string } };
    expect(status.state).toBe('DONE');
    expect(status.errorResult).toMatchObject({
      reason: 'invalidQuery',
      message: expect.stringMatching(/concurrent update$/),
    });
    const jobId = (inserted.body.jobReference as { jobId: string }).jobId;
    const results = await fetch(`${h.emulator.url}/bigquery/v2/projects/${P}/queries/${jobId}`);
    expect(results.status).toBe(400);
    // The client raises a failed job from jobs.insert (no HTTP code: the error came from status.errors).
    await addFault(h.emulator.url, { match: 'DML', times: 1, error: 'backendError' });
    await expect(h.bq.createQueryJob(dml('f1').query)).rejects.toMatchObject({ errors: [{ reason: 'backendError' }] });
  });

  test('insertAll faults fail the streaming insert request, not the rows', async () => {
    const fault = await addFault(h.emulator.url, {
      match: 'insertAll',
      times: 1,
      error: 'backendError',
      datasetId: 'f2',
    });
    await expect(
      h.bq
        .dataset('f2')
        .table('t')
        .insert([{ id: 'a' }]),
    ).rejects.toMatchObject({ code: 503 });
    await h.bq
      .dataset('f2')
      .table('t')
      .insert([{ id: 'b' }]);
    expect(await getFault(h.emulator.url, fault.id)).toMatchObject({ matched: 2, injected: 1 });
  });

  test('the admin route validates its input and is not part of the BigQuery API', async () => {
    const bad = await fetch(`${h.emulator.url}/emulator/v1/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ match: 'DML', error: 'nope' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('fault.error must be one of');
    expect((await fetch(`${h.emulator.url}/bigquery/v2/emulator/v1/faults`)).status).toBe(404);
    expect((await fetch(`${h.emulator.url}/emulator/v1/faults`)).status).toBe(200);
  });
});
