/**
 * Hostile input (packages/core/README.md "Input limits"): the same clear 400
 * on every engine, decided by the core before any database sees the request,
 * and never a value answered that was not stored. Found by an attack run:
 * before the limits these were 500s, hangs, or silently changed values.
 */
import { beforeAll, expect, test } from 'vitest';
import { createZoo } from './suite-queries.ts';
import { type ConformanceTarget, uniqueCollectionId } from './target.ts';

type Result = { item?: Record<string, unknown>; error?: { errorCode: string; data: Record<string, unknown> } };

const nest = (depth: number, wrap: (inner: unknown) => unknown, leaf: unknown): unknown => {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
};

/** A 400 VALIDATION_ERROR with a violation whose path starts with `pathPrefix`. */
function expectViolation(
  result: { status: number; body: Record<string, unknown> },
  pathPrefix: string,
): { fieldPath: string; message: string } {
  expect(result.status, JSON.stringify(result.body).slice(0, 300)).toBe(400);
  expect(result.body.errorCode).toBe('VALIDATION_ERROR');
  const violations = (result.body.data as { violations: { fieldPath: string; message: string }[] }).violations;
  const found = violations.find((v) => v.fieldPath.startsWith(pathPrefix));
  expect(found, JSON.stringify(violations).slice(0, 300)).toBeDefined();
  return found as { fieldPath: string; message: string };
}

