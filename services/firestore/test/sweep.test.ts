/**
 * The sweep's pages on the emulator (src/sweep.ts): on a whole collection (`nameOrdered`) the
 * next page is read while the current one's deletes run, and a document written meanwhile
 * before the read-ahead's cursor is still found, by the read from the start that ends a sweep.
 */
import { BulkWriter, type Firestore, Query } from '@google-cloud/firestore';
import { afterEach, expect, test, vi } from 'vitest';
import { SWEEP_PAGE, sweep } from '../src/sweep.ts';
import { emulatorClient } from './support.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

/** `count` documents `d0000`, `d0001`, … in a new collection. */
async function fill(db: Firestore, id: string, count: number): Promise<void> {
  const writer = db.bulkWriter({ throttling: false });
  for (let i = 0; i < count; i++) void writer.set(db.collection(id).doc(`d${String(i).padStart(4, '0')}`), { n: i });
  await writer.close();
}

const remaining = async (db: Firestore, id: string) => (await db.collection(id).get()).docs.map((d) => d.id);

/** Logs each query read and each page's write (its BulkWriter's close) as they start and end. */
function recordEvents(): string[] {
  const events: string[] = [];
  const get = Query.prototype.get;
  vi.spyOn(Query.prototype, 'get').mockImplementation(function (this: Query) {
    events.push('read');
    return get.call(this);
  });
  const close = BulkWriter.prototype.close;
  vi.spyOn(BulkWriter.prototype, 'close').mockImplementation(async function (this: BulkWriter) {
    events.push('write');
    try {
      return await close.call(this);
    } finally {
      events.push('written');
    }
  });
  return events;
}

const deleteAll = (db: Firestore, id: string, nameOrdered: boolean) =>
  sweep(db, {
    query: db.collection(id),
    nameOrdered,
    conditional: false,
    write: (writer, doc) => writer.delete(doc.ref),
  });

test('a whole collection: the next page is read while this one is deleted, and all are gone', async () => {
  const db = emulatorClient();
  await fill(db, 'plants', 2 * SWEEP_PAGE + 500);
  const events = recordEvents();
  const result = await deleteAll(db, 'plants', true);
  expect(result).toEqual({ done: true, fenced: false, written: 2 * SWEEP_PAGE + 500 });
  // Full pages read the next one before their deletes start; the short last page does not, and
  // the sweep ends with a read from the start that finds nothing.
  expect(events).toEqual(['read', 'read', 'write', 'written', 'read', 'write', 'written', 'write', 'written', 'read']);
  expect(await remaining(db, 'plants')).toEqual([]);
});

test('without nameOrdered, each page is read after the last one is written', async () => {
  const db = emulatorClient();
  await fill(db, 'plants', SWEEP_PAGE + 10);
  const events = recordEvents();
  const result = await deleteAll(db, 'plants', false);
  expect(result).toEqual({ done: true, fenced: false, written: SWEEP_PAGE + 10 });
  expect(events).toEqual(['read', 'write', 'written', 'read', 'write', 'written', 'read']);
});

test('a document written before the read-ahead cursor meanwhile is found by the read from the start', async () => {
  const db = emulatorClient();
  await fill(db, 'plants', 2 * SWEEP_PAGE);
  // While the first page is deleted (the second already being read after `d0999`), a document
  // sorting before that cursor is written: the pages after the cursor cannot see it.
  const close = BulkWriter.prototype.close;
  let inserted = false;
  vi.spyOn(BulkWriter.prototype, 'close').mockImplementation(async function (this: BulkWriter) {
    if (!inserted) {
      inserted = true;
      await db.collection('plants').doc('a-late').set({ n: -1 });
    }
    return close.call(this);
  });
  const result = await deleteAll(db, 'plants', true);
  expect(inserted).toBe(true);
  expect(result).toEqual({ done: true, fenced: false, written: 2 * SWEEP_PAGE + 1 });
  expect(await remaining(db, 'plants')).toEqual([]);
});
