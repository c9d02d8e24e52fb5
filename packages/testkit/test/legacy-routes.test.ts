/**
 * The legacy External Database Collections surface over real HTTP on the memory
 * storage (packages/core/src/legacy/README.md): the secret, the off-mode and
 * wrong-protocol messages, every endpoint's body, the schema objects, errors
 * and roles through the access policy.
 */
import { LEGACY_OFF_MESSAGE, parseAccessPolicy, type Storage, V3_TOKEN_ON_LEGACY_PATH } from '@adaptors/core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  createMemoryStorage,
  type Harness,
  LegacyClient,
  memoryCapabilities,
  plantsCollection,
  samplePlants,
  startHarness,
} from '../src/index.ts';

const KEY = 'first-legacy-secret-key-0001';
const ROTATED = 'second-legacy-secret-key-0002';

let h: Harness;
let legacy: LegacyClient;

beforeAll(async () => {
  h = await startHarness({
    storage: createMemoryStorage({ collections: [plantsCollection] }),
    legacySecretKeys: [KEY, ROTATED],
    policy: parseAccessPolicy(
      JSON.stringify({ '*': { ANONYMOUS_VISITOR: ['read'], MEMBER: ['read', 'write'], '*': ['*'] } }),
    ),
  });
  legacy = h.legacy as LegacyClient;
});
afterAll(() => h.close());

beforeEach(async () => {
  await h.client.truncate('plants');
  expect((await h.client.insert('plants', [...samplePlants])).status).toBe(200);
});

const ids = (items: { _id: string }[]) => items.map((item) => item._id);

describe('authentication', () => {
  test.each([
    ['missing', null],
    ['wrong', 'not-the-key-but-long-enough'],
    ['a prefix of the right one', KEY.slice(0, -1)],
  ])('%s secret → 401 with the reference body, naming no key', async (_name, secretKey) => {
    const result = await legacy.legacy('/data/find', { collectionName: 'plants' }, { secretKey });
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ message: expect.stringMatching(/^You are not authorized: .*LEGACY_SECRET_KEYS/) });
  });

  test('no requestContext at all → 401', async () => {
    const result = await legacy.legacy('/schemas/list', {}, { raw: true });
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ message: expect.stringMatching(/^You are not authorized: .*LEGACY_SECRET_KEYS/) });
  });

  test('every configured key is accepted (rotation)', async () => {
    for (const secretKey of [KEY, ROTATED]) {
      expect((await legacy.legacy('/data/count', { collectionName: 'plants' }, { secretKey })).body).toEqual({
        totalCount: 6,
      });
    }
  });

  test('/provision answers without a key, but a wrong key fails there too', async () => {
    const without = await legacy.legacy('/provision', {}, { secretKey: null });
    expect(without.status).toBe(200);
    expect(without.body).toEqual({ type: memoryCapabilities.engine, vendor: 'gcp', protocolVersion: 2 });
    const wrong = await legacy.legacy('/provision', {}, { secretKey: 'not-the-key-but-long-enough' });
    expect(wrong.status).toBe(401);
  });

  test('a signed v3 token on a legacy path → 401 saying where v3 calls go', async () => {
    const token = await h.signer.sign({ collectionId: 'plants', query: {} });
    const result = await legacy.postRaw('/data/find', token, 'text/plain');
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ message: V3_TOKEN_ON_LEGACY_PATH });
  });

  test('a body that is not JSON → 400', async () => {
    const result = await legacy.postRaw('/data/find', 'collectionName=plants');
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/JSON object/);
  });

  test('the signed v3 routes are unaffected', async () => {
    const result = await h.client.query('plants', { filter: { _id: 'rose' } });
    expect(result.status).toBe(200);
    expect(ids(result.body.items)).toEqual(['rose']);
    expect((await h.client.post('items/query', JSON.stringify({ requestContext: {} }))).status).toBe(401);
  });
});

