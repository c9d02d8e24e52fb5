/**
 * One REST call through the client's auth client (src/rest.ts), on the emulator: the URL and
 * body the client's own `request` would send, and its error model — what errors.ts reads from
 * an HTTP error (status, BigQuery's reasons, message) and from a call that got no answer (the
 * system code) — without the request, its headers or the response riding along; the
 * credentials' headers when the client has credentials, none (and no undici) on an emulator.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { freePort } from '@adaptors/testkit';
import { BigQuery } from '@google-cloud/bigquery';
import { OAuth2Client, PassThroughClient } from 'google-auth-library';
import { beforeAll, describe, expect, test } from 'vitest';
import { listTables, readTable } from '../src/catalog.ts';
import { errorShape, isNetworkError, isTableNotFound, translateError } from '../src/errors.ts';
import { BigQueryCallError, restCall } from '../src/rest.ts';
import { openTestDataset, type TestDataset } from './emulator-dataset.ts';
import { recordingProxy } from './recording-proxy.ts';

/** The error a call fails with (a call that answers gives its answer, which no assertion below accepts). */
const failure = (call: Promise<unknown>): Promise<unknown> => call.catch((error: unknown) => error);

const query = (datasetId: string, sql: string) => ({
  method: 'POST',
  uri: '/queries',
  json: { query: sql, useLegacySql: false, defaultDataset: { datasetId } },
});

