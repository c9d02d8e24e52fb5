/**
 * Concurrent definition changes (schema.ts `save`): each change is written only over the
 * definition it was planned on, so a change made while another landed is told so
 * (COLLECTION_CHANGE_NOT_SUPPORTED), none runs out of the service's time waiting for another
 * (a 504 tells no one which change was kept), and every instance ends on a kept change whole.
 */
import { randomUUID } from 'node:crypto';
import { type Harness, startHarness } from '@adaptors/testkit';
import { DocumentReference } from '@google-cloud/firestore';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { FirestoreSchema } from '../src/schema.ts';
import { createFirestoreStorage } from '../src/storage.ts';
import { emulatorClient, emulatorReader } from './support.ts';

const projectId = `save-${randomUUID().slice(0, 8)}`;
const METADATA = '_wix_collections';
const INSTANCES = 10;
/** Each call's budget: the service's default (REQUEST_DEADLINE_MS), not the harness's roomy one. */
const DEADLINE_MS = 5000;
const harnesses: Harness[] = [];

beforeAll(async () => {
  // Several storages on one database: instances of the service, each with its own client.
  for (let i = 0; i < INSTANCES; i++) {
    const storage = createFirestoreStorage(emulatorClient(projectId), {
      documentReader: emulatorReader(projectId),
      schemaCheckMs: 0,
    });
    harnesses.push(await startHarness({ storage, requestDeadlineMs: DEADLINE_MS }));
  }
  const base = [{ key: 'title', type: 'TEXT' }];
  expect((await harnesses[0]?.client.createCollection({ id: 'plants', fields: base }))?.status).toBe(200);
});

afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
});

test('changes made at once on several instances: each is kept or told, none times out, all end on a kept one', async () => {
  for (let round = 0; round < 3; round++) {
    const results = await Promise.all(
      harnesses.map((h, i) =>
        h.client.updateCollection({
          id: 'plants',
          fields: [
            { key: 'title', type: 'TEXT' },
            { key: `f${round}_${i}`, type: 'TEXT' },
          ],
        }),
      ),
    );
    const statuses = results.map((r) => r.status);
    // A change planned on the definition another had just written is kept too (it came after);
    // one planned on a definition changed since is refused, saying so.
    expect(statuses.filter((s) => s === 200).length, JSON.stringify(statuses)).toBeGreaterThan(0);
    for (const r of results.filter((r) => r.status !== 200)) {
      expect(r.body.errorCode, JSON.stringify(r.body)).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    }
    // Every instance reads one definition, and it is one of the kept changes whole.
    const keysOf = (fields: { key: string }[]) => fields.map((f) => f.key).sort();
    const kept = results.filter((r) => r.status === 200).map((r) => keysOf(r.body.collection.fields));
    const read = await Promise.all(harnesses.map((h) => h.client.listCollections(['plants'])));
    const seen = read.map((r) => keysOf(r.body.collections[0].fields));
    for (const keys of seen) expect(keys).toEqual(seen[0]);
    expect(kept).toContainEqual(seen[0]);
  }
});

test('a change written by another instance between the read and the write of a change is kept, and the change is refused', async () => {
  const db = emulatorClient(projectId);
  const other = emulatorClient(projectId);
  const schema = new FirestoreSchema(db, {
    metadataCollection: METADATA,
    referencesCollection: '_wix_references',
    inferSample: 10,
    cacheMs: 0,
    checkMs: 0,
  });
  const planned = await schema.get('plants', { fresh: true });
  if (!planned) throw new Error('plants is not defined');
  // Right after save reads the metadata document, another instance writes it (the interleaving
  // two saves at once can take): the read passes the check, the write must not pass over it.
  const read = DocumentReference.prototype.get;
  const spy = vi.spyOn(DocumentReference.prototype, 'get').mockImplementation(async function (this: DocumentReference) {
    const snapshot = await read.call(this);
    if (this.id === 'plants') {
      spy.mockRestore();
      await other
        .collection(METADATA)
        .doc('plants')
        .update({
          definition: JSON.stringify({ ...planned, fields: [...planned.fields, { key: 'theirs', type: 'TEXT' }] }),
        });
    }
    return snapshot;
  });
  try {
    await expect(
      schema.save({ ...planned, fields: [...planned.fields, { key: 'mine', type: 'TEXT' }] }, planned),
    ).rejects.toMatchObject({ code: 'COLLECTION_CHANGE_NOT_SUPPORTED' });
  } finally {
    spy.mockRestore();
  }
  const stored = JSON.parse((await db.collection(METADATA).doc('plants').get()).get('definition') as string);
  expect(stored.fields.map((f: { key: string }) => f.key)).toContain('theirs');
  expect(stored.fields.map((f: { key: string }) => f.key)).not.toContain('mine');
  await Promise.all([db.terminate(), other.terminate()]);
});
