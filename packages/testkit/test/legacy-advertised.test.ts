/**
 * What a legacy schema advertises is what the legacy protocol can do, and a refusal names
 * what a legacy caller can call (packages/core/src/legacy/README.md "Errors", "Decisions"):
 * a MULTI_REFERENCE field, which no legacy call can read, write or filter, is not listed and
 * a write carrying it is refused instead of dropped; a table without `_id` is not offered
 * `get`; read-only and operator refusals name legacy calls and v1-usable operators.
 */
import { readWriteRule, type StoredCollection } from '@adaptors/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, type LegacyClient, plantsCollection, startHarness } from '../src/index.ts';

/** Read-only tables as an engine describes existing ones (read-write-rule.ts). */
const COLUMN_TYPES = { _id: 'STRING', _createdDate: 'TIMESTAMP', _updatedDate: 'TIMESTAMP', _owner: 'STRING' };
const roNoId: StoredCollection = {
  id: 'ro_noid',
  readOnly: true,
  readOnlyReason: readWriteRule(new Map([['name', 'TEXT']]), undefined, COLUMN_TYPES).reason,
  fields: [
    { key: 'name', type: 'TEXT' },
    { key: 'qty', type: 'NUMBER' },
  ],
};
const roPartial: StoredCollection = {
  id: 'ro_partial',
  readOnly: true,
  readOnlyReason: readWriteRule(
    new Map([
      ['_id', 'TEXT'],
      ['name', 'TEXT'],
    ]),
    undefined,
    COLUMN_TYPES,
  ).reason,
  fields: [
    { key: '_id', type: 'TEXT' },
    { key: 'name', type: 'TEXT' },
  ],
};

const V3_NAMES =
  /items\/|collections\/|capabilities\/|collection id|referencedItemIds|dataOperations|INSERT|QUERY|query\./;

let h: Harness;
let legacy: LegacyClient;
beforeAll(async () => {
  h = await startHarness({
    storage: createMemoryStorage({ collections: [plantsCollection, roNoId, roPartial] }),
    legacySecretKeys: ['advertised-legacy-secret-01'],
  });
  legacy = h.legacy as LegacyClient;
});
afterAll(() => h.close());

test('a MULTI_REFERENCE field is not in the legacy schema', async () => {
  const listed = await legacy.legacy('/schemas/list', {});
  const plants = listed.body.schemas.find((s: { id: string }) => s.id === 'plants');
  expect(plants.fields).toHaveProperty('tags');
  expect(plants.fields).not.toHaveProperty('companions');
  const found = await legacy.legacy('/schemas/find', { schemaIds: ['plants'] });
  expect(found.body.schemas[0].fields).not.toHaveProperty('companions');
});

test('a legacy write carrying a MULTI_REFERENCE value is refused, not stored without it', async () => {
  const insert = await legacy.legacy('/data/insert', {
    collectionName: 'plants',
    item: { _id: 'mr1', commonName: 'X', companions: ['basil'] },
  });
  expect(insert.status).toBe(400);
  expect(insert.body.message).toMatch(/^Invalid request: item\.companions: 'companions' is a multi-reference field/);
  expect(insert.body.message).toMatch(/leave it out of the item/);
  expect((await legacy.legacy('/data/get', { collectionName: 'plants', itemId: 'mr1' })).status).toBe(404);

  const bulk = await legacy.legacy('/data/insert/bulk', {
    collectionName: 'plants',
    items: [{ _id: 'mr2' }, { _id: 'mr3', companions: [] }],
  });
  expect(bulk.status).toBe(400);
  expect(bulk.body.message).toMatch(/^Invalid request: items\[1\]\.companions: /);
  expect((await legacy.legacy('/data/get', { collectionName: 'plants', itemId: 'mr2' })).status).toBe(404);

  await legacy.legacy('/data/insert', { collectionName: 'plants', item: { _id: 'mr4', commonName: 'Y' } });
  const update = await legacy.legacy('/data/update', {
    collectionName: 'plants',
    item: { _id: 'mr4', commonName: 'Z', companions: ['basil'] },
  });
  expect(update.status).toBe(400);
  expect(update.body.message).toMatch(/^Invalid request: item\.companions: /);
  const updateBulk = await legacy.legacy('/data/update/bulk', {
    collectionName: 'plants',
    items: [{ _id: 'mr4', companions: ['basil'] }],
  });
  expect(updateBulk.status).toBe(400);
  for (const answer of [insert, bulk, update, updateBulk]) expect(answer.body.message).not.toMatch(V3_NAMES);
  // Items without the field are written as before.
  expect((await legacy.legacy('/data/get', { collectionName: 'plants', itemId: 'mr4' })).body.item.commonName).toBe(
    'Y',
  );
});