describe('legacy mode off', () => {
  let off: Harness;
  beforeAll(async () => {
    off = await startHarness({ storage: createMemoryStorage({ collections: [plantsCollection] }) });
  });
  afterAll(() => off.close());

  test.each(['/provision', '/schemas/list', '/data/find', '/data/insert/bulk'])(
    '%s → 404 saying this service speaks v3 and how to turn legacy on',
    async (path) => {
      const client = new LegacyClient({ baseUrl: off.url, secretKey: KEY });
      const result = await client.legacy(path, { collectionName: 'plants' });
      expect(result.status).toBe(404);
      expect(result.body.message).toBe(LEGACY_OFF_MESSAGE);
      expect(result.body.message).toMatch(/LEGACY_SECRET_KEYS/);
      expect(result.body.message).toMatch(/WIX_SERVICE_PLUGIN/);
      expect(result.body.errorCode).toBe('NOT_FOUND');
    },
  );

  test('v3 routes work', async () => {
    expect((await off.client.count('plants')).body).toEqual({ totalCount: 0 });
  });
});

describe('schemas', () => {
  test('/schemas/list: every collection with legacy types, operators and operations from the capabilities', async () => {
    const result = await legacy.legacy('/schemas/list');
    expect(result.status).toBe(200);
    const plants = result.body.schemas.find((s: { id: string }) => s.id === 'plants');
    expect(plants).toMatchObject({
      id: 'plants',
      displayName: 'Plants',
      maxPageSize: 50,
      ttl: 3600,
      allowedOperations: [
        'get',
        'find',
        'count',
        'insert',
        'bulkInsert',
        'update',
        'bulkUpdate',
        'remove',
        'bulkRemove',
        'aggregate',
        'truncate',
      ],
    });
    const types = Object.fromEntries(
      Object.entries(plants.fields as Record<string, { type: string }>).map(([k, f]) => [k, f.type]),
    );
    expect(types).toEqual({
      _id: 'text',
      _createdDate: 'datetime',
      _updatedDate: 'datetime',
      _owner: 'text',
      commonName: 'text',
      family: 'text',
      heightCm: 'number',
      perennial: 'boolean',
      plantedOn: 'text',
      lastWatered: 'datetime',
      tags: 'object',
      care: 'object',
      // companions (MULTI_REFERENCE) is not listed: no legacy call reads or writes it (test/legacy-advertised.test.ts).
    });
    expect(plants.fields.heightCm).toEqual({
      displayName: 'Height (cm)',
      type: 'number',
      queryOperators: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'hasSome', 'isEmpty', 'isNotEmpty'],
      isDeleted: false,
    });
    expect(plants.fields.commonName.queryOperators).toEqual(expect.arrayContaining(['startsWith', 'urlized']));
  });

  test('/schemas/find: found ones; none → 404; too many or none asked → 400', async () => {
    const found = await legacy.legacy('/schemas/find', { schemaIds: ['plants', 'nope'] });
    expect(found.status).toBe(200);
    expect(found.body.schemas.map((s: { id: string }) => s.id)).toEqual(['plants']);
    const none = await legacy.legacy('/schemas/find', { schemaIds: ['nope'] });
    expect(none.status).toBe(404);
    expect(Object.keys(none.body)).toEqual(['message']);
    const many = await legacy.legacy('/schemas/find', { schemaIds: Array.from({ length: 11 }, (_, i) => `c${i}`) });
    expect(many.status).toBe(400);
    expect(many.body.message).toMatch(/Too many schemas requested/);
    expect((await legacy.legacy('/schemas/find', {})).status).toBe(400);
  });

  test('/schemas/list/headers', async () => {
    const result = await legacy.legacy('/schemas/list/headers');
    expect(result.body.schemas).toContainEqual({ id: 'plants', displayName: 'Plants', maxPageSize: 50, ttl: 3600 });
  });

  test('/schemas/create, /schemas/column/add and /remove change the table', async () => {
    const name = `legacy_${Date.now()}`;
    expect((await legacy.legacy('/schemas/create', { collectionName: name })).body).toEqual({});
    expect((await legacy.legacy('/schemas/create', { collectionName: name })).status).toBe(409);
    const add = (column: Record<string, unknown>) =>
      legacy.legacy('/schemas/column/add', { collectionName: name, column });
    expect((await add({ name: 'servings', type: 'number', subtype: 'int' })).body).toEqual({});
    expect((await add({ name: 'published', type: 'datetime', subtype: 'date' })).status).toBe(200);
    expect((await add({ name: 'labels', type: 'object', subtype: 'ARRAY_STRING' })).status).toBe(200);
    expect((await add({ name: 'servings', type: 'number' })).status).toBe(400);
    expect((await add({ name: '_owner', type: 'text' })).body.message).toMatch(/Cannot modify system field/);
    expect((await add({ name: 'x', type: 'varchar' })).status).toBe(400);
    const v3 = (await h.client.listCollections([name])).body.collections[0];
    const typeOf = (key: string) => v3.fields.find((f: { key: string }) => f.key === key)?.type;
    expect([typeOf('_id'), typeOf('servings'), typeOf('published'), typeOf('labels')]).toEqual([
      'TEXT',
      'NUMBER',
      'DATE',
      'ARRAY_STRING',
    ]);
    const remove = (columnName: string) =>
      legacy.legacy('/schemas/column/remove', { collectionName: name, columnName });
    expect((await remove('servings')).body).toEqual({});
    expect((await remove('_id')).status).toBe(400);
    const gone = await remove('servings');
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({
      message: `Collection '${name}' has no field named 'servings', so there is nothing to remove: check the columnName against the fields /schemas/find lists for '${name}'.`,
    });
    const schema = (await legacy.legacy('/schemas/find', { schemaIds: [name] })).body.schemas[0];
    expect(Object.keys(schema.fields).sort()).toEqual(
      ['_createdDate', '_id', '_owner', '_updatedDate', 'labels', 'published'].sort(),
    );
    expect((await add({ name: 'x', type: 'text' }).then(() => remove('x'))).status).toBe(200);
    const missing = await legacy.legacy('/schemas/column/add', {
      collectionName: 'no_such_table',
      column: { name: 'x', type: 'text' },
    });
    expect(missing.status).toBe(404);
  });
});

