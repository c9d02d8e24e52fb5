/**
 * The reads' own decoding (src/cells.ts, over unary ExecuteSql: src/single-use.ts)
 * answers what the client's decoding followed by `fromSpanner` answers, for every
 * column type the adaptor reads, null cells and null array elements included, on
 * the emulator.
 */
import { SpiError, type Value } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cellDecoder, millisDecoder } from '../src/cells.ts';
import { gapicClient, querySingleUse } from '../src/single-use.ts';
import { fromSpanner } from '../src/values.ts';
import { openTestDatabase, type TestDatabase } from './emulator-database.ts';

const COLUMNS: readonly [string, string][] = [
  ['s', 'STRING(MAX)'],
  ['i', 'INT64'],
  ['f', 'FLOAT64'],
  ['n', 'NUMERIC'],
  ['b', 'BOOL'],
  ['t', 'TIMESTAMP'],
  ['d', 'DATE'],
  ['j', 'JSON'],
  ['y', 'BYTES(MAX)'],
  ['as_', 'ARRAY<STRING(MAX)>'],
  ['ai', 'ARRAY<INT64>'],
  ['af', 'ARRAY<FLOAT64>'],
  ['an', 'ARRAY<NUMERIC>'],
  ['ab', 'ARRAY<BOOL>'],
  ['ats', 'ARRAY<TIMESTAMP>'],
  ['ad', 'ARRAY<DATE>'],
  ['aj', 'ARRAY<JSON>'],
  ['ay', 'ARRAY<BYTES(MAX)>'],
];

/** One row per line: its id, then a GoogleSQL literal per column (NULL where absent). */
const ROWS: readonly (readonly [string, Record<string, string>])[] = [
  ['nulls', {}],
  [
    'typical',
    {
      s: "'héllo ✓'",
      i: '42',
      f: '1.5',
      n: "NUMERIC '1.50'",
      b: 'TRUE',
      t: "TIMESTAMP '2024-05-01T10:00:00.123456789Z'",
      d: "DATE '2024-02-29'",
      j: 'JSON \'{"a": [1, "x", null], "b": {"$date": "2024-01-01T00:00:00.000Z"}}\'',
      y: "b'\\x00\\xffabc'",
      as_: "['a', NULL, '']",
      ai: '[9007199254740993, NULL, -5, 0]',
      af: "[1.5, NULL, -0.0, CAST('NaN' AS FLOAT64), CAST('inf' AS FLOAT64), 1e308]",
      an: "[NUMERIC '0.000000001', NULL, NUMERIC '12345678901234567890123456789', NUMERIC '-1.10']",
      ab: '[TRUE, NULL, FALSE]',
      ats: "[TIMESTAMP '2024-05-01T10:00:00Z', NULL, TIMESTAMP '9999-12-31T23:59:59.999999Z']",
      ad: "[DATE '0001-01-01', NULL, DATE '9999-12-31']",
      aj: "ARRAY<JSON>[JSON '1', NULL, JSON '\"x\"', JSON '{\"k\": true}']",
      ay: "[b'', NULL, b'\\x01']",
    },
  ],
  [
    'edges',
    {
      s: "''",
      i: '-9007199254740992',
      f: "CAST('-inf' AS FLOAT64)",
      n: "NUMERIC '-99999999999999999999999999999.999999999'",
      b: 'FALSE',
      t: "TIMESTAMP '0001-01-01T00:00:00Z'",
      d: "DATE '0001-01-01'",
      j: "JSON 'null'",
      y: "b''",
      as_: '[]',
      ai: '[]',
    },
  ],
  // Integers and decimals no double holds exactly: an error naming the column, on both paths.
  ['inexact-int', { i: '9007199254740993' }],
  ['inexact-numeric', { n: "NUMERIC '12345678901234567.5'" }],
];

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase([
    `CREATE TABLE every (id STRING(MAX) NOT NULL, ${COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')}) PRIMARY KEY (id)`,
  ]);
  const names = COLUMNS.map(([name]) => name);
  await db.database.runTransactionAsync(async (tx) => {
    for (const [id, literals] of ROWS) {
      const values = names.map((name) => literals[name] ?? 'NULL');
      await tx.runUpdate(`INSERT INTO every (id, ${names.join(', ')}) VALUES ('${id}', ${values.join(', ')})`);
    }
    await tx.commit();
  });
});
afterAll(async () => {
  await db?.close();
});

/** A decoded value, or the message of the SPI error decoding threw. */
function outcome(decode: () => Value): Value | { error: string } {
  try {
    return decode();
  } catch (error) {
    if (error instanceof SpiError) return { error: error.message };
    throw error;
  }
}