test('/schemas/column/add cannot add a MULTI_REFERENCE field', async () => {
  const add = await legacy.legacy('/schemas/column/add', {
    collectionName: 'plants',
    column: { name: 'friends', type: 'object', subtype: 'MULTI_REFERENCE' },
  });
  expect(add.status).toBe(400);
  expect(add.body.message).toMatch(/column\.subtype: the legacy protocol has no MULTI_REFERENCE fields/);
});

test('filtering on a MULTI_REFERENCE field: the refusal names no v3 call', async () => {
  const count = await legacy.legacy('/data/count', {
    collectionName: 'plants',
    filter: { operator: '$hasSome', fieldName: 'companions', value: ['basil'] },
  });
  expect(count.status).toBe(400);
  expect(count.body.message).toMatch(/the legacy protocol has no multi-reference fields/);
  expect(count.body.message).not.toMatch(V3_NAMES);
});

test('a write on a read-only table names the legacy call and the legacy way to add the columns', async () => {
  const insert = await legacy.legacy('/data/insert', { collectionName: 'ro_partial', item: { _id: 'p3', name: 'z' } });
  expect(insert.status).toBe(400);
  expect(insert.body.message).toMatch(/^\/data\/insert is not allowed: collection 'ro_partial' is read-only/);
  expect(insert.body.message).toMatch(/or add any column with \/schemas\/column\/add, which adds them too/);
  const bulk = await legacy.legacy('/data/remove/bulk', { collectionName: 'ro_partial', itemIds: ['p3'] });
  expect(bulk.body.message).toMatch(/^\/data\/remove\/bulk is not allowed: /);
  for (const answer of [insert, bulk]) expect(answer.body.message).not.toMatch(V3_NAMES);
});

test('a table without _id is not offered get, and /data/get there says what to use instead', async () => {
  const found = await legacy.legacy('/schemas/find', { schemaIds: ['ro_noid', 'ro_partial'] });
  const ops = Object.fromEntries(
    found.body.schemas.map((s: { id: string; allowedOperations: string[] }) => [s.id, s.allowedOperations]),
  );
  expect(ops.ro_noid).toEqual(['find', 'count', 'aggregate']);
  expect(ops.ro_partial).toEqual(['get', 'find', 'count', 'aggregate']);
  const get = await legacy.legacy('/data/get', { collectionName: 'ro_noid', itemId: 'p1' });
  expect(get.status).toBe(405);
  expect(get.body.message).toMatch(/^\/data\/get on 'ro_noid' is not supported .*no _id column.*use \/data\/find/);
  expect(get.body.message).not.toMatch(/filter\._id/);
  // A table with _id still answers get: 404 for a missing item.
  expect((await legacy.legacy('/data/get', { collectionName: 'ro_partial', itemId: 'p1' })).status).toBe(404);
});

test('every operator a "Supported operators" refusal names can be sent as a v1 node', async () => {
  const refused = await legacy.legacy('/data/count', {
    collectionName: 'plants',
    filter: { operator: '$startsWith', fieldName: 'perennial', value: 'x' },
  });
  expect(refused.status).toBe(400);
  const listed = /Supported operators there: ([^.]+)\./.exec(refused.body.message)?.[1]?.split(', ') ?? [];
  expect(listed).toEqual(expect.arrayContaining(['$nin', '$isEmpty', '$isNotEmpty']));
  const operands: Record<string, unknown> = { $in: [true], $hasSome: [true], $nin: [true], $exists: true };
  for (const operator of listed) {
    const value = operator in operands ? operands[operator] : operator.startsWith('$is');
    const answer = await legacy.legacy('/data/count', {
      collectionName: 'plants',
      filter: { operator, fieldName: 'perennial', value },
    });
    expect(answer.status, `${operator}: ${JSON.stringify(answer.body)}`).toBe(200);
  }
  // $isEmpty without a value, as /schemas/list's `isEmpty` suggests.
  const empty = await legacy.legacy('/data/count', {
    collectionName: 'plants',
    filter: { operator: '$isEmpty', fieldName: 'perennial' },
  });
  const v2 = await legacy.legacy('/data/count', {
    collectionName: 'plants',
    filter: { perennial: { $isEmpty: true } },
  });
  expect(empty.status, JSON.stringify(empty.body)).toBe(200);
  expect(empty.body).toEqual(v2.body);
});
