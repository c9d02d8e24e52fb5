/**
 * BIGNUMERIC (76 digits, 38 after the point) through the real client: table
 * columns written by insertAll and DML, read back exactly, compared, sorted,
 * summed, cast and bound as parameters (bignumeric.ts holds the storage rule).
 */
import type { Dataset } from '@google-cloud/bigquery';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from './helpers.ts';

let h: Harness;
let ds: Dataset;

// 39 integer digits + 37 fraction digits: far beyond a double and beyond NUMERIC.
const BIG = '578960446186580977117854925043439539266.3499233282028201972879200395656481996';
const MAX = '578960446186580977117854925043439539266.34992332820282019728792003956564819967';
const MIN = '-578960446186580977117854925043439539266.34992332820282019728792003956564819968';
const TINY = '0.00000000000000000000000000000000000001';

beforeAll(async () => {
  h = await startHarness();
  [ds] = await h.bq.createDataset('bn');
  await ds.createTable('t', {
    schema: {
      fields: [
        { name: 'id', type: 'STRING' },
        { name: 'v', type: 'BIGNUMERIC' },
        { name: 'a', type: 'BIGNUMERIC', mode: 'REPEATED' },
      ],
    },
  });
  await ds.table('t').insert([
    { id: 'big', v: BIG, a: [TINY, '1'] },
    { id: 'max', v: MAX, a: [] },
    { id: 'min', v: MIN },
    { id: 'tiny', v: TINY },
    { id: 'neg', v: '-1.5' },
    { id: 'nul', v: null },
  ]);
});
afterAll(async () => {
  await h.emulator.stop();
});

/** Rows with BIGNUMERIC values as the exact text the client's Big holds. */
async function rows(sql: string, params?: Record<string, unknown>, types?: Record<string, string>) {
  const [out] = await h.bq.query({ query: sql, defaultDataset: { datasetId: 'bn' }, params, types });
  return out.map((r: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        Array.isArray(v) ? v.map((x) => (x as { toFixed(): string }).toFixed()) : exact(v),
      ]),
    ),
  );
}

function exact(v: unknown): unknown {
  return v !== null && typeof v === 'object' && 'toFixed' in v ? (v as { toFixed(): string }).toFixed() : v;
}

