/**
 * Owner tables (created in the dataset, not through the adaptor) that pass or fail
 * Wix's read-write rule in ways the column types alone decide: a non-STRING `_id`, a
 * REQUIRED column the adaptor cannot write; and the owner's values a write must keep (a
 * stored `_createdDate` finer than milliseconds); `_id`s held by several rows or by none
 * (BigQuery has no unique keys).
 * Each case runs on the project's emulator through the signed Wix client.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { physicalTable } from '../src/catalog.ts';
import { buildCollection } from '../src/collections.ts';
import { deleteByIds, replaceRows } from '../src/dml.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

const SYSTEM = '_createdDate TIMESTAMP, _updatedDate TIMESTAMP, _owner STRING';

/** 2020-01-02T03:04:05.123456Z in microseconds. */
const MICROS = String(Date.parse('2020-01-02T03:04:05.123Z') * 1000 + 456);

type Listed = { id: string; capabilities: { dataOperations: string[] } };

describe('owner tables', () => {
  let h: BigQueryHarness;
  const ddl = (sql: string) => h.ds.bq.query({ query: sql });
  const table = (name: string) => `\`${h.ds.datasetId}.${name}\``;
  beforeAll(async () => {
    h = await startBigQueryHarness();
    await ddl(`CREATE TABLE ${table('bq_intid')} (_id INT64, ${SYSTEM}, name STRING)`);
    await ddl(`INSERT INTO ${table('bq_intid')} (_id, name) VALUES (9007199254740993, 'big')`);
    await ddl(`CREATE TABLE ${table('bq_keep')} (_id STRING, ${SYSTEM}, title STRING)`);
    await ddl(
      `INSERT INTO ${table('bq_keep')} (_id, _createdDate, title) VALUES ` +
        "('k1', TIMESTAMP '2020-01-02 03:04:05.123456+00', 'one'), ('k2', TIMESTAMP '2020-01-02 03:04:05.123456+00', 'two')",
    );
    await ddl(`CREATE TABLE ${table('bq_idonly')} (_id STRING, name STRING)`);
    await ddl(
      `INSERT INTO ${table('bq_idonly')} (_id, name) VALUES ('a', 'apple'), ('a', 'dup-a'), (NULL, 'no id'), ('b', 'banana')`,
    );
    await ddl(`CREATE TABLE ${table('bq_dups')} (_id STRING, ${SYSTEM}, name STRING)`);
    await ddl(`INSERT INTO ${table('bq_dups')} (_id, name) VALUES ('a', 'apple'), ('a', 'dup-a'), ('b', 'banana')`);
    await ddl(`CREATE TABLE ${table('bq_rw_req')} (_id STRING, ${SYSTEM}, title STRING, when_dt DATETIME NOT NULL)`);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function listed(id: string): Promise<Listed> {
    const answer = await h.harness.client.listCollections([id]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.collections[0] as Listed;
  }

  test('an INT64 _id makes the table read-only, saying _id must be STRING (no write reaches BigQuery)', async () => {
    const { client } = h.harness;
    const ops = (await listed('bq_intid')).capabilities.dataOperations;
    expect(ops).toContain('QUERY');
    for (const op of ['INSERT', 'UPDATE', 'REMOVE']) expect(ops).not.toContain(op);
    for (const call of [
      () => client.insert('bq_intid', [{ _id: '5' }]),
      () => client.insert('bq_intid', [{ name: 'generated id' }]),
      () => client.update('bq_intid', [{ _id: '9007199254740993', name: 'x' }]),
    ]) {
      const answer = await call();
      expect(answer.status, JSON.stringify(answer.body)).toBe(400);
      expect(answer.body.errorMessage).toContain('read-only');
      expect(answer.body.errorMessage).toContain('_id must be STRING');
    }
    // Still read exactly.
    const read = await client.query('bq_intid', {});
    expect(read.body.items).toEqual([expect.objectContaining({ _id: '9007199254740993', name: 'big' })]);
  });

  test('a REQUIRED column the adaptor cannot write makes the table read-only, naming the column and the fix', async () => {
    const { client } = h.harness;
    expect((await listed('bq_rw_req')).capabilities.dataOperations).not.toContain('INSERT');
    const insert = await client.insert('bq_rw_req', [{ _id: 'r1', title: 'x' }]);
    expect(insert.status, JSON.stringify(insert.body)).toBe(400);
    expect(insert.body.errorMessage).toContain('read-only');
    expect(insert.body.errorMessage).toContain('when_dt (DATETIME) is REQUIRED');
    expect(insert.body.errorMessage).toContain('DROP NOT NULL');
    const update = await client.updateCollection({ id: 'bq_rw_req', fields: [{ key: 'title', type: 'TEXT' }] });
    expect(update.status).toBe(400);
    expect(update.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
  });

  test('a REQUIRED column with a default value (BigQuery fills it) keeps the table writable', () => {
    // The emulator keeps no defaultValueExpression: the definition as tables.get answers it on BigQuery.
    const fields = [
      { name: '_id', type: 'STRING' },
      { name: '_createdDate', type: 'TIMESTAMP' },
      { name: '_updatedDate', type: 'TIMESTAMP' },
      { name: '_owner', type: 'STRING' },
      { name: 'when_dt', type: 'DATETIME', mode: 'REQUIRED', defaultValueExpression: 'CURRENT_DATETIME()' },
    ];
    expect(buildCollection(physicalTable('t', { schema: { fields } })).stored.readOnly).toBeUndefined();
    const without = fields.map(({ defaultValueExpression: _, ...f }) => f);
    expect(buildCollection(physicalTable('t', { schema: { fields: without } })).stored.readOnlyReason).toContain(
      'when_dt (DATETIME) is REQUIRED',
    );
  });

  test("update and save of an existing item keep the owner's stored _createdDate, microseconds too", async () => {
    const { client } = h.harness;
    const stored = async (id: string) => {
      const [rows] = await h.ds.bq.query({
        query: `SELECT UNIX_MICROS(_createdDate) AS created, title FROM ${table('bq_keep')} WHERE _id = @id`,
        params: { id },
      });
      const row = rows[0] as { created: unknown; title: string } | undefined;
      return row && { created: String(row.created), title: row.title };
    };
    const updated = await client.update('bq_keep', [{ _id: 'k1', title: 'one again' }]);
    expect(updated.body.results[0].item, JSON.stringify(updated.body)).toMatchObject({
      _id: 'k1',
      _createdDate: { $date: '2020-01-02T03:04:05.123Z' },
    });
    expect(await stored('k1')).toEqual({ created: MICROS, title: 'one again' });
    // Save (insert with overwriteExisting) of an existing item is a full replacement like update.
    const saved = await client.insert(
      'bq_keep',
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
    expect(await stored('k2')).toEqual({ created: MICROS, title: 'two again' });
    const fresh = saved.body.results[1].item;
    expect(fresh._createdDate).toEqual(fresh._updatedDate);
    expect((await stored('k3'))?.title).toBe('new');
  });

  async function names(name: string): Promise<string[]> {
    const [rows] = await h.ds.bq.query({ query: `SELECT name FROM ${table(name)} ORDER BY name` });
    return (rows as { name: string }[]).map((r) => r.name);
  }

  test('collections/update does not make a table writable while _id is NULL or repeated in some row', async () => {
    const { client } = h.harness;
    const before = await listed('bq_idonly');
    expect(before.capabilities.dataOperations).not.toContain('INSERT');
    const update = await client.updateCollection({
      id: 'bq_idonly',
      fields: [
        { key: '_id', type: 'TEXT' },
        { key: 'name', type: 'TEXT' },
      ],
    });
    expect(update.status, JSON.stringify(update.body)).toBe(400);
    expect(update.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(JSON.stringify(update.body)).toContain('_id must hold a unique text id for every existing row');
    // Nothing changed: no system column was added, the table is still read-only.
    const [meta] = await h.ds.bq.dataset(h.ds.datasetId).table('bq_idonly').getMetadata();
    expect((meta.schema.fields as { name: string }[]).map((f) => f.name)).toEqual(['_id', 'name']);
    expect((await listed('bq_idonly')).capabilities.dataOperations).not.toContain('UPDATE');
    expect(await names('bq_idonly')).toEqual(['apple', 'banana', 'dup-a', 'no id']);
  });

  test('a write by _id never changes several rows: an _id held by several rows fails its item', async () => {
    const { client } = h.harness;
    expect((await listed('bq_dups')).capabilities.dataOperations).toContain('UPDATE');
    const updated = await client.update('bq_dups', [
      { _id: 'a', name: 'apple2' },
      { _id: 'b', name: 'banana2' },
    ]);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.results[0].error).toMatchObject({ errorCode: 'VALIDATION_ERROR' });
    expect(updated.body.results[0].error.errorMessage).toContain('2 rows');
    expect(updated.body.results[0].error.data.violations[0]).toMatchObject({ fieldPath: '_id', rejectedValue: 'a' });
    expect(updated.body.results[1].item).toMatchObject({ _id: 'b', name: 'banana2' });
    const saved = await client.insert('bq_dups', [{ _id: 'a', name: 'apple3' }], { overwriteExisting: true });
    expect(saved.body.results[0].error, JSON.stringify(saved.body)).toMatchObject({ errorCode: 'VALIDATION_ERROR' });
    const removed = await client.remove('bq_dups', ['a']);
    expect(removed.body.results[0].error, JSON.stringify(removed.body)).toMatchObject({
      errorCode: 'VALIDATION_ERROR',
    });
    expect(await names('bq_dups')).toEqual(['apple', 'banana2', 'dup-a']);
  });

  test('the write statements themselves skip an _id held by several rows (a duplicate made meanwhile)', async () => {
    const written = buildCollection(physicalTable('bq_dups', { schema: { fields: await schemaOf('bq_dups') } }));
    const at = (key: string) => written.writeColumns.findIndex((w) => w.key === key);
    const row = (id: string, name: string) => {
      const out: Record<string, unknown> = Object.fromEntries(written.writeColumns.map((_, i) => [`c${i}`, null]));
      out[`c${at('_id')}`] = id;
      out[`c${at('name')}`] = name;
      return out;
    };
    const run = (statement: { sql: string; params: Record<string, unknown>; types: Record<string, unknown> }) =>
      h.ds.bq.query({
        query: statement.sql.replaceAll('`bq_dups`', table('bq_dups')),
        params: statement.params,
        types: statement.types as never,
      });
    for (const upsert of [false, true]) {
      await run(replaceRows('bq_dups', written.writeColumns, [row('a', 'clobbered')], { keep: [], upsert }));
    }
    await run(deleteByIds('bq_dups', ['a']));
    expect(await names('bq_dups')).toEqual(['apple', 'banana2', 'dup-a']);
  });

  async function schemaOf(name: string) {
    const [meta] = await h.ds.bq.dataset(h.ds.datasetId).table(name).getMetadata();
    return meta.schema.fields;
  }
});
