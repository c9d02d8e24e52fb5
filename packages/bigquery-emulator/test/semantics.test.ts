/**
 * Each translated construct against its GoogleSQL meaning (GoogleSQL
 * reference: operators, conditional expressions, string, JSON, array, date
 * and time functions). Table-driven: SQL + parameters → expected rows as the
 * real client decodes them, or the expected error.
 */
import { BigQuery } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from './helpers.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.emulator.stop();
});

interface Case {
  readonly sql: string;
  readonly params?: Record<string, unknown>;
  readonly types?: Record<string, string | string[]>;
  readonly rows?: readonly Record<string, unknown>[];
  readonly error?: RegExp;
}

const CASES: Record<string, Case> = {
  // ORDER BY: NULLs first ascending, last descending.
  'null order asc': {
    sql: 'SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x',
    rows: [{ x: null }, { x: 1 }, { x: 2 }],
  },
  'null order desc': {
    sql: 'SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x DESC',
    rows: [{ x: 2 }, { x: 1 }, { x: null }],
  },
  // Strings compare by code point (UTF-8 bytes): 'B' < 'a' < 'é' < '\uFFFF' < '😀'.
  'code point order': {
    sql: "SELECT s FROM UNNEST(['é', 'a', '😀', 'B', '\\uFFFF']) AS s ORDER BY s",
    rows: [{ s: 'B' }, { s: 'a' }, { s: 'é' }, { s: '\uffff' }, { s: '😀' }],
  },
  'LOWER folds non-ASCII': { sql: "SELECT LOWER('ÉCOLE Ärger ΣΑΣ') AS s", rows: [{ s: 'école ärger σασ' }] },
  'REGEXP_CONTAINS (?i) and anchors': {
    sql: "SELECT REGEXP_CONTAINS('Hello', r'(?i)^hello$') AS a, REGEXP_CONTAINS('xHello', r'^Hello') AS b, REGEXP_CONTAINS('a\\nb', r'a.b') AS c, REGEXP_CONTAINS(@s, @re) AS d",
    params: { s: 'a+b', re: '^a\\+b$' },
    rows: [{ a: true, b: false, c: false, d: true }],
  },
  'STRPOS / STARTS_WITH / ENDS_WITH on LOWER': {
    sql: "SELECT STRPOS(LOWER('Straße'), LOWER('SSE')) AS p, STARTS_WITH(LOWER('Élan'), LOWER('éL')) AS s, ENDS_WITH('abc', '') AS e",
    rows: [{ p: 0, s: true, e: true }],
  },
  'LIKE escapes with backslash': {
    sql: "SELECT 'a_c' LIKE 'a\\\\_c' AS a, 'abc' LIKE 'a\\\\_c' AS b",
    rows: [{ a: true, b: false }],
  },
  'CONCAT is NULL with a NULL input': {
    sql: "SELECT CONCAT('a', NULL) AS c, CONCAT('a', 'b') AS d",
    rows: [{ c: null, d: 'ab' }],
  },
  'SUBSTR positions': {
    sql: "SELECT SUBSTR('abcdef', 0, 2) AS a, SUBSTR('abcdef', -2) AS b, SUBSTR('abc', -10, 2) AS c, SUBSTR('abc', 5) AS d",
    rows: [{ a: 'ab', b: 'ef', c: 'ab', d: '' }],
  },
  'GREATEST/LEAST with NULL are NULL': {
    sql: 'SELECT GREATEST(1, NULL) AS g, LEAST(3, 2) AS l',
    rows: [{ g: null, l: 2 }],
  },
  // Division: `/` is FLOAT64 and errors on zero; DIV truncates toward zero; MOD takes the dividend's sign.
  'division is FLOAT64': {
    sql: 'SELECT 7 / 2 AS a, DIV(-7, 2) AS b, MOD(-7, 2) AS c, SAFE_DIVIDE(1, 0) AS d',
    rows: [{ a: 3.5, b: -3, c: -1, d: null }],
  },
  'division by zero is an error': { sql: 'SELECT 1 / 0 AS x', error: /division by zero/ },
  'integer literals are INT64, others FLOAT64': {
    sql: 'SELECT 2147483647 + 1 AS a, 0.1 + 0.2 AS b',
    rows: [{ a: 2147483648, b: 0.30000000000000004 }],
  },
  'INT64 overflow is an error': { sql: 'SELECT 9223372036854775807 + 1 AS x', error: /overflow/i },
  // Arrays.
  'IN UNNEST three-valued': {
    sql: 'SELECT 1 IN UNNEST([1, NULL]) AS a, 2 IN UNNEST([1, NULL]) AS b, 2 IN UNNEST(@empty) AS c, NULL IN UNNEST([1]) AS d',
    params: { empty: [] },
    types: { empty: ['INT64'] },
    rows: [{ a: true, b: null, c: false, d: null }],
  },
  'OFFSET / ORDINAL / SAFE_OFFSET': {
    sql: "SELECT ['a', 'b'][OFFSET(1)] AS a, ['a', 'b'][ORDINAL(1)] AS b, ['a'][SAFE_OFFSET(3)] AS c, ARRAY_LENGTH(@e) AS n",
    params: { e: [] },
    types: { e: ['STRING'] },
    rows: [{ a: 'b', b: 'a', c: null, n: 0 }],
  },
  'OFFSET out of bounds is an error': { sql: "SELECT ['a'][OFFSET(1)] AS x", error: /out of bounds/ },
  'EXISTS over UNNEST with offset': {
    sql: 'SELECT EXISTS(SELECT 1 FROM UNNEST(@a) AS e WITH OFFSET AS i WHERE e = @b[OFFSET(i)]) AS x',
    params: { a: ['p', 'q'], b: ['z', 'q'] },
    rows: [{ x: true }],
  },
  'a NULL array reads back as []': { sql: 'SELECT CAST(NULL AS ARRAY<STRING>) AS a', rows: [{ a: [] }] },
  'an array with a NULL element cannot be returned': {
    sql: 'SELECT [1, NULL] AS a',
    error: /Array cannot have a null element/,
  },
  aggregates: {
    sql: "SELECT COUNT(*) AS n, COUNTIF(x > 1) AS c, SUM(x) AS s, AVG(x) AS a, STRING_AGG(CAST(x AS STRING), '-' ORDER BY x DESC) AS j, ARRAY_AGG(x ORDER BY x) AS arr FROM UNNEST([3, 1, 2]) AS x",
    rows: [{ n: 3, c: 2, s: 6, a: 2, j: '3-2-1', arr: [1, 2, 3] }],
  },
  // JSON: typed extraction; JSON_VALUE gives STRING or NULL (never JSON-quoted text).
  'JSON_VALUE / JSON_QUERY / JSON_TYPE': {
    sql: `SELECT JSON_VALUE(j, '$.s') AS s, JSON_VALUE(j, '$.n') AS n, JSON_VALUE(j, '$.o') AS o, JSON_TYPE(JSON_QUERY(j, '$.z')) AS z,
      JSON_QUERY(j, '$.missing') AS m, JSON_TYPE(JSON_QUERY(j, '$."a b"')) AS ab, TO_JSON_STRING(JSON_QUERY(j, '$.o')) AS oj
      FROM (SELECT JSON '{"s": "x\\\\"y", "n": 5, "o": {"k": [1]}, "z": null, "a b": true}' AS j)`,
    rows: [{ s: 'x"y', n: '5', o: null, z: 'null', m: null, ab: 'boolean', oj: '{"k":[1]}' }],
  },
  'LAX_* never coerce across the JSON_TYPE guard': {
    sql: `SELECT LAX_FLOAT64(JSON '"5"') AS a, LAX_FLOAT64(JSON '2.5') AS b, LAX_STRING(JSON '"t"') AS c, LAX_BOOL(JSON 'true') AS d,
      LAX_INT64(JSON '10.6') AS e, LAX_BOOL(JSON '{}') AS f, JSON_TYPE(JSON '1') AS g`,
    rows: [{ a: 5, b: 2.5, c: 't', d: true, e: 11, f: null, g: 'number' }],
  },
  JSON_QUERY_ARRAY: {
    sql: `SELECT ARRAY_LENGTH(JSON_QUERY_ARRAY(JSON '[1, "a", null]')) AS n, JSON_QUERY_ARRAY(JSON '{"a": 1}') IS NULL AS notArray,
      (SELECT COUNT(*) FROM UNNEST(JSON_QUERY_ARRAY(JSON '{"a": [1, 2]}', '$.a')) AS e WHERE LAX_FLOAT64(e) > 1) AS gt1`,
    rows: [{ n: 3, notArray: true, gt1: 1 }],
  },
  'JSON parameters': {
    sql: "SELECT JSON_VALUE(@j, '$.a') AS a",
    params: { j: { a: 'b' } },
    types: { j: 'JSON' },
    rows: [{ a: 'b' }],
  },
  // Casts follow GoogleSQL's conversion rules.
  'SAFE_CAST and CAST': {
    sql: "SELECT SAFE_CAST('1.5' AS INT64) AS a, CAST(2.5 AS INT64) AS b, SAFE_CAST('x' AS FLOAT64) AS c, CAST(DATE '2024-02-29' AS STRING) AS d, CAST(NUMERIC '1.50' AS STRING) AS e, SAFE_CAST('yes' AS BOOL) AS f",
    rows: [{ a: null, b: 3, c: null, d: '2024-02-29', e: '1.5', f: null }],
  },
  "CAST('1.5' AS INT64) is an error": { sql: "SELECT CAST('1.5' AS INT64) AS x", error: /Bad int64 value/ },
  // Date and time.
  'TIMESTAMP keeps microseconds': {
    sql: "SELECT UNIX_MICROS(TIMESTAMP '2024-01-01 00:00:00.000001+00') AS us, TIMESTAMP_DIFF(TIMESTAMP '2024-01-02', TIMESTAMP '2024-01-01 00:00:01', HOUR) AS h",
    rows: [{ us: 1704067200000001, h: 23 }],
  },
  'DATE functions': {
    sql: "SELECT DATE_ADD(DATE '2024-01-31', INTERVAL 1 MONTH) AS a, EXTRACT(DAYOFWEEK FROM DATE '2024-01-07') AS b, DATE_DIFF(DATE '2024-03-01', DATE '2024-02-01', DAY) AS c, EXTRACT(MILLISECOND FROM TIMESTAMP '2024-01-01 00:00:07.123456+00') AS d",
    rows: [{ a: '2024-02-29', b: 1, c: 29, d: 123 }],
  },
  // BigQuery prints a TIME's or DATETIME's fraction of a second in groups of three digits (none, 3 or 6),
  // in its REST cells and in CAST(… AS STRING) alike; DuckDB trims the trailing zeros.
  'TIME and DATETIME fractions in groups of three digits': {
    sql: "SELECT TIME '10:30:00' AS a, TIME '10:30:00.5' AS b, TIME '10:30:00.1234' AS c, CAST(TIME '01:02:03.12' AS STRING) AS d, CAST(TIME '01:02:03.12345' AS STRING) AS e, CAST(DATETIME '2006-01-02 01:02:03.12' AS STRING) AS f, SAFE_CAST(TIME '09:05:00' AS STRING) AS g",
    rows: [
      {
        a: '10:30:00',
        b: '10:30:00.500',
        c: '10:30:00.123400',
        d: '01:02:03.120',
        e: '01:02:03.123450',
        f: '2006-01-02 01:02:03.120',
        g: '09:05:00',
      },
    ],
  },
  'TIME parameters and ordering': {
    sql: "SELECT CAST(t AS STRING) AS t FROM UNNEST([@a, TIME '09:00:00', @b]) AS t ORDER BY t",
    // A plain string TIME parameter is sent as NULL by the client: BigQuery.time wraps it.
    params: { a: BigQuery.time('23:59:59.999'), b: BigQuery.time('00:00:01') },
    types: { a: 'TIME', b: 'TIME' },
    rows: [{ t: '00:00:01' }, { t: '09:00:00' }, { t: '23:59:59.999' }],
  },
  'ROUND of NUMERIC and FLOAT64 to places': {
    sql: "SELECT CAST(ROUND(NUMERIC '1.23456789', 3) AS STRING) AS a, NUMERIC '12345678.25' = ROUND(NUMERIC '12345678.25', 7) AS b, ROUND(2.5) AS c, ROUND(-1.25, 1) AS d",
    rows: [{ a: '1.235', b: true, c: 3, d: -1.3 }],
  },
  'TIMESTAMP parameters compare as instants': {
    sql: "SELECT @t = TIMESTAMP '2024-05-01 11:30:00+02' AS same",
    params: { t: new Date('2024-05-01T09:30:00.000Z') },
    rows: [{ same: true }],
  },
  // Query shapes.
  'ORDER BY ordinal, unnamed columns f0_': {
    sql: 'SELECT x, x * 2 FROM UNNEST([2, 1]) AS x ORDER BY 1',
    rows: [
      { x: 1, f0_: 2 },
      { x: 2, f0_: 4 },
    ],
  },
  'GROUP BY in a wrapping subquery, window function': {
    sql: 'SELECT g, n, SUM(n) OVER () AS total FROM (SELECT MOD(x, 2) AS g, COUNT(*) AS n FROM UNNEST([1, 2, 3]) AS x GROUP BY g) ORDER BY g',
    rows: [
      { g: 0, n: 1, total: 3 },
      { g: 1, n: 2, total: 3 },
    ],
  },
  'SELECT DISTINCT over a CROSS JOIN UNNEST': {
    sql: 'SELECT DISTINCT v FROM (SELECT [1, 2] AS a UNION ALL SELECT [2, 3]) AS t CROSS JOIN UNNEST(t.a) AS v ORDER BY v DESC',
    rows: [{ v: 3 }, { v: 2 }, { v: 1 }],
  },
  'LIMIT and OFFSET parameters': {
    sql: 'SELECT x FROM UNNEST([1, 2, 3, 4]) AS x ORDER BY x LIMIT @l OFFSET @o',
    params: { l: 2, o: 1 },
    rows: [{ x: 2 }, { x: 3 }],
  },
  'unknown parameter': { sql: 'SELECT @nope AS x', error: /Query parameter 'nope' not found/ },
  'unsupported construct is named': {
    sql: "SELECT FORMAT_DATE('%Y', CURRENT_DATE()) AS x",
    error: /Unsupported by the BigQuery emulator: function FORMAT_DATE/,
  },
};

