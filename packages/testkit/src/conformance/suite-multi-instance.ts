/**
 * Many instances, one truth (packages/core/SCALING.md): the same service
 * running as several real processes on one database, as Cloud Run scales it,
 * with Wix's calls spread over them. A change made through one instance must
 * be what the next call sees, whichever instance answers it.
 *
 * `start(env)` starts a cluster (cluster.ts) with extra settings. The suite
 * starts two: one with the service's defaults (new collections and fields are
 * seen at once through a miss re-read), one with `strictEnv` (the schema
 * version read before every call, so removals are seen at once too).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WixClient } from '../client.ts';
import type { ServiceCluster } from '../cluster.ts';
import { uniqueCollectionId } from './target.ts';

export interface MultiInstanceOptions {
  /** Settings that make every instance read the schema version before every call (e.g. SCHEMA_CHECK_MS=0). */
  readonly strictEnv: Record<string, string>;
}

type Item = Record<string, unknown>;

const plantFields = [
  { key: 'name', type: 'TEXT' },
  { key: 'height', type: 'NUMBER' },
];

function ok(result: { status: number; body: unknown }, what: string): void {
  expect(result.status, `${what}: ${JSON.stringify(result.body)}`).toBe(200);
}

async function createOn(client: WixClient, id: string, fields = plantFields): Promise<void> {
  ok(await client.createCollection({ id, fields }), `create ${id}`);
}

function fieldKeys(body: { collections: { fields: { key: string }[] }[] }): string[] {
  return (body.collections[0]?.fields ?? []).map((f) => f.key).filter((k) => !k.startsWith('_'));
}

