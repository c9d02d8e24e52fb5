/**
 * Column default values (`defaultValueExpression`) through the real @google-cloud/bigquery
 * client: kept by tables.insert / get / patch and CREATE TABLE … DEFAULT, and written by an
 * INSERT or MERGE that leaves the column out or writes DEFAULT, as BigQuery writes them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from './helpers.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.bq.createDataset('dv');
});
afterAll(async () => {
  await h.emulator.stop();
});

const SCHEMA = [
  { name: 'id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'status', type: 'STRING', defaultValueExpression: "'new'" },
  { name: 'must', type: 'STRING', mode: 'REQUIRED', defaultValueExpression: '"kept"' },
  { name: 'n', type: 'INT64', defaultValueExpression: '7' },
  { name: 'price', type: 'NUMERIC', defaultValueExpression: '1.5' },
  { name: 'ts', type: 'TIMESTAMP', defaultValueExpression: 'CURRENT_TIMESTAMP' },
  { name: 'dt', type: 'DATETIME', defaultValueExpression: 'CURRENT_DATETIME()' },
  { name: 'day', type: 'DATE', defaultValueExpression: 'CURRENT_DATE()' },
  { name: 'uuid', type: 'STRING', defaultValueExpression: 'GENERATE_UUID()' },
  { name: 'plain', type: 'STRING' },
];

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const [out] = await h.bq.query({ query: sql });
  return out as Record<string, unknown>[];
}

const SELECT =
  'SELECT id, status, must, n, CAST(price AS STRING) AS price, ts IS NOT NULL AS ts, dt IS NOT NULL AS dt, ' +
  'day = CURRENT_DATE() AS today, LENGTH(uuid) AS uuid, plain FROM `dv.%t` ORDER BY id';

describe('defaultValueExpression', () => {
  beforeAll(async () => {
    await h.bq.dataset('dv').createTable('t', { schema: SCHEMA });
  });

  test('tables.insert keeps it and tables.get answers it', async () => {
    const [meta] = await h.bq.dataset('dv').table('t').getMetadata();
    const fields = meta.schema.fields as { name: string; defaultValueExpression?: string }[];
    expect(Object.fromEntries(fields.map((f) => [f.name, f.defaultValueExpression]))).toEqual({
      id: undefined,
      status: "'new'",
      must: '"kept"',
      n: '7',
      price: '1.5',
      ts: 'CURRENT_TIMESTAMP',
      dt: 'CURRENT_DATETIME()',
      day: 'CURRENT_DATE()',
      uuid: 'GENERATE_UUID()',
      plain: undefined,
    });
  });

  test('an INSERT that leaves columns out stores their defaults; DEFAULT does too; NULL stays NULL', async () => {
    await h.bq.query({ query: "INSERT INTO `dv.t` (id) VALUES ('a')" });
    await h.bq.query({
      query: "INSERT INTO `dv.t` (id, status, must, n, plain) VALUES ('b', DEFAULT, DEFAULT, NULL, 'x')",
    });
    await h.bq.query({ query: "INSERT INTO `dv.t` (id, must, status) VALUES ('c', 'given', 'given')" });
    expect(await rows(SELECT.replace('%t', 't'))).toEqual([
      {
        id: 'a',
        status: 'new',
        must: 'kept',
        n: 7,
        price: '1.5',
        ts: true,
        dt: true,
        today: true,
        uuid: 36,
        plain: null,
      },
      {
        id: 'b',
        status: 'new',
        must: 'kept',
        n: null,
        price: '1.5',
        ts: true,
        dt: true,
        today: true,
        uuid: 36,
        plain: 'x',
      },
      {
        id: 'c',
        status: 'given',
        must: 'given',
        n: 7,
        price: '1.5',
        ts: true,
        dt: true,
        today: true,
        uuid: 36,
        plain: null,
      },
    ]);
    // GENERATE_UUID() is evaluated per row.
    expect((await rows('SELECT COUNT(DISTINCT uuid) AS n FROM `dv.t`'))[0]?.n).toBe(3);
  });

  test('a MERGE that inserts some columns stores the defaults of the others; DEFAULT in its VALUES too', async () => {
    await h.bq.query({
      query:
        'MERGE `dv.t` AS T USING (SELECT r.id, r.plain FROM UNNEST(@rows) AS r) AS S ON T.id = S.id ' +
        'WHEN NOT MATCHED THEN INSERT (id, plain, n) VALUES (S.id, S.plain, DEFAULT)',
      params: { rows: [{ id: 'm1', plain: 'p' }] },
    });
    expect(await rows("SELECT id, status, must, n, plain FROM `dv.t` WHERE id = 'm1'")).toEqual([
      { id: 'm1', status: 'new', must: 'kept', n: 7, plain: 'p' },
    ]);
  });

  test('a default written as an expression in a MERGE (IFNULL, the text in parentheses, a trailing comment) is evaluated per row', async () => {
    // The form services/bigquery/src/dml.ts `insertedDefault` emits: one MERGE for rows with and without values.
    await h.bq.dataset('dv').createTable('inline', {
      schema: [
        { name: 'id', type: 'STRING', mode: 'REQUIRED' },
        { name: 'status', type: 'STRING', defaultValueExpression: "'new' -- a note" },
        { name: 'ts', type: 'TIMESTAMP', defaultValueExpression: 'CURRENT_TIMESTAMP' },
        { name: 'day', type: 'DATE', defaultValueExpression: "'2020-01-02'" },
        { name: 'uuid', type: 'STRING', defaultValueExpression: 'GENERATE_UUID()' },
      ],
    });
    await h.bq.query({
      query:
        'MERGE `dv.inline` AS T USING (SELECT r.id, r.status, r.ts, r.day, r.uuid FROM UNNEST(@rows) AS r) AS S ON T.id = S.id ' +
        "WHEN NOT MATCHED THEN INSERT (id, status, ts, day, uuid) VALUES (S.id, IFNULL(S.status, ('new' -- a note\n)), " +
        "IFNULL(S.ts, CAST((CURRENT_TIMESTAMP\n) AS TIMESTAMP)), IFNULL(S.day, CAST(('2020-01-02'\n) AS DATE)), " +
        'IFNULL(S.uuid, (GENERATE_UUID()\n)))',
      params: {
        rows: [
          { id: 'a', status: null, ts: null, day: null, uuid: null },
          {
            id: 'b',
            status: 'given',
            ts: h.bq.timestamp('2021-01-01T00:00:00Z'),
            day: h.bq.date('2021-03-04'),
            uuid: 'own',
          },
          { id: 'c', status: null, ts: null, day: null, uuid: null },
        ],
      },
      types: { rows: [{ id: 'STRING', status: 'STRING', ts: 'TIMESTAMP', day: 'DATE', uuid: 'STRING' }] },
    });
    expect(
      await rows(
        'SELECT id, status, ts IS NOT NULL AS ts, CAST(day AS STRING) AS day, LENGTH(uuid) AS uuid FROM `dv.inline` ORDER BY id',
      ),
    ).toEqual([
      { id: 'a', status: 'new', ts: true, day: '2020-01-02', uuid: 36 },
      { id: 'b', status: 'given', ts: true, day: '2021-03-04', uuid: 3 },
      { id: 'c', status: 'new', ts: true, day: '2020-01-02', uuid: 36 },
    ]);
    expect((await rows("SELECT COUNT(DISTINCT uuid) AS n FROM `dv.inline` WHERE id != 'b'"))[0]?.n).toBe(2);
    expect((await rows("SELECT CAST(ts AS STRING) AS ts FROM `dv.inline` WHERE id = 'b'"))[0]?.ts).toBe(
      '2021-01-01 00:00:00+00',
    );
  });

  test('a REQUIRED column with a default refuses an explicit NULL', async () => {
    await expect(h.bq.query({ query: "INSERT INTO `dv.t` (id, must) VALUES ('z', NULL)" })).rejects.toThrow();
  });

  test('tabledata.insertAll: a row without the field gets the default, an explicit null stays NULL', async () => {
    await h.bq.dataset('dv').createTable('streamed', { schema: SCHEMA });
    await h.bq
      .dataset('dv')
      .table('streamed')
      .insert([{ id: 's1' }, { id: 's2', status: null, must: 'given', n: 1 }]);
    expect(await rows(SELECT.replace('%t', 'streamed'))).toEqual([
      {
        id: 's1',
        status: 'new',
        must: 'kept',
        n: 7,
        price: '1.5',
        ts: true,
        dt: true,
        today: true,
        uuid: 36,
        plain: null,
      },
      {
        id: 's2',
        status: null,
        must: 'given',
        n: 1,
        price: '1.5',
        ts: true,
        dt: true,
        today: true,
        uuid: 36,
        plain: null,
      },
    ]);
  });

  test('CREATE TABLE … DEFAULT keeps the expression and applies it', async () => {
    await h.bq.query({
      query: "CREATE TABLE `dv.ddl` (id STRING NOT NULL, status STRING DEFAULT 'open' OPTIONS(description = 'd'))",
    });
    const [meta] = await h.bq.dataset('dv').table('ddl').getMetadata();
    expect(meta.schema.fields[1]).toEqual({
      name: 'status',
      type: 'STRING',
      mode: 'NULLABLE',
      description: 'd',
      defaultValueExpression: "'open'",
    });
    await h.bq.query({ query: "INSERT INTO `dv.ddl` (id) VALUES ('a')" });
    expect(await rows('SELECT id, status FROM `dv.ddl`')).toEqual([{ id: 'a', status: 'open' }]);
  });

  test('tables.patch: a default added, changed or removed applies to later inserts; stored rows keep their values', async () => {
    await h.bq.dataset('dv').createTable('p', {
      schema: [
        { name: 'id', type: 'STRING' },
        { name: 'a', type: 'STRING' },
      ],
    });
    await h.bq.query({ query: "INSERT INTO `dv.p` (id) VALUES ('before')" });
    const table = h.bq.dataset('dv').table('p');
    await table.setMetadata({
      schema: {
        fields: [
          { name: 'id', type: 'STRING' },
          { name: 'a', type: 'STRING', defaultValueExpression: "'A'" },
          { name: 'b', type: 'INT64', defaultValueExpression: '2' },
        ],
      },
    });
    await h.bq.query({ query: "INSERT INTO `dv.p` (id) VALUES ('after')" });
    await table.setMetadata({
      schema: {
        fields: [
          { name: 'id', type: 'STRING' },
          { name: 'a', type: 'STRING' },
          { name: 'b', type: 'INT64', defaultValueExpression: '3' },
        ],
      },
    });
    await h.bq.query({ query: "INSERT INTO `dv.p` (id) VALUES ('last')" });
    expect(await rows('SELECT id, a, b FROM `dv.p` ORDER BY id')).toEqual([
      { id: 'after', a: 'A', b: 2 },
      { id: 'before', a: null, b: null },
      { id: 'last', a: null, b: 3 },
    ]);
    const [meta] = await table.getMetadata();
    expect(meta.schema.fields.map((f: { defaultValueExpression?: string }) => f.defaultValueExpression)).toEqual([
      undefined,
      undefined,
      '3',
    ]);
  });

  test('an expression the emulator cannot translate, or a column reference, is a 400 naming the field', async () => {
    for (const expression of ['NO_SUCH_FUNCTION()', 'id', "'a', 'b'"]) {
      const attempt = h.bq.dataset('dv').createTable(`bad_${expression.length}`, {
        schema: [
          { name: 'id', type: 'STRING' },
          { name: 'x', type: 'STRING', defaultValueExpression: expression },
        ],
      });
      await expect(attempt).rejects.toMatchObject({ code: 400, message: expect.stringContaining('field x') });
    }
  });
});
