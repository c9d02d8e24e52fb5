/**
 * Numbers without loss, on existing data: a table the adaptor did not create,
 * filled by the engine's own client with integers and decimals no double
 * holds (INT64 ±(2^63−1), 2^53+1, 2^60, −(2^53+1): their text order is not
 * their numeric order; NUMERIC with 38 digits, BIGNUMERIC with 76) and with
 * doubles (0.1+0.2, −0, 1e308). Every value is read, filtered, sorted, paged and
 * updated exactly: integer/decimal columns are TEXT fields carrying the exact
 * decimal text, filtered and sorted numerically; FLOAT64 columns are NUMBER.
 *
 * A service seeds `EXACT_NUMBER_ROWS` into a collection with the four system
 * columns and the fields `n` (64-bit integers), `f` (doubles) and, where the
 * engine has one, `d` (NUMERIC), `b` (BIGNUMERIC, 76 digits) and `ns` (an
 * array of 64-bit integers), then calls `exactNumbersSuite`.
 */
import { expect, test } from 'vitest';
import type { WixClient } from '../client.ts';
import { idsOf } from './target.ts';

export interface ExactNumberRow {
  readonly _id: string;
  /** INT64 value as decimal text. */
  readonly n: string;
  /** NUMERIC value as decimal text (engines with a NUMERIC type). */
  readonly d: string;
  /** FLOAT64 value. */
  readonly f: number;
  /** BIGNUMERIC value as decimal text (engines with a BIGNUMERIC type). */
  readonly b: string;
  /** ARRAY<INT64> elements as decimal text, all beyond ±2^53 (engines with typed arrays, or integer arrays). */
  readonly ns: readonly string[];
}

/** The ends of BIGNUMERIC's range: 39 + 38 digits, no double comes near. */
export const BIGNUMERIC_MAX = '578960446186580977117854925043439539266.34992332820282019728792003956564819967';
export const BIGNUMERIC_MIN = '-578960446186580977117854925043439539266.34992332820282019728792003956564819968';

export const EXACT_NUMBER_ROWS: readonly ExactNumberRow[] = [
  {
    _id: 'a',
    n: '9223372036854775807',
    d: '99999999999999999999999999999.999999999',
    f: 0.1 + 0.2,
    b: BIGNUMERIC_MAX,
    ns: ['9223372036854775807', '-9223372036854775808'],
  },
  {
    _id: 'b',
    n: '-9223372036854775807',
    d: '-123456789012345678901234.123456789',
    f: 1e308,
    b: BIGNUMERIC_MIN,
    ns: ['9007199254740993'],
  },
  { _id: 'c', n: '9007199254740993', d: '0.5', f: -0, b: '0.00000000000000000000000000000000000001', ns: [] },
  {
    _id: 'e',
    n: '9007199254740992',
    d: '1.5',
    f: 2.5,
    b: '578960446186580977117854925043439539266.34992332820282019728792003956564819966',
    ns: ['-9007199254740993', '9007199254740993'],
  },
  // As text, 2^60 sorts below 2^53 and −(2^53+1) below −(2^63−1): only a numeric order gets these right.
  { _id: 'g', n: '1152921504606846976', d: '-0.5', f: -1.5, b: '-1', ns: [] },
  { _id: 'h', n: '-9007199254740993', d: '10', f: 7, b: '1', ns: ['1152921504606846976'] },
];

export interface ExactNumbersTarget {
  readonly client: WixClient;
  readonly collectionId: string;
  /** Whether the collection has the NUMERIC field `d`. */
  readonly numeric: boolean;
  /** Whether the collection has the BIGNUMERIC field `b` (BigQuery). */
  readonly bignumeric?: boolean;
  /** Whether the collection has the integer-array field `ns`. */
  readonly arrays?: boolean;
  /**
   * Whether `n` is a typed integer column (SQL engines): ranges compare numbers and refuse
   * other operands, and a write the column cannot hold is refused. Schemaless engines
   * (Firestore) keep such a field's text semantics and store any text.
   */
  readonly typed: boolean;
  /** The engine's stored text of item `id`'s field (`n` or `d`), read with its own client, bypassing the adaptor. */
  readonly stored: (id: string, key: 'n' | 'd' | 'b') => Promise<string | null>;
}

