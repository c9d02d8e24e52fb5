/**
 * Collections round-trip through BigQuery tables (docs/protocol.md §9.2: a listing
 * returns exactly what was created): every supported Wix field type with
 * display names, descriptions and reference options is created, then listed
 * by a COLD storage (a new instance over the same dataset, so nothing comes
 * from the first one's cache — only from the table schema and descriptions);
 * updated (add, remove, retype an empty field, rename); deleted; a retype of
 * a field holding values is refused.
 */
import { FIELD_TYPES, type FieldType } from '@adaptors/core';
import { type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clientOf } from '../src/client.ts';
import { createBigQueryStorage } from '../src/storage.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

interface WireField {
  key: string;
  type: string;
  capabilities?: unknown;
  [k: string]: unknown;
}
interface WireCollection {
  id: string;
  displayName?: string;
  fields: WireField[];
  [k: string]: unknown;
}

/** A field as created: each type's key is its lowercase name; options where the type has them. */
function fieldOf(type: FieldType): Record<string, unknown> {
  const key = `f_${type.toLowerCase()}`;
  const base = { key, type, displayName: `The ${type} field`, description: `Holds a ${type} value, ü ✓` };
  switch (type) {
    case 'REFERENCE':
      return { ...base, singleReferenceOptions: { referencedCollectionId: 'authors' } };
    case 'MULTI_REFERENCE':
      return {
        ...base,
        multiReferenceOptions: {
          referencedCollectionId: 'authors',
          referencedCollectionFieldKey: 'books',
          referencedCollectionFieldDisplayName: 'Books',
        },
      };
    case 'ARRAY':
      return { ...base, arrayOptions: { elementType: 'NUMBER' } };
    case 'OBJECT':
      return { ...base, objectOptions: { fields: [{ key: 'street', type: 'TEXT' }] } };
    default:
      return base;
  }
}

const withoutCapabilities = (c: WireCollection) => ({
  ...c,
  fields: c.fields.map(({ capabilities: _caps, ...f }) => f),
});