describe('GoogleSQL semantics', () => {
  for (const [name, c] of Object.entries(CASES)) {
    test(name, async () => {
      const run = h.bq.query({
        query: c.sql,
        ...(c.params ? { params: c.params } : {}),
        ...(c.types ? { types: c.types } : {}),
      });
      if (c.error) {
        await expect(run).rejects.toThrow(c.error);
        return;
      }
      const [rows] = await run;
      const plain = (rows as Record<string, unknown>[]).map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [
            k,
            v !== null && typeof v === 'object' && 'value' in (v as object) ? (v as { value: unknown }).value : v,
          ]),
        ),
      );
      expect(plain).toEqual(c.rows);
    });
  }
});

describe('DDL, INFORMATION_SCHEMA and scripts', () => {
  test('CREATE TABLE with OPTIONS, ALTER, INFORMATION_SCHEMA, DROP', async () => {
    await h.bq.createDataset('ddl');
    await h.bq.query(
      "CREATE TABLE ddl.t (_id STRING NOT NULL OPTIONS(description='id field'), tags ARRAY<STRING>, doc JSON) CLUSTER BY _id OPTIONS(description='A table')",
    );
    const [meta] = await h.bq.dataset('ddl').table('t').getMetadata();
    expect(meta.description).toBe('A table');
    expect(meta.clustering).toEqual({ fields: ['_id'] });
    expect(meta.schema.fields[0]).toMatchObject({ name: '_id', mode: 'REQUIRED', description: 'id field' });
    await h.bq.query("ALTER TABLE ddl.t ADD COLUMN n INT64 OPTIONS(description='count')");
    await h.bq.query('ALTER TABLE ddl.t DROP COLUMN doc');
    const [cols] = await h.bq.query(
      "SELECT column_name, data_type, is_nullable FROM ddl.INFORMATION_SCHEMA.COLUMNS WHERE table_name = 't' ORDER BY ordinal_position",
    );
    expect(cols).toEqual([
      { column_name: '_id', data_type: 'STRING', is_nullable: 'NO' },
      { column_name: 'tags', data_type: 'ARRAY<STRING>', is_nullable: 'YES' },
      { column_name: 'n', data_type: 'INT64', is_nullable: 'YES' },
    ]);
    const [descs] = await h.bq.query(
      'SELECT field_path, description FROM `ddl.INFORMATION_SCHEMA.COLUMN_FIELD_PATHS` WHERE description IS NOT NULL ORDER BY field_path',
    );
    expect(descs).toEqual([
      { field_path: '_id', description: 'id field' },
      { field_path: 'n', description: 'count' },
    ]);
    const [tables] = await h.bq.query('SELECT table_name, table_type FROM ddl.INFORMATION_SCHEMA.TABLES');
    expect(tables).toEqual([{ table_name: 't', table_type: 'BASE TABLE' }]);
    await h.bq.query('DROP TABLE ddl.t');
    await expect(h.bq.dataset('ddl').table('t').getMetadata()).rejects.toMatchObject({ code: 404 });
  });

  test('a script runs its statements in order and returns the last result', async () => {
    await h.bq.createDataset('script');
    const [rows] = await h.bq.query({
      query:
        'CREATE TABLE script.t (k STRING, v INT64); INSERT INTO script.t (k, v) VALUES (@k, 1), (@k, 2); SELECT k, SUM(v) AS s FROM script.t GROUP BY k',
      params: { k: 'x' },
    });
    expect(rows).toEqual([{ k: 'x', s: 3 }]);
  });

  test('writes refuse parameters of the wrong type, REQUIRED NULLs and NULL array elements', async () => {
    await h.bq.createDataset('w');
    await h.bq.query('CREATE TABLE w.t (k STRING NOT NULL, n INT64, j JSON, a ARRAY<STRING>)');
    await expect(
      h.bq.query({ query: 'INSERT INTO w.t (k, j) VALUES (@k, @j)', params: { k: 'a', j: '{}' } }),
    ).rejects.toThrow(/Value has type STRING which cannot be inserted into column j, which has type JSON/);
    await expect(
      h.bq.query({ query: 'INSERT INTO w.t (k, n) VALUES (@k, @n)', params: { k: 'a', n: 'x' } }),
    ).rejects.toThrow(/cannot be inserted into column n/);
    await expect(h.bq.query('INSERT INTO w.t (k) VALUES (NULL)')).rejects.toMatchObject({ code: 400 });
    await expect(h.bq.query("INSERT INTO w.t (k, a) VALUES ('x', ['p', NULL])")).rejects.toThrow(/null element/);
    await expect(h.bq.query('UPDATE w.t SET n = 1')).rejects.toThrow(/must have a WHERE clause/);
    const [count] = await h.bq.query('SELECT COUNT(*) AS c FROM w.t');
    expect(count).toEqual([{ c: 0 }]);
  });

  test('MERGE refuses a target row matched by several source rows', async () => {
    await h.bq.createDataset('m');
    await h.bq.query("CREATE TABLE m.t (k STRING, v INT64); INSERT INTO m.t (k, v) VALUES ('a', 1)");
    await expect(
      h.bq.query(
        "MERGE m.t T USING (SELECT 'a' AS k, 2 AS v UNION ALL SELECT 'a', 3) S ON T.k = S.k WHEN MATCHED THEN UPDATE SET v = S.v",
      ),
    ).rejects.toThrow(/must match at most one source row/);
  });
});
