/**
 * The real @google-cloud/bigquery client against the emulator: datasets,
 * tables with schemas and descriptions, queries with typed parameters, DML,
 * jobs with paging, streaming inserts and errors.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from './helpers.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

const SCHEMA = [
  { name: '_id', type: 'STRING', mode: 'REQUIRED', description: '{"key":"_id"}' },
  { name: 'title', type: 'STRING', description: 'Title field' },
  { name: 'n', type: 'INT64' },
  { name: 'price', type: 'NUMERIC' },
  { name: 'w', type: 'FLOAT64' },
  { name: 'ok', type: 'BOOL' },
  { name: 'ts', type: 'TIMESTAMP' },
  { name: 'day', type: 'DATE' },
  { name: 'tags', type: 'STRING', mode: 'REPEATED' },
  { name: 'doc', type: 'JSON' },
];

describe('datasets and tables', () => {
  test('lifecycle with schema, descriptions and clustering', async () => {
    const [ds] = await h.bq.createDataset('life');
    expect(ds.id).toBe('life');
    const [exists] = await h.bq.dataset('life').exists();
    expect(exists).toBe(true);
    const [table] = await ds.createTable('items', {
      schema: SCHEMA,
      description: 'Items collection',
      clustering: { fields: ['_id'] },
    });
    const [meta] = await table.getMetadata();
    expect(meta.description).toBe('Items collection');
    expect(meta.clustering).toEqual({ fields: ['_id'] });
    expect(
      meta.schema.fields.map((f: { name: string; type: string; mode: string }) => [f.name, f.type, f.mode]),
    ).toEqual([
      ['_id', 'STRING', 'REQUIRED'],
      ['title', 'STRING', 'NULLABLE'],
      ['n', 'INTEGER', 'NULLABLE'],
      ['price', 'NUMERIC', 'NULLABLE'],
      ['w', 'FLOAT', 'NULLABLE'],
      ['ok', 'BOOLEAN', 'NULLABLE'],
      ['ts', 'TIMESTAMP', 'NULLABLE'],
      ['day', 'DATE', 'NULLABLE'],
      ['tags', 'STRING', 'REPEATED'],
      ['doc', 'JSON', 'NULLABLE'],
    ]);
    expect(meta.schema.fields[0].description).toBe('{"key":"_id"}');
    expect(meta.numRows).toBe('0');

    // patch: add a column, change a description, relax REQUIRED
    const fields = meta.schema.fields.map((f: { name: string }) =>
      f.name === 'title' ? { ...f, description: 'New title' } : f.name === '_id' ? { ...f, mode: 'NULLABLE' } : f,
    );
    await table.setMetadata({ schema: { fields: [...fields, { name: 'extra', type: 'STRING' }] }, description: 'd2' });
    const [after] = await table.getMetadata();
    expect(after.description).toBe('d2');
    expect(after.schema.fields.find((f: { name: string }) => f.name === 'title').description).toBe('New title');
    expect(after.schema.fields.find((f: { name: string }) => f.name === '_id').mode).toBe('NULLABLE');
    expect(after.schema.fields.at(-1).name).toBe('extra');

    // removing a field is refused
    await expect(table.setMetadata({ schema: { fields: fields.slice(1) } })).rejects.toMatchObject({ code: 400 });

    const [tables] = await ds.getTables();
    expect(tables.map((t) => t.id)).toEqual(['items']);

    await expect(ds.createTable('items', { schema: SCHEMA })).rejects.toMatchObject({ code: 409 });
    await expect(ds.delete()).rejects.toMatchObject({ code: 400, errors: [{ reason: 'resourceInUse' }] });
    await ds.delete({ force: true });
    const [gone] = await h.bq.dataset('life').exists();
    expect(gone).toBe(false);
    await expect(h.bq.dataset('life').table('items').getMetadata()).rejects.toMatchObject({
      code: 404,
      errors: [{ reason: 'notFound' }],
    });
  });

  test("tables.get's view: BASIC leaves the storage statistics out, the others keep them, an unknown one is 400", async () => {
    const [ds] = await h.bq.createDataset('views');
    const [table] = await ds.createTable('items', { schema: SCHEMA.slice(0, 2), description: 'd' });
    await table.insert([{ _id: 'a', title: 'x' }]);
    const get = async (view?: string) => {
      const query = view ? `?view=${view}` : '';
      const response = await fetch(`${h.emulator.url}/bigquery/v2/projects/test/datasets/views/tables/items${query}`);
      const body = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw Object.assign(new Error('tables.get failed'), { code: response.status, body });
      return body;
    };
    const basic = await get('BASIC');
    expect(basic.description).toBe('d');
    expect((basic.schema as { fields: unknown[] }).fields).toHaveLength(2);
    for (const key of ['numRows', 'numBytes', 'numLongTermBytes', 'lastModifiedTime'])
      expect(basic).not.toHaveProperty(key);
    for (const view of [undefined, 'STORAGE_STATS', 'FULL', 'TABLE_METADATA_VIEW_UNSPECIFIED']) {
      expect((await get(view)).numRows).toBe('1');
    }
    await expect(get('SMALL')).rejects.toMatchObject({ code: 400 });
  });

  test('table names up to BigQuery’s 1,024 bytes are served (they were a 414 past 100 characters)', async () => {
    const [ds] = await h.bq.createDataset('longnames');
    const names = [`t${'x'.repeat(100)}`, `t${'é'.repeat(511)}`];
    for (const name of names) {
      await ds.createTable(name, { schema: [{ name: '_id', type: 'STRING' }] });
      const [meta] = await ds.table(name).getMetadata();
      expect(meta.tableReference.tableId).toBe(name);
    }
    const [tables] = await ds.getTables();
    expect(tables.map((t) => t.id).sort()).toEqual([...names].sort());
  });

  test("datasets.patch merges labels (null removes one), as BigQuery's does", async () => {
    const [ds] = await h.bq.createDataset('labelled', { labels: { owner: 'me', team: 'a' } });
    await ds.setMetadata({ labels: { 'wix-adaptor-schema': 'v1', team: null } });
    const [meta] = await ds.getMetadata();
    expect(meta.labels).toEqual({ owner: 'me', 'wix-adaptor-schema': 'v1' });
  });

  test('duplicate dataset is 409 duplicate', async () => {
    await h.bq.createDataset('dup');
    await expect(h.bq.createDataset('dup')).rejects.toMatchObject({ code: 409, errors: [{ reason: 'duplicate' }] });
  });
});

describe('queries through the client', () => {
  beforeAll(async () => {
    const [ds] = await h.bq.createDataset('q');
    await ds.createTable('items', { schema: SCHEMA });
  });

  test('DML with affected rows, then typed reads of every type', async () => {
    const [job] = await h.bq.createQueryJob({
      query:
        'INSERT INTO `q.items` (_id, title, n, price, w, ok, ts, day, tags, doc) VALUES (@id, @title, @n, @price, @w, @ok, @at, @day, @tags, @doc), (@id2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @noTags, NULL)',
      params: {
        id: 'a',
        title: 'Rosé',
        n: 42,
        price: '12.50',
        w: 0.5,
        ok: true,
        at: new Date('2024-05-01T09:30:00.123Z'),
        // DATE values must be BigQueryDate objects: the client sends `value.value` for custom types.
        day: h.bq.date('2024-05-01'),
        tags: ['x', 'y'],
        doc: '{"k":[1,"two",null]}',
        id2: 'b',
        noTags: [],
      },
      types: { price: 'NUMERIC', day: 'DATE', doc: 'JSON', noTags: ['STRING'] },
    });
    const [meta] = await job.getMetadata();
    expect(meta.statistics.query.numDmlAffectedRows).toBe('2');
    expect(meta.status.state).toBe('DONE');

    const [rows] = await h.bq.query({ query: 'SELECT * FROM `q.items` ORDER BY _id' });
    expect(rows).toHaveLength(2);
    const a = rows[0];
    expect(a._id).toBe('a');
    expect(a.title).toBe('Rosé');
    expect(a.n).toBe(42);
    expect(a.price.toString()).toBe('12.5');
    expect(a.w).toBe(0.5);
    expect(a.ok).toBe(true);
    expect(new Date(a.ts.value).toISOString()).toBe('2024-05-01T09:30:00.123Z');
    expect(a.day.value).toBe('2024-05-01');
    expect(a.tags).toEqual(['x', 'y']);
    expect(JSON.parse(a.doc)).toEqual({ k: [1, 'two', null] });
    const b = rows[1];
    expect(b.title).toBeNull();
    expect(b.tags).toEqual([]);
  });

  test('named parameters: arrays, nulls with explicit types, IN UNNEST, LIMIT/OFFSET', async () => {
    const [rows] = await h.bq.query({
      query:
        'SELECT _id FROM `q.items` WHERE _id IN UNNEST(@ids) AND (@nothing IS NULL) AND COALESCE(title = @t, TRUE) ORDER BY _id LIMIT @l OFFSET @o',
      params: { ids: ['a', 'b', 'c'], nothing: null, t: 'Rosé', l: 10, o: 0 },
      types: { nothing: 'STRING' },
    });
    expect(rows.map((r) => r._id)).toEqual(['a', 'b']);
    const [none] = await h.bq.query({
      query: 'SELECT _id FROM `q.items` WHERE _id IN UNNEST(@ids)',
      params: { ids: [] },
      types: { ids: ['STRING'] },
    });
    expect(none).toEqual([]);
  });

  test('UPDATE / DELETE / MERGE report affected rows', async () => {
    const [upd] = await h.bq.query({
      query: 'UPDATE `q.items` SET n = n + 1 WHERE _id = @id',
      params: { id: 'a' },
    });
    expect(upd).toEqual([]);
    const [job] = await h.bq.createQueryJob({
      query:
        'MERGE `q.items` T USING (SELECT @id AS _id, @title AS title) S ON T._id = S._id WHEN MATCHED THEN UPDATE SET title = S.title WHEN NOT MATCHED THEN INSERT (_id, title) VALUES (S._id, S.title)',
      params: { id: 'c', title: 'new' },
    });
    const [m] = await job.getMetadata();
    expect(m.statistics.query.numDmlAffectedRows).toBe('1');
    const [rows] = await h.bq.query('SELECT _id, n, title, tags FROM `q.items` ORDER BY _id');
    expect(rows.map((r) => [r._id, r.n, r.title, r.tags])).toEqual([
      ['a', 43, 'Rosé', ['x', 'y']],
      ['b', null, null, []],
      ['c', null, 'new', []],
    ]);
    const [del] = await h.bq.createQueryJob({ query: 'DELETE FROM `q.items` WHERE TRUE' });
    const [dm] = await del.getMetadata();
    expect(dm.statistics.query.numDmlAffectedRows).toBe('3');
  });

  test('createQueryJob + getQueryResults paging with maxResults', async () => {
    const [job] = await h.bq.createQueryJob({
      query: 'SELECT x FROM UNNEST(GENERATE_ARRAY(1, 25)) AS x ORDER BY x',
    });
    const [page1, next, resp] = await job.getQueryResults({ maxResults: 10, autoPaginate: false });
    expect(page1.map((r) => r.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(resp?.totalRows).toBe('25');
    expect(next?.pageToken).toBeTruthy();
    const [page2] = await job.getQueryResults({ ...next, autoPaginate: false });
    expect(page2.map((r) => r.x)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    // With autoPaginate the client follows pageToken until maxResults rows in total.
    const [all] = await job.getQueryResults({ maxResults: 7 });
    expect(all.map((r) => r.x)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const [everything] = await job.getQueryResults();
    expect(everything).toHaveLength(25);
    // jobs.query with maxResults pages through getQueryResults transparently
    const [viaQuery] = await h.bq.query({ query: 'SELECT x FROM UNNEST(GENERATE_ARRAY(1, 12)) AS x', maxResults: 5 });
    expect(viaQuery).toHaveLength(12);
  });

  test('timestamps keep microseconds, as int64 micros or float seconds', async () => {
    const sql = "SELECT TIMESTAMP '2024-01-01 10:00:00.123456+00' AS t";
    const [rows] = await h.bq.query(sql);
    expect(rows[0].t.value).toBe('2024-01-01T10:00:00.123456000Z');
    const [job] = await h.bq.createQueryJob(sql);
    const [, , raw] = await job.getQueryResults({
      skipParsing: true,
      'formatOptions.useInt64Timestamp': false,
    } as never);
    expect((raw as { rows: { f: { v: string }[] }[] }).rows[0]?.f[0]?.v).toBe('1704103200.123456');
  });
});

describe('streaming inserts', () => {
  test('insertAll writes rows and reports per-row errors', async () => {
    const [ds] = await h.bq.createDataset('s');
    const [table] = await ds.createTable('t', { schema: SCHEMA });
    await table.insert([
      { _id: 'a', n: 1, tags: ['p'], ts: new Date('2024-01-01T00:00:00Z'), doc: { a: 1 } },
      { _id: 'b', title: 'x' },
    ]);
    const [rows] = await h.bq.query('SELECT _id, n, tags, ts, doc FROM s.t ORDER BY _id');
    expect(rows.map((r) => [r._id, r.n, r.tags])).toEqual([
      ['a', 1, ['p']],
      ['b', null, []],
    ]);
    expect(new Date(rows[0].ts.value).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    const error = await table
      .insert([{ _id: 'c' }, { title: 'no id' }, { _id: 'd', nope: 1 }])
      .catch((e: unknown) => e);
    expect((error as { name: string }).name).toBe('PartialFailureError');
    const errors = (error as { errors: { row: unknown; errors: { reason: string; message: string }[] }[] }).errors;
    expect(errors.map((e) => e.errors[0]?.reason)).toEqual(['stopped', 'invalid', 'invalid']);
    expect(errors[1]?.errors[0]?.message).toContain('Missing required field: _id');
    expect(errors[2]?.errors[0]?.message).toContain('no such field: nope');
    const [count] = await h.bq.query('SELECT COUNT(*) AS n FROM s.t');
    expect(count[0].n).toBe(2);
    await table.insert([{ _id: 'e' }, { title: 'bad' }], { skipInvalidRows: true }).catch(() => undefined);
    const [count2] = await h.bq.query('SELECT COUNT(*) AS n FROM s.t');
    expect(count2[0].n).toBe(3);
  });
});

describe('errors', () => {
  test('unknown table is 404 notFound; bad SQL is 400 invalidQuery; unsupported is named', async () => {
    await expect(h.bq.query('SELECT * FROM nowhere.t')).rejects.toMatchObject({
      code: 404,
      errors: [{ reason: 'notFound' }],
    });
    await expect(h.bq.query('SELEC 1')).rejects.toMatchObject({ code: 400, errors: [{ reason: 'invalidQuery' }] });
    const e = await h.bq.query("SELECT FORMAT('%d', 1)").catch((x: Error) => x);
    expect((e as Error).message).toContain('Unsupported by the BigQuery emulator: function FORMAT');
    await expect(h.bq.query('SELECT 1 / 0')).rejects.toMatchObject({ code: 400 });
    await expect(h.bq.query({ query: 'SELECT @x', params: {} })).rejects.toMatchObject({ code: 400 });
  });

  test('an unknown column is BigQuery\'s "Unrecognized name" / "Name … not found inside", located in the caller\'s SQL', async () => {
    await h.bq.createDataset('names');
    await h.bq.query('CREATE TABLE names.t (_id STRING, name STRING)');
    const errorOf = (query: string) =>
      h.bq.query(query).then(
        () => undefined,
        (e: { code?: number; errors?: unknown[] }) => ({ code: e.code, errors: e.errors }),
      );
    expect(await errorOf('SELECT _id, gone FROM names.t')).toEqual({
      code: 400,
      errors: [expect.objectContaining({ reason: 'invalidQuery', message: 'Unrecognized name: gone at [1:13]' })],
    });
    expect((await errorOf('SELECT `_id` AS c0 FROM `names`.`t`\nWHERE `gone` = 1'))?.errors).toEqual([
      expect.objectContaining({ message: 'Unrecognized name: gone at [2:7]' }),
    ]);
    expect((await errorOf('SELECT t.gone FROM names.t'))?.errors).toEqual([
      expect.objectContaining({ reason: 'invalidQuery', message: 'Name gone not found inside t at [1:10]' }),
    ]);
    // An INSERT's column list names the table (BigQuery's own message, unchanged).
    expect((await errorOf("INSERT INTO names.t (_id, gone) VALUES ('a', 'b')"))?.errors).toEqual([
      expect.objectContaining({ message: 'Column gone is not present in table names.t at [1:27]' }),
    ]);
  });

  test('a failing query job is DONE with errorResult, and the client raises it', async () => {
    await expect(h.bq.createQueryJob('SELECT * FROM nowhere.t')).rejects.toThrow(/Not found: Dataset/);
  });
});

describe('BIGQUERY_EMULATOR_HOST', () => {
  test('the client uses it as the base URL (no /bigquery/v2 prefix)', async () => {
    const { BigQuery } = await import('@google-cloud/bigquery');
    process.env.BIGQUERY_EMULATOR_HOST = h.emulator.url;
    try {
      const bq = new BigQuery({ projectId: 'envproject', autoRetry: false });
      const [rows] = await bq.query({ query: 'SELECT @x AS x', params: { x: 'hi' } });
      expect(rows).toEqual([{ x: 'hi' }]);
    } finally {
      delete process.env.BIGQUERY_EMULATOR_HOST;
    }
  });
});
