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

  test('a REQUIRED column with a default value (BigQuery fills it) keeps the table writable', async () => {
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
    // On the emulator, which keeps and applies the default: an insert fills the column it cannot write.
    await h.ds.bq.dataset(h.ds.datasetId).createTable('bq_rw_default', { schema: fields });
    const inserted = await h.harness.client.insert('bq_rw_default', [{ _id: 'd1' }]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    const [rows] = await h.ds.bq.query({
      query: `SELECT _id, when_dt IS NOT NULL AS filled FROM ${table('bq_rw_default')}`,
    });
    expect(rows).toEqual([{ _id: 'd1', filled: true }]);
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

  describe('columns with a default value', () => {
    // status: a literal; must: REQUIRED with a default; made, code: evaluated per row.
    const DEFAULTED = [
      { name: '_id', type: 'STRING', mode: 'REQUIRED' },
      { name: '_createdDate', type: 'TIMESTAMP' },
      { name: '_updatedDate', type: 'TIMESTAMP' },
      { name: '_owner', type: 'STRING' },
      { name: 'title', type: 'STRING' },
      { name: 'status', type: 'STRING', defaultValueExpression: "'new'" },
      { name: 'must', type: 'STRING', mode: 'REQUIRED', defaultValueExpression: "'kept'" },
      { name: 'made', type: 'TIMESTAMP', defaultValueExpression: 'CURRENT_TIMESTAMP()' },
      { name: 'code', type: 'STRING', defaultValueExpression: 'GENERATE_UUID()' },
    ];
    type Row = {
      _id: string;
      title: string | null;
      status: string | null;
      must: string;
      made: boolean;
      code: number | null;
    };
    const stored = async (name: string): Promise<Row[]> => {
      const [rows] = await h.ds.bq.query({
        query:
          `SELECT _id, title, status, must, made IS NOT NULL AS made, LENGTH(code) AS code ` +
          `FROM ${table(name)} ORDER BY _id`,
      });
      return rows as Row[];
    };
    const merges = (from: number) => h.statements.slice(from).filter((q) => q.startsWith('MERGE')).length;
    beforeAll(async () => {
      for (const name of ['bq_def_insert', 'bq_def_update', 'bq_def_save'])
        await h.ds.bq.dataset(h.ds.datasetId).createTable(name, { schema: DEFAULTED });
    });

    test('an inserted item without a value (missing or null) gets the default; a given value is kept; one MERGE for every mix', async () => {
      const before = h.statements.length;
      const made = '2021-05-06T07:08:09.010Z';
      const answer = await h.harness.client.insert('bq_def_insert', [
        { _id: 'a', title: 'nothing given' },
        { _id: 'b', status: 'given', must: 'mine' },
        { _id: 'c', status: null, must: null, made: null, code: null },
        { _id: 'd', status: 'all', must: 'all', made: { $date: made }, code: 'own' },
        { _id: 'e', title: 'same as a' },
      ]);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      // a, c and e leave out four defaulted columns, b two, d none: still one MERGE (dml.ts `insertedDefault`),
      // after the _id pre-read, and one read of the defaults not known before the write (made, code).
      expect(merges(before)).toBe(1);
      expect(h.statements.slice(before)).toHaveLength(3);
      expect(await stored('bq_def_insert')).toEqual([
        { _id: 'a', title: 'nothing given', status: 'new', must: 'kept', made: true, code: 36 },
        { _id: 'b', title: null, status: 'given', must: 'mine', made: true, code: 36 },
        { _id: 'c', title: null, status: 'new', must: 'kept', made: true, code: 36 },
        { _id: 'd', title: null, status: 'all', must: 'all', made: true, code: 3 },
        { _id: 'e', title: 'same as a', status: 'new', must: 'kept', made: true, code: 36 },
      ]);
      // The answers carry the values stored, the defaults BigQuery wrote included.
      const items = answer.body.results.map((r: { item: Record<string, unknown> }) => r.item);
      expect(items[0]).toMatchObject({ _id: 'a', status: 'new', must: 'kept', made: { $date: expect.any(String) } });
      expect(items[0].code).toMatch(/^[0-9a-f-]{36}$/);
      expect(items[1]).toMatchObject({ _id: 'b', status: 'given', must: 'mine' });
      expect(items[3]).toMatchObject({ status: 'all', must: 'all', made: { $date: made }, code: 'own' });
      const read = await h.harness.client.query('bq_def_insert', { filter: { _id: 'a' } });
      expect(read.body.items[0]).toEqual(items[0]);
    });

    test('an insert whose items give every defaulted column is still one MERGE', async () => {
      const before = h.statements.length;
      const answer = await h.harness.client.insert('bq_def_insert', [
        { _id: 'f', status: 's', must: 'm', made: { $date: '2020-01-01T00:00:00.000Z' }, code: 'x' },
        { _id: 'g', status: 't', must: 'n', made: { $date: '2020-01-01T00:00:00.000Z' }, code: 'y' },
      ]);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(h.statements.slice(before).filter((q) => !q.startsWith('SELECT'))).toHaveLength(1);
      expect(h.statements.slice(before)).toHaveLength(2); // the _id pre-read and the MERGE: no read-back
    });

    test('update (full replacement): a REQUIRED defaulted column without a value keeps its stored value, a nullable one is cleared', async () => {
      await h.harness.client.insert('bq_def_update', [{ _id: 'u1', status: 'open', must: 'set' }]);
      const answer = await h.harness.client.update('bq_def_update', [
        { _id: 'u1', title: 't', status: null, must: null },
      ]);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.results[0].item, JSON.stringify(answer.body)).toMatchObject({
        _id: 'u1',
        title: 't',
        must: 'set',
      });
      expect(answer.body.results[0].item.status ?? null).toBeNull();
      expect(await stored('bq_def_update')).toEqual([
        { _id: 'u1', title: 't', status: null, must: 'set', made: false, code: null },
      ]);
    });

    test('save: a new item gets the defaults, an existing one is replaced as by update', async () => {
      await h.harness.client.insert('bq_def_save', [{ _id: 's1', status: 'open', must: 'set', code: 'c1' }]);
      const before = h.statements.length;
      const answer = await h.harness.client.insert(
        'bq_def_save',
        [
          { _id: 's1', title: 'again' },
          { _id: 's2', title: 'new' },
          { _id: 's3', title: 'new too', status: 'given' },
        ],
        { overwriteExisting: true },
      );
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(merges(before)).toBe(1); // s1 and s2 leave out four defaulted columns, s3 three: one MERGE
      expect(await stored('bq_def_save')).toEqual([
        { _id: 's1', title: 'again', status: null, must: 'set', made: false, code: null },
        { _id: 's2', title: 'new', status: 'new', must: 'kept', made: true, code: 36 },
        { _id: 's3', title: 'new too', status: 'given', must: 'kept', made: true, code: 36 },
      ]);
      const items = answer.body.results.map((r: { item: Record<string, unknown> }) => r.item);
      expect(items[0]).toMatchObject({ _id: 's1', must: 'set' });
      expect(items[0].status ?? null).toBeNull();
      expect(items[1]).toMatchObject({ _id: 's2', status: 'new', must: 'kept', made: { $date: expect.any(String) } });
    });

    test('16 items, 4 defaulted columns, every mix of given, missing and null: one MERGE, no read-back of literal defaults', async () => {
      const keys = ['a', 'b', 'c', 'd'];
      await h.ds.bq.dataset(h.ds.datasetId).createTable('bq_def_mix', {
        schema: [
          ...DEFAULTED.slice(0, 4),
          ...keys.map((k) => ({ name: k, type: 'STRING', defaultValueExpression: `'dflt_${k}'` })),
        ],
      });
      // Item m gives column j when bit j of m is set; otherwise leaves it missing (j even) or null (j odd).
      const items = Array.from({ length: 16 }, (_, m) => {
        const item: Record<string, unknown> = { _id: `m${String(m).padStart(2, '0')}` };
        keys.forEach((k, j) => {
          if (m & (1 << j)) item[k] = `v${k}${m}`;
          else if (j % 2 === 1) item[k] = null;
        });
        return item;
      });
      const expected = items.map((item, m) => ({
        _id: item._id,
        ...Object.fromEntries(keys.map((k, j) => [k, m & (1 << j) ? `v${k}${m}` : `dflt_${k}`])),
      }));
      const before = h.statements.length;
      const answer = await h.harness.client.insert('bq_def_mix', items);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const sent = h.statements.slice(before);
      expect(merges(before)).toBe(1);
      // The _id pre-read and the MERGE: 'dflt_a' … are the values written, known without reading them back.
      expect(sent.filter((q) => q.startsWith('SELECT'))).toHaveLength(1);
      expect(sent).toHaveLength(2);
      const [rows] = await h.ds.bq.query({ query: `SELECT _id, a, b, c, d FROM ${table('bq_def_mix')} ORDER BY _id` });
      expect(rows).toEqual(expected);
      const answered = answer.body.results.map((r: { item: Record<string, unknown> }) => r.item);
      expected.forEach((e, m) => {
        expect(answered[m]).toMatchObject(e);
      });
      const read = await h.harness.client.query('bq_def_mix', {
        sort: [{ fieldName: '_id', order: 'ASC' }],
        limit: 20,
      });
      expect(read.body.items.map((i: Record<string, unknown>) => i)).toEqual(answered);
    });

    test('defaults of other types share the MERGE; one the statement cannot write (a FLOAT64 literal for NUMERIC) adds one per set left out', async () => {
      await h.ds.bq.dataset(h.ds.datasetId).createTable('bq_def_types', {
        schema: [
          ...DEFAULTED.slice(0, 4),
          { name: 'n', type: 'INT64', defaultValueExpression: '7' },
          { name: 'price', type: 'NUMERIC', defaultValueExpression: '2' },
          { name: 'half', type: 'NUMERIC', defaultValueExpression: '1.5' },
          { name: 'day', type: 'DATE', defaultValueExpression: "'2020-01-02'" },
          { name: 'stamp', type: 'TIMESTAMP', defaultValueExpression: 'CURRENT_TIMESTAMP' },
          { name: 'flag', type: 'BOOL', defaultValueExpression: 'TRUE' },
          { name: 'note', type: 'STRING', defaultValueExpression: "'noted' -- the owner's comment" },
        ],
      });
      const before = h.statements.length;
      const answer = await h.harness.client.insert('bq_def_types', [
        { _id: 't1' },
        { _id: 't2', n: '8', price: '3.5', half: '4.25', day: '2021-03-04', flag: false, note: 'own' },
        { _id: 't3', n: null, half: '5' },
        { _id: 't4', price: '9' },
      ]);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      // t1 and t4 leave `half` out, t2 and t3 give it: two MERGEs; then the read-back of `stamp`, `half` …
      expect(merges(before)).toBe(2);
      expect(h.statements.slice(before)).toHaveLength(4);
      const [rows] = await h.ds.bq.query({
        query:
          'SELECT _id, n, CAST(price AS STRING) AS price, CAST(half AS STRING) AS half, CAST(day AS STRING) AS day, ' +
          `stamp IS NOT NULL AS stamp, flag, note FROM ${table('bq_def_types')} ORDER BY _id`,
      });
      expect(rows).toEqual([
        { _id: 't1', n: 7, price: '2', half: '1.5', day: '2020-01-02', stamp: true, flag: true, note: 'noted' },
        { _id: 't2', n: 8, price: '3.5', half: '4.25', day: '2021-03-04', stamp: true, flag: false, note: 'own' },
        { _id: 't3', n: 7, price: '2', half: '5', day: '2020-01-02', stamp: true, flag: true, note: 'noted' },
        { _id: 't4', n: 7, price: '9', half: '1.5', day: '2020-01-02', stamp: true, flag: true, note: 'noted' },
      ]);
      const items = answer.body.results.map((r: { item: Record<string, unknown> }) => r.item);
      expect(items[0]).toMatchObject({ n: '7', price: '2', half: '1.5', day: '2020-01-02', flag: true, note: 'noted' });
      expect(items[0].stamp).toEqual({ $date: expect.any(String) });
      // Read back as a query answers them: INT64 and NUMERIC under TEXT fields as their exact decimal text.
      const read = await h.harness.client.query('bq_def_types', { sort: [{ fieldName: '_id', order: 'ASC' }] });
      expect(read.body.items).toEqual(items);
      const removed = await h.harness.client.remove('bq_def_types', ['t4']);
      expect(removed.body.results[0].item, JSON.stringify(removed.body)).toEqual(items[3]);
    });

    test("collections/update (a field added from Wix) keeps the owner's defaults", async () => {
      await h.ds.bq.dataset(h.ds.datasetId).createTable('bq_def_change', { schema: DEFAULTED });
      const got = await h.harness.client.listCollections(['bq_def_change']);
      expect(got.status, JSON.stringify(got.body)).toBe(200);
      const collection = got.body.collections[0];
      const changed = await h.harness.client.updateCollection({
        ...collection,
        fields: [...collection.fields, { key: 'extra', type: 'TEXT' }],
      });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      const [meta] = await h.ds.bq.dataset(h.ds.datasetId).table('bq_def_change').getMetadata();
      const defaults = Object.fromEntries(
        (meta.schema.fields as { name: string; defaultValueExpression?: string }[])
          .filter((f) => f.defaultValueExpression !== undefined)
          .map((f) => [f.name, f.defaultValueExpression]),
      );
      expect(defaults).toEqual({
        status: "'new'",
        must: "'kept'",
        made: 'CURRENT_TIMESTAMP()',
        code: 'GENERATE_UUID()',
      });
      expect((await h.harness.client.insert('bq_def_change', [{ _id: 'x', extra: 'e' }])).status).toBe(200);
      expect(await stored('bq_def_change')).toEqual([
        { _id: 'x', title: null, status: 'new', must: 'kept', made: true, code: 36 },
      ]);
    });
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