describe('collection schema round-trip', () => {
  let h: BigQueryHarness;
  let cold: { harness: Harness; close(): Promise<void> } | undefined;
  const SUPPORTED = FIELD_TYPES;

  /** A new storage over the same dataset: the listing comes from BigQuery, not from a cache. */
  async function coldListing(ids: string[] = []): Promise<WireCollection[]> {
    await cold?.close();
    const storage = createBigQueryStorage({
      bq: clientOf(h.ds.bq),
      projectId: h.ds.projectId,
      datasetId: h.ds.datasetId,
    });
    const harness = await startHarness({ storage });
    cold = {
      harness,
      async close() {
        await harness.close();
        await storage.close();
      },
    };
    const listed = await harness.client.listCollections(ids);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    return listed.body.collections as WireCollection[];
  }

  beforeAll(async () => {
    h = await startBigQueryHarness();
  });
  afterAll(async () => {
    await cold?.close();
    await h?.close();
  });

  test('capabilities declare every Wix field type', () => {
    expect([...h.storage.capabilities.supportedFieldTypes].sort()).toEqual([...FIELD_TYPES].sort());
  });

  test('create with every field type, then a cold listing equals what was created', async () => {
    const created = await h.harness.client.createCollection({
      id: 'library',
      displayName: 'Library — all types',
      fields: SUPPORTED.map(fieldOf),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const [listed] = await coldListing(['library']);
    expect(listed).toBeDefined();
    const warm = withoutCapabilities(created.body.collection as WireCollection);
    const coldView = withoutCapabilities(listed as WireCollection);
    expect(coldView).toEqual(warm);
    // Every created field is listed exactly (type, display name, description, options), in order.
    const userFields = coldView.fields.filter((f) => !f.key.startsWith('_'));
    expect(userFields).toEqual(SUPPORTED.map(fieldOf));
    expect(coldView.displayName).toBe('Library — all types');
    // System fields are real columns of the table.
    const [meta] = await h.ds.bq.dataset(h.ds.datasetId).table('library').getMetadata();
    const columns = (meta.schema.fields as { name: string; type: string; mode?: string }[]).map((f) => [
      f.name,
      f.type,
      f.mode ?? 'NULLABLE',
    ]);
    expect(columns).toEqual(
      expect.arrayContaining([
        ['_id', 'STRING', 'REQUIRED'],
        ['f_number', 'FLOAT', 'NULLABLE'],
        ['f_boolean', 'BOOLEAN', 'NULLABLE'],
        ['f_datetime', 'TIMESTAMP', 'NULLABLE'],
        ['f_array_string', 'JSON', 'NULLABLE'],
        ['f_object', 'JSON', 'NULLABLE'],
      ]),
    );
    // MULTI_REFERENCE has no column (its pairs live in the references table).
    expect(columns.map(([name]) => name)).not.toContain('f_multi_reference');
  });

  test('update: add, remove, retype an empty field, rename — listed exactly by a cold storage', async () => {
    const { client } = h.harness;
    const before = withoutCapabilities(
      (await client.listCollections(['library'])).body.collections[0] as WireCollection,
    );
    const next = [
      ...before.fields
        .filter((f) => f.key !== 'f_video' && f.key !== 'f_multi_reference')
        .map((f) => {
          if (f.key === 'f_number') return { ...f, type: 'TEXT', displayName: 'Number, now text' }; // empty: retyped
          if (f.key === 'f_text') return { ...f, displayName: 'Renamed text', description: 'New description' };
          return f;
        }),
      { key: 'added', type: 'NUMBER', displayName: 'Added later' },
    ];
    const updated = await client.updateCollection({ id: 'library', displayName: 'Library v2', fields: next });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const [listed] = await coldListing(['library']);
    const coldView = withoutCapabilities(listed as WireCollection);
    expect(coldView).toEqual(withoutCapabilities(updated.body.collection as WireCollection));
    expect(coldView.displayName).toBe('Library v2');
    const byKey = new Map(coldView.fields.map((f) => [f.key, f]));
    expect(byKey.get('f_number')).toMatchObject({ type: 'TEXT', displayName: 'Number, now text' });
    expect(byKey.get('f_text')).toMatchObject({ displayName: 'Renamed text', description: 'New description' });
    expect(byKey.get('added')).toEqual({ key: 'added', type: 'NUMBER', displayName: 'Added later' });
    expect(byKey.has('f_video')).toBe(false);
    expect(byKey.has('f_multi_reference')).toBe(false);
    const [meta] = await h.ds.bq.dataset(h.ds.datasetId).table('library').getMetadata();
    const types = new Map((meta.schema.fields as { name: string; type: string }[]).map((f) => [f.name, f.type]));
    expect(types.get('f_number')).toBe('STRING');
    expect(types.has('f_video')).toBe(false);
    // The retyped column holds text now.
    const inserted = await client.insert('library', [{ _id: 'b1', f_number: 'forty-two', added: 42 }]);
    expect(inserted.body.results[0].item).toMatchObject({ f_number: 'forty-two', added: 42 });
  });

  test('a retype of a field that holds values is COLLECTION_CHANGE_NOT_SUPPORTED, and nothing changes', async () => {
    const { client } = h.harness;
    const before = withoutCapabilities(
      (await client.listCollections(['library'])).body.collections[0] as WireCollection,
    );
    const fields = before.fields.map((f) => (f.key === 'added' ? { ...f, type: 'BOOLEAN' } : f));
    const refused = await client.updateCollection({ id: 'library', fields });
    expect(refused.status).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(refused.body.errorMessage).toContain('added');
    expect(refused.body.errorMessage).toContain('clear the field first');
    const [listed] = await coldListing(['library']);
    expect(withoutCapabilities(listed as WireCollection)).toEqual(before);
    expect((await client.query('library', { filter: { _id: 'b1' } })).body.items[0].added).toBe(42);
  });

  test('a declared type change over the same column type is refused while items hold values, allowed when none do', async () => {
    const { client } = h.harness;
    // Each pair keeps BigQuery's column type (STRING or JSON): no DDL would convert or check the values.
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

  test('names and descriptions holding {{projectId}} are kept as written (the client rewrites it in a `json` body)', async () => {
    const { client } = h.harness;
    const text = 'Shop of {{projectId}}';
    const fields = [{ key: 'note', type: 'TEXT', displayName: text, description: `about {{projectId}}` }];
    const created = await client.createCollection({ id: 'tokens', displayName: text, fields });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    let [listed] = await coldListing(['tokens']);
    expect(listed?.displayName).toBe(text);
    expect(listed?.fields.find((f) => f.key === 'note')).toMatchObject(fields[0] as object);
    const renamed = { key: 'note', type: 'TEXT', displayName: `${text} v2`, description: '{{projectId}}' };
    const updated = await client.updateCollection({ id: 'tokens', displayName: `${text} v2`, fields: [renamed] });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    [listed] = await coldListing(['tokens']);
    expect(listed?.displayName).toBe(`${text} v2`);
    expect(listed?.fields.find((f) => f.key === 'note')).toMatchObject(renamed);
  });

  test('delete: the table is gone, the cold listing no longer has it, a second delete is 404', async () => {
    const { client } = h.harness;
    expect((await client.deleteCollection('library')).status).toBe(200);
    const [exists] = await h.ds.bq.dataset(h.ds.datasetId).table('library').exists();
    expect(exists).toBe(false);
    expect((await coldListing()).map((c) => c.id)).not.toContain('library');
    const again = await client.deleteCollection('library');
    expect(again.status).toBe(404);
    expect(again.body.errorCode).toBe('COLLECTION_NOT_FOUND');
  });
});
