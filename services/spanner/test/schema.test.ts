/**
 * Schema round trip (docs/protocol.md §5): what Wix creates is listed back exactly,
 * also by a fresh storage (cold cache, read from INFORMATION_SCHEMA and the
 * metadata table); changes Spanner cannot make are refused per field.
 */
import { startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { METADATA_TABLE, REFERENCES_TABLE } from '../src/ddl.ts';
import { createSpannerStorage } from '../src/storage.ts';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const PLANTS = {
  id: 'plants',
  displayName: 'Plants',
  fields: [
    { key: 'name', type: 'TEXT', displayName: 'Name', description: 'Common name' },
    { key: 'photo', type: 'IMAGE', displayName: 'Photo' },
    { key: 'notes', type: 'RICH_TEXT' },
    { key: 'site', type: 'URL' },
    { key: 'height', type: 'NUMBER' },
    { key: 'indoor', type: 'BOOLEAN' },
    { key: 'planted', type: 'DATE' },
    { key: 'watered', type: 'DATETIME' },
    { key: 'alarm', type: 'TIME' },
    { key: 'care', type: 'OBJECT' },
    { key: 'address', type: 'ADDRESS' },
    { key: 'aliases', type: 'ARRAY_STRING' },
    { key: 'gallery', type: 'MEDIA_GALLERY' },
    { key: 'extra', type: 'ANY' },
    { key: 'family', type: 'REFERENCE', singleReferenceOptions: { referencedCollectionId: 'families' } },
    { key: 'suppliers', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: 'suppliers' } },
  ],
};