export function exactNumbersSuite(get: () => ExactNumbersTarget): void {
  const ids = async (filter: unknown, sort?: unknown): Promise<string[]> => {
    const { client, collectionId } = get();
    const result = await client.query(collectionId, { filter, ...(sort ? { sort } : {}) });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return idsOf(result.body.items);
  };

  test('integer and decimal columns are TEXT, doubles NUMBER', async () => {
    const { client, collectionId, numeric } = get();
    const listed = await client.listCollections([collectionId]);
    const types = Object.fromEntries(
      (listed.body.collections[0].fields as { key: string; type: string }[]).map((f) => [f.key, f.type]),
    );
    expect(types).toMatchObject({
      n: 'TEXT',
      f: 'NUMBER',
      ...(numeric ? { d: 'TEXT' } : {}),
      ...(get().bignumeric ? { b: 'TEXT' } : {}),
      ...(get().arrays ? { ns: 'ARRAY' } : {}),
    });
  });

  test('every value is read exactly', async () => {
    const { client, collectionId, numeric, bignumeric, arrays } = get();
    const result = await client.query(collectionId, { sort: [{ fieldName: '_id', order: 'ASC' }] });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const read = (result.body.items as Record<string, unknown>[]).map((i) => ({
      _id: i._id,
      n: i.n,
      f: i.f,
      ...(numeric ? { d: i.d } : {}),
      ...(bignumeric ? { b: i.b } : {}),
      ...(arrays ? { ns: i.ns } : {}),
    }));
    // −0 is 0 in JSON: the wire cannot tell them apart. Array elements are exact decimal strings.
    expect(read).toEqual(
      EXACT_NUMBER_ROWS.map((r) => ({
        _id: r._id,
        n: r.n,
        f: Object.is(r.f, -0) ? 0 : r.f,
        ...(numeric ? { d: r.d } : {}),
        ...(bignumeric ? { b: r.b } : {}),
        ...(arrays ? { ns: r.ns } : {}),
      })),
    );
  });

  test('filters compare the exact values', async () => {
    expect(await ids({ n: { $eq: '9007199254740993' } })).toEqual(['c']);
    expect(await ids({ n: '9007199254740992' })).toEqual(['e']);
    expect(await ids({ n: { $in: ['9223372036854775807', '-9223372036854775807', 'x'] } }, sortById)).toEqual([
      'a',
      'b',
    ]);
    expect(await ids({ n: { $ne: '9007199254740993' } }, sortById)).toEqual(['a', 'b', 'e', 'g', 'h']);
    // Text that is no stored value's text matches nothing, as on any TEXT field.
    expect(await ids({ n: '09007199254740993' })).toEqual([]);
    // Ranges are numeric, like the sort order.
    expect(await ids({ n: { $gt: '9007199254740992' } }, sortById)).toEqual(['a', 'c', 'g']);
    expect(await ids({ n: { $lte: '9007199254740992' } }, sortById)).toEqual(['b', 'e', 'h']);
    expect(await ids({ n: { $lt: '-9007199254740993' } }, sortById)).toEqual(['b']);
    expect(await ids({ n: { $gte: '0', $lt: '9223372036854775807' } }, sortById)).toEqual(['c', 'e', 'g']);
    expect(await ids({ n: { $startsWith: '-9223' } })).toEqual(['b']);
    expect(await ids({ n: { $endsWith: '740993' } }, sortById)).toEqual(['c', 'h']);
    expect(await ids({ n: { $contains: '5477' } }, sortById)).toEqual(['a', 'b']);
    expect(await ids({ f: 0.30000000000000004 })).toEqual(['a']);
    expect(await ids({ f: 0.3 })).toEqual([]);
    expect(await ids({ f: 1e308 })).toEqual(['b']);
    expect(await ids({ f: 0 })).toEqual(['c']);
    expect(await ids({ f: { $gt: 1e307 } })).toEqual(['b']);
    if (get().numeric) {
      expect(await ids({ d: '99999999999999999999999999999.999999999' })).toEqual(['a']);
      expect(await ids({ d: '0.50' })).toEqual([]);
      expect(await ids({ d: { $lt: '1' } }, sortById)).toEqual(['b', 'c', 'g']);
      expect(await ids({ d: { $gte: '0.5' } }, sortById)).toEqual(['a', 'c', 'e', 'h']);
    }
    if (get().bignumeric) {
      // 'a' and 'e' differ in the 77th significant digit only.
      expect(await ids({ b: BIGNUMERIC_MAX })).toEqual(['a']);
      expect(await ids({ b: { $in: [BIGNUMERIC_MIN, '0.00000000000000000000000000000000000001'] } }, sortById)).toEqual(
        ['b', 'c'],
      );
      expect(await ids({ b: { $gt: EXACT_NUMBER_ROWS[3]?.b } })).toEqual(['a']);
      expect(await ids({ b: { $lt: '0.00000000000000000000000000000000000002' } }, sortById)).toEqual(['b', 'c', 'g']);
      expect(await ids({ b: { $gt: '0' } }, [{ fieldName: 'b', order: 'DESC' }])).toEqual(['a', 'e', 'h', 'c']);
    }
  });

  test('a number operand, or a range operand the column cannot compare, is refused, not guessed', async () => {
    const { client, collectionId } = get();
    if (get().typed) {
      const range = await client.query(collectionId, { filter: { n: { $gt: '1.5' } } });
      expect(range.status).toBe(400);
      expect(range.body.errorMessage).toContain('whole number');
    }
    // A rounded number would match the wrong row: TEXT fields take strings (core validation).
    const number = await client.query(collectionId, { filter: { n: 9007199254740992 } });
    expect(number.status).toBe(400);
  });

  test('sorts and cursor pages follow the numbers', async () => {
    const { client, collectionId } = get();
    const numeric = ['b', 'h', 'e', 'c', 'g', 'a'];
    expect(await ids({}, [{ fieldName: 'n', order: 'ASC' }])).toEqual(numeric);
    expect(await ids({}, [{ fieldName: 'n', order: 'DESC' }])).toEqual([...numeric].reverse());
    expect(await ids({}, [{ fieldName: 'f', order: 'ASC' }])).toEqual(['g', 'c', 'a', 'e', 'h', 'b']);
    if (get().bignumeric) {
      expect(await ids({}, [{ fieldName: 'b', order: 'ASC' }])).toEqual(['b', 'g', 'c', 'h', 'e', 'a']);
    }
    const seen: string[] = [];
    let result = await client.query(collectionId, {
      sort: [{ fieldName: 'n', order: 'ASC' }],
      cursorPaging: { limit: 1 },
    });
    for (let page = 0; page < 10; page++) {
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      seen.push(...idsOf(result.body.items));
      const next = result.body.pagingMetadata.cursors?.next;
      if (!next) break;
      result = await client.query(collectionId, { cursorPaging: { limit: 1, cursor: next } });
    }
    expect(seen).toEqual(numeric);
  });

  test('aggregates and distinct values are exact', async () => {
    const { client, collectionId } = get();
    const aggregated = await client.aggregate(collectionId, {
      aggregation: {
        groupingFields: [],
        operations: [
          { resultFieldName: 'most', max: { itemFieldName: 'n' } },
          { resultFieldName: 'least', min: { itemFieldName: 'n' } },
          ...(get().bignumeric
            ? [
                { resultFieldName: 'mostB', max: { itemFieldName: 'b' } },
                { resultFieldName: 'leastB', min: { itemFieldName: 'b' } },
              ]
            : []),
        ],
      },
    });
    expect(aggregated.status, JSON.stringify(aggregated.body)).toBe(200);
    expect(aggregated.body.items).toEqual([
      {
        most: '9223372036854775807',
        least: '-9223372036854775807',
        ...(get().bignumeric ? { mostB: BIGNUMERIC_MAX, leastB: BIGNUMERIC_MIN } : {}),
      },
    ]);
    const distinct = await client.distinct(collectionId, 'n', { order: 'ASC' });
    expect(distinct.status, JSON.stringify(distinct.body)).toBe(200);
    // Distinct values of a TEXT field come in text order.
    expect(distinct.body.distinctValues).toEqual([...EXACT_NUMBER_ROWS.map((r) => r.n)].sort());
    if (get().arrays) {
      // Array elements unwound, each its exact decimal text (in text order, like the items answer them).
      const elements = await client.distinct(collectionId, 'ns', { order: 'ASC' });
      expect(elements.status, JSON.stringify(elements.body)).toBe(200);
      expect(elements.body.distinctValues).toEqual([...new Set(EXACT_NUMBER_ROWS.flatMap((r) => r.ns))].sort());
    }
  });

  test('updates round-trip exactly; a value the column cannot hold fails only its item, naming the field', async () => {
    const { client, collectionId, numeric, bignumeric, stored, typed } = get();
    const arrays = get().arrays && typed;
    const current = (await client.query(collectionId, { filter: { _id: 'c' } })).body.items[0];
    const n = '-9223372036854775807';
    const d = '12345678901234567890123456789.123456789';
    const b = '-12345678901234567890123456789012345678.12345678901234567890123456789012345678';
    const ns = ['-9223372036854775808', '9223372036854775807', '1'];
    const changes = {
      n,
      f: 0.1 + 0.2,
      ...(numeric ? { d } : {}),
      ...(bignumeric ? { b } : {}),
      ...(arrays ? { ns } : {}),
    };
    const updated = await client.update(collectionId, [{ ...current, ...changes }]);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.results[0].error, JSON.stringify(updated.body)).toBeUndefined();
    const read = (await client.query(collectionId, { filter: { _id: 'c' } })).body.items[0];
    expect(read).toMatchObject({ ...changes, f: 0.30000000000000004 });
    expect(await stored('c', 'n')).toBe(n);
    if (numeric) expect(await stored('c', 'd')).toBe(d);
    if (bignumeric) {
      expect(await stored('c', 'b')).toBe(b);
      expect(await ids({ b }, sortById)).toEqual(['c']);
    }
    expect(await ids({ n }, sortById)).toEqual(['b', 'c']);

    if (!typed) return;
    const refused = await client.insert(collectionId, [
      { _id: 'x1', n: '9223372036854775808' },
      { _id: 'x2', n: '1.5' },
      { _id: 'x3', n: '12', ...(numeric ? { d: '0.1234567891' } : {}) },
      { _id: 'x4', n: '-9223372036854775808' },
      ...(bignumeric
        ? [
            { _id: 'x5', n: '1', b: '1e39' },
            { _id: 'x6', n: '1', b: `${BIGNUMERIC_MAX.slice(0, -1)}8` },
          ]
        : []),
    ]);
    expect(refused.status, JSON.stringify(refused.body)).toBe(200);
    const results = refused.body.results as { error?: { errorCode: string; errorMessage: string } }[];
    for (const [i, key] of [[0, 'n'], [1, 'n'], ...(numeric ? [[2, 'd'] as const] : [])] as const) {
      expect(results[i]?.error?.errorCode, JSON.stringify(results[i])).toBe('VALIDATION_ERROR');
      expect(results[i]?.error?.errorMessage).toContain(`${key}:`);
    }
    expect(results[3]?.error, JSON.stringify(results[3])).toBeUndefined();
    if (bignumeric) {
      // Not digits, and one unit past the range: refused, naming the field.
      for (const i of [4, 5]) expect(results[i]?.error?.errorMessage, JSON.stringify(results[i])).toContain('b:');
    }
    expect(await stored('x4', 'n')).toBe('-9223372036854775808');
  });
}

const sortById = [{ fieldName: '_id', order: 'ASC' }];
