/**
 * Case-insensitive indexes (README.md "Indexes") on the emulator: served by a
 * stored generated column LOWER(field) plus an index on it; case-insensitive
 * filters read that column; list/remove show and drop it as one index; the
 * column is never a field and never written by the adaptor.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const TITLES = ['Alpha', 'ALPINE', 'beta', 'alp', 'Gamma', 'Älpler'];

describe('a case-insensitive index', () => {
  let h: SpannerHarness;
  beforeAll(async () => {
    h = await startSpannerHarness();
    const created = await h.harness.client.createCollection({
      id: 'words',
      fields: [
        { key: 'title', type: 'TEXT' },
        { key: 'n', type: 'NUMBER' },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    await h.harness.client.insert(
      'words',
      TITLES.map((title, i) => ({ _id: `w${i}`, title, n: i })),
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  const columns = async () =>
    (
      (await h.db.database.run({
        sql: "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'words' ORDER BY COLUMN_NAME",
        json: true,
      })) as unknown as [{ COLUMN_NAME: string }[]]
    )[0].map((r) => r.COLUMN_NAME);

  test('is created (a LOWER column + an index on it), listed as one index, and the column is no field', async () => {
    const { client } = h.harness;
    const created = await client.createIndex('words', {
      name: 'by_title',
      fields: [
        { path: 'title', order: 'ASC' },
        { path: 'n', order: 'DESC' },
      ],
      caseInsensitive: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.index).toMatchObject({ name: 'by_title', caseInsensitive: true });
    expect(await columns()).toContain('wix_adaptor_lower__title');

    const listed = await client.listIndexes('words');
    expect(listed.body.indexes).toEqual([
      expect.objectContaining({ name: 'PRIMARY_KEY', caseInsensitive: false }),
      {
        name: 'by_title',
        fields: [
          { path: 'title', order: 'ASC' },
          { path: 'n', order: 'DESC' },
        ],
        unique: false,
        caseInsensitive: true,
        status: 'ACTIVE',
      },
    ]);
    const collection = (await client.listCollections(['words'])).body.collections[0];
    expect(collection.fields.map((f: { key: string }) => f.key)).not.toContain('wix_adaptor_lower__title');
  });

  test('case-insensitive filters read the LOWER column, with the evaluator’s answers', async () => {
    const { client } = h.harness;
    h.resetCounts();
    const result = await client.query('words', { filter: { title: { $startsWith: 'ALP' } } });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.items.map((i: { title: string }) => i.title).sort()).toEqual(['ALPINE', 'Alpha', 'alp']);
    expect(h.statements.some((sql) => sql.includes('STARTS_WITH(`wix_adaptor_lower__title`, LOWER('))).toBe(true);
    expect(h.statements.join('\n')).not.toContain('LOWER(`title`)');

    const contains = await client.count('words', { title: { $contains: 'LP' } });
    expect(contains.body.totalCount).toBe(4);
    // Case-sensitive equality still compares the column itself.
    expect((await client.count('words', { title: 'alpha' })).body.totalCount).toBe(0);
  });

  test('writes keep the LOWER column current (Spanner computes it; the adaptor never writes it)', async () => {
    const { client } = h.harness;
    expect((await client.insert('words', [{ _id: 'w9', title: 'ALPACA', n: 9 }])).status).toBe(200);
    const updated = await client.update('words', [{ _id: 'w3', title: 'Omega', n: 3 }]);
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const result = await client.query('words', { filter: { title: { $startsWith: 'alp' } } });
    expect(result.body.items.map((i: { _id: string }) => i._id).sort()).toEqual(['w0', 'w1', 'w9']);
    expect(Object.keys(result.body.items[0])).not.toContain('wix_adaptor_lower__title');
  });

  test('its field cannot be removed while the index exists; remove drops the index and the LOWER column', async () => {
    const { client } = h.harness;
    const collection = (await client.listCollections(['words'])).body.collections[0];
    const without = {
      ...collection,
      fields: collection.fields.filter((f: { key: string }) => f.key !== 'title'),
    };
    const refused = await client.updateCollection(without);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('by_title');

    expect((await client.removeIndex('words', 'by_title')).status).toBe(200);
    expect((await client.listIndexes('words')).body.indexes).toHaveLength(1);
    expect(await columns()).not.toContain('wix_adaptor_lower__title');
    // Filters go back to LOWER(title), same answers.
    h.resetCounts();
    expect((await client.count('words', { title: { $contains: 'LP' } })).body.totalCount).toBe(4);
    expect(h.statements.join('\n')).toContain('LOWER(`title`)');
  });

  test('a unique case-insensitive index refuses values that differ only in case', async () => {
    const { client } = h.harness;
    const created = await client.createIndex('words', {
      name: 'unique_title',
      fields: [{ path: 'title', order: 'ASC' }],
      unique: true,
      caseInsensitive: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const result = await client.insert('words', [
      { _id: 'x1', title: 'Zeta' },
      { _id: 'x2', title: 'ZETA' },
    ]);
    expect(result.body.results.map((r: { error?: { errorCode: string } }) => r.error?.errorCode ?? 'ok')).toEqual([
      'ok',
      'VALIDATION_ERROR',
    ]);
    // The field behind the LOWER column, with the value as sent.
    expect(result.body.results[1].error.data.violations).toEqual([
      expect.objectContaining({ fieldPath: 'title', rejectedValue: 'ZETA' }),
    ]);
    const refused = await client.createIndex('words', {
      name: 'by_n',
      fields: [{ path: 'n', order: 'ASC' }],
      caseInsensitive: true,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errorMessage).toContain('needs at least one text field');
  });

  test('the collection is deleted with its case-insensitive index and LOWER column', async () => {
    expect((await h.harness.client.deleteCollection('words')).status).toBe(200);
    expect(await columns()).toEqual([]);
  });
});
