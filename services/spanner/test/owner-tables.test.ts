/**
 * Owner tables (created in the database, not through the adaptor) that pass or fail
 * Wix's read-write rule in ways the column types alone decide: a non-STRING `_id`, a
 * NOT NULL column the adaptor cannot write; and how writes treat the columns Spanner fills
 * itself (generated columns, DEFAULT values) and the owner's values the adaptor does not write (a stored
 * `_createdDate` finer than milliseconds, columns left out of the collection).
 * Each case ran against the real emulator through the signed Wix client.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const SYSTEM = '_createdDate TIMESTAMP, _updatedDate TIMESTAMP, _owner STRING(MAX)';

const SCHEMA = [
  `CREATE TABLE owner_intid (_id INT64 NOT NULL, ${SYSTEM}, name STRING(MAX)) PRIMARY KEY (_id)`,
  'CREATE TABLE owner_intowner (_id STRING(MAX) NOT NULL, _createdDate TIMESTAMP, _updatedDate TIMESTAMP, _owner INT64) PRIMARY KEY (_id)',
  `CREATE TABLE owner_rw_nn (_id STRING(MAX) NOT NULL, ${SYSTEM}, title STRING(MAX), f32_nn FLOAT32 NOT NULL) PRIMARY KEY (_id)`,
  `CREATE TABLE owner_rw (_id STRING(MAX) NOT NULL, ${SYSTEM}, title STRING(20), gen STRING(MAX) AS (UPPER(title)) STORED) PRIMARY KEY (_id)`,
  `CREATE TABLE owner_keep (_id STRING(MAX) NOT NULL, ${SYSTEM}, title STRING(MAX), weight FLOAT32) PRIMARY KEY (_id)`,
  `CREATE TABLE owner_def (_id STRING(MAX) NOT NULL, ${SYSTEM}, label STRING(MAX), with_default STRING(MAX) DEFAULT ('dflt'), ` +
    "created_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP()), nn_def STRING(MAX) NOT NULL DEFAULT ('nn')) PRIMARY KEY (_id)",
  `CREATE TABLE owner_bytes (_id STRING(MAX) NOT NULL, ${SYSTEM}, byt BYTES(MAX), byts ARRAY<BYTES(MAX)>) PRIMARY KEY (_id)`,
  `CREATE TABLE owner_rw_nn_def (_id STRING(MAX) NOT NULL, ${SYSTEM}, title STRING(MAX), f32_def FLOAT32 NOT NULL DEFAULT (1.5)) PRIMARY KEY (_id)`,
];

type Listed = { id: string; capabilities: { dataOperations: string[] } };

describe('owner tables', () => {
  let h: SpannerHarness;
  beforeAll(async () => {
    h = await startSpannerHarness({ schema: SCHEMA });
    await h.db.database.runTransactionAsync(async (tx) => {
      await tx.runUpdate({
        sql:
          'INSERT INTO owner_keep (_id, _createdDate, title, weight) VALUES ' +
          "('k1', TIMESTAMP '2020-01-02T03:04:05.123456Z', 'one', 1.5), ('k2', TIMESTAMP '2020-01-02T03:04:05.123456Z', 'two', 2.5)",
      });
      await tx.commit();
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  async function listed(id: string): Promise<Listed> {
    const answer = await h.harness.client.listCollections([id]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.collections[0] as Listed;
  }

  test('an INT64 _id (or _owner) makes the table read-only, saying the column must be STRING', async () => {
    const { client } = h.harness;
    for (const id of ['owner_intid', 'owner_intowner']) {
      const ops = (await listed(id)).capabilities.dataOperations;
      expect(ops).toContain('QUERY');
      expect(ops).not.toContain('INSERT');
      expect(ops).not.toContain('UPDATE');
      expect(ops).not.toContain('REMOVE');
    }
    const insert = await client.insert('owner_intid', [{ _id: '5' }]);
    expect(insert.status).toBe(400);
    expect(insert.body.errorMessage).toContain('read-only');
    expect(insert.body.errorMessage).toContain('_id must be STRING(MAX)');
    const owner = await client.insert('owner_intowner', [{ _id: 'a' }]);
    expect(owner.status).toBe(400);
    expect(owner.body.errorMessage).toContain('_owner must be STRING(MAX)');
    // collections/update cannot change a column's type: refused, the owner fixes it in the database.
    const update = await client.updateCollection({
      id: 'owner_intid',
      fields: [
        { key: '_id', type: 'TEXT' },
        { key: 'name', type: 'TEXT' },
      ],
    });
    expect(update.status).toBe(400);
    expect(update.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
  });

  test('a NOT NULL column the adaptor cannot write makes the table read-only, naming the column and the fix', async () => {
    const { client } = h.harness;
    expect((await listed('owner_rw_nn')).capabilities.dataOperations).not.toContain('INSERT');
    const insert = await client.insert('owner_rw_nn', [{ _id: 'n1', title: 'x' }]);
    expect(insert.status, JSON.stringify(insert.body)).toBe(400);
    expect(insert.body.errorMessage).toContain('read-only');
    expect(insert.body.errorMessage).toContain('f32_nn (FLOAT32) is NOT NULL');
    expect(insert.body.errorMessage).toContain('DEFAULT');
    // Nor can collections/update fix it: the owner changes the column in the database.
    const update = await client.updateCollection({ id: 'owner_rw_nn', fields: [{ key: 'title', type: 'TEXT' }] });
    expect(update.status).toBe(400);
    expect(update.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    // With a DEFAULT the database fills it: the table is writable and an insert stores the default.
    expect((await listed('owner_rw_nn_def')).capabilities.dataOperations).toContain('INSERT');
    const ok = await client.insert('owner_rw_nn_def', [{ _id: 'd1', title: 'x' }]);
    expect(ok.body.results?.[0]?.item, JSON.stringify(ok.body)).toMatchObject({ _id: 'd1', title: 'x' });
    const [rows] = await h.db.database.run({ sql: "SELECT f32_def FROM owner_rw_nn_def WHERE _id = 'd1'", json: true });
    expect(rows).toEqual([{ f32_def: 1.5 }]);
  });

  test('a generated column is read and answered, never written: a value sent for it is ignored', async () => {
    const { client } = h.harness;
    const collection = await listed('owner_rw');
    expect(collection.capabilities.dataOperations).toContain('INSERT');
    const inserted = await client.insert('owner_rw', [
      { _id: 'n2', title: 'x' },
      { _id: 'n3', title: 'y', gen: 'sent by the site' },
      { title: 'generated id' },
    ]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    const items = inserted.body.results.map((r: { item?: Record<string, unknown> }) => r.item);
    // The answer is the item as stored: with the value Spanner computed.
    expect(items[0]).toMatchObject({ _id: 'n2', title: 'x', gen: 'X' });
    expect(items[1]).toMatchObject({ _id: 'n3', title: 'y', gen: 'Y' });
    expect(items[2]).toMatchObject({ title: 'generated id', gen: 'GENERATED ID' });
    const read = await client.query('owner_rw', { filter: { _id: { $in: ['n2', 'n3'] } } });
    expect(read.body.items).toEqual([items[0], items[1]]);
    // An update (Wix sends back every field it read, the generated one too) and a save: recomputed.
    const updated = await client.update('owner_rw', [{ ...items[0], title: 'z', gen: 'X' }]);
    expect(updated.body.results[0].item, JSON.stringify(updated.body)).toMatchObject({
      _id: 'n2',
      title: 'z',
      gen: 'Z',
    });
    const saved = await client.insert('owner_rw', [{ _id: 'n3', title: 'w', gen: 'Y' }], { overwriteExisting: true });
    expect(saved.body.results[0].item, JSON.stringify(saved.body)).toMatchObject({ _id: 'n3', title: 'w', gen: 'W' });
    const removed = await client.remove('owner_rw', ['n3']);
    expect(removed.body.results[0].item).toMatchObject({ _id: 'n3', title: 'w', gen: 'W' });
  });

  test("update and save of an existing item keep the owner's stored _createdDate (microseconds too) and hidden columns", async () => {
    const { client } = h.harness;
    const stored = async (id: string) => {
      const [rows] = await h.db.database.run({
        sql: 'SELECT FORMAT_TIMESTAMP("%FT%H:%M:%E6SZ", _createdDate, "UTC") AS created, title, CAST(weight AS FLOAT64) AS weight FROM owner_keep WHERE _id = @id',
        params: { id },
        json: true,
      });
      return rows[0] as { created: string; title: string; weight: number } | undefined;
    };
    const updated = await client.update('owner_keep', [{ _id: 'k1', title: 'one again' }]);
    expect(updated.body.results[0].item, JSON.stringify(updated.body)).toMatchObject({
      _id: 'k1',
      title: 'one again',
      _createdDate: { $date: '2020-01-02T03:04:05.123Z' },
    });
    expect(await stored('k1')).toEqual({ created: '2020-01-02T03:04:05.123456Z', title: 'one again', weight: 1.5 });
    // Save (insert with overwriteExisting) of an existing item is a full replacement like update.
    const saved = await client.insert(
      'owner_keep',
      [
        { _id: 'k2', title: 'two again' },
        { _id: 'k3', title: 'new' },
      ],
      {
        overwriteExisting: true,
      },
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.results[0].item).toMatchObject({
      _id: 'k2',
      _createdDate: { $date: '2020-01-02T03:04:05.123Z' },
    });
    expect(await stored('k2')).toEqual({ created: '2020-01-02T03:04:05.123456Z', title: 'two again', weight: 2.5 });
    // A new item saved is inserted: its dates are the call's.
    const fresh = saved.body.results[1].item;
    expect(fresh._createdDate).toEqual(fresh._updatedDate);
    expect((await stored('k3'))?.title).toBe('new');
  });

  test("an insert leaves out a DEFAULT column the item does not carry, so the database's default applies", async () => {
    const { client } = h.harness;
    const stored = async (id: string) => {
      const [rows] = await h.db.database.run({
        sql: 'SELECT label, with_default, created_at IS NOT NULL AS has_created_at, nn_def FROM owner_def WHERE _id = @id',
        params: { id },
        json: true,
      });
      return rows[0];
    };
    const inserted = await client.insert('owner_def', [
      { _id: 'd1', label: 'x' },
      { _id: 'd2', label: 'y', with_default: 'mine', nn_def: 'set', created_at: null },
    ]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    expect(await stored('d1')).toEqual({ label: 'x', with_default: 'dflt', has_created_at: true, nn_def: 'nn' });
    // null is a missing value to Wix (docs/semantics.md §4): the default applies to it too.
    expect(await stored('d2')).toEqual({ label: 'y', with_default: 'mine', has_created_at: true, nn_def: 'set' });
    // The answer is the item as stored, the defaults included.
    const [d1, d2] = inserted.body.results.map((r: { item: Record<string, unknown> }) => r.item);
    expect(d1).toMatchObject({ _id: 'd1', label: 'x', with_default: 'dflt', nn_def: 'nn' });
    expect(d1.created_at).toEqual({ $date: expect.stringMatching(/Z$/) });
    expect(d2).toMatchObject({ _id: 'd2', with_default: 'mine', nn_def: 'set' });
    expect((await client.query('owner_def', { filter: { _id: 'd1' } })).body.items).toEqual([d1]);

    // An update is a full replacement: absent fields are cleared — but a NOT NULL column cannot be, it keeps its value.
    const updated = await client.update('owner_def', [{ _id: 'd1', label: 'x2' }]);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(await stored('d1')).toEqual({ label: 'x2', with_default: null, has_created_at: false, nn_def: 'nn' });
    expect(updated.body.results[0].item).toMatchObject({ _id: 'd1', label: 'x2', nn_def: 'nn' });
    expect(updated.body.results[0].item.with_default ?? null).toBeNull();

    // A save inserts a new item (defaults apply) and replaces an existing one as an update does.
    const saved = await client.insert('owner_def', [{ _id: 'd3' }, { _id: 'd2', label: 'y2' }], {
      overwriteExisting: true,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(await stored('d3')).toEqual({ label: null, with_default: 'dflt', has_created_at: true, nn_def: 'nn' });
    expect(await stored('d2')).toEqual({ label: 'y2', with_default: null, has_created_at: false, nn_def: 'set' });
    expect(saved.body.results[0].item).toMatchObject({ _id: 'd3', with_default: 'dflt', nn_def: 'nn' });
  });

  test('a BYTES value must be base64: anything else fails its item, naming the field', async () => {
    const { client } = h.harness;
    const answer = await client.insert('owner_bytes', [
      { _id: 'bd4', byt: 'not base64!!' },
      { _id: 'bd5', byt: 'aGVsbG8=', byts: ['AAE=', ''] },
      { _id: 'bd6', byts: ['aGVsbG8', 'AAE='] },
    ]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const [bad, good, badArray] = answer.body.results;
    expect(bad.error).toMatchObject({ errorCode: 'VALIDATION_ERROR' });
    expect(bad.error.data.violations[0]).toMatchObject({ fieldPath: 'byt', rejectedValue: 'not base64!!' });
    expect(bad.error.errorMessage).toContain('base64');
    expect(badArray.error.data.violations[0].fieldPath).toBe('byts');
    expect(good.item).toMatchObject({ _id: 'bd5', byt: 'aGVsbG8=', byts: ['AAE=', ''] });
    const read = await client.query('owner_bytes', {});
    expect(read.body.items.map((i: { _id: string }) => i._id)).toEqual(['bd5']);
    expect(read.body.items[0]).toMatchObject({ byt: 'aGVsbG8=', byts: ['AAE=', ''] });
  });
});
