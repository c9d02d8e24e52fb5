/**
 * Write paths the conformance suite does not measure: round trips per bulk
 * call, batching past Spanner's 80,000-mutation commit limit, truncate of
 * more rows than one transaction may delete, overwrite, unique indexes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_MUTATIONS_PER_COMMIT } from '../src/writes.ts';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const items = (n: number, prefix: string, extra: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: n }, (_, i) => ({ _id: `${prefix}${String(i).padStart(5, '0')}`, n: i, ...extra(i) }));

describe('bulk writes on the emulator', () => {
  let h: SpannerHarness;
  beforeAll(async () => {
    h = await startSpannerHarness();
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

  test('1,000 inserts: one transaction, one key read, one commit', async () => {
    h.resetCounts();
    const result = await h.harness.client.insert('bulk', items(1000, 'a'));
    expect(result.status).toBe(200);
    expect(result.body.results.every((r: { item?: unknown }) => r.item)).toBe(true);
    expect(h.counts).toMatchObject({ transactions: 1, reads: 1, commits: 1 });
    expect((await h.harness.client.count('bulk')).body.totalCount).toBe(1000);
  });

  test('a wide collection is split into commits that stay within the mutation limit', async () => {
    const { client } = h.harness;
    const fields = Array.from({ length: 100 }, (_, i) => ({ key: `f${i}`, type: 'TEXT' }));
    expect((await client.createCollection({ id: 'wide', fields })).status).toBe(200);
    const perRow = 100 + 4; // declared fields + system columns, no secondary index
    const perCommit = Math.floor(MAX_MUTATIONS_PER_COMMIT / perRow);
    h.resetCounts();
    const result = await client.insert(
      'wide',
      Array.from({ length: 1000 }, (_, i) => ({ _id: `w${i}`, f0: `v${i}`, f99: 'z' })),
    );
    expect(result.body.results.filter((r: { item?: unknown }) => r.item)).toHaveLength(1000);
    expect(h.counts.commits).toBe(Math.ceil(1000 / perCommit));
    expect((await client.count('wide', { f99: 'z' })).body.totalCount).toBe(1000);
  });

  test('truncate removes every row, far more than one transaction could delete', async () => {
    const { client } = h.harness;
    for (let start = 1; start <= 4; start++) {
      const result = await client.insert('bulk', items(1000, `t${start}_`));
      expect(result.body.results.every((r: { item?: unknown }) => r.item)).toBe(true);
    }
    expect((await client.count('bulk')).body.totalCount).toBe(5000);
    h.resetCounts();
    expect((await client.truncate('bulk')).status).toBe(200);
    expect(h.counts.partitionedDml).toBeGreaterThanOrEqual(1);
    expect((await client.count('bulk')).body.totalCount).toBe(0);
  });

  test('overwriteExisting replaces whole items; without it, duplicates are per-item errors', async () => {
    const { client } = h.harness;
    await client.insert('bulk', [{ _id: 'o1', n: 1, code: 'old' }]);
    const plain = await client.insert('bulk', [{ _id: 'o1', n: 2 }, { _id: 'o2' }, { _id: 'o2' }]);
    expect(plain.body.results.map((r: { error?: { errorCode: string } }) => r.error?.errorCode ?? 'ok')).toEqual([
      'ITEM_ALREADY_EXISTS',
      'ok',
      'ITEM_ALREADY_EXISTS',
    ]);
    const overwrite = await client.insert('bulk', [{ _id: 'o1', n: 3 }], { overwriteExisting: true });
    expect(overwrite.body.results[0].item).toMatchObject({ _id: 'o1', n: 3 });
    const stored = (await client.query('bulk', { filter: { _id: 'o1' } })).body.items[0];
    expect(stored.n).toBe(3);
    expect(stored.code).toBeNull(); // replaced whole: the old value is gone (SEMANTICS.md rule 39)
  });

  test('a unique index refusing one item fails only that item', async () => {
    const { client } = h.harness;
    await client.insert('bulk', [{ _id: 'u0', code: 'taken' }]);
    const index = await client.createIndex('bulk', {
      name: 'by_code',
      fields: [{ path: 'code', order: 'ASC' }],
      unique: true,
    });
    expect(index.status, JSON.stringify(index.body)).toBe(200);
    const listed = await client.listIndexes('bulk');
    expect(listed.body.indexes).toEqual([
      {
        name: 'PRIMARY_KEY',
        fields: [{ path: '_id', order: 'ASC' }],
        unique: true,
        caseInsensitive: false,
        status: 'ACTIVE',
      },
      {
        name: 'by_code',
        fields: [{ path: 'code', order: 'ASC' }],
        unique: true,
        caseInsensitive: false,
        status: 'ACTIVE',
      },
    ]);
    const result = await client.insert('bulk', [
      { _id: 'u1', code: 'free' },
      { _id: 'u2', code: 'taken' },
      { _id: 'u3', code: 'also free' },
    ]);
    expect(result.body.results.map((r: { error?: { errorCode: string } }) => r.error?.errorCode ?? 'ok')).toEqual([
      'ok',
      'VALIDATION_ERROR',
      'ok',
    ]);
    // Named as Wix named the index, without Spanner's physical name or key dump.
    const message = result.body.results[1].error.errorMessage as string;
    expect(message).toContain("another item already has this item's value in the unique index 'by_code'");
    expect(message).not.toMatch(/bulk__|duplicate key|Double|String\(/);
    // The violation names the field and the item's value there, not the item id.
    expect(result.body.results[1].error.data.violations).toEqual([
      { fieldPath: 'code', rejectedValue: 'taken', message: expect.stringContaining("'by_code'") },
    ]);
    expect((await client.count('bulk', { _id: { $in: ['u1', 'u2', 'u3'] } })).body.totalCount).toBe(2);
    expect((await client.removeIndex('bulk', 'by_code')).status).toBe(200);
    expect((await client.listIndexes('bulk')).body.indexes).toHaveLength(1);
    expect((await client.removeIndex('bulk', 'by_code')).status).toBe(400);
    // The name the primary key is listed under is not given to another index.
    const reserved = await client.createIndex('bulk', {
      name: 'PRIMARY_KEY',
      fields: [{ path: 'code', order: 'ASC' }],
    });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errorMessage).toContain('names the primary key');
  });

  test('a unique index over items that share a value is refused without quoting their data', async () => {
    const { client } = h.harness;
    await client.insert('bulk', [
      { _id: 'd1', code: 'dup@x' },
      { _id: 'd2', code: 'dup@x' },
    ]);
    const refused = await client.createIndex('bulk', {
      name: 'by_dup',
      fields: [{ path: 'code', order: 'ASC' }],
      unique: true,
    });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errorMessage).toContain("'code'");
    expect(JSON.stringify(refused.body)).not.toMatch(/dup@x|duplicate key|String\(/);
    expect((await client.listIndexes('bulk')).body.indexes.map((i: { name: string }) => i.name)).not.toContain(
      'by_dup',
    );
  });
});
