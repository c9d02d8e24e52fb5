/**
 * The runner's jobs.query path on the wire (src/runner.ts): an answer BigQuery cuts into pages
 * is read whole through jobs.getQueryResults (production pages past ~10 MB; `pageRows` makes
 * the emulator cut after a few rows), a DML statement reports its affected rows, and values
 * reach BigQuery as they are.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { clientOf } from '../src/client.ts';
import { BigQueryRunner } from '../src/runner.ts';
import { openTestDataset, type TestDataset } from './emulator-dataset.ts';

describe('BigQuery runner', () => {
  let ds: TestDataset;
  const runner = (pageRows?: number) =>
    new BigQueryRunner({
      bq: clientOf(ds.bq),
      projectId: ds.projectId,
      datasetId: ds.datasetId,
      location: undefined,
      ...(pageRows ? { pageRows } : {}),
      onStaleSchema: () => {},
    });

  beforeAll(async () => {
    ds = await openTestDataset();
  });

  test('rows cut into pages are all read, in order, with their types', async () => {
    const { rows } = await runner(3).run({
      sql: 'SELECT x, CAST(x AS STRING) AS s FROM UNNEST(GENERATE_ARRAY(1, @n)) AS x ORDER BY x',
      params: { n: 8 },
      types: { n: 'INT64' },
    });
    expect(rows.map((row) => Object.fromEntries(row))).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((x) => ({ x, s: String(x) })),
    );
  });

  test('a DML statement answers its affected rows, whatever the page size', async () => {
    await runner().run({ sql: 'CREATE TABLE t (id STRING)', params: {}, types: {} });
    const insert = await runner(1).run({
      sql: 'INSERT INTO t (id) SELECT id FROM UNNEST(@ids) AS id',
      params: { ids: ['a', 'b', 'c'] },
      types: { ids: ['STRING'] },
    });
    expect(insert.affected).toBe(3);
  });

  test('a value holding {{projectId}} reaches BigQuery unchanged (the client rewrites it in a `json` body)', async () => {
    const text = 'see {{projectId}} and {{projectId}}';
    const { rows } = await runner().run({
      sql: 'SELECT @s AS s, @a AS a',
      params: { s: text, a: [text] },
      types: { s: 'STRING', a: ['STRING'] },
    });
    expect(rows.map((row) => Object.fromEntries(row))).toEqual([{ s: text, a: [text] }]);
  });

  test('the response gives up its rows once they are decoded (core release.ts)', async () => {
    // The runner's own REST call (rest.ts, on the emulator), observed: each response body is kept
    // to look at afterwards.
    const bodies: { rows?: unknown[] }[] = [];
    const observed = new BigQueryRunner({
      bq: clientOf(ds.bq),
      projectId: ds.projectId,
      datasetId: ds.datasetId,
      location: undefined,
      onStaleSchema: () => {},
    });
    const runner = observed as unknown as { call(options: unknown): Promise<{ rows?: unknown[] }> };
    const call = runner.call.bind(observed);
    runner.call = async (options) => {
      const body = await call(options);
      bodies.push(body);
      return body;
    };
    const { rows } = await observed.run({
      sql: 'SELECT x FROM UNNEST(GENERATE_ARRAY(1, 5)) AS x ORDER BY x',
      params: {},
      types: {},
    });
    expect(rows.map((row) => row.get('x'))).toEqual([1, 2, 3, 4, 5]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]?.rows).toEqual([]);
  });
});
