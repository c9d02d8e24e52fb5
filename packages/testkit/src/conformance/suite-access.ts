/**
 * What a caller reaches besides the collection its call names: the collections its reference
 * fields point at, under ACCESS_POLICY (packages/core/src/auth/README.md "References"), the
 * content of the cursors it sends back (packages/core/src/adaptor/paging.ts `openCursor`), and
 * reference fields naming the adaptor's own collections. Each case on every engine, over signed HTTP.
 */
import { encodeCursor, parseAccessPolicy } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import { type ConformanceTarget, uniqueCollectionId } from './target.ts';

// biome-ignore lint/suspicious/noExplicitAny: answers are JSON whose shape each case asserts.
type Answer = { status: number; body: any };

const as = (identityType: string, id: Record<string, string>) => ({
  metadata: { requestId: 'access-case', instanceId: 'access-case', identity: { identityType, ...id } },
});
const VISITOR = as('ANONYMOUS_VISITOR', { anonymousVisitorId: 'v1' });
const MEMBER = as('MEMBER', { memberId: 'm1' });

function expectDenied(answer: Answer, collectionId: string, secrets: readonly string[] = []): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(403);
  expect(answer.body.errorCode).toBe('PERMISSION_DENIED');
  expect(answer.body.errorMessage).toContain(`collection '${collectionId}'`);
  expect(answer.body.errorMessage).toContain('ACCESS_POLICY');
  for (const secret of secrets) expect(JSON.stringify(answer.body)).not.toContain(secret);
}

function expectInvalidCursor(answer: Answer): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.errorCode).toBe('BAD_REQUEST');
  expect(answer.body.errorMessage).toMatch(/^Invalid cursor: .*start from the first page/);
}

/** The signed payload of a cursor the adaptor issued (query/cursor.ts: `v1.<base64url JSON>.<mac>`). */
function payloadOf(cursor: string): {
  op: 'query' | 'aggregate' | 'distinct' | 'referenced';
  collectionId: string;
  state: Record<string, unknown>;
} {
  const body = cursor.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
}

/** The cursor again, with its state changed and signed with the target's key (what a known key allows). */
function forged(cursor: string, secret: string, change: (state: Record<string, unknown>) => Record<string, unknown>) {
  const payload = payloadOf(cursor);
  return encodeCursor(
    { op: payload.op, collectionId: payload.collectionId, state: change(payload.state) as never },
    secret,
  );
}

