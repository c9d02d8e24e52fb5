/**
 * The backfill (src/backfill.ts) on documents written by the raw
 * Firestore client: before it, the collection is answered through the bounded
 * path and reported as needing it (diagnostics, the refusal's message); it
 * resumes after an interruption, writes nothing the second time, and after it
 * Firestore answers sorts, null checks and case-insensitive text itself —
 * exactly, held against the memory storage on the same data.
 */
import { createMemoryStorage, type Harness, startHarness, type WixClient } from '@adaptors/testkit';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { backfillCollection } from '../src/backfill.ts';
import { emulatorStorage } from './support.ts';

const ID = 'legacy';
const N = 60;
const WORDS = ['Apple pie', 'apricot', 'BANANA split', 'Cherry'];

function raw(i: number): Record<string, unknown> {
  const doc: Record<string, unknown> = {};
  if (i % 5 !== 1) doc.title = `${WORDS[i % WORDS.length]} ${i % 7}`;
  if (i % 4 !== 2) doc.n = (i * 13) % 17;
  return doc;
}

let db: Firestore;
let firestore: Harness;
let memory: Harness;
let storage: ReturnType<typeof emulatorStorage>['storage'];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const opened = emulatorStorage({ scanLimit: 20, schemaCheckMs: 0 });
  db = opened.db;
  storage = opened.storage;
  closers.push(() => opened.storage.close());
  firestore = await startHarness({ storage });
  memory = await startHarness({ storage: createMemoryStorage() });
  // Another program's documents: no nulls, no shadows.
  const batch = db.batch();
  for (let i = 0; i < N; i++) batch.set(db.collection(ID).doc(`r${String(i).padStart(3, '0')}`), raw(i));
  await batch.commit();
  const fields = [
    { key: 'title', type: 'TEXT' },
    { key: 'n', type: 'NUMBER' },
  ];
  // Adopted: the definition is stored, the documents predate the format.
  expect((await firestore.client.updateCollection({ id: ID, fields })).status).toBe(200);
  expect((await memory.client.createCollection({ id: ID, fields })).status).toBe(200);
  const items = Array.from({ length: N }, (_, i) => ({ _id: `r${String(i).padStart(3, '0')}`, ...raw(i) }));
  expect((await memory.client.insert(ID, items)).status).toBe(200);
});

afterAll(async () => {
  await Promise.all([firestore?.close(), memory?.close()]);
  await Promise.all(closers.map((close) => close()));
});

const FIELDS = ['title', 'n'];

async function same(call: (client: WixClient) => Promise<{ status: number; body: unknown }>) {
  const [got, want] = await Promise.all([call(firestore.client), call(memory.client)]);
  expect(got.status, JSON.stringify(got.body)).toBe(200);
  expect(got.body).toEqual(want.body);
}

test('before: the bounded path, the refusal names the backfill, diagnostics list the collection', async () => {
  const sorted = await firestore.client.query(ID, { sort: [{ fieldName: 'n' }], fields: FIELDS });
  expect(sorted.status).toBe(400);
  expect(sorted.body.errorMessage).toContain(`adaptors firestore backfill ${ID}`);
  expect(sorted.body.data).toMatchObject({ candidates: N });
  expect(storage.diagnostics?.().backfills).toEqual([
    expect.objectContaining({ collectionId: ID, fields: expect.arrayContaining(['title', 'n', '_owner']) }),
  ]);
});

test('resumable, idempotent, and then Firestore answers exactly', async () => {
  const seen: number[] = [];
  const first = await backfillCollection(db, ID, { pageSize: 25, stopAfterPages: 1 });
  expect(first).toMatchObject({ finished: false, read: 25, updated: 25, total: N });
  const second = await backfillCollection(db, ID, { pageSize: 25, onProgress: (p) => seen.push(p.read) });
  expect(second).toMatchObject({ finished: true, resumedAt: 25, read: N - 25, updated: N - 25, incomplete: [] });
  expect(second.complete).toEqual(expect.arrayContaining(['title', 'n', '_owner', '_createdDate']));
  expect(seen).toEqual([25, 35]);
  // Nothing left to write.
  const third = await backfillCollection(db, ID, { pageSize: 25 });
  expect(third).toMatchObject({ finished: true, resumedAt: 0, read: N, updated: 0 });

  const doc = (await db.collection(ID).doc('r001').get()).data() as Record<string, unknown>;
  expect(doc.title).toBeNull();
  expect((await db.collection(ID).doc('r000').get()).get('$wix.lc.title')).toBe('apple pie 0');

  // Scan bound 20 of 60 documents: each answer below comes from Firestore's own query.
  for (const offset of [0, 13, 50]) {
    await same((c) =>
      c.query(ID, { sort: [{ fieldName: 'n', order: 'DESC' }], fields: FIELDS, paging: { offset, limit: 8 } }),
    );
  }
  await same((c) =>
    c.query(ID, { filter: { title: { $startsWith: 'APR' } }, sort: [{ fieldName: 'n' }], fields: FIELDS }),
  );
  await same((c) => c.query(ID, { filter: { title: { $contains: 'NANA SPLIT 3' } }, fields: FIELDS }));
  await same((c) => c.count(ID, { n: null }));
  expect(storage.diagnostics?.().backfills).toEqual([]);
});
