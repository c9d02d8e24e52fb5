/**
 * Owner tables (created in the dataset, not through the adaptor) that pass or fail
 * Wix's read-write rule in ways the column types alone decide: a non-STRING `_id`.
 * Each case runs on the project's emulator through the signed Wix client.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type BigQueryHarness, startBigQueryHarness } from './storage-harness.ts';

const SYSTEM = '_createdDate TIMESTAMP, _updatedDate TIMESTAMP, _owner STRING';

type Listed = { id: string; capabilities: { dataOperations: string[] } };

describe('owner tables', () => {
  let h: BigQueryHarness;
  const ddl = (sql: string) => h.ds.bq.query({ query: sql });
  const table = (name: string) => `\`${h.ds.datasetId}.${name}\``;
  beforeAll(async () => {
    h = await startBigQueryHarness();
    await ddl(`CREATE TABLE ${table('bq_intid')} (_id INT64, ${SYSTEM}, name STRING)`);
    await ddl(`INSERT INTO ${table('bq_intid')} (_id, name) VALUES (9007199254740993, 'big')`);
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
});
