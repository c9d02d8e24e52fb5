/**
 * Collections written by Wix's reference adaptor (wix/velo-external-db): metadata in
 * `_descriptor/<id>`, every declared field on every document (null when it has no value,
 * `_owner: null` included). Written with the raw client as the reference writes them
 * (the audit's /tmp/refaudit/fs-setup.cjs and fs-nullowner.cjs), then served through the API.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import type { Firestore } from '@google-cloud/firestore';
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

/** A reference InputField (schema_utils.ts `nonEncryptedInputField`). */
const inputField = (name: string, type: string, subtype: string) => ({
  name,
  type,
  subtype,
  ...(name === '_id' || name === '_owner' ? { precision: 255 } : {}),
  isPrimary: name === '_id',
});
const SYSTEM_INPUT = [
  inputField('_id', 'text', 'string'),
  inputField('_createdDate', 'datetime', 'datetime'),
  inputField('_updatedDate', 'datetime', 'datetime'),
  inputField('_owner', 'text', 'string'),
];

async function describeOne(id: string) {
  const listed = await harness.client.listCollections([id]);
  expect(listed.status, JSON.stringify(listed.body)).toBe(200);
  const [collection] = listed.body.collections;
  expect(collection, `${id} listed`).toBeDefined();
  return collection as {
    id: string;
    fields: { key: string; type: string }[];
    capabilities: { dataOperations: string[] };
  };
}

const typesOf = (fields: readonly { key: string; type: string }[]) =>
  Object.fromEntries(fields.map((f) => [f.key, f.type]));

describe('documents that hold _owner: null everywhere (reference prepareForInsert)', () => {
  beforeAll(async () => {
    await db
      .collection('_descriptor')
      .doc('noowner')
      .set({ id: 'noowner', fields: [...SYSTEM_INPUT, inputField('title', 'text', 'string')] });
    const at = new Date('2023-04-01T00:00:00.000Z');
    for (const [id, title] of [
      ['n1', 'One'],
      ['n2', 'Two'],
    ] as const) {
      await db.doc(`noowner/${id}`).create({ _id: id, _createdDate: at, _updatedDate: at, _owner: null, title });
    }
  });

  test('_owner is listed as TEXT, the collection is read-write and takes an insert', async () => {
    const collection = await describeOne('noowner');
    expect(typesOf(collection.fields)).toMatchObject({
      _id: 'TEXT',
      _createdDate: 'DATETIME',
      _updatedDate: 'DATETIME',
      _owner: 'TEXT',
      title: 'TEXT',
    });
    expect(collection.capabilities.dataOperations).toContain('INSERT');
    const inserted = await harness.client.insert('noowner', [{ _id: 'n3', title: 'Three' }]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    const queried = await harness.client.query('noowner', { sort: [{ fieldName: '_id', order: 'ASC' }] });
    expect(queried.status, JSON.stringify(queried.body)).toBe(200);
    expect(queried.body.items.map((i: { _id: string }) => i._id)).toEqual(['n1', 'n2', 'n3']);
  });
});

describe('a declared field null on every document', () => {
  beforeAll(async () => {
    await db
      .collection('_descriptor')
      .doc('refdocs')
      .set({
        id: 'refdocs',
        fields: [
          ...SYSTEM_INPUT,
          inputField('title', 'text', 'string'),
          inputField('notes', 'text', 'string'),
          inputField('due', 'datetime', 'date'),
          inputField('photo', 'text', 'image'),
          inputField('tags', 'object', 'arrayString'),
        ],
      });
    const at = new Date('2023-01-02T03:04:05.678Z');
    const common = { _createdDate: at, _updatedDate: at, _owner: 'owner-1', notes: null, due: null, photo: null };
    await db.doc('refdocs/a1').create({ _id: 'a1', ...common, title: 'Apple', tags: ['red'] });
    await db.doc('refdocs/b2').create({ _id: 'b2', ...common, title: null, tags: null });
    // Null everywhere and named by no descriptor: listed, as ANY (nothing tells its type).
    await db.doc('undeclared/u1').create({
      _id: 'u1',
      _createdDate: at,
      _updatedDate: at,
      _owner: null,
      title: 'x',
      extra: null,
    });
  });

  test('is listed with the type the descriptor declares; values keep the types they hold', async () => {
    const collection = await describeOne('refdocs');
    expect(typesOf(collection.fields)).toMatchObject({
      _owner: 'TEXT',
      title: 'TEXT',
      notes: 'TEXT',
      due: 'DATE',
      photo: 'IMAGE',
      tags: 'ARRAY', // the values (a Firestore array) come first
    });
    expect(collection.capabilities.dataOperations).toContain('INSERT');
  });

  test('without a descriptor, a key null everywhere is listed as ANY and _owner as TEXT', async () => {
    const collection = await describeOne('undeclared');
    expect(typesOf(collection.fields)).toMatchObject({ _owner: 'TEXT', title: 'TEXT', extra: 'ANY' });
    expect(collection.capabilities.dataOperations).toContain('INSERT');
  });
});

describe('a reference collection with no documents yet, and _descriptor itself', () => {
  beforeAll(async () => {
    await db
      .collection('_descriptor')
      .doc('emptyref')
      .set({
        id: 'emptyref',
        fields: [...SYSTEM_INPUT, inputField('name', 'text', 'string'), inputField('qty', 'number', 'float')],
      });
  });

  test('is listed from its descriptor, queryable (no items) and insertable', async () => {
    const collection = await describeOne('emptyref');
    expect(typesOf(collection.fields)).toEqual({
      _id: 'TEXT',
      _createdDate: 'DATETIME',
      _updatedDate: 'DATETIME',
      _owner: 'TEXT',
      name: 'TEXT',
      qty: 'NUMBER',
    });
    expect(collection.capabilities.dataOperations).toContain('INSERT');
    const empty = await harness.client.query('emptyref');
    expect(empty.status, JSON.stringify(empty.body)).toBe(200);
    expect(empty.body.items).toEqual([]);
    const inserted = await harness.client.insert('emptyref', [{ _id: 'e1', name: 'first', qty: 2 }]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    expect((await harness.client.query('emptyref')).body.items).toMatchObject([{ _id: 'e1', name: 'first', qty: 2 }]);
  });

  test('_descriptor is never listed, nor creatable', async () => {
    const all = await harness.client.listCollections();
    expect(all.status).toBe(200);
    const ids = all.body.collections.map((c: { id: string }) => c.id);
    expect(ids).toContain('emptyref');
    expect(ids).not.toContain('_descriptor');
    expect((await harness.client.listCollections(['_descriptor'])).body.collections).toEqual([]);
    const created = await harness.client.createCollection({ id: '_descriptor', fields: [] });
    expect(created.status).toBe(400);
  });

  test('deleting a collection the descriptor declares removes the declaration too', async () => {
    await db
      .collection('_descriptor')
      .doc('gone')
      .set({ id: 'gone', fields: [...SYSTEM_INPUT] });
    expect((await describeOne('gone')).id).toBe('gone');
    const deleted = await harness.client.deleteCollection('gone');
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect((await harness.client.listCollections(['gone'])).body.collections).toEqual([]);
    expect((await db.collection('_descriptor').doc('gone').get()).exists).toBe(false);
  });
});
