/**
 * Documents read through the gapic reader (src/run-query.ts, src/proto-documents.ts) are
 * the items the client's snapshots give (`toItem(doc.id, doc.data())`), for every kind of
 * value a document can hold, written by the raw client as another program would; and a
 * document holding a value only the client decodes is read through the client instead.
 */

import { randomUUID } from 'node:crypto';
import { startHarness } from '@adaptors/testkit';
import { FieldValue, GeoPoint, Timestamp } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { itemOfDocument, UndecodedValue } from '../src/proto-documents.ts';
import { createFirestoreStorage } from '../src/storage.ts';
import { runQueryRequest } from '../src/structured-query.ts';
import { holdsIntegerText, toItem } from '../src/values.ts';
import { emulatorClient, emulatorReader, emulatorStorage } from './support.ts';

const EVERY_VALUE = {
  text: 'Basil',
  empty: '',
  int: 42,
  zero: 0,
  negativeZero: -0,
  double: 2.5,
  nan: Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
  safeBig: 2n ** 52n,
  big: 2n ** 60n,
  negativeBig: -(2n ** 63n),
  yes: true,
  no: false,
  nothing: null,
  nearNextSecond: new Timestamp(1_700_000_000, 999_600_000),
  beforeEpoch: new Timestamp(-1, 400_000),
  date: new Date('1969-07-20T20:17:40.123Z'),
  bytes: Buffer.from([0, 1, 2, 250, 255]),
  reference: null as unknown,
  geo: new GeoPoint(1.5, -2.25),
  list: [1, 'a', null, { x: 1 }, { $wixArray: [1, 2n ** 60n] }],
  map: { a: { b: [1, 2n ** 61n] }, 'with space': true, empty: {} },
  nestedArrayMarker: { $wixArray: ['x', 'y'] },
  $wix: { lc: { text: 'basil' } },
  _id: 'not the id',
};

describe('documents read through the gapic reader', () => {
  it('are the items of the client snapshots, value for value, integers beyond 2^53 marked alike', async () => {
    const projectId = `test-${randomUUID().slice(0, 8)}`;
    const db = emulatorClient(projectId);
    const reader = emulatorReader(projectId);
    try {
      const things = db.collection('things');
      await things.doc('all').set({ ...EVERY_VALUE, reference: db.doc('other/doc') });
      await things.doc('sparse').set({ only: 'one' });
      await things.doc('none').set({});
      const viaClient = (await things.orderBy('__name__').get()).docs.map((doc) => toItem(doc.id, doc.data()));
      const documents = await reader.runQuery(
        runQueryRequest({ ...(await reader.database()), collectionId: 'things' }, { filters: [] }),
      );
      const viaGapic = documents.map(itemOfDocument);
      expect(viaGapic.map((i) => i._id)).toEqual(['all', 'none', 'sparse']);
      expect(viaGapic).toEqual(viaClient);
      const [all] = viaGapic;
      const [clientAll] = viaClient;
      if (!all || !clientAll) throw new Error('no document');
      expect(Object.is(all.negativeZero, clientAll.negativeZero)).toBe(true);
      expect(all.big).toBe('1152921504606846976');
      expect(all.reference).toBe('other/doc');
      expect((all.nearNextSecond as Date).getTime()).toBe((clientAll.nearNextSecond as Date).getTime());
      // Truncated to the millisecond (values.ts timestampDate), never into the next second.
      expect((all.nearNextSecond as Date).toISOString()).toBe('2023-11-14T22:13:20.999Z');
      expect((all.beforeEpoch as Date).toISOString()).toBe('1969-12-31T23:59:59.000Z');
      for (const key of Object.keys(EVERY_VALUE)) {
        expect(holdsIntegerText(all, key), key).toBe(holdsIntegerText(clientAll, key));
      }
      expect(holdsIntegerText(all, 'big')).toBe(true);
      expect(Object.keys(all)).toEqual(Object.keys(clientAll));
    } finally {
      await Promise.all([db.terminate(), reader.close()]);
    }
  });

  it('refuses a vector, which only the client decodes; the storage then answers through the client', async () => {
    expect(() =>
      itemOfDocument({
        name: 'projects/p/databases/(default)/documents/vectors/v',
        fields: {
          embedding: {
            mapValue: { fields: { __type__: { stringValue: '__vector__' } } },
          },
        },
      }),
    ).toThrow(UndecodedValue);
    const { db, storage } = emulatorStorage();
    const clientOnly = createFirestoreStorage(db);
    const viaReader = await startHarness({ storage });
    const viaClient = await startHarness({ storage: clientOnly });
    try {
      await db
        .collection('vectors')
        .doc('v')
        .set({ title: 'a', embedding: FieldValue.vector([1, 2]) });
      await db.collection('vectors').doc('w').set({ title: 'b' });
      const [a, b] = await Promise.all([viaReader, viaClient].map((h) => h.client.query('vectors', {})));
      expect(a?.status).toBe(200);
      expect(a?.body.items).toHaveLength(2);
      expect(a?.body).toEqual(b?.body);
    } finally {
      await Promise.all([viaReader.close(), viaClient.close()]);
      await storage.close();
    }
  });
});
