/**
 * Index management through the Admin API seam. The emulator has no index API,
 * so the requests are checked against the recorded shape of the Firestore
 * Admin API (google.firestore.admin.v1 ListIndexes / CreateIndex / DeleteIndex,
 * REST: GET|POST projects/{p}/databases/{d}/collectionGroups/{c}/indexes,
 * DELETE {index name}); the SPI names are kept on the real emulator.
 */
import { SpiError, type StoredCollection } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import { type AdminIndex, adminFieldPath, FirestoreIndexes, type IndexAdminApi, spiFieldPath } from '../src/indexes.ts';
import { createFirestoreStorage } from '../src/storage.ts';
import { emulatorClient } from './support.ts';

const DATABASE = 'projects/demo-p/databases/(default)';
const PARENT = `${DATABASE}/collectionGroups/plants`;

/** A recording Admin API: answers like Firestore (generated ids, CREATING state, `__name__` appended). */
function recordingApi() {
  const calls: { method: string; request: unknown }[] = [];
  const indexes: AdminIndex[] = [
    // Created elsewhere (console / gcloud): listed under a generated name.
    {
      name: `${PARENT}/indexes/CICAgOjXh4EK`,
      queryScope: 'COLLECTION',
      fields: [
        { fieldPath: 'family', order: 'ASCENDING' },
        { fieldPath: 'height', order: 'DESCENDING' },
        { fieldPath: '__name__', order: 'DESCENDING' },
      ],
      state: 'READY',
    },
    { name: `${PARENT}/indexes/CG`, queryScope: 'COLLECTION_GROUP', fields: [], state: 'READY' },
  ];
  let next = 1;
  const api: IndexAdminApi = {
    async listIndexes(parent) {
      calls.push({ method: 'ListIndexes', request: { parent } });
      return indexes;
    },
    async createIndex(parent, index) {
      calls.push({ method: 'CreateIndex', request: { parent, index } });
      indexes.push({ ...index, name: `${parent}/indexes/NEW${next++}`, state: 'CREATING' });
    },
    async deleteIndex(name) {
      calls.push({ method: 'DeleteIndex', request: { name } });
      indexes.splice(
        indexes.findIndex((i) => i.name === name),
        1,
      );
    },
  };
  return { api, calls };
}

const plants: StoredCollection = { id: 'plants', fields: [] };

