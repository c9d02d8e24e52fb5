/**
 * Every cursor the adaptor issues is accepted back (packages/core/src/adaptor/paging.ts openCursor):
 * the first request's filter, sort … inside it are checked by the rules the request was checked
 * with, so a filter operand holding a `"__proto__"` key (accepted in a request) pages on; keyset
 * values are item values and a forged one still is refused.
 */
import { encodeCursor } from '@adaptors/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, startHarness } from '../src/index.ts';

let harness: Harness;
const collectionId = 'protos';
// A JSON body keeps "__proto__" as an own key, as JSON.parse does with the request.
const proto = () => JSON.parse('{"__proto__": 1}');

beforeAll(async () => {
  harness = await startHarness({ storage: createMemoryStorage() });
  const c = harness.client;
  const fields = [
    { key: 't', type: 'TEXT' },
    { key: 'o', type: 'OBJECT' },
  ];
  expect((await c.call('collections/create', { collection: { id: collectionId, fields } })).status).toBe(200);
  const items = [
    { _id: '1', t: 'a', o: { x: 1 } },
    { _id: '2', t: 'b', o: { x: 2 } },
    { _id: '3', t: 'c', o: { x: 3 } },
  ];
  expect((await c.call('items/insert', { collectionId, items })).status).toBe(200);
});

afterAll(async () => {
  await harness?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON whose shape each case asserts.
type Answer = { status: number; body: any };

function nextCursor(answer: Answer): string {
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const cursor = answer.body.pagingMetadata?.cursors?.next;
  expect(typeof cursor, JSON.stringify(answer.body)).toBe('string');
  return cursor;
}

function expectInvalidCursor(answer: Answer): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.errorMessage).toMatch(/^Invalid cursor: /);
}

test('items/query: a filter operand with a "__proto__" key pages on with its own cursor', async () => {
  const c = harness.client;
  const query = { filter: { o: { $ne: proto() } }, sort: [{ fieldName: 't', order: 'ASC' }] };
  const first = await c.call('items/query', { collectionId, query: { ...query, cursorPaging: { limit: 1 } } });
  expect(first.body.items.map((i: { _id: string }) => i._id)).toEqual(['1']);
  let cursor = nextCursor(first);
  const seen = ['1'];
  while (cursor) {
    const page = await c.call('items/query', { collectionId, query: { cursorPaging: { limit: 1, cursor } } });
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    seen.push(...page.body.items.map((i: { _id: string }) => i._id));
    cursor = page.body.pagingMetadata.cursors.next;
  }
  expect(seen).toEqual(['1', '2', '3']);
});

test('items/aggregate and items/query-distinct-values: the same, in initialFilter, finalFilter and filter', async () => {
  const c = harness.client;
  const aggregate = await c.call('items/aggregate', {
    collectionId,
    initialFilter: { o: { $ne: proto() } },
    aggregation: { groupingFields: ['t', 'o'], operations: [{ resultFieldName: 'n', itemCount: {} }] },
    finalFilter: { o: { $ne: proto() } },
    sort: [{ fieldName: 't', order: 'ASC' }],
    cursorPaging: { limit: 1 },
  });
  const aggregateNext = await c.call('items/aggregate', {
    collectionId,
    cursorPaging: { limit: 2, cursor: nextCursor(aggregate) },
  });
  expect(aggregateNext.status, JSON.stringify(aggregateNext.body)).toBe(200);
  expect(aggregateNext.body.items).toEqual([
    { t: 'b', o: { x: 2 }, n: 1 },
    { t: 'c', o: { x: 3 }, n: 1 },
  ]);

  const distinct = await c.call('items/query-distinct-values', {
    collectionId,
    fieldName: 't',
    filter: { o: { $ne: proto() } },
    cursorPaging: { limit: 1 },
  });
  const distinctNext = await c.call('items/query-distinct-values', {
    collectionId,
    cursorPaging: { limit: 2, cursor: nextCursor(distinct) },
  });
  expect(distinctNext.status, JSON.stringify(distinctNext.body)).toBe(200);
  expect(distinctNext.body.distinctValues).toEqual(['b', 'c']);
});

test('a keyset value with a "__proto__" key is still refused, however signed', async () => {
  const c = harness.client;
  const first = await c.call('items/query', {
    collectionId,
    query: { sort: [{ fieldName: 't', order: 'ASC' }], cursorPaging: { limit: 1 } },
  });
  const issued = nextCursor(first);
  const payload = JSON.parse(Buffer.from(issued.split('.')[1] ?? '', 'base64url').toString('utf8'));
  const resign = (k: unknown) =>
    encodeCursor({ ...payload, state: { ...payload.state, k } } as never, harness.cursorSecret);
  // Signed again unchanged: served.
  const same = await c.call('items/query', {
    collectionId,
    query: { cursorPaging: { limit: 1, cursor: resign(payload.state.k) } },
  });
  expect(same.status, JSON.stringify(same.body)).toBe(200);
  for (const k of [
    [proto(), '1'],
    [{ a: proto() }, '1'],
  ]) {
    expectInvalidCursor(
      await c.call('items/query', { collectionId, query: { cursorPaging: { limit: 1, cursor: resign(k) } } }),
    );
  }
});
