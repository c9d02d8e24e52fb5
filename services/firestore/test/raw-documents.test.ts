/**
 * Collections written by other programs ("raw" documents, no metadata document): the
 * adaptor answers their Firestore types as TYPES.md says and, when Wix writes back what it
 * was answered, leaves the owner's types as they were. Documents are written with the
 * Firestore client, changed through the signed API, and read back with the client.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { DocumentReference, type Firestore, GeoPoint, Timestamp } from '@google-cloud/firestore';
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

async function updated(collectionId: string, item: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await harness.client.update(collectionId, [item]);
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  expect(result.body.results[0].error, JSON.stringify(result.body)).toBeUndefined();
  return result.body.results[0].item as Record<string, unknown>;
}

async function raw(collectionId: string, id: string): Promise<Record<string, unknown>> {
  return (await db.collection(collectionId).doc(id).get()).data() as Record<string, unknown>;
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

describe('an update keeps the Firestore types of what Wix sends back as it was answered', () => {
  const nanos = (t: unknown) => {
    expect(t).toBeInstanceOf(Timestamp);
    return [(t as Timestamp).seconds, (t as Timestamp).nanoseconds];
  };

  test('GeoPoint, reference, bytes and timestamps at any depth stay what they were', async () => {
    await db
      .collection('raw_rw')
      .doc('r1')
      .set({
        ...SYSTEM(),
        title: 'before',
        geo: new GeoPoint(48.85, 2.35),
        ref: db.doc('other/x'),
        bytes: Buffer.from([0, 255, 104, 105]),
        big: 2n ** 60n,
        nested: {
          when: new Timestamp(1_600_000_000, 987_654_000),
          g: new GeoPoint(-1, 1),
          deeper: { r: db.doc('a/b') },
        },
        arr: [new Timestamp(1_500_000_000, 1_000), 1, { g: new GeoPoint(0, 0) }],
      });
    const [answered] = await items('raw_rw');
    expect(answered?.bytes).toBe('AP9oaQ==');
    expect(answered?.ref).toBe('other/x');
    await updated('raw_rw', { ...answered, title: 'after' });

    const stored = await raw('raw_rw', 'r1');
    expect(stored.title).toBe('after');
    expect(nanos(stored._createdDate)).toEqual([1_700_000_000, 123_456_000]);
    expect(stored.geo).toBeInstanceOf(GeoPoint);
    expect(stored.ref).toBeInstanceOf(DocumentReference);
    expect((stored.ref as DocumentReference).path).toBe('other/x');
    expect(Buffer.isBuffer(stored.bytes)).toBe(true);
    expect([...(stored.bytes as Buffer)]).toEqual([0, 255, 104, 105]);
    expect(stored.big).toBe(2n ** 60n);
    const nested = stored.nested as Record<string, unknown>;
    expect(nanos(nested.when)).toEqual([1_600_000_000, 987_654_000]);
    expect(nested.g).toBeInstanceOf(GeoPoint);
    expect((nested.deeper as Record<string, unknown>).r).toBeInstanceOf(DocumentReference);
    const arr = stored.arr as unknown[];
    expect(nanos(arr[0])).toEqual([1_500_000_000, 1_000]);
    expect(arr[1]).toBe(1n);
    expect((arr[2] as Record<string, unknown>).g).toBeInstanceOf(GeoPoint);
    // And the item reads back as it was answered.
    const [again] = await items('raw_rw');
    expect({ ...again, _updatedDate: null }).toEqual({ ...answered, title: 'after', _updatedDate: null });
  });

  test('a changed value is written as given; a nested date in the form reads answer is a Timestamp', async () => {
    await db
      .collection('raw_rw')
      .doc('r2')
      .set({
        ...SYSTEM(),
        nested: { when: new Timestamp(1_600_000_000, 987_654_000), g: new GeoPoint(-1, 1) },
        bytes: Buffer.from('hi'),
      });
    const [, answered] = await items('raw_rw');
    expect(answered?._id).toBe('r2');
    const changed = {
      ...answered,
      nested: { ...(answered?.nested as object), when: { $date: '2024-05-01T09:30:00.000Z' } },
      list: [{ $date: '2024-05-01T09:30:00.250Z' }, { at: { $date: '2024-05-01T09:30:00Z' } }],
      bytes: 'aGk=!',
    };
    await updated('raw_rw', changed);
    const stored = await raw('raw_rw', 'r2');
    const nested = stored.nested as Record<string, unknown>;
    expect((nested.when as Timestamp).toDate().toISOString()).toBe('2024-05-01T09:30:00.000Z');
    expect(nested.g).toBeInstanceOf(GeoPoint);
    const list = stored.list as unknown[];
    expect((list[0] as Timestamp).toDate().toISOString()).toBe('2024-05-01T09:30:00.250Z');
    // Not the text reads answer (no milliseconds): kept as the map it is, answered as written.
    expect(list[1]).toEqual({ at: { $date: '2024-05-01T09:30:00Z' } });
    expect(stored.bytes).toBe('aGk=!');
    const [, again] = await items('raw_rw');
    expect(again?.nested).toEqual(changed.nested);
    expect(again?.list).toEqual(changed.list);
  });
});

describe('system fields of a collection without metadata are typed by what its documents hold', () => {
  test('a _createdDate holding a string in one document is ANY (read-only), and that string is answered as is', async () => {
    await db.collection('raw_sys').doc('s1').set(SYSTEM());
    await db
      .collection('raw_sys')
      .doc('s2')
      .set({ ...SYSTEM(), _createdDate: '2023-01-01' });
    const listed = await harness.client.listCollections(['raw_sys']);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const [collection] = listed.body.collections as { fields: { key: string; type: string }[] }[];
    const type = (key: string) => collection?.fields.find((f) => f.key === key)?.type;
    expect(type('_createdDate')).toBe('ANY');
    expect(type('_updatedDate')).toBe('DATETIME');
    expect(type('_owner')).toBe('TEXT');
    const [s1, s2] = await items('raw_sys');
    expect(s1?._createdDate).toEqual({ $date: '2023-11-14T22:13:20.123Z' });
    expect(s2?._createdDate).toBe('2023-01-01');
    // Wix's read-write rule: a system field of another type leaves the collection read-only.
    const refused = await harness.client.update('raw_sys', [{ ...s1, title: 'x' }]);
    expect(JSON.stringify(refused.body)).toMatch(/_createdDate must be a timestamp/);
  });
});

describe('keys no Wix field can have ($…, dotted) are neither listed nor answered, and updates keep them', () => {
  test('collections/update of the listed fields works, and an update leaves such keys as stored', async () => {
    await db
      .collection('raw_keys')
      .doc('k1')
      .set({ ...SYSTEM(), title: 'a', $dollar: 'kept', 'with.dot': 'kept too', inner: { $x: 1, 'a.b': 2 } });
    const listed = await harness.client.listCollections(['raw_keys']);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    const [collection] = listed.body.collections as { fields: { key: string }[] }[];
    expect(collection?.fields.map((f) => f.key).sort()).toEqual([
      '_createdDate',
      '_id',
      '_owner',
      '_updatedDate',
      'inner',
      'title',
    ]);
    const [k1] = await items('raw_keys');
    expect(Object.keys(k1 ?? {}).sort()).toEqual(['_createdDate', '_id', '_owner', '_updatedDate', 'inner', 'title']);
    // Keys inside an object value are part of that value.
    expect(k1?.inner).toEqual({ $x: 1, 'a.b': 2 });
    await updated('raw_keys', { ...k1, title: 'b' });
    const stored = await raw('raw_keys', 'k1');
    expect(stored.title).toBe('b');
    expect(stored.$dollar).toBe('kept');
    expect(stored['with.dot']).toBe('kept too');

    // Saving the listed fields adopts the collection; updates of the strict collection keep them too.
    const adopted = await harness.client.updateCollection(collection as Record<string, unknown>);
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
    const [again] = await items('raw_keys', { title: 'b' });
    expect(again?._id).toBe('k1');
    await updated('raw_keys', { ...again, title: 'c' });
    const after = await raw('raw_keys', 'k1');
    expect([after.title, after.$dollar, after['with.dot']]).toEqual(['c', 'kept', 'kept too']);
  });
});

describe('a data field _id beside the document id', () => {
  test("is not answered (the document id is the item's _id) and an update keeps it as stored", async () => {
    await db
      .collection('raw_mongo')
      .doc('m1')
      .set({ ...SYSTEM(), _id: 'mongo-1', title: 'a' });
    const [m1] = await items('raw_mongo');
    expect(m1?._id).toBe('m1');
    expect((await items('raw_mongo', { _id: 'mongo-1' })).length).toBe(0);
    const answer = await updated('raw_mongo', { ...m1, title: 'b' });
    expect(answer._id).toBe('m1');
    const stored = await raw('raw_mongo', 'm1');
    expect([stored.title, stored._id]).toEqual(['b', 'mongo-1']);
    expect((await items('raw_mongo'))[0]?._id).toBe('m1');
  });
});

describe('equality finds bytes and references by the text they are answered as', () => {
  beforeAll(async () => {
    const bytes = () => Buffer.from([0, 255, 104, 105]);
    const batch = db.batch();
    const docs = db.collection('raw_eq');
    batch.set(docs.doc('b'), { value: bytes(), list: [bytes(), 'x'], nested: { v: bytes() } });
    batch.set(docs.doc('r'), { value: db.doc('other/x'), list: [db.doc('other/x')], nested: { v: db.doc('other/x') } });
    batch.set(docs.doc('s'), { value: 'AP9oaQ==', list: ['other/x'] });
    batch.set(docs.doc('t'), { value: 'other/x' });
    batch.set(docs.doc('u'), { value: 'else', list: ['else'] });
    await batch.commit();
  });

  const ids = async (filter: unknown) => (await items('raw_eq', filter)).map((i) => i._id);

  test('$eq, $ne, $in and $hasSome match the answered text, as $startsWith does', async () => {
    expect(await ids({ value: { $startsWith: 'AP9oaQ==' } })).toEqual(['b', 's']);
    expect(await ids({ value: 'AP9oaQ==' })).toEqual(['b', 's']);
    expect(await ids({ value: { $eq: 'other/x' } })).toEqual(['r', 't']);
    expect(await ids({ value: { $ne: 'AP9oaQ==' } })).toEqual(['r', 't', 'u']);
    expect(await ids({ value: { $in: ['AP9oaQ==', 'other/x'] } })).toEqual(['b', 'r', 's', 't']);
    expect(await ids({ value: { $hasSome: ['other/x'] } })).toEqual(['r', 't']);
    // Inside arrays (an element equal) and maps.
    expect(await ids({ list: 'AP9oaQ==' })).toEqual(['b']);
    expect(await ids({ list: 'other/x' })).toEqual(['r', 's']);
    expect(await ids({ list: { $hasSome: ['AP9oaQ==', 'else'] } })).toEqual(['b', 'u']);
    expect(await ids({ 'nested.v': 'other/x' })).toEqual(['r']);
    expect(await ids({ 'nested.v': 'AP9oaQ==' })).toEqual(['b']);
    expect(await ids({ $or: [{ value: 'AP9oaQ==' }, { value: 'else' }] })).toEqual(['b', 's', 'u']);
    const counted = await harness.client.count('raw_eq', { value: 'other/x' });
    expect(counted.body.totalCount, JSON.stringify(counted.body)).toBe(2);
  });
});