export function defineMultiInstanceSuite(
  name: string,
  start: (env: Record<string, string>) => Promise<ServiceCluster>,
  options: MultiInstanceOptions,
): void {
  describe(`multi-instance: ${name}`, () => {
    describe('default settings', () => {
      let cluster: ServiceCluster | undefined;
      const get = () => cluster as ServiceCluster;
      beforeAll(async () => {
        cluster = await start({});
      });
      afterAll(async () => {
        await cluster?.stop();
      });

      test('a collection created on A takes items on B at once', async () => {
        const [a, b] = get().clients as [WixClient, WixClient];
        const id = uniqueCollectionId('multi_create');
        // B has read the schema before the collection exists (its cached snapshot lacks it).
        expect((await b.query(id)).body.errorCode).toBe('COLLECTION_NOT_FOUND');
        await createOn(a, id);
        const inserted = await b.insert(id, [{ _id: 'p1', name: 'Basil', height: 30 }]);
        ok(inserted, 'insert on B');
        expect(inserted.body.results[0].item).toMatchObject({ _id: 'p1', name: 'Basil' });
        const read = await a.query(id);
        expect(read.body.items.map((i: Item) => i._id)).toEqual(['p1']);
      });

      test('a field added on A is accepted on B at once (items, filters, sorts)', async () => {
        const [a, b] = get().clients as [WixClient, WixClient];
        const id = uniqueCollectionId('multi_field');
        await createOn(a, id);
        ok(await b.insert(id, [{ _id: 'p1', name: 'Basil' }]), 'insert on B'); // B caches the collection
        ok(await a.updateCollection({ id, fields: [...plantFields, { key: 'more', type: 'TEXT' }] }), 'update on A');
        const inserted = await b.insert(id, [{ _id: 'p2', name: 'Mint', more: 'yes' }]);
        ok(inserted, 'insert on B');
        expect(inserted.body.results[0].error).toBeUndefined();
        expect(inserted.body.results[0].item).toMatchObject({ more: 'yes' });
        // A second instance that cached the old definition: a filter and a sort on the new field.
        ok(await a.insert(id, [{ _id: 'p3', name: 'Sage', more: 'no' }]), 'insert on A');
        const filtered = await b.query(id, { filter: { more: 'yes' }, sort: [{ fieldName: 'more', order: 'ASC' }] });
        ok(filtered, 'query on B');
        expect(filtered.body.items.map((i: Item) => i._id)).toEqual(['p2']);
      });

      test('a cursor walk alternating instances sees every item once', async () => {
        const { clients, roundRobin } = get();
        const id = uniqueCollectionId('multi_walk');
        await createOn(clients[0] as WixClient, id);
        const items = Array.from({ length: 11 }, (_, i) => ({ _id: `p${String(i).padStart(2, '0')}`, height: i }));
        ok(await roundRobin.insert(id, items), 'insert');
        const seen: string[] = [];
        let result = await roundRobin.query(id, {
          sort: [{ fieldName: 'height', order: 'ASC' }],
          cursorPaging: { limit: 3 },
        });
        for (let page = 0; page < 10; page++) {
          ok(result, `page ${page}`);
          seen.push(...result.body.items.map((i: Item) => i._id as string));
          const next = result.body.pagingMetadata.cursors?.next;
          if (!next) break;
          result = await roundRobin.query(id, { cursorPaging: { limit: 3, cursor: next } });
        }
        expect(seen).toEqual(items.map((i) => i._id));
      });

      test('a page walk goes on through a new instance (a restart) with the cursor an old one made', async () => {
        const [a] = get().clients as [WixClient];
        const id = uniqueCollectionId('multi_restart');
        await createOn(a, id);
        ok(await a.insert(id, [{ _id: 'p1' }, { _id: 'p2' }, { _id: 'p3' }]), 'insert');
        const first = await a.query(id, { sort: [{ fieldName: '_id', order: 'ASC' }], cursorPaging: { limit: 2 } });
        ok(first, 'first page');
        const fresh = await get().startInstance();
        const next = await fresh.query(id, {
          cursorPaging: { limit: 2, cursor: first.body.pagingMetadata.cursors.next },
        });
        ok(next, 'next page on the new instance');
        expect(next.body.items.map((i: Item) => i._id)).toEqual(['p3']);
      });

      test('concurrent creates of one collection on A and B: one wins, the other is told it exists', async () => {
        const [a, b] = get().clients as [WixClient, WixClient];
        const id = uniqueCollectionId('multi_race');
        const results = await Promise.all([
          a.createCollection({ id, fields: [{ key: 'fromA', type: 'TEXT' }] }),
          b.createCollection({ id, fields: [{ key: 'fromB', type: 'NUMBER' }] }),
        ]);
        const statuses = results.map((r) => r.status).sort();
        expect(statuses, JSON.stringify(results.map((r) => r.body))).toEqual([200, 409]);
        const loser = results.find((r) => r.status === 409);
        expect(loser?.body.errorCode).toBe('COLLECTION_ALREADY_EXISTS');
        const winner = results.find((r) => r.status === 200);
        const winnerKeys = ((winner?.body.collection.fields ?? []) as { key: string }[]).map((f) => f.key);
        // Both instances agree on the winner's definition.
        for (const client of [a, b]) {
          const listed = await client.listCollections([id]);
          ok(listed, 'list');
          expect(listed.body.collections[0].fields.map((f: { key: string }) => f.key)).toEqual(winnerKeys);
        }
      });
    });

    describe('schema version read before every call', () => {
      let cluster: ServiceCluster | undefined;
      const get = () => cluster as ServiceCluster;
      beforeAll(async () => {
        cluster = await start(options.strictEnv);
      });
      afterAll(async () => {
        await cluster?.stop();
      });

      test('a field removed on A is gone on B at once', async () => {
        const [a, b] = get().clients as [WixClient, WixClient];
        const id = uniqueCollectionId('multi_drop');
        await createOn(a, id, [...plantFields, { key: 'extra', type: 'TEXT' }]);
        ok(await b.insert(id, [{ _id: 'p1', name: 'Basil', extra: 'x' }]), 'insert on B');
        ok(await b.truncate(id), 'truncate on B'); // a column with values cannot be dropped on every engine
        ok(await a.updateCollection({ id, fields: plantFields }), 'update on A');
        const listed = await b.listCollections([id]);
        expect(fieldKeys(listed.body)).toEqual(['name', 'height']);
        const inserted = await b.insert(id, [{ _id: 'p2', name: 'Mint', extra: 'y' }]);
        expect(inserted.body.results[0].error?.errorCode).toBe('VALIDATION_ERROR');
        const filtered = await b.query(id, { filter: { extra: 'y' } });
        expect(filtered.status).toBe(400);
      });

      test('a collection deleted on A is COLLECTION_NOT_FOUND on B at once', async () => {
        const [a, b] = get().clients as [WixClient, WixClient];
        const id = uniqueCollectionId('multi_delete');
        await createOn(a, id);
        ok(await b.insert(id, [{ _id: 'p1', name: 'Basil' }]), 'insert on B');
        ok(await a.deleteCollection(id), 'delete on A');
        expect((await b.query(id)).body.errorCode).toBe('COLLECTION_NOT_FOUND');
        expect((await b.insert(id, [{ _id: 'p2', name: 'Mint' }])).body.errorCode).toBe('COLLECTION_NOT_FOUND');
        expect((await b.listCollections([id])).body.collections).toEqual([]);
      });

      test('concurrent updates on A and B end in one schema that both report and accept; a loser is told', async () => {
        const [a, b] = get().clients as [WixClient, WixClient];
        const id = uniqueCollectionId('multi_updates');
        await createOn(a, id);
        const results = await Promise.all([
          a.updateCollection({ id, fields: [...plantFields, { key: 'fromA', type: 'TEXT' }] }),
          b.updateCollection({ id, fields: [...plantFields, { key: 'fromB', type: 'TEXT' }] }),
        ]);
        expect(results.some((r) => r.status === 200)).toBe(true);
        for (const r of results) {
          if (r.status !== 200)
            expect(r.body.errorCode, JSON.stringify(r.body)).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
        }
        const [onA, onB] = await Promise.all([a.listCollections([id]), b.listCollections([id])]);
        expect(fieldKeys(onA.body)).toEqual(fieldKeys(onB.body));
        // A kept change is there whole (a refused one may leave a column the database now has: it is listed too).
        const kept = results
          .filter((r) => r.status === 200)
          .map((r) => fieldKeys({ collections: [r.body.collection] }));
        expect(kept.some((keys) => keys.every((key) => fieldKeys(onA.body).includes(key)))).toBe(true);
        // Every field both report takes a value, through either instance.
        const item: Item = { _id: 'x' };
        for (const key of fieldKeys(onA.body)) item[key] = key === 'height' ? 1 : 'v';
        for (const client of [a, b]) {
          const inserted = await client.insert(id, [{ ...item, _id: client === a ? 'x1' : 'x2' }]);
          expect(inserted.body.results[0].error, JSON.stringify(inserted.body)).toBeUndefined();
        }
      });

      test('a collection re-created on A with other fields is the new one on B', async () => {
        const [a, b] = get().clients as [WixClient, WixClient];
        const id = uniqueCollectionId('multi_recreate');
        await createOn(a, id);
        ok(await b.query(id), 'query on B');
        ok(await a.deleteCollection(id), 'delete on A');
        await createOn(a, id, [{ key: 'color', type: 'TEXT' }]);
        const listed = await b.listCollections([id]);
        expect(fieldKeys(listed.body)).toEqual(['color']);
        const inserted = await b.insert(id, [{ _id: 'c1', color: 'red' }]);
        expect(inserted.body.results[0].error, JSON.stringify(inserted.body)).toBeUndefined();
      });
    });
  });
}