describe('BigQuery REST call', () => {
  let ds: TestDataset;

  beforeAll(async () => {
    ds = await openTestDataset();
  });

  test('answers the parsed body of the project-scoped call, with query-string parameters', async () => {
    const answer = await restCall<{ rows: { f: { v: string }[] }[] }>(ds.bq, query(ds.datasetId, "SELECT 'a' AS s"));
    expect(answer.rows).toEqual([{ f: [{ v: 'a' }] }]);
    await restCall(ds.bq, query(ds.datasetId, 'CREATE TABLE t (id STRING)'));
    const listed = await restCall<{ tables: { tableReference: { tableId: string } }[] }>(ds.bq, {
      method: 'GET',
      uri: `/datasets/${ds.datasetId}/tables`,
      qs: { maxResults: 5 },
    });
    expect(listed.tables.map((t) => t.tableReference.tableId)).toEqual(['t']);
  });

  test('the table listing walks every tables.list page; a listed table is read by name, a gone one is undefined', async () => {
    for (const name of ['p5', 'p2', 'p3', 'p4', 'p1']) {
      await restCall(ds.bq, query(ds.datasetId, `CREATE TABLE ${name} (id STRING, n INT64)`));
    }
    const names = await listTables(ds.bq, ds.datasetId, 2);
    expect(names.filter((name) => name.startsWith('p'))).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    expect([...((await readTable(ds.bq, ds.datasetId, 'p5'))?.columns.keys() ?? [])]).toEqual(['id', 'n']);
    expect(await readTable(ds.bq, ds.datasetId, 'never_was')).toBeUndefined();
  });

  test('the schema read asks tables.get for the BASIC view: no storage statistics it would not read', async () => {
    await restCall(ds.bq, query(ds.datasetId, 'CREATE TABLE basic_view (id STRING)'));
    const proxy = await recordingProxy(ds.url, ds.projectId);
    try {
      expect(await listTables(proxy.bq, ds.datasetId)).toContain('basic_view');
      expect([...((await readTable(proxy.bq, ds.datasetId, 'basic_view'))?.columns.keys() ?? [])]).toEqual(['id']);
      const gets = proxy.tableGetUrls();
      expect(gets).toHaveLength(1);
      for (const url of gets) expect(url.searchParams.get('view')).toBe('BASIC');
    } finally {
      proxy.close();
    }
  });

  test('an HTTP error carries its status, BigQuery reasons and message, and nothing of the request', async () => {
    const error = await failure(restCall(ds.bq, query(ds.datasetId, 'SELECT * FROM missing_table')));
    expect(error).toBeInstanceOf(BigQueryCallError);
    expect(errorShape(error)).toMatchObject({ status: 404, reasons: ['notFound'] });
    expect(errorShape(error).message).toMatch(/Not found: Table/);
    expect(isTableNotFound(error)).toBe(true);
    expect(Object.keys(error as object).sort()).toEqual(['code', 'errors', 'name']);

    const invalid = await failure(restCall(ds.bq, query(ds.datasetId, 'SELEC 1')));
    expect(errorShape(invalid)).toMatchObject({ status: 400, reasons: ['invalidQuery'] });
  });

  test('an answer that is not JSON fails with its message only, not the request it answered', async () => {
    const server = createServer((_req, res) => res.end('<html>proxy error</html>'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const bq = new BigQuery({
        projectId: 'p',
        apiEndpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        authClient: new PassThroughClient(),
      });
      const error = await failure(restCall(bq, query('none', 'SELECT 1')));
      expect(error).toBeInstanceOf(BigQueryCallError);
      expect(Object.keys(error as object).sort()).toEqual(['code', 'errors', 'name']);
      expect((error as Error).message).toBe('BigQuery answered HTTP 200 with a body that is not JSON');
      expect(JSON.stringify(error)).not.toContain('SELECT 1');
    } finally {
      server.close();
    }
  });

  test("a client with credentials sends its auth client's headers; the call's own headers stay", async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('content-type', 'application/json');
      res.end('{"kind":"bigquery#queryResponse","jobComplete":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      // google-auth-library's own OAuth2 client holding a token that has not expired: its
      // getRequestHeaders answers the bearer header without a token request.
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: 'token-1', expiry_date: Date.now() + 3_600_000 });
      const bq = new BigQuery({
        projectId: 'p',
        apiEndpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        authClient: auth,
      });
      const answer = await restCall<{ jobComplete: boolean }>(bq, query('d', 'SELECT 1'));
      expect(answer.jobComplete).toBe(true);
      expect(seen[0]).toMatchObject({
        authorization: 'Bearer token-1',
        'content-type': 'application/json',
        'x-goog-api-client': expect.stringMatching(/^gl-node\/.* gccl\//),
      });
    } finally {
      server.close();
    }
  });

  test("a 401 is sent again through the auth client's request, which refreshes the token as the library allows", async () => {
    const tokens: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      tokens.push(req.headers.authorization);
      res.setHeader('content-type', 'application/json');
      if (req.headers.authorization === 'Bearer stale') {
        res.statusCode = 401;
        res.end('{"error":{"code":401,"message":"Request had invalid authentication credentials.","errors":[]}}');
        return;
      }
      res.end('{"kind":"bigquery#queryResponse","jobComplete":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      // A token the server no longer takes, and the library's refresh handler for a new one.
      const auth = new OAuth2Client({ forceRefreshOnFailure: true });
      auth.setCredentials({ access_token: 'stale', expiry_date: Date.now() + 3_600_000 });
      auth.refreshHandler = async () => ({ access_token: 'fresh', expiry_date: Date.now() + 3_600_000 });
      const bq = new BigQuery({
        projectId: 'p',
        apiEndpoint: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
        authClient: auth,
      });
      const answer = await restCall<{ jobComplete: boolean }>(bq, query('d', 'SELECT 1'));
      expect(answer.jobComplete).toBe(true);
      expect(tokens).toEqual(['Bearer stale', 'Bearer stale', 'Bearer fresh']);
    } finally {
      server.close();
    }
  });

  test("a call on an emulator sends no credentials and loads neither Node's undici nor the client or auth library", () => {
    // In a process of its own, through client.ts as a start opens it: this one has loaded them all long ago.
    const src = join(import.meta.dirname, '..', 'src');
    const script = `
      import { createRequire } from 'node:module';
      import { openBigQuery } from ${JSON.stringify(join(src, 'client.ts'))};
      import { restCall } from ${JSON.stringify(join(src, 'rest.ts'))};
      const client = await openBigQuery({ projectId: ${JSON.stringify(ds.projectId)}, datasetId: 'none', location: undefined, apiEndpoint: ${JSON.stringify(ds.url)} });
      const answer = await restCall(client, { method: 'POST', uri: '/queries', json: { query: "SELECT 'x' AS s", useLegacySql: false } });
      const packages = Object.keys(createRequire(import.meta.url).cache).filter((f) => /google-auth-library|@google-cloud[\\/]bigquery|gaxios/.test(f) && f.endsWith('.js'));
      console.log(JSON.stringify({ rows: answer.rows, undici: process.moduleLoadList.filter((m) => m.includes('undici')), packages }));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ rows: [{ f: [{ v: 'x' }] }], undici: [], packages: [] });
  });

  test('a refused connection keeps the system code, and translates to SERVICE_UNAVAILABLE', async () => {
    const bq = new BigQuery({
      projectId: 'nowhere',
      apiEndpoint: `http://127.0.0.1:${await freePort()}`,
      authClient: new PassThroughClient(),
    });
    const error = await failure(restCall(bq, query('none', 'SELECT 1')));
    expect((error as BigQueryCallError).code).toBe('ECONNREFUSED');
    expect(isNetworkError(error)).toBe(true);
    expect(translateError(error)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});
