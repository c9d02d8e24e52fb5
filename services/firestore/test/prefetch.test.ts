/**
 * The start's read-ahead (storage.ts `prefetch`, schema.ts): the schema version and every
 * collection's definition in one query of the metadata collection, cached with that version,
 * so the first call on a collection reads neither. Each case removes a metadata document
 * behind the storages' backs (no version bump): a storage that answers from its prefetched
 * cache still knows the definition, one that reads it does not.
 */
import { randomUUID } from 'node:crypto';
import { type Harness, startHarness } from '@adaptors/testkit';
import { DocumentReference } from '@google-cloud/firestore';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createFirestoreStorage, type FirestoreStorageHandle, type FirestoreStorageOptions } from '../src/storage.ts';
import { emulatorClient, emulatorReader } from './support.ts';

const METADATA = '_wix_collections';
const projectId = `prefetch-${randomUUID().slice(0, 8)}`;
const db = emulatorClient(projectId);
const opened: FirestoreStorageHandle[] = [];
let writer: Harness;

/** A storage of the test's database, as open-storage.ts builds one (a check interval long enough not to re-read). */
function open(options: FirestoreStorageOptions = {}): FirestoreStorageHandle {
  const storage = createFirestoreStorage(emulatorClient(projectId), {
    documentReader: emulatorReader(projectId),
    schemaCheckMs: 60_000,
    ...options,
  });
  opened.push(storage);
  return storage;
}

/**
 * Fields of a collection as `storage` knows it, as `key:TYPE` (undefined: no such collection).
 * The documents hold `extra: null` (the storage format writes every declared field), so an
 * inferred collection lists `extra` too, but not as the NUMBER only the definition says it is.
 */
async function keysOf(storage: FirestoreStorageHandle, id: string): Promise<string[] | undefined> {
  return (await storage.getCollection(id))?.fields.map((f) => `${f.key}:${f.type}`).sort();
}

beforeAll(async () => {
  writer = await startHarness({ storage: open() });
  // `extra` is declared and no document holds a value for it: only the definition says it is a NUMBER.
  const fields = [
    { key: 'title', type: 'TEXT' },
    { key: 'extra', type: 'NUMBER' },
  ];
  for (const id of ['plants', 'shrubs', 'trees']) {
    expect((await writer.client.createCollection({ id, fields })).status).toBe(200);
    expect((await writer.client.insert(id, [{ _id: 'a', title: 'oak' }])).status).toBe(200);
  }
});

afterAll(async () => {
  await writer?.close();
  await Promise.all(opened.map((s) => s.close()));
  await db.terminate();
});

test.each([
  ['the gapic reader', 'plants', {}],
  ['the client (a storage without a reader)', 'shrubs', { documentReader: undefined }],
] as const)(
  'a storage that read ahead through %s answers the first call from the definitions read at start',
  async (_, id, options) => {
    const prefetched = open(options);
    await prefetched.prefetch();
    const reading = open(options);
    await db.collection(METADATA).doc(id).delete();
    expect(await keysOf(prefetched, id)).toContain('extra:NUMBER');
    // Without the read-ahead the definition is read now: gone, the collection is inferred from its documents.
    expect(await keysOf(reading, id)).not.toContain('extra:NUMBER');
  },
);

test('definitions beyond the limit are read when first asked for', async () => {
  // The version document's id sorts before the collections': a limit of 1 reads it alone.
  const limited = open({ prefetchLimit: 1 });
  await limited.prefetch();
  await db.collection(METADATA).doc('trees').delete();
  expect(await keysOf(limited, 'trees')).not.toContain('extra:NUMBER');
});

test('without the version document among the documents read, nothing is cached', async () => {
  // A definition whose id sorts before the version document's ('!' < '$'), read in place of it.
  const definition = JSON.stringify({ id: '!early', fields: [{ key: 'only', type: 'TEXT' }] });
  await db.collection(METADATA).doc('!early').set({ definition, updatedAt: new Date() });
  const probe = open();
  expect(await keysOf(probe, '!early')).toContain('only:TEXT');
  const limited = open({ prefetchLimit: 1 });
  await limited.prefetch();
  await db.collection(METADATA).doc('!early').delete();
  expect(await keysOf(limited, '!early')).toBeUndefined();
});

test("a readiness check right after the read ahead reads nothing more (a starting instance's startup probe)", async () => {
  const storage = open({ schemaCheckMs: 60_000 });
  const reads = vi.spyOn(DocumentReference.prototype, 'get');
  try {
    const prefetched = storage.prefetch();
    // The probe may arrive while the read ahead runs: it waits for it.
    await storage.ready();
    await prefetched;
    await storage.ready();
    expect(reads).not.toHaveBeenCalled();
  } finally {
    reads.mockRestore();
  }
  // Without a read ahead, the check reads the version document.
  const other = open({ schemaCheckMs: 60_000 });
  const probe = vi.spyOn(DocumentReference.prototype, 'get');
  try {
    await other.ready();
    expect(probe).toHaveBeenCalledTimes(1);
  } finally {
    probe.mockRestore();
  }
});
