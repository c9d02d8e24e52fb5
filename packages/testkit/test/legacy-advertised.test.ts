/**
 * What a legacy schema advertises is what the legacy protocol can do
 * (packages/core/src/legacy/README.md "Decisions"): a MULTI_REFERENCE field, which no
 * legacy call can read, write or filter, is not listed and a write carrying it is refused
 * instead of dropped.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, type LegacyClient, plantsCollection, startHarness } from '../src/index.ts';

const V3_NAMES = /items\/|collections\/|capabilities\/|collection id|referencedItemIds/;

let h: Harness;
let legacy: LegacyClient;
beforeAll(async () => {
  h = await startHarness({
    storage: createMemoryStorage({ collections: [plantsCollection] }),
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