export function accessSuite(get: () => ConformanceTarget): void {
  describe('ACCESS_POLICY through reference fields', () => {
    test('a collection the caller may not read stays closed through includes, query-referenced, reference changes and collections/get', async (ctx) => {
      const { client, capabilities, withPolicy } = get();
      if (!withPolicy) return ctx.skip('the target gives no front door under a policy (ConformanceTarget.withPolicy)');
      if (!capabilities.dataOperations.includes('INSERT_REFERENCES')) {
        return ctx.skip('the storage declares no references');
      }
      const orders = uniqueCollectionId('ord');
      const reviews = uniqueCollectionId('rev');
      expect((await client.createCollection({ id: orders, fields: [{ key: 'card', type: 'TEXT' }] })).status).toBe(200);
      const created = await client.createCollection({
        id: reviews,
        fields: [
          { key: 'text', type: 'TEXT' },
          { key: 'order', type: 'REFERENCE', singleReferenceOptions: { referencedCollectionId: orders } },
          { key: 'orders', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: orders } },
        ],
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const secrets = ['4111-SECRET', '5500-SECRET'];
      await client.insert(orders, [
        { _id: 'o1', card: secrets[0] },
        { _id: 'o2', card: secrets[1] },
      ]);
      await client.insert(reviews, [{ _id: 'r1', text: 'fine', order: 'o1' }]);
      const pair = { referringItemId: 'r1', referencedItemId: 'o2' };
      expect((await client.insertReferences(reviews, 'orders', [pair])).status).toBe(200);

      // Visitors may read and write every collection but orders; members may also read orders.
      const policy = parseAccessPolicy(
        JSON.stringify({
          '*': { WIX_USER: ['*'], '*': ['read', 'write'] },
          [orders]: { ANONYMOUS_VISITOR: [], MEMBER: ['read'] },
        }),
      );
      const door = await withPolicy(policy);
      try {
        const call = (path: string, request: unknown, who = VISITOR) => door.client.call(path, request, who);
        expectDenied(await call('items/query', { collectionId: orders, query: {} }), orders);
        // The referring collection itself stays readable, its reference values included (they are its own).
        const own = await call('items/query', { collectionId: reviews, query: {} });
        expect(own.status, JSON.stringify(own.body)).toBe(200);
        expect(own.body.items.map((i: { order?: unknown }) => i.order)).toEqual(['o1']);

        for (const include of [
          [{ fieldKey: 'order' }],
          [{ fieldKey: 'orders' }],
          [{ fieldKey: 'text' }, { fieldKey: 'orders', limit: 5 }],
          // A filter on the referenced collection would tell its values apart: refused like the rest.
          [{ fieldKey: 'order', filter: { card: { $startsWith: '4111' } } }],
          [{ fieldKey: 'orders', filter: { card: { $startsWith: '9999' } } }],
        ]) {
          const answer = await call('items/query', {
            collectionId: reviews,
            query: {},
            includeReferencedItems: include,
          });
          expectDenied(answer, orders, secrets);
          expect(answer.body.errorMessage).toContain('includeReferencedItems');
        }
        for (const includeReferencedItems of [true, false]) {
          const answer = await call('items/query-referenced', {
            collectionId: reviews,
            referringFieldKey: 'orders',
            includeReferencedItems,
          });
          expectDenied(answer, orders, secrets);
        }
        // Whether an id exists in orders is not answered either (ITEM_NOT_FOUND against success).
        for (const referencedItemId of ['o1', 'no-such-order']) {
          const references = [{ referringItemId: 'r1', referencedItemId }];
          for (const path of ['items/insert-references', 'items/remove-references']) {
            expectDenied(await call(path, { collectionId: reviews, referringFieldKey: 'orders', references }), orders);
          }
        }
        // collections/get shows only what the caller may read, whether listing all or asking by id.
        const ids = (answer: Answer) => answer.body.collections.map((c: { id: string }) => c.id);
        const all = await call('collections/get', { collectionIds: [] });
        expect(all.status, JSON.stringify(all.body)).toBe(200);
        expect(ids(all)).toContain(reviews);
        expect(ids(all)).not.toContain(orders);
        const named = await call('collections/get', { collectionIds: [orders, reviews] });
        expect(ids(named)).toEqual([reviews]);

        // A member may read orders: the same calls answer, and a pair may be written with read on orders.
        const included = await call(
          'items/query',
          { collectionId: reviews, query: {}, includeReferencedItems: [{ fieldKey: 'order' }, { fieldKey: 'orders' }] },
          MEMBER,
        );
        expect(included.status, JSON.stringify(included.body)).toBe(200);
        expect(included.body.items[0].order).toMatchObject({ _id: 'o1', card: secrets[0] });
        expect(included.body.items[0].orders).toMatchObject([{ _id: 'o2', card: secrets[1] }]);
        const referenced = await call(
          'items/query-referenced',
          { collectionId: reviews, referringFieldKey: 'orders', includeReferencedItems: true },
          MEMBER,
        );
        expect(referenced.status, JSON.stringify(referenced.body)).toBe(200);
        expect(referenced.body.items).toMatchObject([{ ...pair, referencedItem: { _id: 'o2' } }]);
        const inserted = await call(
          'items/insert-references',
          {
            collectionId: reviews,
            referringFieldKey: 'orders',
            references: [{ referringItemId: 'r1', referencedItemId: 'o1' }],
          },
          MEMBER,
        );
        expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
        expect(ids(await call('collections/get', { collectionIds: [orders] }, MEMBER))).toEqual([orders]);
      } finally {
        await door.close();
      }
      await client.deleteCollection(reviews);
      await client.deleteCollection(orders);
    });
  });

  describe('cursor contents', () => {
    test('a cursor whose state the adaptor did not issue is a 400 on every paged call, whatever its signature', async (ctx) => {
      const { client, capabilities, cursorSecret } = get();
      if (cursorSecret === undefined)
        return ctx.skip('the target does not say its cursor key (ConformanceTarget.cursorSecret)');
      const plants = uniqueCollectionId('cur');
      const fields = [
        { key: 'name', type: 'TEXT' },
        { key: 'n', type: 'NUMBER' },
      ];
      expect((await client.createCollection({ id: plants, fields })).status).toBe(200);
      await client.insert(plants, [
        { _id: 'a', name: 'x', n: 1 },
        { _id: 'b', name: 'y', n: 2 },
        { _id: 'c', name: 'z', n: 3 },
      ]);
      const next = (answer: Answer): string => {
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const cursor = answer.body.pagingMetadata.cursors.next;
        expect(typeof cursor).toBe('string');
        return cursor;
      };
      const follow = (path: string, cursor: string) =>
        client.call(path, {
          collectionId: plants,
          ...(path === 'items/query'
            ? { query: { cursorPaging: { limit: 1, cursor } } }
            : { cursorPaging: { limit: 1, cursor } }),
        });

      // items/query: the same state signed again is served (the key is right), anything else is refused.
      const query = next(await client.query(plants, { sort: [{ fieldName: 'n' }], cursorPaging: { limit: 1 } }));
      const resigned = await follow(
        'items/query',
        forged(query, cursorSecret, (s) => s),
      );
      expect(resigned.status, JSON.stringify(resigned.body)).toBe(200);
      expect(resigned.body.items.map((i: { _id: string }) => i._id)).toEqual(['b']);
      for (const change of [
        (s: Record<string, unknown>) => ({ ...s, k: 'a' }),
        (s: Record<string, unknown>) => ({ ...s, k: [] }),
        (s: Record<string, unknown>) => ({ ...s, k: [1] }),
        (s: Record<string, unknown>) => ({ ...s, k: [{ $date: 'not a date' }, 'a'] }),
        (s: Record<string, unknown>) => ({ ...s, f: 5 }),
        (s: Record<string, unknown>) => ({ ...s, s: { fieldName: 'n' } }),
        (s: Record<string, unknown>) => ({ ...s, extra: true }),
        ({ k: _k, ...s }: Record<string, unknown>) => s,
      ]) {
        expectInvalidCursor(await follow('items/query', forged(query, cursorSecret, change)));
      }

      // items/aggregate: the offset is a non-negative integer an offset may be (a negative one answered a malformed row).
      const aggregation = { groupingFields: ['name'], operations: [{ resultFieldName: 'c', itemCount: {} }] };
      const aggregate = next(await client.aggregate(plants, { aggregation, cursorPaging: { limit: 1 } }));
      expect(
        (
          await follow(
            'items/aggregate',
            forged(aggregate, cursorSecret, (s) => s),
          )
        ).status,
      ).toBe(200);
      for (const o of [-5, 1.5, 1e300, '1', null, 2 ** 31]) {
        expectInvalidCursor(
          await follow(
            'items/aggregate',
            forged(aggregate, cursorSecret, (s) => ({ ...s, o })),
          ),
        );
      }
      expectInvalidCursor(
        await follow(
          'items/aggregate',
          forged(aggregate, cursorSecret, (s) => ({ ...s, r: null })),
        ),
      );

      // items/query-distinct-values: one value after, an order a request may name.
      const distinct = next(
        await client.call('items/query-distinct-values', {
          collectionId: plants,
          fieldName: 'name',
          cursorPaging: { limit: 1 },
        }),
      );
      expect(
        (
          await follow(
            'items/query-distinct-values',
            forged(distinct, cursorSecret, (s) => s),
          )
        ).status,
      ).toBe(200);
      for (const change of [
        (s: Record<string, unknown>) => ({ ...s, a: [] }),
        (s: Record<string, unknown>) => ({ ...s, d: 'SIDEWAYS' }),
        (s: Record<string, unknown>) => ({ ...s, n: 7 }),
      ]) {
        expectInvalidCursor(await follow('items/query-distinct-values', forged(distinct, cursorSecret, change)));
      }

      // items/query-referenced: the offset and the id lists (a negative offset answered 200).
      if (capabilities.dataOperations.includes('INSERT_REFERENCES')) {
        const holders = uniqueCollectionId('curh');
        const made = await client.createCollection({
          id: holders,
          fields: [
            { key: 'plants', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: plants } },
          ],
        });
        expect(made.status, JSON.stringify(made.body)).toBe(200);
        await client.insert(holders, [{ _id: 'h1' }]);
        const pairs = ['a', 'b', 'c'].map((id) => ({ referringItemId: 'h1', referencedItemId: id }));
        expect((await client.insertReferences(holders, 'plants', pairs)).status).toBe(200);
        const followRef = (cursor: string) =>
          client.call('items/query-referenced', { collectionId: holders, cursorPaging: { limit: 1, cursor } });
        const referenced = next(await client.queryReferenced(holders, 'plants', { cursorPaging: { limit: 1 } }));
        expect((await followRef(forged(referenced, cursorSecret, (s) => s))).status).toBe(200);
        for (const change of [
          (s: Record<string, unknown>) => ({ ...s, o: -3 }),
          (s: Record<string, unknown>) => ({ ...s, o: 0.5 }),
          (s: Record<string, unknown>) => ({ ...s, r: 'h1' }),
          (s: Record<string, unknown>) => ({ ...s, p: 'name' }),
          (s: Record<string, unknown>) => ({ ...s, s: 'up' }),
        ]) {
          expectInvalidCursor(await followRef(forged(referenced, cursorSecret, change)));
        }
        await client.deleteCollection(holders);
      }
      await client.deleteCollection(plants);
    });
  });

  describe('reference fields', () => {
    test('a reference to a collection id the adaptor reserves for itself is refused like that id (400)', async () => {
      const { client, capabilities } = get();
      if (!capabilities.supportedFieldTypes.includes('REFERENCE')) return;
      // Every name some engine keeps for itself (Spanner and BigQuery tables, Firestore collections):
      // each engine refuses its own as collection ids, and must refuse them as reference targets too.
      const names = [
        'wix_adaptor_collections',
        'WIX_ADAPTOR_REFERENCES',
        'wix_adaptor_references',
        '_wix_collections',
        '_wix_references',
      ];
      let reserved = 0;
      for (const name of names) {
        const asCollection = await client.createCollection({ id: name, fields: [] });
        if (asCollection.status === 200) {
          await client.deleteCollection(name);
          continue;
        }
        if (!/reserved/.test(JSON.stringify(asCollection.body))) continue; // refused for another reason (an engine's naming rule)
        reserved++;
        for (const field of [
          { key: 'ref', type: 'REFERENCE', singleReferenceOptions: { referencedCollectionId: name } },
          { key: 'refs', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: name } },
        ]) {
          if (!capabilities.supportedFieldTypes.includes(field.type as never)) continue;
          const id = uniqueCollectionId('resv');
          const created = await client.createCollection({ id, fields: [field] });
          expect(created.status, `${name}: ${JSON.stringify(created.body)}`).toBe(400);
          expect(JSON.stringify(created.body)).toContain(field.key);
          expect((await client.listCollections([id])).body.collections).toEqual([]);
          // Nor may an update add one.
          expect((await client.createCollection({ id, fields: [] })).status).toBe(200);
          const updated = await client.updateCollection({ id, fields: [field] });
          expect(updated.status, `${name}: ${JSON.stringify(updated.body)}`).toBe(400);
          await client.deleteCollection(id);
        }
      }
      if (capabilities.engine !== 'memory') expect(reserved).toBeGreaterThan(0);
    });
  });
}
