/**
 * Write paths the conformance suite does not measure: statements per bulk
 * call (counted on the real client, each one ran on the emulator), rows
 * immediately updatable and removable, duplicate ids within and across
 * calls, truncate of more than 1,000 rows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

const items = (n: number, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ _id: `${prefix}${String(i).padStart(5, '0')}`, n: i }));
const codes = (results: { item?: unknown; error?: { errorCode: string } }[]) =>
  results.map((r) => r.error?.errorCode ?? 'ok');

describe('DML writes on the emulator', () => {
  let h: BigQueryHarness;
  beforeAll(async () => {
    h = await startBigQueryHarness();
    const created = await h.harness.client.createCollection({
      id: 'bulk',
      fields: [
        { key: 'n', type: 'NUMBER' },
        { key: 'code', type: 'TEXT' },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
  });

  test('1,000 inserts: one id pre-read and one MERGE', async () => {
    h.statements.length = 0;
    const result = await h.harness.client.insert('bulk', items(1000, 'a'));
    expect(result.status).toBe(200);
    expect(codes(result.body.results).every((c) => c === 'ok')).toBe(true);
    expect(h.statements.map((s) => s.split(' ')[0])).toEqual(['SELECT', 'MERGE']);
    expect((await h.harness.client.count('bulk')).body.totalCount).toBe(1000);
  });

  test('rows written are immediately updatable and removable (no streaming buffer)', async () => {
    const { client } = h.harness;
    await client.insert('bulk', [{ _id: 'fresh', n: 1, code: 'x' }]);
    const updated = await client.update('bulk', [{ _id: 'fresh', n: 2 }]);
    expect(updated.body.results[0].item).toMatchObject({ _id: 'fresh', n: 2 });
    const read = (await client.query('bulk', { filter: { _id: 'fresh' } })).body.items[0];
    expect(read.n).toBe(2);
    expect(read.code).toBeNull(); // replaced whole: the old value is gone (SEMANTICS.md rule 39)
    const removed = await client.remove('bulk', ['fresh']);
    expect(removed.body.results[0].item).toMatchObject({ _id: 'fresh', n: 2 });
    expect((await client.count('bulk', { _id: 'fresh' })).body.totalCount).toBe(0);
  });

  test('duplicate ids within one call and across calls are per-item ITEM_ALREADY_EXISTS', async () => {
    const { client } = h.harness;
    await client.insert('bulk', [{ _id: 'd1', n: 1 }]);
    const result = await client.insert('bulk', [
      { _id: 'd1', n: 2 },
      { _id: 'd2', n: 3 },
      { _id: 'd2', n: 4 },
      { _id: 'd3', n: 5 },
    ]);
    expect(codes(result.body.results)).toEqual(['ITEM_ALREADY_EXISTS', 'ok', 'ITEM_ALREADY_EXISTS', 'ok']);
    const stored = await client.query('bulk', {
      filter: { _id: { $in: ['d1', 'd2', 'd3'] } },
      sort: [{ fieldName: '_id' }],
    });
    expect(stored.body.items.map((i: { n: number }) => i.n)).toEqual([1, 3, 5]);
    // The same id in two concurrent calls: exactly one wins.
    const [x, y] = await Promise.all([
      client.insert('bulk', [{ _id: 'race', n: 1 }]),
      client.insert('bulk', [{ _id: 'race', n: 2 }]),
    ]);
    expect([...codes(x.body.results), ...codes(y.body.results)].sort()).toEqual(['ITEM_ALREADY_EXISTS', 'ok']);
    expect((await client.count('bulk', { _id: 'race' })).body.totalCount).toBe(1);
  });

  test('update of unknown ids is per-item ITEM_NOT_FOUND; _createdDate is kept', async () => {
    const { client } = h.harness;
    const inserted = await client.insert('bulk', [{ _id: 'u1', n: 1 }]);
    const created = inserted.body.results[0].item._createdDate;
    h.statements.length = 0;
    const result = await client.update('bulk', [
      { _id: 'u1', _owner: 'o1', n: 9 },
      { _id: 'nope', _owner: 'o1', n: 0 },
    ]);
    expect(codes(result.body.results)).toEqual(['ok', 'ITEM_NOT_FOUND']);
    expect(result.body.results[0].item._createdDate).toEqual(created);
    expect(h.statements.map((s) => s.split(' ')[0])).toEqual(['SELECT', 'MERGE']);
    // Items sent without `_owner` keep the stored one: the core reads the owners first (one query).
    h.statements.length = 0;
    const kept = await client.update('bulk', [{ _id: 'u1', n: 10 }]);
    expect(kept.body.results[0].item._owner).toBe('o1');
    expect(h.statements.map((s) => s.split(' ')[0])).toEqual(['SELECT', 'SELECT', 'MERGE']);
  });

  test('truncate removes every row, more than 1,000', async () => {
    const { client } = h.harness;
    for (const prefix of ['t1_', 't2_']) {
      const result = await client.insert('bulk', items(1000, prefix));
      expect(codes(result.body.results).every((c) => c === 'ok')).toBe(true);
    }
    expect((await client.count('bulk')).body.totalCount).toBeGreaterThan(2000);
    h.statements.length = 0;
    expect((await client.truncate('bulk')).status).toBe(200);
    expect(h.statements).toEqual(['TRUNCATE TABLE `bulk`']);
    expect((await client.count('bulk')).body.totalCount).toBe(0);
  });

  test('tables the adaptor creates are clustered on _id', async () => {
    const [meta] = await h.ds.bq.dataset(h.ds.datasetId).table('bulk').getMetadata();
    expect(meta.clustering).toEqual({ fields: ['_id'] });
  });
});