/** NaN is not equal to itself for toEqual inside arrays of mixed values: compare its text. */
function comparable(value: unknown): unknown {
  return JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

describe('every column type', () => {
  test('unary ExecuteSql cells decode as the client decodes them', async () => {
    const sql = 'SELECT * FROM every ORDER BY id';
    const [clientRows] = await db.database.run({ sql });
    const result = await querySingleUse(db.database, { sql, params: {}, types: {} }, { timeout: 30_000 });
    if (!result) throw new Error('ExecuteSql did not answer');
    expect(result.fields.map((f) => f.name)).toEqual(['id', ...COLUMNS.map(([name]) => name)]);
    expect(result.rows).toHaveLength(ROWS.length);
    let compared = 0;
    for (const [r, clientRow] of (clientRows as unknown as { name: string; value: unknown }[][]).entries()) {
      for (const [c, cell] of clientRow.entries()) {
        const field = result.fields[c];
        if (!field) throw new Error(`no field ${c}`);
        const expected = outcome(() => fromSpanner(cell.value, cell.name));
        const actual = outcome(() => cellDecoder(field.type, field.name)(result.rows[r]?.[c]));
        expect(comparable(actual), `${clientRow[0]?.value} ${cell.name}`).toEqual(comparable(expected));
        compared++;
      }
    }
    expect(compared).toBe(ROWS.length * (COLUMNS.length + 1));
  });

  test('the inexact integer and decimal are errors naming the column', async () => {
    const sql = "SELECT i, n FROM every WHERE id IN ('inexact-int', 'inexact-numeric') ORDER BY id";
    const result = await querySingleUse(db.database, { sql, params: {}, types: {} }, { timeout: 30_000 });
    const [i, n] = result?.fields ?? [];
    if (!i || !n) throw new Error('missing columns');
    expect(outcome(() => cellDecoder(i.type, 'count')(result?.rows[0]?.[0]))).toEqual({
      error: expect.stringContaining("'count' holds 9007199254740993"),
    });
    expect(outcome(() => cellDecoder(n.type, 'price')(result?.rows[1]?.[1]))).toEqual({
      error: expect.stringContaining("'price' holds 12345678901234567.5"),
    });
  });
});

test('instants before 1970 are rounded down to their millisecond, as UNIX_MILLIS reads them', async () => {
  const sql =
    "SELECT TIMESTAMP '1969-12-31T23:59:59.999999Z' AS t, UNIX_MILLIS(TIMESTAMP '1969-12-31T23:59:59.999999Z') AS m, " +
    "TIMESTAMP '1969-12-31T23:59:58.5Z' AS u";
  const result = await querySingleUse(db.database, { sql, params: {}, types: {} }, { timeout: 30_000 });
  const [t, m, u] = result?.fields ?? [];
  if (!t || !m || !u) throw new Error('missing columns');
  const row = result?.rows[0] ?? [];
  expect(cellDecoder(t.type, 't')(row[0])).toEqual(new Date('1969-12-31T23:59:59.999Z'));
  expect(millisDecoder()(row[1])).toEqual(new Date('1969-12-31T23:59:59.999Z'));
  expect(cellDecoder(u.type, 'u')(row[2])).toEqual(new Date('1969-12-31T23:59:58.500Z'));
});

test('the answer gax receives gives up its rows once they are cells of the result (core release.ts)', async () => {
  // The real client's gRPC stub, observed where single-use.ts's decoding call hands gax its answer
  // (result-decoder.ts): the answer is kept to look at afterwards; the gapic method is not called.
  const answers: { rows?: unknown[] }[] = [];
  await querySingleUse(db.database, { sql: 'SELECT 1', params: {}, types: {} }, { timeout: 30_000 });
  const gapic = gapicClient(db.database) as unknown as {
    executeSql: (...args: unknown[]) => Promise<unknown[]>;
    spannerStub: Promise<{ makeUnaryRequest: (...args: unknown[]) => unknown }>;
  };
  expect(gapic).toBeDefined();
  const stub = await gapic.spannerStub;
  const makeUnaryRequest = stub.makeUnaryRequest;
  const executeSql = gapic.executeSql;
  const ownStub = Object.hasOwn(stub, 'makeUnaryRequest');
  const ownGapic = Object.hasOwn(gapic, 'executeSql');
  let gapicCalls = 0;
  stub.makeUnaryRequest = function (this: unknown, ...args: unknown[]) {
    const callback = args[6] as (error: unknown, value?: unknown) => void;
    args[6] = (error: unknown, value?: unknown) => {
      if (String(args[0]).endsWith('/ExecuteSql')) answers.push(value as { rows?: unknown[] });
      callback(error, value);
    };
    return makeUnaryRequest.apply(this, args);
  };
  gapic.executeSql = (...args: unknown[]) => {
    gapicCalls++;
    return executeSql.apply(gapic, args);
  };
  let result: Awaited<ReturnType<typeof querySingleUse>>;
  try {
    result = await querySingleUse(
      db.database,
      { sql: 'SELECT id FROM every ORDER BY id', params: {}, types: {} },
      { timeout: 30_000 },
    );
  } finally {
    if (ownStub) stub.makeUnaryRequest = makeUnaryRequest;
    else Reflect.deleteProperty(stub, 'makeUnaryRequest');
    if (ownGapic) gapic.executeSql = executeSql;
    else Reflect.deleteProperty(gapic, 'executeSql');
  }
  expect(result?.rows).toHaveLength(ROWS.length);
  expect(gapicCalls).toBe(0);
  expect(answers).toHaveLength(1);
  expect(answers[0]?.rows).toEqual([]);
});
