/**
 * NUMERIC columns as Wix's reference adaptor (wix/velo-external-db) keeps its Wix NUMBER fields
 * (docs/migrating.md §2.3): exact TEXT by default (googlesql exact-numbers.ts), NUMBER for the
 * whole dataset with NUMBER_COLUMNS=*.* (or a table's with `table.*`), and NUMBER once the site
 * saves the field as NUMBER (collections/update), which checks first that every stored value is
 * exactly a double — never rounded, on read or on write-back.
 */
import { startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clientOf } from '../src/client.ts';
import { createBigQueryStorage } from '../src/storage.ts';
import { createReferenceTable } from './emulator-dataset.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

type Field = { key: string; type: string };
type Item = { _id: string; price?: number | string; qty?: number | string };

describe('NUMERIC columns of the reference adaptor', () => {
  let h: BigQueryHarness;
  const table = (name: string) => `\`${h.ds.datasetId}.${name}\``;
  const fieldsOf = async (id: string): Promise<Field[]> =>
    ((await h.harness.client.listCollections([id])).body.collections[0].fields as Field[]).map(({ key, type }) => ({
      key,
      type,
    }));
  const saveAs = (id: string, fields: Field[], key: string, type: string) =>
    h.harness.client.updateCollection({ id, fields: fields.map((f) => (f.key === key ? { key, type } : f)) });
  const stored = async (name: string, id: string, column: string) => {
    const [rows] = await h.ds.bq.query({
      query: `SELECT CAST(${column} AS STRING) AS v FROM ${table(name)} WHERE _id = @id`,
      params: { id },
    });
    return (rows[0] as { v: string | null } | undefined)?.v ?? null;
  };

  beforeAll(async () => {
    h = await startBigQueryHarness();
    for (const name of ['reftab', 'exotic', 'alltab']) {
      await createReferenceTable(h.ds, name, [
        { name: 'title', type: 'STRING' },
        { name: 'price', type: 'NUMERIC' },
        { name: 'qty', type: 'NUMERIC' },
      ]);
    }
    // Values the reference wrote come from JS doubles; `exotic` holds one no double holds.
    await h.ds.bq.query({
      query:
        `INSERT INTO ${table('reftab')} (_id, title, price, qty) VALUES ('b1', 'one', NUMERIC '1.5', 2), ` +
        "('b2', 'two', NUMERIC '3', NULL), ('b3', 'three', NUMERIC '0.1', 7), " +
        "('b4', 'big', NUMERIC '12345678.25', 1), ('b5', 'bigger', NUMERIC '123456789012345678', 1), " +
        // 10^20 is past 2^53 yet exactly a double: checked one by one, and accepted.
        "('b6', 'huge', NULL, NUMERIC '100000000000000000000'); " +
        `INSERT INTO ${table('exotic')} (_id, title, price) VALUES ('e1', 'fine', NUMERIC '2.5'), ` +
        "('e2', 'exact', NUMERIC '12345678901.123456789'); " +
        `INSERT INTO ${table('alltab')} (_id, title, price, qty) VALUES ('a1', 'one', NUMERIC '1.5', 4)`,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('by default a NUMERIC column is TEXT, and saving it as NUMBER checks every value, then serves numbers', async () => {
    const { client } = h.harness;
    const before = await fieldsOf('reftab');
    expect(before).toContainEqual({ key: 'price', type: 'TEXT' });

    // qty holds small whole numbers: saved as NUMBER at once.
    const qty = await saveAs('reftab', before, 'qty', 'NUMBER');
    expect(qty.status, JSON.stringify(qty.body)).toBe(200);
    // 123456789012345678 is past 2^53 and no double holds it: the change is refused, naming no value.
    const withBig = await saveAs('reftab', before, 'price', 'NUMBER');
    expect(withBig.status).toBe(400);
    expect(withBig.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(JSON.stringify(withBig.body)).toContain('cannot change NUMERIC to NUMBER');
    expect(JSON.stringify(withBig.body)).not.toContain('123456789012345678');

    await h.ds.bq.query({ query: `DELETE FROM ${table('reftab')} WHERE _id = 'b5'` });
    const saved = await saveAs('reftab', await fieldsOf('reftab'), 'price', 'NUMBER');
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(await fieldsOf('reftab')).toEqual(expect.arrayContaining([{ key: 'price', type: 'NUMBER' }]));
    // The column keeps its type: nothing converted.
    const [metadata] = await h.ds.bq.dataset(h.ds.datasetId).table('reftab').getMetadata();
    expect((metadata.schema.fields as { name: string; type: string }[]).find((f) => f.name === 'price')?.type).toBe(
      'NUMERIC',
    );

    const all = await client.query('reftab', { sort: [{ fieldName: '_id', order: 'ASC' }] });
    expect(all.body.items.map((i: Item) => [i._id, i.price, i.qty])).toEqual([
      ['b1', 1.5, 2],
      ['b2', 3, null],
      ['b3', 0.1, 7],
      ['b4', 12345678.25, 1],
      ['b6', null, 1e20],
    ]);
    const gt = await client.query('reftab', {
      filter: { price: { $gt: 2 } },
      sort: [{ fieldName: 'price', order: 'ASC' }],
    });
    expect(gt.status, JSON.stringify(gt.body)).toBe(200);
    expect(gt.body.items.map((i: Item) => i._id)).toEqual(['b2', 'b4']);
    const sum = await client.aggregate('reftab', {
      aggregation: { groupingFields: [], operations: [{ resultFieldName: 'total', sum: { itemFieldName: 'price' } }] },
    });
    expect(sum.status, JSON.stringify(sum.body)).toBe(200);
    expect(sum.body.items[0].total).toBeCloseTo(12345682.85, 6);

    const written = await client.insert('reftab', [
      { _id: 'c1', price: 2.5 },
      { _id: 'c2', price: 0.1 },
      { _id: 'c3', price: 1e-10 },
    ]);
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    expect(written.body.results[0].item.price).toBe(2.5);
    expect(written.body.results[1].item.price).toBe(0.1);
    // 1e-10 does not fit NUMERIC's 9 fractional digits: the item fails, nothing is rounded to 0.
    expect(JSON.stringify(written.body.results[2].error)).toContain('price');
    expect(await stored('reftab', 'c2', 'price')).toBe('0.1');
    expect(await stored('reftab', 'c3', 'price')).toBeNull();
    // An update writes a read value back exactly.
    const read = (await client.query('reftab', { filter: { _id: 'b4' } })).body.items[0];
    const updated = await client.update('reftab', [{ ...read, title: 'renamed' }]);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(await stored('reftab', 'b4', 'price')).toBe('12345678.25');

    // And back to TEXT, its exact decimal text, while items hold values.
    const text = await saveAs('reftab', await fieldsOf('reftab'), 'price', 'TEXT');
    expect(text.status, JSON.stringify(text.body)).toBe(200);
    const b1 = (await client.query('reftab', { filter: { _id: 'b1' } })).body.items[0];
    expect(b1.price).toBe('1.5');
  });

  test('a value a double does not hold keeps the field TEXT', async () => {
    const refused = await saveAs('exotic', await fieldsOf('exotic'), 'price', 'NUMBER');
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('keep the field TEXT');
    expect(JSON.stringify(refused.body)).not.toContain('12345678901');
    expect(await fieldsOf('exotic')).toContainEqual({ key: 'price', type: 'TEXT' });
  });

  test('NUMBER_COLUMNS=*.* makes every NUMERIC column of the dataset NUMBER; table.* those of one table', async () => {
    for (const [entries, listed] of [
      [['*.*'], ['alltab', 'exotic']],
      [['alltab.*'], ['alltab']],
    ] as const) {
      const storage = createBigQueryStorage({
        bq: clientOf(h.ds.bq),
        projectId: h.ds.projectId,
        datasetId: h.ds.datasetId,
        numberColumns: [...entries],
      });
      const served = await startHarness({ storage });
      try {
        const { client } = served;
        const collections = (await client.listCollections(['alltab', 'exotic'])).body.collections as {
          id: string;
          fields: Field[];
        }[];
        expect(collections).toHaveLength(2);
        for (const c of collections) {
          const price = c.fields.find((f) => f.key === 'price')?.type;
          expect(price, `${entries} ${c.id}`).toBe(listed.includes(c.id as never) ? 'NUMBER' : 'TEXT');
        }
        const a1 = await client.query('alltab', { filter: { qty: { $gte: 4 } } });
        expect(a1.status, JSON.stringify(a1.body)).toBe(200);
        expect(a1.body.items).toEqual([expect.objectContaining({ _id: 'a1', price: 1.5, qty: 4 })]);
        // A value no double holds is an error naming the field, never a rounded number.
        const exotic = await client.query('exotic', { filter: { _id: 'e2' } });
        if (entries[0] === '*.*') {
          expect(exotic.status).toBe(400);
          expect(exotic.body.errorMessage).toContain("'price'");
        } else expect(exotic.body.items[0].price).toBe('12345678901.123456789');
      } finally {
        await served.close();
        await storage.close();
      }
    }
  });
});