describe('composite indexes through the Admin API', () => {
  test('requests have the Admin API shape; SPI names survive a round trip', async () => {
    const { api, calls } = recordingApi();
    const names: Record<string, Record<string, readonly { path: string; order: 'ASC' | 'DESC' }[]>> = {};
    const indexes = new FirestoreIndexes(
      api,
      {
        read: async (id) => names[id] ?? {},
        write: async (id, value) => {
          names[id] = value;
        },
      },
      DATABASE,
    );
    const created = await indexes.create(plants, {
      name: 'by_family_height',
      fields: [
        { path: 'family', order: 'ASC' },
        { path: 'care.sun light', order: 'DESC' },
      ],
      unique: false,
      caseInsensitive: false,
    });
    expect(created).toMatchObject({ name: 'by_family_height', status: 'BUILDING', unique: false });
    expect(calls.find((c) => c.method === 'CreateIndex')?.request).toEqual({
      parent: PARENT,
      index: {
        queryScope: 'COLLECTION',
        fields: [
          { fieldPath: 'family', order: 'ASCENDING' },
          { fieldPath: 'care.`sun light`', order: 'DESCENDING' },
        ],
      },
    });
    const listed = await indexes.list(plants);
    expect(listed.map((i) => [i.name, i.status, i.fields.map((f) => `${f.path} ${f.order}`).join(',')])).toEqual([
      ['_id_', 'ACTIVE', '_id ASC'],
      ['firestore_CICAgOjXh4EK', 'ACTIVE', 'family ASC,height DESC'],
      ['by_family_height', 'BUILDING', 'family ASC,care.sun light DESC'],
    ]);
    await indexes.remove(plants, 'by_family_height');
    expect(calls.at(-1)).toEqual({ method: 'DeleteIndex', request: { name: `${PARENT}/indexes/NEW1` } });
    expect(names.plants).toEqual({});
  });

  test('what Firestore cannot index is refused with the reason', async () => {
    const indexes = new FirestoreIndexes(
      recordingApi().api,
      { read: async () => ({}), write: async () => {} },
      DATABASE,
    );
    const base = {
      name: 'x',
      fields: [
        { path: 'a', order: 'ASC' as const },
        { path: 'b', order: 'ASC' as const },
      ],
      unique: false,
      caseInsensitive: false,
    };
    for (const index of [
      { ...base, unique: true },
      { ...base, caseInsensitive: true },
      { ...base, fields: [{ path: 'a', order: 'ASC' as const }] },
    ]) {
      await expect(indexes.create(plants, index)).rejects.toBeInstanceOf(SpiError);
    }
    await expect(indexes.remove(plants, 'nope')).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  test('an index a query needs is created with the exact fields; ALREADY_EXISTS (another instance) is success', async () => {
    const { api, calls } = recordingApi();
    const indexes = new FirestoreIndexes(api, { read: async () => ({}), write: async () => {} }, DATABASE);
    const fields = [
      { fieldPath: 'tags', mode: 'CONTAINS' as const },
      { fieldPath: 'height', mode: 'DESCENDING' as const },
      { fieldPath: '__name__', mode: 'ASCENDING' as const },
    ];
    await indexes.createComposite('plants', fields);
    expect(calls.at(-1)).toEqual({
      method: 'CreateIndex',
      request: {
        parent: PARENT,
        index: {
          queryScope: 'COLLECTION',
          fields: [
            { fieldPath: 'tags', arrayConfig: 'CONTAINS' },
            { fieldPath: 'height', order: 'DESCENDING' },
            { fieldPath: '__name__', order: 'ASCENDING' },
          ],
        },
      },
    });
    api.createIndex = async () => {
      throw Object.assign(new Error('6 ALREADY_EXISTS: index already exists'), { code: 6 });
    };
    await expect(indexes.createComposite('plants', fields)).resolves.toBeUndefined();
    api.createIndex = async () => {
      throw Object.assign(new Error('7 PERMISSION_DENIED: no'), { code: 7 });
    };
    await expect(indexes.createComposite('plants', fields)).rejects.toMatchObject({ code: 7 });
  });

  test('field paths use the Admin API quoting', () => {
    expect(adminFieldPath('_id')).toBe('__name__');
    expect(adminFieldPath('a.b_c')).toBe('a.b_c');
    expect(adminFieldPath('a-b.`x`')).toBe('`a-b`.`\\`x\\``');
    for (const path of ['a.b_c', 'care.sun light', 'a-b.`x`', 'back\\slash'])
      expect(spiFieldPath(adminFieldPath(path))).toBe(path);
  });

  test('SPI names are kept in the metadata document on the emulator', async () => {
    const { api } = recordingApi();
    const storage = createFirestoreStorage(emulatorClient(), { indexAdmin: api, databasePath: DATABASE });
    try {
      expect(storage.capabilities.indexOptions.supportsIndexes).toBe(true);
      const stored = await storage.createCollection({ id: 'plants', fields: [{ key: 'family', type: 'TEXT' }] });
      await storage.createIndex?.(stored, {
        name: 'by_two',
        fields: [
          { path: 'family', order: 'ASC' },
          { path: 'height', order: 'ASC' },
        ],
        unique: false,
        caseInsensitive: false,
      });
      // A schema change keeps the names (merge write).
      const updated = await storage.updateCollection({ ...stored, displayName: 'Plants' });
      expect((await storage.listIndexes?.(updated))?.map((i) => i.name)).toContain('by_two');
    } finally {
      await storage.close();
    }
  });
});
