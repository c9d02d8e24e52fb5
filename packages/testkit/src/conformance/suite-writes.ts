/**
 * Writes (docs/protocol.md §4.5–§4.8, docs/semantics.md §9): system fields,
 * full-replace update, positional bulk results with mixed good and bad items,
 * large items and 1000-item bulks, truncate of everything, error paths.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { LegacyClient } from '../legacy-client.ts';
import { ZOO_FIELDS } from './fixture.ts';
import { createZoo } from './suite-queries.ts';
import { type ConformanceTarget, idsOf, uniqueCollectionId, withoutNulls } from './target.ts';

type Result = { item?: Record<string, unknown>; error?: { errorCode: string; data: Record<string, unknown> } };

export function writeSuite(get: () => ConformanceTarget): void {
  let zoo: string;
  beforeAll(async () => {
    zoo = await createZoo(get(), 'writes');
  });

  test('insert: generated _id, server dates, 0/false/"" kept, duplicates per item', async () => {
    const { client } = get();
    const before = Date.now();
    const result = await client.insert(zoo, [
      { title: 'generated', count: 0, active: false },
      { _id: 'a', title: 'duplicate of a' },
      { _id: 'w1', title: '', tags: [], obj: {} },
      { _id: 'w1', title: 'same id twice in one call' },
    ]);
    expect(result.status).toBe(200);
    const [generated, dup, w1, dupInCall] = result.body.results as Result[];
    expect(generated?.item?._id).toEqual(expect.any(String));
    expect(withoutNulls(generated?.item ?? {})).toMatchObject({ title: 'generated', count: 0, active: false });
    const created = Date.parse((generated?.item?._createdDate as { $date: string } | undefined)?.$date ?? '');
    expect(created).toBeGreaterThanOrEqual(before - 5000);
    expect(generated?.item?._updatedDate).toEqual(generated?.item?._createdDate);
    expect(dup?.error).toMatchObject({ errorCode: 'ITEM_ALREADY_EXISTS', data: { itemId: 'a' } });
    expect(w1?.item).toMatchObject({ _id: 'w1', title: '' });
    expect(dupInCall?.error?.errorCode).toBe('ITEM_ALREADY_EXISTS');
    const stored = await client.query(zoo, { filter: { _id: 'a' } });
    expect(stored.body.items[0].title).toBe('Alpha');
  });

  test('one null rule: every declared field is answered, null when absent or set to null', async () => {
    const { client } = get();
    const declared = ZOO_FIELDS.map((f) => f.key);
    const inserted = await client.insert(zoo, [
      { _id: 'n1', title: 'only a title' },
      { _id: 'n2', title: null, count: 0 },
    ]);
    const answers = (inserted.body.results as Result[]).map((r) => r.item ?? {});
    const read = (await client.query(zoo, { filter: { _id: { $in: ['n1', 'n2'] } } })).body.items;
    for (const item of [...answers, ...read]) {
      for (const key of declared) expect(Object.hasOwn(item, key), `${String(item._id)}.${key}`).toBe(true);
    }
    const [n1, n2] = read;
    expect(n1).toMatchObject({ title: 'only a title', count: null, obj: null, tags: null, at: null });
    expect(n2).toMatchObject({ title: null, count: 0 });
    // A projection answers exactly the projected fields (and _id), null when absent.
    const projected = await client.query(zoo, { filter: { _id: 'n1' }, fields: ['count', 'title'] });
    expect(projected.body.items).toEqual([{ _id: 'n1', title: 'only a title', count: null }]);
    // Null and absent are one class in filters too (SEMANTICS.md rules 5 and 19).
    const nulls = await client.query(zoo, { filter: { _id: { $in: ['n1', 'n2'] }, title: { $eq: null } } });
    expect(idsOf(nulls.body.items)).toEqual(['n2']);
  });

  test('insert: one bad item is an error entry, the rest are stored in order', async () => {
    const { client } = get();
    const result = await client.insert(zoo, [
      { _id: 'm1', count: 1 },
      { _id: 'm2', count: 'not a number' },
      { _id: 'm3', at: { $date: 'yesterday' } },
      { _id: 'm4', count: 4 },
    ]);
    const results = result.body.results as Result[];
    expect(results.map((r) => (r.item ? r.item._id : r.error?.errorCode))).toEqual([
      'm1',
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
      'm4',
    ]);
    expect((await client.count(zoo, { _id: { $in: ['m1', 'm2', 'm3', 'm4'] } })).body.totalCount).toBe(2);
  });

  test('insert with its own _createdDate/_updatedDate: v3 stamps the server time, legacy keeps valid ones (docs/legacy.md)', async () => {
    const { client } = get();
    const legacy = client instanceof LegacyClient;
    const created = { $date: '2020-01-02T03:04:05.678Z' };
    const updated = { $date: '2021-02-03T04:05:06.789Z' };
    const before = Date.now() - 1000;
    // One item goes to the single insert, several to the bulk one (legacy client).
    const single = await client.insert(zoo, [
      { _id: 'gd1', title: 'imported', _createdDate: created, _updatedDate: updated },
    ]);
    const bulk = await client.insert(zoo, [
      { _id: 'gd2', _createdDate: created, _updatedDate: updated },
      { _id: 'gd3', _createdDate: created },
      { _id: 'gd4', _createdDate: null, _updatedDate: null },
    ]);
    expect([single.status, bulk.status], JSON.stringify([single.body, bulk.body])).toEqual([200, 200]);
    const answered = [...single.body.results, ...bulk.body.results].map((r: Result) => r.item ?? {});
    const stored = (
      await client.query(zoo, { filter: { _id: { $in: ['gd1', 'gd2', 'gd3', 'gd4'] } }, sort: [{ fieldName: '_id' }] })
    ).body.items;
    const now = (date: unknown) => Date.parse((date as { $date: string }).$date) >= before;
    for (const items of [answered, stored]) {
      expect(items.map((item: Record<string, unknown>) => item._id)).toEqual(['gd1', 'gd2', 'gd3', 'gd4']);
      const [gd1, gd2, gd3, gd4] = items as Record<string, unknown>[];
      if (legacy) {
        expect([gd1?._createdDate, gd1?._updatedDate, gd2?._createdDate, gd2?._updatedDate]).toEqual([
          created,
          updated,
          created,
          updated,
        ]);
        expect(gd3?._createdDate).toEqual(created);
        expect(now(gd3?._updatedDate)).toBe(true);
      } else {
        for (const item of [gd1, gd2, gd3]) expect(now(item?._createdDate) && now(item?._updatedDate)).toBe(true);
      }
      // Missing or null: now, in both protocols.
      expect(now(gd4?._createdDate) && now(gd4?._updatedDate)).toBe(true);
    }
  });

  test('a bulk insert with bad items: v3 answers each item; legacy one error naming exactly the items stored', async () => {
    const { client } = get();
    const result = await client.insert(zoo, [
      { _id: 'bk1', count: 1 },
      { _id: 'a', title: 'already in the zoo' },
      { _id: 'bk2', count: 2 },
      { _id: 'bk3', count: 3 },
      { _id: 'bk4', count: 'four' },
    ]);
    if (client instanceof LegacyClient) {
      expect(result.status).toBe(409);
      expect(result.body.errorMessage).toMatch(
        /^item 1 insert failed: .* \(2 items failed in all\); stored: items 0, 2-3 \(3 of 5\); not stored: items 1, 4 \(positions in items, from 0\)\. Correct the ones not stored and send only them again\.$/,
      );
    } else {
      expect(result.status).toBe(200);
      expect((result.body.results as Result[]).map((r) => r.item?._id ?? r.error?.errorCode)).toEqual([
        'bk1',
        'ITEM_ALREADY_EXISTS',
        'bk2',
        'bk3',
        'VALIDATION_ERROR',
      ]);
    }
    const ids = ['bk1', 'bk2', 'bk3', 'bk4', 'bk5'];
    expect((await client.count(zoo, { _id: { $in: ids } })).body.totalCount).toBe(3);
    // Sending only the items not stored, corrected, stores them.
    const retry = await client.insert(zoo, [
      { _id: 'bk5', title: 'instead of a' },
      { _id: 'bk4', count: 4 },
    ]);
    expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    expect((await client.count(zoo, { _id: { $in: ids } })).body.totalCount).toBe(5);
  });

  test('insert with overwriteExisting replaces an existing item and keeps its _createdDate', async () => {
    const { client } = get();
    await client.insert(zoo, [{ _id: 'ow1', title: 'first', count: 1 }]);
    const original = (await client.query(zoo, { filter: { _id: 'ow1' } })).body.items[0];
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await client.insert(zoo, [{ _id: 'ow1', title: 'second' }], { overwriteExisting: true });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const answered = (result.body.results as Result[])[0]?.item ?? {};
    expect(answered._createdDate).toEqual(original._createdDate);
    const stored = (await client.query(zoo, { filter: { _id: 'ow1' } })).body.items[0];
    expect(withoutNulls(stored)).toEqual({
      _id: 'ow1',
      title: 'second',
      _createdDate: original._createdDate,
      _updatedDate: expect.objectContaining({ $date: expect.any(String) }),
    });
    expect(stored._updatedDate.$date > original._updatedDate.$date).toBe(true);
  });

  test('update: full replacement, _createdDate kept, _updatedDate moves, dates answered as {$date}', async () => {
    const { client } = get();
    await client.insert(zoo, [
      { _id: 'u1', title: 'before', count: 1, tags: ['x'], at: { $date: '2024-01-01T00:00:00Z' } },
    ]);
    const original = (await client.query(zoo, { filter: { _id: 'u1' } })).body.items[0];
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await client.update(zoo, [
      {
        _id: 'u1',
        title: 'after',
        at: { $date: '2025-05-05T05:05:05.005Z' },
        _createdDate: { $date: '2000-01-01T00:00:00Z' },
      },
      { _id: 'no-such-item', title: 'x' },
    ]);
    const [updated, missing] = result.body.results as Result[];
    expect(withoutNulls(updated?.item ?? {})).toEqual({
      _id: 'u1',
      title: 'after',
      at: { $date: '2025-05-05T05:05:05.005Z' },
      _createdDate: original._createdDate,
      _updatedDate: expect.objectContaining({ $date: expect.any(String) }),
    });
    expect(
      ((updated?.item?._updatedDate as { $date: string } | undefined)?.$date ?? '') > original._updatedDate.$date,
    ).toBe(true);
    expect(missing?.error).toMatchObject({ errorCode: 'ITEM_NOT_FOUND', data: { itemId: 'no-such-item' } });
    const stored = withoutNulls((await client.query(zoo, { filter: { _id: 'u1' } })).body.items[0]);
    expect(stored.count).toBeUndefined();
    expect(stored.tags).toBeUndefined();
    expect(stored.title).toBe('after');
  });

  test('update: an item sent without _owner keeps its stored owner; one sent with it is written as sent', async () => {
    const { client } = get();
    await client.insert(zoo, [
      { _id: 'o1', _owner: 'member-1', title: 'a' },
      { _id: 'o2', _owner: 'member-2', title: 'b' },
      { _id: 'o3', _owner: 'member-3', title: 'c' },
    ]);
    const result = await client.update(zoo, [
      { _id: 'o1', title: 'a2' },
      { _id: 'o2', _owner: 'member-9', title: 'b2' },
      { _id: 'o3', _owner: null, title: 'c2' },
    ]);
    const results = result.body.results as Result[];
    expect(results.map((r) => r.item?._owner ?? r.error?.errorCode ?? null)).toEqual(['member-1', 'member-9', null]);
    const stored = (
      await client.query(zoo, { filter: { _id: { $in: ['o1', 'o2', 'o3'] } }, sort: [{ fieldName: '_id' }] })
    ).body.items;
    expect(stored.map((item: { _owner?: string | null }) => item._owner ?? null)).toEqual([
      'member-1',
      'member-9',
      null,
    ]);
  });

  test('remove: removed items answered, unknown ids per item', async () => {
    const { client } = get();
    await client.insert(zoo, [{ _id: 'r1', title: 'gone soon' }]);
    const result = await client.remove(zoo, ['r1', 'never-existed']);
    const [removed, missing] = result.body.results as Result[];
    expect(removed?.item).toMatchObject({ _id: 'r1', title: 'gone soon' });
    expect(missing?.error).toMatchObject({ errorCode: 'ITEM_NOT_FOUND', data: { itemId: 'never-existed' } });
    expect((await client.count(zoo, { _id: 'r1' })).body.totalCount).toBe(0);
  });

  test('bulk insert of 1000 items, then truncate removes every one', async () => {
    const { client } = get();
    const id = await createZoo(get(), 'bulk');
    const items = Array.from({ length: 1000 }, (_, i) => ({
      _id: `bulk-${String(i).padStart(4, '0')}`,
      count: i,
      title: `item ${i}`,
    }));
    const result = await client.insert(id, items);
    expect(result.status).toBe(200);
    expect(result.body.results).toHaveLength(1000);
    expect((result.body.results as Result[]).every((r, i) => r.item?._id === items[i]?._id)).toBe(true);
    expect((await client.count(id)).body.totalCount).toBe(1008);
    const page = await client.query(id, {
      filter: { count: { $gte: 990 } },
      sort: [{ fieldName: 'count', order: 'DESC' }],
      paging: { limit: 3 },
    });
    expect(idsOf(page.body.items)).toEqual(['h', 'bulk-0999', 'bulk-0998']);
    expect((await client.truncate(id)).body).toEqual({});
    expect((await client.count(id)).body.totalCount).toBe(0);
  });

  test('an item near the 500 KB limit is stored and read back whole', async () => {
    const { client } = get();
    const big = 'x'.repeat(450 * 1024);
    const result = await client.insert(zoo, [{ _id: 'big', html: big }]);
    expect(result.body.results[0].error).toBeUndefined();
    const read = await client.query(zoo, { filter: { _id: 'big' } });
    expect(read.body.items[0].html).toHaveLength(big.length);
    const tooBig = await client.insert(zoo, [{ _id: 'too-big', html: 'y'.repeat(600 * 1024) }]);
    expect(tooBig.body.results[0].error.errorCode).toBe('VALIDATION_ERROR');
  });

  test('parallel updates of one item all apply; parallel removes remove it once', async () => {
    const { client } = get();
    const id = uniqueCollectionId('race');
    expect((await client.createCollection({ id, fields: [{ key: 'n', type: 'NUMBER' }] })).status).toBe(200);
    await client.insert(id, [{ _id: 'x', n: 0 }]);
    const updates = await Promise.all([1, 2, 3, 4].map((n) => client.update(id, [{ _id: 'x', n }])));
    for (const result of updates) {
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(result.body.results[0].error).toBeUndefined();
    }
    const read = await client.query(id, {});
    expect([1, 2, 3, 4]).toContain(read.body.items[0].n);
    const removes = await Promise.all([1, 2, 3].map(() => client.remove(id, ['x'])));
    const outcomes = removes.map((r) => {
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.results[0].error?.errorCode ?? 'removed';
    });
    expect(outcomes.sort()).toEqual(['ITEM_NOT_FOUND', 'ITEM_NOT_FOUND', 'removed']);
    expect((await client.count(id)).body).toEqual({ totalCount: 0 });
  });

  test('a bulk insert of about 5.5 MB (12 items of 450 KB) is stored whole', async () => {
    const { client } = get();
    const id = uniqueCollectionId('bigbulk');
    expect((await client.createCollection({ id, fields: [{ key: 'body', type: 'TEXT' }] })).status).toBe(200);
    // Words, so a text index (Firestore's trigrams) has work too; each item its own text.
    const text = (n: number) => Array.from({ length: 450 * 128 }, (_, i) => `w${(i * 7919 + n) % 99991}`).join(' ');
    const items = Array.from({ length: 12 }, (_, n) => ({ _id: `b${n}`, body: text(n).slice(0, 450 * 1024) }));
    const result = await client.insert(id, items);
    expect(result.status, JSON.stringify(result.body).slice(0, 500)).toBe(200);
    expect(result.body.results.filter((r: { error?: unknown }) => r.error)).toEqual([]);
    expect((await client.count(id)).body).toEqual({ totalCount: 12 });
    const read = await client.query(id, { filter: { _id: 'b11' } });
    expect(read.body.items[0].body).toBe(items[11]?.body);
  });

  describe('error paths', () => {
    test.each([
      ['items/query', { query: { filter: {} } }],
      ['items/count', { filter: {} }],
      ['items/aggregate', { aggregation: { groupingFields: [], operations: [] } }],
      ['items/query-distinct-values', { fieldName: 'title' }],
      ['items/insert', { items: [{ _id: 'x' }] }],
      ['items/update', { items: [{ _id: 'x' }] }],
      ['items/remove', { itemIds: ['x'] }],
      ['items/truncate', {}],
      ['collections/delete', {}],
      ['indexes/list', {}],
    ])('%s on a missing collection → 404 COLLECTION_NOT_FOUND', async (path, body) => {
      const { client } = get();
      const result = await client.call(path, { collectionId: 'no_such_collection', ...body });
      expect(result.status).toBe(404);
      expect(result.body).toMatchObject({
        errorCode: 'COLLECTION_NOT_FOUND',
        data: { collectionId: 'no_such_collection' },
      });
    });

    test.each([
      ['items/insert', { items: [] }, 'items'],
      ['items/update', { items: [] }, 'items'],
      ['items/remove', { itemIds: [] }, 'itemIds'],
    ])('%s with an empty batch is a 400 naming the list (docs/protocol.md §12.3)', async (path, body, fieldPath) => {
      const { client } = get();
      const result = await client.call(path, { collectionId: zoo, ...body });
      expect(result.status, JSON.stringify(result.body)).toBe(400);
      expect(result.body.errorCode).toBe('VALIDATION_ERROR');
      expect(result.body.data.violations[0].fieldPath).toBe(fieldPath);
    });

    test('a bad filter → 400 naming the path', async () => {
      const { client } = get();
      const result = await client.query(zoo, { filter: { $and: [{ count: { $gt: 'three' } }] } });
      expect(result.status).toBe(400);
      expect(result.body.errorCode).toBe('VALIDATION_ERROR');
      expect(result.body.data.violations[0].fieldPath).toContain('count');
    });
  });
}
