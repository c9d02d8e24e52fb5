/**
 * MULTI_REFERENCE pairs beyond the conformance suite: creation order across
 * calls, pairs following removed and truncated items on both sides, a removed
 * field taking its pairs along, and `includeReferencedItems` on queries.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

type Pair = { referringItemId: string; referencedItemId: string };
const pairsOf = (body: { items: Pair[] }) => body.items.map((p) => `${p.referringItemId}>${p.referencedItemId}`);

describe('references on Spanner', () => {
  let h: SpannerHarness;
  const plantFields = [
    { key: 'name', type: 'TEXT' },
    { key: 'suppliers', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: 'suppliers' } },
  ];
  beforeAll(async () => {
    h = await startSpannerHarness();
    const { client } = h.harness;
    expect((await client.createCollection({ id: 'suppliers', fields: [{ key: 'name', type: 'TEXT' }] })).status).toBe(
      200,
    );
    expect((await client.createCollection({ id: 'plants', fields: plantFields })).status).toBe(200);
    await client.insert(
      'suppliers',
      ['s1', 's2', 's3'].map((_id) => ({ _id, name: _id.toUpperCase() })),
    );
    await client.insert(
      'plants',
      ['p1', 'p2', 'p3'].map((_id) => ({ _id, name: _id })),
    );
  });
  afterAll(async () => {
    await h?.close();
  });

  test('pairs come back in creation order across calls; DESC reverses it', async () => {
    const { client } = h.harness;
    await client.insertReferences('plants', 'suppliers', [{ referringItemId: 'p1', referencedItemId: 's3' }]);
    await client.insertReferences('plants', 'suppliers', [
      { referringItemId: 'p1', referencedItemId: 's1' },
      { referringItemId: 'p2', referencedItemId: 's2' },
      { referringItemId: 'p3', referencedItemId: 's1' },
    ]);
    const asc = await client.queryReferenced('plants', 'suppliers', {
      includeReferencedItems: false,
      returnTotalCount: true,
    });
    expect(pairsOf(asc.body)).toEqual(['p1>s3', 'p1>s1', 'p2>s2', 'p3>s1']);
    expect(asc.body.pagingMetadata.total).toBe(4);
    const desc = await client.queryReferenced('plants', 'suppliers', { includeReferencedItems: false, order: 'DESC' });
    expect(pairsOf(desc.body)).toEqual(['p3>s1', 'p2>s2', 'p1>s1', 'p1>s3']);
    const page = await client.queryReferenced('plants', 'suppliers', {
      includeReferencedItems: false,
      paging: { offset: 1, limit: 2 },
    });
    expect(pairsOf(page.body)).toEqual(['p1>s1', 'p2>s2']);
  });

  test('a query can include the referenced items, in creation order', async () => {
    const result = await h.harness.client.query(
      'plants',
      { filter: { _id: 'p1' } },
      { includeReferencedItems: [{ fieldKey: 'suppliers' }] },
    );
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.items[0].suppliers.map((s: { _id: string; name: string }) => [s._id, s.name])).toEqual([
      ['s3', 'S3'],
      ['s1', 'S1'],
    ]);
  });

  test('removing a referring item removes its pairs; truncating the referenced collection removes the rest', async () => {
    const { client } = h.harness;
    await client.remove('plants', ['p1']);
    const after = await client.queryReferenced('plants', 'suppliers', { includeReferencedItems: false });
    expect(pairsOf(after.body)).toEqual(['p2>s2', 'p3>s1']);
    await client.truncate('suppliers');
    const none = await client.queryReferenced('plants', 'suppliers', { includeReferencedItems: false });
    expect(none.body.items).toEqual([]);
  });

  test('removing the field removes its pairs', async () => {
    const { client } = h.harness;
    await client.insert('suppliers', [{ _id: 's9' }]);
    await client.insertReferences('plants', 'suppliers', [{ referringItemId: 'p2', referencedItemId: 's9' }]);
    const [before] = await h.db.database.run({ sql: 'SELECT COUNT(*) AS n FROM wix_adaptor_references', json: true });
    expect(before).toEqual([{ n: 1 }]);
    const updated = await client.updateCollection({ id: 'plants', fields: [{ key: 'name', type: 'TEXT' }] });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    const [after] = await h.db.database.run({ sql: 'SELECT COUNT(*) AS n FROM wix_adaptor_references', json: true });
    expect(after).toEqual([{ n: 0 }]);
  });
});