export function limitsSuite(get: () => ConformanceTarget): void {
  let zoo: string;
  beforeAll(async () => {
    zoo = await createZoo(get(), 'limits');
  });

  test('oversized filters are a 400 naming the path: deep nesting, many branches, long lists', async () => {
    const { client } = get();
    const leaf = { count: 1 };
    // 500 levels: far beyond the limit (32) and Spanner's own (a 200-deep $not was a 500); the signing
    // client cannot clone much deeper. core's test/wire/limits.test.ts covers 200,000 levels.
    const cases: [unknown, string][] = [
      [nest(500, (f) => ({ $and: [f] }), leaf), 'query.filter.$and'],
      [nest(500, (f) => ({ $or: [f] }), leaf), 'query.filter.$or'],
      [nest(200, (f) => ({ $not: f }), leaf), 'query.filter.$not'],
      [{ $or: Array.from({ length: 5_000 }, (_, i) => ({ count: i })) }, 'query.filter.$or'],
      [{ tags: { $hasAll: Array.from({ length: 10_000 }, (_, i) => `t${i}`) } }, 'query.filter.tags.$hasAll'],
      [{ count: { $in: Array.from({ length: 100_000 }, (_, i) => i) } }, 'query.filter.count.$in'],
    ];
    for (const [filter, path] of cases) expectViolation(await client.query(zoo, { filter }), path);
  });

  test('a list within the limit answers like the short list it contains', async () => {
    const { client } = get();
    const short = { count: { $in: [1, 2, -3] } };
    const long = { count: { $in: [1, 2, -3, ...Array.from({ length: 997 }, (_, i) => 10_000 + i)] } };
    const expected = await client.count(zoo, short);
    expect(expected.status).toBe(200);
    expect((await client.count(zoo, long)).body).toEqual(expected.body);
  });

  test('$hasAll with 1,000 values answers like the short list it repeats, on every engine', async () => {
    // One condition for the core's budget, once expanded to 1,000 ANDed equalities: a 500 on the
    // BigQuery emulator (expression depth), a 400 on Spanner (functions per query).
    const { client } = get();
    const repeated = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 'red' : 'green'));
    const distinct = ['red', 'green', ...Array.from({ length: 998 }, (_, i) => `t${i}`)];
    const short = await client.query(zoo, { filter: { tags: { $hasAll: ['red', 'green'] } } });
    expect(short.status, JSON.stringify(short.body).slice(0, 300)).toBe(200);
    expect(short.body.items.map((i: { _id: string }) => i._id)).toEqual(['a', 'c']);
    const long = await client.query(zoo, { filter: { tags: { $hasAll: repeated } } });
    expect(long.status, JSON.stringify(long.body).slice(0, 300)).toBe(200);
    expect(long.body.items.map((i: { _id: string }) => i._id)).toEqual(['a', 'c']);
    const none = await client.count(zoo, { tags: { $hasAll: distinct } });
    expect(none.status, JSON.stringify(none.body).slice(0, 300)).toBe(200);
    expect(none.body).toEqual({ totalCount: 0 });
  });

  test('sum past the double range: one 400 on every engine; an average whose sum overflows is answered', async () => {
    const { client } = get();
    const id = uniqueCollectionId('big');
    expect((await client.createCollection({ id, fields: [{ key: 'n', type: 'NUMBER' }] })).status).toBe(200);
    const inserted = await client.insert(id, [
      { _id: 'a', n: 1e308 },
      { _id: 'b', n: 1.7e308 },
      { _id: 'c', n: 1e308 },
      { _id: 'd', n: 1 },
    ]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    const aggregate = (operations: unknown[]) =>
      client.aggregate(id, { initialFilter: { n: { $gt: 1e300 } }, aggregation: { groupingFields: [], operations } });
    const average = await aggregate([{ resultFieldName: 'a', average: { itemFieldName: 'n' } }]);
    expect(average.status, JSON.stringify(average.body)).toBe(200);
    // The mean of three finite values, ≈1.2333e308 (engines round its last bit differently), never null.
    const mean = average.body.items[0]?.a;
    expect(typeof mean, JSON.stringify(average.body)).toBe('number');
    expect(Math.abs(mean / 1.2333333333333333e308 - 1)).toBeLessThan(1e-12);
    for (const operations of [
      [{ resultFieldName: 's', sum: { itemFieldName: 'n' } }],
      [
        { resultFieldName: 's', sum: { itemFieldName: 'n' } },
        { resultFieldName: 'a', average: { itemFieldName: 'n' } },
        { resultFieldName: 'c', itemCount: {} },
      ],
    ]) {
      const sum = await aggregate(operations);
      expect(sum.status, JSON.stringify(sum.body)).toBe(400);
      expect(sum.body.errorCode).toBe('BAD_REQUEST');
      expect(sum.body.errorMessage).toMatch(/^The sum of 'n' over the matching items is beyond the range of a NUMBER/);
      // Says what to do; no stored value quoted.
      expect(sum.body.errorMessage).toContain('initialFilter');
      expect(sum.body.errorMessage).not.toMatch(/1\.7e|\b1e\+?308/);
    }
    // Within the range the sum is answered.
    const small = await client.aggregate(id, {
      initialFilter: { n: { $lt: 1e300 } },
      aggregation: { groupingFields: [], operations: [{ resultFieldName: 's', sum: { itemFieldName: 'n' } }] },
    });
    expect(small.body.items).toEqual([{ s: 1 }]);
    expect((await client.deleteCollection(id)).status).toBe(200);
  });

  test('sum past the double range: a 400 only when a row holding it is answered, on every engine', async () => {
    // docs/semantics.md §6.1: a group whose sum is past the range, left out by paging or removed by
    // finalFilter, does not matter; finalFilter and sort see that sum as ±Infinity.
    const { client } = get();
    const id = uniqueCollectionId('bigg');
    const fields = [
      { key: 'g', type: 'TEXT' },
      { key: 'n', type: 'NUMBER' },
    ];
    expect((await client.createCollection({ id, fields })).status).toBe(200);
    const inserted = await client.insert(id, [
      { _id: 'a1', g: 'big', n: 1.7e308 },
      { _id: 'a2', g: 'big', n: 1.7e308 },
      { _id: 'b1', g: 'small', n: 1 },
      { _id: 'c1', g: 'under', n: -1.7e308 },
      { _id: 'c2', g: 'under', n: -1.7e308 },
    ]);
    expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
    const aggregation = { groupingFields: ['g'], operations: [{ resultFieldName: 's', sum: { itemFieldName: 'n' } }] };
    const answered = async (request: Record<string, unknown>, rows: unknown[], total?: number) => {
      const answer = await client.aggregate(id, { aggregation, ...request });
      expect(answer.status, `${JSON.stringify(request)} → ${JSON.stringify(answer.body)}`).toBe(200);
      expect(answer.body.items, JSON.stringify(request)).toEqual(rows);
      if (total !== undefined) expect(answer.body.pagingMetadata.total).toBe(total);
      return answer;
    };
    const small = [{ g: 'small', s: 1 }];
    // Paged out: the page holds only the small group (offset and cursor paging; the cursor's look-ahead row overflows).
    await answered({ sort: [{ fieldName: 'g', order: 'ASC' }], paging: { offset: 1, limit: 1 } }, small);
    await answered(
      { sort: [{ fieldName: 'g', order: 'DESC' }], paging: { offset: 1, limit: 1 }, returnTotalCount: true },
      small,
      3,
    );
    const cursorPaged = { finalFilter: { g: { $ne: 'under' } }, sort: [{ fieldName: 'g', order: 'DESC' }] };
    const first = await answered({ ...cursorPaged, cursorPaging: { limit: 1 } }, small);
    const cursor = first.body.pagingMetadata.cursors.next;
    expect(typeof cursor).toBe('string');
    const second = await client.call('items/aggregate', { collectionId: id, cursorPaging: { limit: 1, cursor } });
    expect(second.status, JSON.stringify(second.body)).toBe(400);
    // Removed by finalFilter, on the group key and on the infinite sum itself.
    await answered({ finalFilter: { g: { $eq: 'small' } }, returnTotalCount: true }, small, 1);
    await answered({ finalFilter: { $and: [{ s: { $lt: 1e308 } }, { s: { $gt: -1e308 } }] } }, small);
    // Sorted by the sum: +Infinity first descending, −Infinity first ascending.
    await answered({ sort: [{ fieldName: 's', order: 'DESC' }], paging: { offset: 1, limit: 1 } }, small);
    await answered({ sort: [{ fieldName: 's', order: 'ASC' }], paging: { offset: 1, limit: 1 } }, small);
    // Answered: the 400, whichever group it is.
    for (const request of [
      {},
      { sort: [{ fieldName: 'g', order: 'ASC' }], paging: { limit: 1 } },
      { finalFilter: { g: { $eq: 'under' } } },
      { finalFilter: { s: { $gt: 1e308 } } },
    ]) {
      const refused = await client.aggregate(id, { aggregation, ...request });
      expect(refused.status, `${JSON.stringify(request)} → ${JSON.stringify(refused.body)}`).toBe(400);
      expect(refused.body.errorMessage).toMatch(
        /^The sum of 'n' over the matching items is beyond the range of a NUMBER/,
      );
    }
    expect((await client.deleteCollection(id)).status).toBe(200);
  });

  test('paging.offset beyond 2^31 − 1 is a 400 at the offset', async () => {
    const { client } = get();
    for (const offset of [1e20, 2 ** 31]) {
      expectViolation(await client.query(zoo, { paging: { offset, limit: 1 } }), 'query.paging.offset');
    }
  });

  test('instants outside years 0001–9999 are refused in filters and per item, never stored', async () => {
    const { client } = get();
    for (const $date of ['0000-06-01T00:00:00.000Z', '9999-12-31T23:30:00-01:00']) {
      expectViolation(await client.query(zoo, { filter: { at: { $gt: { $date } } } }), 'query.filter.at.$gt');
    }
    const inserted = await client.insert(zoo, [
      { _id: 'y0', at: { $date: '0000-01-01T00:00:00.000Z' } },
      { _id: 'y1', at: { $date: '0001-01-01T00:00:00.000Z' } },
    ]);
    const [y0, y1] = inserted.body.results as Result[];
    expect(y0?.error?.errorCode).toBe('VALIDATION_ERROR');
    expect(y1?.item?.at).toEqual({ $date: '0001-01-01T00:00:00.000Z' });
    const stored = await client.query(zoo, { filter: { _id: { $in: ['y0', 'y1'] } } });
    expect(stored.body.items.map((i: { _id: string; at: unknown }) => [i._id, i.at])).toEqual([
      ['y1', { $date: '0001-01-01T00:00:00.000Z' }],
    ]);
  });

  test('a lone surrogate is a 400 in items (per item), filters and ids', async () => {
    const { client } = get();
    const inserted = await client.insert(zoo, [
      { _id: 's1', title: 'ok \ud83c\udf39' },
      { _id: 's2', title: 'bad \ud800' },
      { _id: 's3', obj: { 'k\udc00': 1 } },
    ]);
    const results = inserted.body.results as Result[];
    expect(results.map((r) => r.item?._id ?? r.error?.errorCode)).toEqual([
      's1',
      'VALIDATION_ERROR',
      'VALIDATION_ERROR',
    ]);
    expect(results[0]?.item?.title).toBe('ok 🌹');
    expect((await client.count(zoo, { _id: { $in: ['s1', 's2', 's3'] } })).body.totalCount).toBe(1);
    expectViolation(await client.query(zoo, { filter: { title: '\ud800' } }), 'query.filter.title');
    expectViolation(await client.remove(zoo, ['\udfff']), 'itemIds[0]');
    expectViolation(await client.count('x\ud800', {}), 'collectionId');
  });

  test('item values nest at most 20 levels: deeper is a per-item 400 naming the field; 20 round-trips', async () => {
    const { client } = get();
    const deep = (levels: number) => nest(levels - 1, (v) => ({ a: v }), { a: 'leaf' });
    const inserted = await client.insert(zoo, [
      { _id: 'd20', obj: deep(20) },
      { _id: 'd25', obj: deep(25) },
    ]);
    const [d20, d25] = inserted.body.results as Result[];
    expect(d20?.item?.obj).toEqual(deep(20));
    expect(d25?.error?.errorCode).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(d25?.error?.data)).toContain('items[1].obj.a.a');
    const stored = await client.query(zoo, { filter: { _id: { $in: ['d20', 'd25'] } } });
    expect(stored.body.items.map((i: Record<string, unknown>) => [i._id, i.obj])).toEqual([['d20', deep(20)]]);
  });

  test('objects are stored exactly or refused: __proto__ keys, $-keys an engine reserves', async () => {
    const { client } = get();
    const proto = JSON.parse('{"_id": "p1", "obj": {"x": 1, "__proto__": {"y": 2}}}');
    const marker = { _id: 'p2', obj: { $wixArray: [1, 2] } };
    const inserted = await client.insert(zoo, [proto, marker]);
    const [p1, p2] = inserted.body.results as Result[];
    expect(p1?.error?.errorCode).toBe('VALIDATION_ERROR');
    const stored = await client.query(zoo, { filter: { _id: { $in: ['p1', 'p2'] } } });
    if (p2?.item) {
      expect(p2.item.obj).toEqual(marker.obj);
      expect(stored.body.items.map((i: Record<string, unknown>) => [i._id, i.obj])).toEqual([['p2', marker.obj]]);
    } else {
      expect(p2?.error?.errorCode).toBe('VALIDATION_ERROR');
      expect(stored.body.items).toEqual([]);
    }
  });

  test('collection ids and field keys: over the engine limit a 400 naming the path; listings stay healthy', async () => {
    const { client, capabilities } = get();
    const idLimit = Math.min(256, capabilities.limits?.collectionIdLength ?? 256);
    const tooLong = `c${'x'.repeat(idLimit)}`;
    expectViolation(await client.createCollection({ id: tooLong, fields: [] }), 'collection.id');
    const keyLimit = Math.min(256, capabilities.limits?.fieldKeyLength ?? 256);
    const longKey = `k${'x'.repeat(keyLimit)}`;
    const id = uniqueCollectionId('keys');
    expectViolation(
      await client.createCollection({ id, fields: [{ key: longKey, type: 'TEXT' }] }),
      'collection.fields[0].key',
    );
    // 101 characters once created a BigQuery table its emulator could not list, breaking every later call.
    const long = uniqueCollectionId(`L${'o'.repeat(91)}`);
    expect(long).toHaveLength(101);
    const created = await client.createCollection({ id: long, fields: [{ key: 'title', type: 'TEXT' }] });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const listed = await client.listCollections();
    expect(listed.status).toBe(200);
    expect(listed.body.collections.map((c: { id: string }) => c.id)).toContain(long);
    expect((await client.query(long, {})).status).toBe(200);
    expect((await client.deleteCollection(long)).status).toBe(200);
  });

  test('collections/update checks field keys exactly like create', async () => {
    const { client } = get();
    const id = uniqueCollectionId('upd');
    const bad = [{ key: 'c b', type: 'TEXT' }];
    const create = await client.createCollection({ id, fields: bad });
    if (create.status === 200) {
      expect((await client.updateCollection({ id, fields: [...bad, { key: 'd e', type: 'TEXT' }] })).status).toBe(200);
    } else {
      expect(create.status).toBe(400);
      expect((await client.createCollection({ id, fields: [{ key: 'ok', type: 'TEXT' }] })).status).toBe(200);
      const update = await client.updateCollection({ id, fields: [{ key: 'ok', type: 'TEXT' }, ...bad] });
      expect(update.status, JSON.stringify(update.body)).toBe(400);
      expect(update.body.errorCode).toBe(create.body.errorCode);
    }
    expect((await client.deleteCollection(id)).status).toBe(200);
  });
}