describe('data', () => {
  test('/data/find: v2 filter, sort, skip/limit, projection, totalCount', async () => {
    const result = await legacy.legacy('/data/find', {
      collectionName: 'plants',
      filter: { $and: [{ family: { $eq: 'Lamiaceae' } }, { $not: [{ perennial: { $eq: false } }] }] },
      sort: [{ fieldName: 'heightCm', direction: 'DESC' }],
      skip: 1,
      limit: 2,
      projection: ['commonName'],
    });
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      items: [
        { _id: 'sage', commonName: 'Sage' },
        { _id: 'thyme', commonName: 'Thyme' },
      ],
      totalCount: 3,
    });
    const omitted = await legacy.legacy('/data/find', { collectionName: 'plants', omitTotalCount: true });
    expect(omitted.body.totalCount).toBeUndefined();
    expect(omitted.body.items).toHaveLength(6);
  });

  test('/data/find without skip/limit: the first 50 items, totalCount of all', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ _id: `many-${String(i).padStart(2, '0')}` }));
    expect((await legacy.legacy('/data/insert/bulk', { collectionName: 'plants', items: many })).status).toBe(200);
    const page = await legacy.legacy('/data/find', { collectionName: 'plants', sort: [{ fieldName: '_id' }] });
    expect(page.body.items).toHaveLength(50);
    expect(page.body.totalCount).toBe(66);
  });

  test('/data/find: the v1 operator tree answers like the same v2 filter', async () => {
    const v1 = {
      kind: 'filter',
      operator: '$and',
      value: [
        { kind: 'filter', operator: '$startsWith', fieldName: 'commonName', value: 'sa' },
        {
          kind: 'filter',
          operator: '$not',
          value: { kind: 'filter', operator: '$eq', fieldName: 'perennial', value: false },
        },
      ],
    };
    const result = await legacy.legacy('/data/find', { collectionName: 'plants', filter: v1 });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(ids(result.body.items)).toEqual(['sage']);
    for (const none of [null, '', {}, { kind: 'filter' }, { kind: 'filter', operator: '$and', value: [] }]) {
      expect((await legacy.legacy('/data/count', { collectionName: 'plants', filter: none })).body).toEqual({
        totalCount: 6,
      });
    }
    const contains = await legacy.legacy('/data/count', {
      collectionName: 'plants',
      filter: { operator: '$contains', fieldName: 'tags', value: ['pollinator'] },
    });
    expect(contains.body).toEqual({ totalCount: 2 });
    const bad = await legacy.legacy('/data/find', {
      collectionName: 'plants',
      filter: { operator: '$near', fieldName: 'heightCm', value: 1 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/unknown operator/);
  });

  test('an operator the field does not allow, or a bad sort → 400 with a message', async () => {
    const result = await legacy.legacy('/data/find', { collectionName: 'plants', filter: { care: { $gt: 1 } } });
    expect(result.status).toBe(400);
    expect(Object.keys(result.body)).toEqual(['message']);
    // Paths in messages name what the legacy caller sent, not the v3 request it became.
    expect(result.body.message).toMatch(/\bfilter\.care\b/);
    expect(result.body.message).not.toMatch(/query\./);
    const sort = await legacy.legacy('/data/find', {
      collectionName: 'plants',
      sort: [{ fieldName: 'heightCm', direction: 'up' }],
    });
    expect(sort.status).toBe(400);
  });

  test('/data/get: the item, or 404', async () => {
    const found = await legacy.legacy('/data/get', {
      collectionName: 'plants',
      itemId: 'thyme',
      projection: ['family'],
    });
    expect(found.body).toEqual({ item: { _id: 'thyme', family: 'Lamiaceae' } });
    const missing = await legacy.legacy('/data/get', { collectionName: 'plants', itemId: 'oak' });
    expect(missing.status).toBe(404);
    expect(Object.keys(missing.body)).toEqual(['message']);
    expect((await legacy.legacy('/data/get', { collectionName: 'nope', itemId: 'oak' })).status).toBe(404);
  });

  test('/data/insert, /update (replacement), /remove and their errors', async () => {
    const inserted = await legacy.legacy('/data/insert', {
      collectionName: 'plants',
      item: { commonName: 'Mint', lastWatered: { $date: '2026-01-02T03:04:05Z' } },
    });
    expect(inserted.status).toBe(200);
    const item = inserted.body.item;
    expect(item._id).toMatch(/^[0-9a-f-]{36}$/);
    expect(item.lastWatered).toEqual({ $date: '2026-01-02T03:04:05.000Z' });
    expect(item._createdDate).toEqual({ $date: expect.stringMatching(/Z$/) });
    const dup = await legacy.legacy('/data/insert', { collectionName: 'plants', item: { _id: 'thyme' } });
    expect(dup.status).toBe(409);
    const updated = await legacy.legacy('/data/update', {
      collectionName: 'plants',
      item: { _id: item._id, commonName: 'Spearmint' },
    });
    expect(updated.body.item).toMatchObject({ commonName: 'Spearmint', lastWatered: null });
    expect(updated.body.item._createdDate).toEqual(item._createdDate);
    expect((await legacy.legacy('/data/update', { collectionName: 'plants', item: { _id: 'oak' } })).status).toBe(404);
    const removed = await legacy.legacy('/data/remove', { collectionName: 'plants', itemId: item._id });
    expect(removed.body.item).toMatchObject({ _id: item._id, commonName: 'Spearmint' });
    expect((await legacy.legacy('/data/remove', { collectionName: 'plants', itemId: item._id })).status).toBe(404);
    const bad = await legacy.legacy('/data/insert', { collectionName: 'plants', item: { heightCm: 'tall' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/\bitem\.heightCm\b/);
  });

  test('bulk calls: all items, or one error saying what was written', async () => {
    const inserted = await legacy.legacy('/data/insert/bulk', {
      collectionName: 'plants',
      items: [{ _id: 'b1' }, { _id: 'b2', heightCm: 1 }],
    });
    expect(ids(inserted.body.items)).toEqual(['b1', 'b2']);
    const updated = await legacy.legacy('/data/update/bulk', {
      collectionName: 'plants',
      items: [
        { _id: 'b1', heightCm: 5 },
        { _id: 'b2', heightCm: 6 },
      ],
    });
    expect(updated.body.items.map((i: { heightCm: number }) => i.heightCm)).toEqual([5, 6]);
    const mixed = await legacy.legacy('/data/insert/bulk', {
      collectionName: 'plants',
      items: [{ _id: 'b3' }, { _id: 'b1' }],
    });
    expect(mixed.status).toBe(409);
    expect(mixed.body.message).toMatch(
      /^item 1 insert failed: .*; stored: item 0 \(1 of 2\); not stored: item 1 \(positions in items, from 0\)\./,
    );
    const removed = await legacy.legacy('/data/remove/bulk', { collectionName: 'plants', itemIds: ['b1', 'b2', 'b3'] });
    expect(ids(removed.body.items)).toEqual(['b1', 'b2', 'b3']);
    expect((await legacy.legacy('/data/insert/bulk', { collectionName: 'plants', items: 'x' })).status).toBe(400);
  });

  test('/data/truncate', async () => {
    expect((await legacy.legacy('/data/truncate', { collectionName: 'plants' })).body).toEqual({});
    expect((await legacy.count('plants')).body).toEqual({ totalCount: 0 });
  });

  test('/data/aggregate: _id grouping, $sum/$avg/$min/$max, postFilteringStep; nested form too', async () => {
    const body = {
      collectionName: 'plants',
      filter: { heightCm: { $gt: 0 } },
      processingStep: {
        _id: { f: '$family' },
        n: { $sum: 1 },
        total: { $sum: '$heightCm' },
        mean: { $avg: '$heightCm' },
        low: { $min: '$heightCm' },
        high: { $max: '$heightCm' },
      },
      postFilteringStep: { n: { $gte: 1 }, family: { $ne: 'Rosaceae' } },
    };
    const result = await legacy.legacy('/data/aggregate', body);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    const byFamily = Object.fromEntries(result.body.items.map((r: { family: string }) => [r.family, r]));
    expect(byFamily.Lamiaceae).toEqual({ family: 'Lamiaceae', n: 4, total: 205, mean: 51.25, low: 25, high: 90 });
    expect(byFamily.Solanaceae).toMatchObject({ n: 1, total: 150 });
    expect(result.body.totalCount).toBe(2);
    const { processingStep, postFilteringStep, ...rest } = body;
    const nested = await legacy.legacy('/data/aggregate', {
      ...rest,
      aggregation: { processingStep, postFilteringStep },
    });
    expect(nested.body).toEqual(result.body);
    const bad = await legacy.legacy('/data/aggregate', {
      collectionName: 'plants',
      processingStep: { _id: '$family', x: { $median: '$heightCm' } },
    });
    expect(bad.status).toBe(400);
    // An alias named like the grouping field would share the row's key with it: refused, naming the alias.
    const clash = await legacy.legacy('/data/aggregate', {
      collectionName: 'plants',
      processingStep: { _id: '$family', family: { $sum: 1 } },
    });
    expect(clash.status).toBe(400);
    expect(clash.body.message).toContain("The result name 'family' is also a grouping field");
    expect(clash.body.message).toContain('processingStep.family');
  });
});

describe('roles through the access policy', () => {
  test('a visitor may read but not write; a member may write; owner may change the schema', async () => {
    const visitor = legacy.with({ role: 'VISITOR' });
    expect((await visitor.count('plants')).status).toBe(200);
    const refused = await visitor.legacy('/data/insert', { collectionName: 'plants', item: { _id: 'v1' } });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/ANONYMOUS_VISITOR callers may not write/);
    const member = legacy.with({ role: 'MEMBER' });
    expect((await member.legacy('/data/insert', { collectionName: 'plants', item: { _id: 'm1' } })).status).toBe(200);
    expect((await member.legacy('/schemas/create', { collectionName: `m_${Date.now()}` })).status).toBe(403);
    expect(
      (await legacy.with({ role: 'OWNER' }).legacy('/schemas/create', { collectionName: `o_${Date.now()}` })).status,
    ).toBe(200);
  });
});

/**
 * A legacy column change is a v3 collections/update underneath, so it needs what that call needs:
 * `schema` on the collection, not `read` as well (auth/README.md "What each call needs"). A caller
 * without `schema` gets the 403 naming it, before anything is read, whether the collection exists
 * or not; never a 404 saying an existing collection does not exist.
 */
describe('column changes need schema, as collections/update does', () => {
  let open: Harness;
  let guarded: Harness;
  beforeAll(async () => {
    const storage = createMemoryStorage();
    open = await startHarness({ storage, legacySecretKeys: [KEY] });
    const created = await open.client.call('collections/create', {
      collection: { id: 'orders', fields: [{ key: 't', type: 'TEXT' }] },
    });
    expect(created.status).toBe(200);
    guarded = await startHarness({
      storage,
      signer: open.signer,
      legacySecretKeys: [KEY],
      policy: parseAccessPolicy(
        JSON.stringify({ '*': { '*': ['*'], MEMBER: ['read'] }, orders: { APP: ['schema'], MEMBER: ['read'] } }),
      ),
    });
  });
  afterAll(async () => {
    await guarded?.close();
    await open?.close();
  });

  const fieldKeys = async () => {
    const got = await open.client.call('collections/get', { collectionIds: ['orders'] });
    return (got.body.collections[0].fields as { key: string }[]).map((f) => f.key).filter((k) => !k.startsWith('_'));
  };

  test('schema without read (BACKEND_CODE → APP): /schemas/column/add and /remove answer 200, as v3 does', async () => {
    const app = (guarded.legacy as LegacyClient).with({ role: 'BACKEND_CODE' });
    const v3 = await guarded.client.call(
      'collections/update',
      {
        collection: {
          id: 'orders',
          fields: [
            { key: 't', type: 'TEXT' },
            { key: 'u', type: 'TEXT' },
          ],
        },
      },
      { metadata: { instanceId: 'x', identity: { identityType: 'APP', appId: 'a' } } },
    );
    expect(v3.status).toBe(200);
    const add = await app.legacy('/schemas/column/add', {
      collectionName: 'orders',
      column: { name: 'w', type: 'text' },
    });
    expect(add).toMatchObject({ status: 200, body: {} });
    expect(await fieldKeys()).toEqual(['t', 'u', 'w']);
    const remove = await app.legacy('/schemas/column/remove', { collectionName: 'orders', columnName: 'u' });
    expect(remove).toMatchObject({ status: 200, body: {} });
    expect(await fieldKeys()).toEqual(['t', 'w']);
    // Still no read: the listing leaves orders out, as v3's collections/get does.
    const find = await app.legacy('/schemas/find', { schemaIds: ['orders'] });
    expect(find.status).toBe(404);
  });

  test('read without schema (MEMBER): 403 naming schema, on an existing collection or not, nothing changed', async () => {
    const member = (guarded.legacy as LegacyClient).with({ role: 'MEMBER' });
    for (const [path, body] of [
      ['/schemas/column/add', { collectionName: 'orders', column: { name: 'm', type: 'text' } }],
      ['/schemas/column/remove', { collectionName: 'orders', columnName: 't' }],
      ['/schemas/column/add', { collectionName: 'nothing_here', column: { name: 'm', type: 'text' } }],
      ['/schemas/column/remove', { collectionName: 'nothing_here', columnName: 't' }],
    ] as const) {
      const refused = await member.legacy(path, body);
      expect(refused.status, `${path} ${body.collectionName}`).toBe(403);
      expect(refused.body.message).toMatch(
        new RegExp(`MEMBER callers may not schema collection '${body.collectionName}'.*add "schema" for "MEMBER"`),
      );
    }
    expect(await fieldKeys()).toEqual(['t', 'w']);
  });

  test("a write the caller may not make gets its 403 before the multi-reference check, which would tell the collection's fields", async () => {
    const fields = [
      { key: 't', type: 'TEXT' },
      { key: 'w', type: 'TEXT' },
      { key: 'links', type: 'MULTI_REFERENCE', typeOptions: { referencedCollectionId: 'orders' } },
    ];
    const updated = await open.client.call('collections/update', { collection: { id: 'orders', fields } });
    expect(updated.status).toBe(200);
    const member = (guarded.legacy as LegacyClient).with({ role: 'MEMBER' });
    for (const [path, body] of [
      ['/data/insert', { collectionName: 'orders', item: { _id: 'i1', links: ['x'] } }],
      ['/data/update', { collectionName: 'orders', item: { _id: 'i1', links: ['x'] } }],
      ['/data/insert/bulk', { collectionName: 'orders', items: [{ _id: 'i2', links: ['x'] }] }],
      ['/data/update/bulk', { collectionName: 'orders', items: [{ _id: 'i2', links: ['x'] }] }],
    ] as const) {
      const refused = await member.legacy(path, body);
      expect(refused.status, path).toBe(403);
      expect(refused.body.message, path).not.toContain('links');
    }
  });
});

describe('read-only schema', () => {
  let ro: Harness;
  beforeAll(async () => {
    const storage = createMemoryStorage({ collections: [plantsCollection] });
    const readOnly: Storage = Object.create(storage, {
      capabilities: { value: { ...storage.capabilities, supportsCollectionModifications: false } },
    });
    ro = await startHarness({ storage: readOnly, legacySecretKeys: [KEY] });
  });
  afterAll(() => ro.close());

  test('schema changes → 405', async () => {
    const client = ro.legacy as LegacyClient;
    const result = await client.legacy('/schemas/create', { collectionName: 'x' });
    expect(result.status).toBe(405);
    expect(result.body.message).toMatch(/read-only schema/);
  });
});
