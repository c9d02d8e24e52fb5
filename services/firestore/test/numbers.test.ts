/**
 * Numbers without loss on existing Firestore documents (firestore-values.ts):
 * integerValues up to ±(2^63−1) written by the raw client are answered as
 * their exact decimal text (never a rounded double), found by it, and stay
 * integers when their item is updated; doubles round-trip exactly.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { EXACT_NUMBER_ROWS, exactNumbersSuite } from '@adaptors/testkit/conformance';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { integerValue, keepStoredIntegers } from '../src/firestore-values.ts';
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
