/**
 * Collections written by other programs ("raw" documents, no metadata document): the
 * adaptor answers their Firestore types as TYPES.md says and, when Wix writes back what it
 * was answered, leaves the owner's types as they were. Documents are written with the
 * Firestore client, changed through the signed API, and read back with the client.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { type Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { emulatorStorage } from './support.ts';

let db: Firestore;
let harness: Harness;
let close: () => Promise<void>;
beforeAll(async () => {
  const started = emulatorStorage();
  db = started.db;
  harness = await startHarness({ storage: started.storage });
  close = () => started.storage.close();
});
afterAll(async () => {
  await harness?.close();
  await close?.();
});

const SYSTEM = () => ({
  _createdDate: new Timestamp(1_700_000_000, 123_456_000),
  _updatedDate: Timestamp.fromMillis(1_700_000_000_000),
  _owner: 'owner-1',
});

async function items(collectionId: string, filter: unknown = {}): Promise<Record<string, unknown>[]> {
  const result = await harness.client.query(collectionId, { filter, sort: [{ fieldName: '_id', order: 'ASC' }] });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body.items as Record<string, unknown>[];
}

describe('timestamps are answered truncated to the millisecond, as Spanner and BigQuery answer them', () => {
  test('600 µs past a second is answered as .000, a moment before 1970 as the millisecond it lies in', async () => {
    await db
      .collection('raw_micros')
      .doc('a')
      .set({
        ...SYSTEM(),
        t: new Timestamp(1_700_000_000, 600_000),
        before: new Timestamp(-1, 999_600_000),
        list: [new Timestamp(0, 999_999)],
      });
    await db
      .collection('raw_micros')
      .doc('b')
      .set({ ...SYSTEM(), t: new Timestamp(1_700_000_000, 999_999_999) });
    const [a, b] = await items('raw_micros');
    expect(a?.t).toEqual({ $date: '2023-11-14T22:13:20.000Z' });
    expect(a?.before).toEqual({ $date: '1969-12-31T23:59:59.999Z' });
    expect(a?.list).toEqual([{ $date: '1970-01-01T00:00:00.000Z' }]);
    // Never later than the stored instant: not rounded up into the next second.
    expect(b?.t).toEqual({ $date: '2023-11-14T22:13:20.999Z' });
    // The client's path (items answered by a remove) truncates alike.
    const removed = await harness.client.remove('raw_micros', ['b']);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(removed.body.results[0].item.t).toEqual({ $date: '2023-11-14T22:13:20.999Z' });
  });
});
