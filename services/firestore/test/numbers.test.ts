/**
 * Numbers without loss on existing Firestore documents (values.ts):
 * integerValues up to ±(2^63−1) written by the raw client are answered as
 * their exact decimal text (never a rounded double), found by it, and stay
 * integers when their item is updated; doubles round-trip exactly.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { EXACT_NUMBER_ROWS, exactNumbersSuite } from '@adaptors/testkit/conformance';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { integerValue, keepStoredIntegers } from '../src/values.ts';
import { emulatorStorage } from './support.ts';

let db: Firestore;
let harness: Harness;
let close: () => Promise<void>;
beforeAll(async () => {
  const started = emulatorStorage();
  db = started.db;
  harness = await startHarness({ storage: started.storage });
  close = () => started.storage.close();
  // Written by "another program": integers as int64 (BigInt), doubles, and the system fields Wix needs to write.
  const batch = db.batch();
  for (const row of EXACT_NUMBER_ROWS) {
    batch.set(db.collection('numbers').doc(row._id), {
      n: BigInt(row.n),
      ns: row.ns.map(BigInt),
      f: row.f,
      _createdDate: new Date('2024-01-01T00:00:00Z'),
      _updatedDate: new Date('2024-01-01T00:00:00Z'),
      _owner: 'someone',
    });
  }
  await batch.commit();
});
afterAll(async () => {
  await harness?.close();
  await close?.();
});

describe('exact numbers', () => {
  exactNumbersSuite(() => ({
    client: harness.client,
    collectionId: 'numbers',
    numeric: false,
    arrays: true,
    typed: false,
    async stored(id, key) {
      const value = (await db.collection('numbers').doc(id).get()).get(key);
      return value === undefined || value === null ? null : String(value);
    },
  }));

  test('an updated item keeps its integers integers (not strings)', async () => {
    const stored = (await db.collection('numbers').doc('c').get()).get('n');
    expect(typeof stored).toBe('bigint');
    expect(String(stored)).toBe('-9223372036854775807');
  });
});

test('integers are numbers exactly when a double holds them, else their exact text', () => {
  expect(integerValue(9007199254740991n)).toBe(9007199254740991);
  expect(integerValue(-9007199254740991n)).toBe(-9007199254740991);
  expect(integerValue(9007199254740992n)).toBe('9007199254740992');
  expect(integerValue(-(2n ** 63n))).toBe('-9223372036854775808');
  expect(keepStoredIntegers({ n: '12', s: '12', m: 'x' }, { n: 5n, s: '5', m: 7n })).toEqual({
    n: 12n,
    s: '12',
    m: 'x',
  });
  expect(keepStoredIntegers({ n: '9223372036854775808' }, { n: 1n })).toEqual({ n: '9223372036854775808' });
});

describe('integers beyond ±2^53 compare as integers in ranges, sorts and cursors', () => {
  // Written by another program as int64 integerValues; answered as their exact text.
  const INTS: Record<string, bigint> = {
    max: 2n ** 63n - 1n,
    min: -(2n ** 63n),
    above: 2n ** 53n + 1n,
    p60: 2n ** 60n,
    below: -(2n ** 53n + 1n),
  };
  // Numeric order; as text it would be below, min, p60, above, max.
  const ASCENDING = ['min', 'below', 'above', 'p60', 'max'];

  beforeAll(async () => {
    const batch = db.batch();
    for (const [id, n] of Object.entries(INTS)) {
      batch.set(db.collection('ints').doc(id), {
        n,
        _createdDate: new Date('2024-01-01T00:00:00Z'),
        _updatedDate: new Date('2024-01-01T00:00:00Z'),
        _owner: 'someone',
      });
    }
    await batch.commit();
  });

  const ids = async (filter: unknown, sort = [{ fieldName: 'n', order: 'ASC' }]) => {
    const result = await harness.client.query('ints', { filter, sort });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    return (result.body.items as { _id: string }[]).map((i) => i._id);
  };

  const checks = async () => {
    expect(await ids({})).toEqual(ASCENDING);
    expect(await ids({}, [{ fieldName: 'n', order: 'DESC' }])).toEqual([...ASCENDING].reverse());
    expect(await ids({ n: { $gt: '9007199254740993' } })).toEqual(['p60', 'max']);
    expect(await ids({ n: { $lt: '-9007199254740993' } })).toEqual(['min']);
    expect(await ids({ n: { $gte: '0' } })).toEqual(['above', 'p60', 'max']);
    expect(await ids({ n: { $lte: '1152921504606846976' }, _id: { $ne: 'min' } })).toEqual(['below', 'above', 'p60']);
    expect(await ids({ n: { $gt: '-9223372036854775808', $lt: '9223372036854775807' } })).toEqual([
      'below',
      'above',
      'p60',
    ]);
    // A non-decimal text operand is no number: integers never match it.
    expect(await ids({ n: { $gt: 'a' } })).toEqual([]);
    // Equality is the answered text.
    expect(await ids({ n: '-9223372036854775808' })).toEqual(['min']);
    const counted = await harness.client.count('ints', { n: { $gt: '0' } });
    expect(counted.body.totalCount, JSON.stringify(counted.body)).toBe(3);
    // Cursor pages follow the numbers (with $exists the adopted collection's sort is Firestore's own).
    for (const filter of [{}, { n: { $exists: true } }]) {
      const seen: string[] = [];
      let result = await harness.client.query('ints', {
        filter,
        sort: [{ fieldName: 'n', order: 'ASC' }],
        cursorPaging: { limit: 2 },
      });
      for (let page = 0; page < 5; page++) {
        expect(result.status, JSON.stringify(result.body)).toBe(200);
        seen.push(...(result.body.items as { _id: string }[]).map((i) => i._id));
        const next = result.body.pagingMetadata.cursors?.next;
        if (!next) break;
        result = await harness.client.query('ints', { cursorPaging: { limit: 2, cursor: next } });
      }
      expect(seen).toEqual(ASCENDING);
    }
  };

  test('on a collection without metadata (inferred, every read evaluated)', async () => {
    const listed = await harness.client.listCollections(['ints']);
    const fields = listed.body.collections[0].fields as { key: string; type: string }[];
    expect(fields.find((f) => f.key === 'n')?.type).toBe('TEXT');
    await checks();
  });

  test('strings that only look like integers stay text (order ids)', async () => {
    await db.collection('codes').doc('x').set({ code: '9007199254740993', _owner: 'o' });
    await db.collection('codes').doc('y').set({ code: '1152921504606846976', _owner: 'o' });
    const sorted = await harness.client.query('codes', { sort: [{ fieldName: 'code', order: 'ASC' }] });
    expect((sorted.body.items as { _id: string }[]).map((i) => i._id)).toEqual(['y', 'x']);
    const ranged = await harness.client.query('codes', { filter: { code: { $gt: '2' } } });
    expect((ranged.body.items as { _id: string }[]).map((i) => i._id)).toEqual(['x']);
  });

  test('on an adopted collection (declared TEXT: ranges and sorts Firestore could push)', async () => {
    const listed = await harness.client.listCollections(['ints']);
    const adopted = await harness.client.updateCollection(listed.body.collections[0]);
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
    await checks();
  });
});