describe('collections on Spanner', () => {
  let h: SpannerHarness;
  beforeAll(async () => {
    h = await startSpannerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('create → list round-trips every type, name, description and option, also from a cold cache', async () => {
    const { client } = h.harness;
    const created = await client.createCollection(PLANTS);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    for (const field of PLANTS.fields) {
      expect(created.body.collection.fields).toContainEqual(expect.objectContaining(field));
    }
    expect((await client.listCollections(['plants'])).body.collections).toEqual([created.body.collection]);

    const cold = createSpannerStorage({ database: h.db.database });
    const stored = await cold.getCollection('plants');
    expect(stored?.fields.map(({ key, type }) => ({ key, type }))).toEqual(
      created.body.collection.fields.map(({ key, type }: { key: string; type: string }) => ({ key, type })),
    );
    expect(stored?.displayName).toBe('Plants');
    const ids = (await cold.listCollections()).map((c) => c.id);
    expect(ids).not.toContain(METADATA_TABLE);
    expect(ids).not.toContain(REFERENCES_TABLE);
  });

  test('a type change Spanner cannot make in place is refused per field while items hold values', async () => {
    const { client } = h.harness;
    await client.insert('plants', [{ _id: 'p1', height: 30 }]);
    const changed = PLANTS.fields.map((f) => (f.key === 'height' ? { ...f, type: 'TEXT' } : f));
    const refused = await client.updateCollection({ ...PLANTS, fields: changed });
    expect(refused.status).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(refused.body.data.errors).toEqual([
      { fieldKey: 'height', message: expect.stringContaining('cannot convert NUMBER to TEXT') },
    ]);
    expect((await client.query('plants', {})).body.items[0].height).toBe(30);
    // Same column type (STRING): only the Wix type changes, values stay.
    const relabel = PLANTS.fields.map((f) => (f.key === 'photo' ? { ...f, type: 'DOCUMENT' } : f));
    const ok = await client.updateCollection({ ...PLANTS, fields: relabel });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.collection.fields.find((f: { key: string }) => f.key === 'photo').type).toBe('DOCUMENT');
  });

  test('a declared type change over the same column type is refused while items hold values, allowed when none do', async () => {
    const { client } = h.harness;
    // Each pair keeps Spanner's column type (STRING or JSON): no DDL would convert or check the values.
    const cases: [string, string, unknown][] = [
      ['TEXT', 'DATE', 'hello'],
      ['TEXT', 'DATE', '2024-13-45'],
      ['TEXT', 'TIME', 'hello'],
      ['ANY', 'OBJECT', 5],
      ['ANY', 'OBJECT', 'str'],
      ['ANY', 'OBJECT', [1, 2]],
      ['ANY', 'ADDRESS', true],
      ['OBJECT', 'MEDIA_GALLERY', { a: 1 }],
    ];
    for (const [i, [from, to, value]] of cases.entries()) {
      const id = `relabel${i}`;
      expect((await client.createCollection({ id, fields: [{ key: 'f', type: from }] })).status).toBe(200);
      expect((await client.insert(id, [{ _id: 'a', f: value }])).body.results[0].error).toBeUndefined();
      const refused = await client.updateCollection({ id, fields: [{ key: 'f', type: to }] });
      expect(refused.status, `${from} → ${to} over ${JSON.stringify(value)}: ${JSON.stringify(refused.body)}`).toBe(
        400,
      );
      expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
      expect(refused.body.data.errors).toEqual([
        { fieldKey: 'f', message: expect.stringContaining(`${from} to ${to}`) },
      ]);
      expect((await client.query(id, {})).body.items[0].f).toEqual(value);
      // Once no item holds a value, the change is made (metadata only).
      expect((await client.update(id, [{ _id: 'a' }])).body.results[0].error).toBeUndefined();
      const changed = await client.updateCollection({ id, fields: [{ key: 'f', type: to }] });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body.collection.fields.find((f: { key: string }) => f.key === 'f').type).toBe(to);
    }
  });

  test('an indexed field cannot be dropped until its index is removed', async () => {
    const { client } = h.harness;
    expect((await client.createIndex('plants', { name: 'by_name', fields: [{ path: 'name' }] })).status).toBe(200);
    const withoutName = PLANTS.fields.filter((f) => f.key !== 'name');
    const refused = await client.updateCollection({ ...PLANTS, fields: withoutName });
    expect(refused.status).toBe(400);
    expect(refused.body.data.errors[0]).toEqual({ fieldKey: 'name', message: expect.stringContaining('by_name') });
    expect((await client.removeIndex('plants', 'by_name')).status).toBe(200);
    const dropped = await client.updateCollection({ ...PLANTS, fields: withoutName });
    expect(dropped.status, JSON.stringify(dropped.body)).toBe(200);
    expect(dropped.body.collection.fields.map((f: { key: string }) => f.key)).not.toContain('name');
  });

  test('ids Spanner cannot name a table with are refused with a reason; delete drops everything', async () => {
    const { client } = h.harness;
    const bad = await client.createCollection({ id: 'my-plants', fields: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.errorMessage).toContain('letters, digits and underscores');
    const reserved = await client.createCollection({ id: 'wix_adaptor_x', fields: [] });
    expect(reserved.status).toBe(400);
    const badKey = await client.createCollection({ id: 'ok_id', fields: [{ key: 'a b', type: 'TEXT' }] });
    expect(badKey.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(badKey.body.data.errors[0].fieldKey).toBe('a b');

    expect((await client.deleteCollection('plants')).status).toBe(200);
    expect((await client.listCollections(['plants'])).body.collections).toEqual([]);
    const [rows] = await h.db.database.run({
      sql: `SELECT COUNT(*) AS n FROM ${METADATA_TABLE} WHERE collection_id = 'plants'`,
      json: true,
    });
    expect(rows).toEqual([{ n: 0 }]);
  });

  test('names Spanner compares ignoring case, or shares between tables and indexes, are refused with that cause', async () => {
    const { client } = h.harness;
    // Two keys naming one column.
    const clash = await client.createCollection({
      id: 'cased',
      fields: [
        { key: 'Name', type: 'TEXT' },
        { key: 'name', type: 'TEXT' },
      ],
    });
    expect(clash.status).toBe(400);
    expect(clash.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(clash.body.data.errors).toEqual([
      { fieldKey: 'name', message: expect.stringContaining("clashes with 'Name'") },
    ]);
    // A collection whose id differs from an existing one only in case.
    expect((await client.createCollection({ id: 'herbs', fields: [] })).status).toBe(200);
    const cased = await client.createCollection({ id: 'Herbs', fields: [] });
    expect(cased.status).toBe(409);
    expect(cased.body.errorCode).toBe('COLLECTION_ALREADY_EXISTS');
    expect(cased.body.errorMessage).toContain("'herbs'");
    expect(cased.body.errorMessage).toContain('ignore case');
    // A collection id an index holds (indexes are named <collection>__<name>), and the other way round.
    expect((await client.createIndex('herbs', { name: 'q2', fields: [{ path: '_owner', order: 'ASC' }] })).status).toBe(
      200,
    );
    const onIndex = await client.createCollection({ id: 'herbs__q2', fields: [] });
    expect(onIndex.status, JSON.stringify(onIndex.body)).toBe(400);
    expect(onIndex.body.errorMessage).toContain("the index 'q2' of the collection 'herbs'");
    expect((await client.createCollection({ id: 'herbs__q3', fields: [] })).status).toBe(200);
    const onTable = await client.createIndex('herbs', { name: 'q3', fields: [{ path: '_owner', order: 'ASC' }] });
    expect(onTable.status, JSON.stringify(onTable.body)).toBe(400);
    expect(onTable.body.errorMessage).toContain("the table 'herbs__q3'");
    // The adaptor's reserved prefix, in any case.
    const reserved = await client.createCollection({ id: 'WIX_ADAPTOR_REFERENCES', fields: [] });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errorMessage).toContain('reserved');
  });

  test('READ_ONLY_SCHEMA: capabilities say so and the core refuses schema changes', async () => {
    const storage = createSpannerStorage({ database: h.db.database, readOnlySchema: true });
    const harness = await startHarness({ storage });
    try {
      expect((await harness.client.capabilities()).body.supportsCollectionModifications).toBe(false);
      const refused = await harness.client.createCollection({ id: 'not_allowed', fields: [] });
      expect(refused.status).toBe(400);
      expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
      expect(await storage.getCollection('not_allowed')).toBeUndefined();
    } finally {
      await harness.close();
    }
  });
});