describe('BIGNUMERIC', () => {
  test('reads back every digit, the range ends included; schema says BIGNUMERIC', async () => {
    expect(await rows('SELECT id, v, a FROM t ORDER BY id')).toEqual([
      { id: 'big', v: BIG, a: [TINY, '1'] },
      { id: 'max', v: MAX, a: [] },
      { id: 'min', v: MIN, a: [] },
      { id: 'neg', v: '-1.5', a: [] },
      { id: 'nul', v: null, a: [] },
      { id: 'tiny', v: TINY, a: [] },
    ]);
    const [meta] = await ds.table('t').getMetadata();
    expect(meta.schema.fields[1]).toMatchObject({ name: 'v', type: 'BIGNUMERIC' });
    const [job] = await h.bq.createQueryJob({ query: 'SELECT v FROM bn.t LIMIT 1' });
    const [, , response] = await job.getQueryResults();
    expect(response?.schema?.fields?.[0]?.type).toBe('BIGNUMERIC');
  });

  test('sorts numerically, NULL first', async () => {
    expect((await rows('SELECT id FROM t ORDER BY v')).map((r) => r.id)).toEqual([
      'nul',
      'min',
      'neg',
      'tiny',
      'big',
      'max',
    ]);
    expect((await rows('SELECT id FROM t ORDER BY v DESC LIMIT 2')).map((r) => r.id)).toEqual(['max', 'big']);
  });

  test('filters by BIGNUMERIC parameters exactly (one unit in the 76th digit apart)', async () => {
    const below = `${BIG.slice(0, -1)}5`;
    expect(await rows('SELECT id FROM t WHERE v = @p', { p: BIG }, { p: 'BIGNUMERIC' })).toEqual([{ id: 'big' }]);
    expect(await rows('SELECT id FROM t WHERE v = @p', { p: below }, { p: 'BIGNUMERIC' })).toEqual([]);
    expect(await rows('SELECT id FROM t WHERE v > @p ORDER BY v', { p: below }, { p: 'BIGNUMERIC' })).toEqual([
      { id: 'big' },
      { id: 'max' },
    ]);
    expect(
      await rows('SELECT id FROM t WHERE v IN UNNEST(@p) ORDER BY id', { p: [MIN, TINY] }, {
        p: ['BIGNUMERIC'],
      } as never),
    ).toEqual([{ id: 'min' }, { id: 'tiny' }]);
  });

  test('compares with number literals and INT64/NUMERIC parameters as BigQuery coerces them', async () => {
    expect(await rows('SELECT id FROM t WHERE v < 0 ORDER BY v')).toEqual([{ id: 'min' }, { id: 'neg' }]);
    expect(await rows('SELECT id FROM t WHERE 0 < v AND v < 1')).toEqual([{ id: 'tiny' }]);
    expect(await rows('SELECT id FROM t WHERE v = -1.5')).toEqual([{ id: 'neg' }]);
    expect(await rows('SELECT id FROM t WHERE v < @zero ORDER BY v', { zero: 0 }, { zero: 'INT64' })).toEqual([
      { id: 'min' },
      { id: 'neg' },
    ]);
    expect(await rows('SELECT id FROM t WHERE @x = v', { x: '-1.5' }, { x: 'NUMERIC' })).toEqual([{ id: 'neg' }]);
    // Other types compare with number literals as before.
    expect(
      await rows(
        "SELECT NUMERIC '1.5' > 0 AS a, 1.2 < NUMERIC '1.5' AS b, 2.5 >= 2 AS c, 3 <> 3 AS d, CAST('7' AS INT64) = 7 AS e",
      ),
    ).toEqual([{ a: true, b: true, c: true, d: false, e: true }]);
  });

  test('SUM, MIN, MAX are exact; a SUM past the range is an overflow', async () => {
    expect(
      await rows("SELECT SUM(v) AS s, MIN(v) AS lo, MAX(v) AS hi FROM t WHERE id IN ('big', 'tiny', 'neg')"),
    ).toEqual([
      { s: '578960446186580977117854925043439539264.84992332820282019728792003956564819961', lo: '-1.5', hi: BIG },
    ]);
    await expect(rows("SELECT SUM(v) AS s FROM t WHERE id IN ('big', 'max')")).rejects.toThrow(/BIGNUMERIC overflow/);
    // AVG(BIGNUMERIC) is a BIGNUMERIC, rounded half away from zero at the 38th place.
    const e38 = (d: number) => `0.${'0'.repeat(37)}${d}`;
    expect(await rows("SELECT AVG(v) AS a FROM t WHERE id IN ('neg', 'tiny')")).toEqual([{ a: '-0.75' }]);
    expect(
      await rows(
        `SELECT AVG(x) AS up, AVG(-x) AS down, AVG(n) AS f FROM UNNEST([BIGNUMERIC '${e38(1)}', BIGNUMERIC '${e38(2)}']) AS x WITH OFFSET AS n`,
      ),
    ).toEqual([{ up: e38(2), down: `-${e38(2)}`, f: 0.5 }]);
    await expect(rows('SELECT AVG(v) OVER () AS s FROM t')).rejects.toThrow(/AVG\(BIGNUMERIC\) OVER/);
  });

  test('literals and CASTs convert exactly, out of range is an error, SAFE_CAST gives NULL', async () => {
    expect(
      await rows(
        `SELECT BIGNUMERIC '${BIG}' AS l, CAST('${MAX}' AS BIGNUMERIC) AS s, CAST(CAST('${BIG}' AS BIGNUMERIC) AS STRING) AS t,
          CAST(12 AS BIGNUMERIC) AS i, CAST(NUMERIC '1.123456789' AS BIGNUMERIC) AS n, CAST(0.1 AS BIGNUMERIC) AS d,
          CAST(BIGNUMERIC '2.5' AS INT64) AS i2, CAST(BIGNUMERIC '-2.5' AS INT64) AS i3, CAST(BIGNUMERIC '1.0000000005' AS NUMERIC) AS n2,
          CAST(BIGNUMERIC '0.5' AS FLOAT64) AS f, SAFE_CAST('x' AS BIGNUMERIC) AS bad, SAFE_CAST('1e39' AS BIGNUMERIC) AS far`,
      ),
    ).toEqual([
      {
        l: BIG,
        s: MAX,
        t: BIG,
        i: '12',
        n: '1.123456789',
        // 0.1 as a double is 0.1000000000000000055511151231257827021181583404541015625.
        d: '0.10000000000000000555111512312578270212',
        i2: 3,
        i3: -3,
        n2: '1.000000001',
        f: 0.5,
        bad: null,
        far: null,
      },
    ]);
    await expect(rows("SELECT CAST('1e39' AS BIGNUMERIC) AS x")).rejects.toThrow(/Invalid BIGNUMERIC value/);
    await expect(rows(`SELECT CAST(BIGNUMERIC '${BIG}' AS INT64) AS x`)).rejects.toThrow(/int64 overflow/);
    await expect(rows('SELECT @p AS x', { p: '1e39' }, { p: 'BIGNUMERIC' })).rejects.toThrow(
      /Invalid BIGNUMERIC value for query parameter/,
    );
  });

  test('DML: UPDATE by parameter round-trips; INT64 and NUMERIC parameters are coerced', async () => {
    await rows('INSERT INTO t (id, v) VALUES (@id, @v)', { id: 'ins', v: MIN }, { id: 'STRING', v: 'BIGNUMERIC' });
    await rows('UPDATE t SET v = @v WHERE id = @id', { id: 'ins', v: BIG }, { id: 'STRING', v: 'BIGNUMERIC' });
    expect(await rows("SELECT v FROM t WHERE id = 'ins'")).toEqual([{ v: BIG }]);
    await rows('UPDATE t SET v = @v WHERE id = @id', { id: 'ins', v: 7 }, { id: 'STRING', v: 'INT64' });
    expect(await rows("SELECT v FROM t WHERE id = 'ins'")).toEqual([{ v: '7' }]);
    await rows('UPDATE t SET v = @v WHERE id = @id', { id: 'ins', v: '2.25' }, { id: 'STRING', v: 'NUMERIC' });
    expect(await rows("SELECT v FROM t WHERE id = 'ins'")).toEqual([{ v: '2.25' }]);
    await rows("DELETE FROM t WHERE id = 'ins'");
  });

  test('insertAll refuses a value out of range, per row', async () => {
    const error = await ds
      .table('t')
      .insert([{ id: 'x', v: '1e39' }])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(JSON.stringify((error as { errors?: unknown }).errors)).toMatch(/bignumeric/);
  });
});
