/**
 * TIME columns of tables the adaptor did not create — as Wix's reference adaptor
 * (wix/velo-external-db) creates its Wix TIME fields (docs/migrating.md §2.3): the Wix TIME
 * field, its value the "HH:mm:ss.sss" text of its millisecond (googlesql time-of-day.ts),
 * filtered, sorted, paged, grouped and written as such; a write sends a TIME.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createReferenceTable } from './emulator-dataset.ts';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

type Item = { _id: string; startTime?: string; slots?: string[] };

describe('TIME columns', () => {
  let h: BigQueryHarness;
  const table = (name: string) => `\`${h.ds.datasetId}.${name}\``;
  const ids = (items: Item[]) => items.map((i) => i._id);

  beforeAll(async () => {
    h = await startBigQueryHarness();
    await createReferenceTable(h.ds, 'reftab', [
      { name: 'title', type: 'STRING' },
      { name: 'startTime', type: 'TIME' },
      { name: 'slots', type: 'TIME', mode: 'REPEATED' },
    ]);
    await h.ds.bq.query({
      query:
        `INSERT INTO ${table('reftab')} (_id, title, startTime, slots) VALUES ` +
        "('b1', 'early', TIME '09:05:00.123456', [TIME '08:00:00', TIME '12:30:00.5']), " +
        "('b2', 'mid', TIME '10:30:00', []), ('b3', 'none', NULL, []), " +
        "('b4', 'half', TIME '10:30:00.5', []), ('b5', 'late', TIME '23:59:59', [])",
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  test('a TIME column is the Wix TIME field, answered as "HH:mm:ss.sss"', async () => {
    const { client } = h.harness;
    const listed = await client.listCollections(['reftab']);
    const collection = listed.body.collections[0] as {
      fields: { key: string; type: string }[];
      capabilities: { dataOperations: string[] };
    };
    expect(collection.fields.map((f) => [f.key, f.type])).toContainEqual(['startTime', 'TIME']);
    expect(collection.fields.map((f) => [f.key, f.type])).toContainEqual(['slots', 'ARRAY']);
    expect(collection.capabilities.dataOperations).toContain('INSERT');
    const all = await client.query('reftab', { sort: [{ fieldName: '_id', order: 'ASC' }] });
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expect(all.body.items.map((i: Item) => [i._id, i.startTime ?? null, i.slots])).toEqual([
      ['b1', '09:05:00.123', ['08:00:00.000', '12:30:00.500']],
      ['b2', '10:30:00.000', []],
      ['b3', null, []],
      ['b4', '10:30:00.500', []],
      ['b5', '23:59:59.000', []],
    ]);
  });

  test('filters, sorts, cursor pages, groups and distinct values use the time in time order', async () => {
    const { client } = h.harness;
    const q = async (filter: unknown, order: 'ASC' | 'DESC' = 'ASC') => {
      const r = await client.query('reftab', { filter, sort: [{ fieldName: 'startTime', order }] });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return ids(r.body.items);
    };
    expect(await q({ startTime: '10:30:00.000' })).toEqual(['b2']);
    // The answered value finds its row, even where the column holds microseconds.
    expect(await q({ startTime: '09:05:00.123' })).toEqual(['b1']);
    expect(await q({ startTime: { $gt: '10:00:00.000' } })).toEqual(['b2', 'b4', 'b5']);
    expect(await q({ startTime: { $lte: '10:30:00.000' } })).toEqual(['b1', 'b2']);
    expect(await q({ startTime: { $in: ['23:59:59.000', '10:30:00.500'] } })).toEqual(['b4', 'b5']);
    expect(await q({ startTime: { $exists: false } })).toEqual(['b3']);
    // Wix writers also send "10:30" or "10:30:00": the time they mean is compared, not the text.
    expect(await q({ startTime: '10:30' })).toEqual(['b2']);
    expect(await q({ startTime: '10:30:00' })).toEqual(['b2']);
    expect(await q({ startTime: { $gt: '10:30' } })).toEqual(['b4', 'b5']);
    expect(await q({ startTime: { $in: ['9:05:00.123', '23:59:59'] } })).toEqual(['b1', 'b5']);
    // Finer than the millisecond: compared as the time it is, not cut to its millisecond.
    expect(await q({ startTime: { $lt: '10:30:00.0005' } })).toEqual(['b1', 'b2']);
    expect(await q({ startTime: { $gte: '10:30:00.0005' } })).toEqual(['b4', 'b5']);
    expect(await q({ startTime: '10:30:00.0005' })).toEqual([]);
    expect(await q({ startTime: '10:30:00.500000' })).toEqual(['b4']);
    expect(await q({})).toEqual(['b3', 'b1', 'b2', 'b4', 'b5']);
    expect(await q({}, 'DESC')).toEqual(['b5', 'b4', 'b2', 'b1', 'b3']);

    const seen: string[] = [];
    let page = await client.query('reftab', {
      filter: { startTime: { $exists: true } },
      sort: [{ fieldName: 'startTime', order: 'DESC' }],
      cursorPaging: { limit: 2 },
    });
    for (let n = 0; n < 5; n++) {
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...ids(page.body.items));
      const next = page.body.pagingMetadata.cursors?.next;
      if (!next) break;
      page = await client.query('reftab', { cursorPaging: { limit: 2, cursor: next } });
    }
    expect(seen).toEqual(['b5', 'b4', 'b2', 'b1']);

    const aggregated = await client.aggregate('reftab', {
      aggregation: {
        groupingFields: [],
        operations: [
          { resultFieldName: 'first', min: { itemFieldName: 'startTime' } },
          { resultFieldName: 'last', max: { itemFieldName: 'startTime' } },
        ],
      },
    });
    expect(aggregated.status, JSON.stringify(aggregated.body)).toBe(200);
    expect(aggregated.body.items).toEqual([{ first: '09:05:00.123', last: '23:59:59.000' }]);
    const distinct = await client.distinct('reftab', 'startTime', { order: 'DESC' });
    expect(distinct.status, JSON.stringify(distinct.body)).toBe(200);
    expect(distinct.body.distinctValues).toEqual(['23:59:59.000', '10:30:00.500', '10:30:00.000', '09:05:00.123']);
  });

  test('inserts and updates write TIME values; a value that is no time of day fails its item', async () => {
    const { client } = h.harness;
    const inserted = await client.insert('reftab', [
      { _id: 'c1', title: 'short', startTime: '08:15', slots: ['07:00:00'] },
      { _id: 'c2', title: 'bad', startTime: '25:00' },
    ]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    expect(inserted.body.results[0].item).toMatchObject({
      _id: 'c1',
      startTime: '08:15:00.000',
      slots: ['07:00:00.000'],
    });
    expect(JSON.stringify(inserted.body.results[1].error)).toContain('startTime');

    const updated = await client.update('reftab', [{ _id: 'b2', title: 'mid', startTime: '11:45:30.250' }]);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body.results[0].item).toMatchObject({ _id: 'b2', startTime: '11:45:30.250' });

    const [rows] = await h.ds.bq.query({
      query: `SELECT _id, CAST(startTime AS STRING) AS t, ARRAY_LENGTH(slots) AS n FROM ${table('reftab')} WHERE _id IN ('c1', 'b2', 'c2') ORDER BY _id`,
    });
    expect(rows).toEqual([
      { _id: 'b2', t: '11:45:30.250', n: 0 },
      { _id: 'c1', t: '08:15:00', n: 1 },
    ]);
    const read = await client.query('reftab', { filter: { _id: 'c1' } });
    expect(read.body.items[0]).toMatchObject({ startTime: '08:15:00.000', slots: ['07:00:00.000'] });
  });
});
