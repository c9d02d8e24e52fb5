/**
 * What a legacy caller reads (packages/core/src/legacy/README.md "Errors",
 * "Filters"): messages in the legacy protocol's names, one sentence for a
 * failed bulk call, and a v1 node without an operator as no filter.
 */

import type { StoredCollection } from '@adaptors/core';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import {
  createMemoryStorage,
  type Harness,
  type LegacyClient,
  plantsCollection,
  samplePlants,
  startHarness,
} from '../src/index.ts';

/** A collection with a column named `kind`, a key v1 nodes also have. */
const produce: StoredCollection = {
  id: 'produce',
  fields: [...plantsCollection.fields.slice(0, 4), { key: 'kind', type: 'TEXT' }],
};

let h: Harness;
let legacy: LegacyClient;
beforeAll(async () => {
  h = await startHarness({
    storage: createMemoryStorage({ collections: [plantsCollection, produce] }),
    legacySecretKeys: ['first-legacy-secret-key-0001'],
  });
  legacy = h.legacy as LegacyClient;
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.client.truncate('plants');
  await h.client.insert('plants', [...samplePlants]);
});

const V3_NAMES = /items\/|collections\/|capabilities\/|collection id|aggregation\.|\[\d+\]\.(sum|average|min|max)/;

test('messages name legacy calls and fields, not v3 ones', async () => {
  const dup = await legacy.legacy('/data/insert', { collectionName: 'plants', item: { _id: 'rose' } });
  expect(dup.status).toBe(409);
  expect(dup.body.message).toMatch(/Use \/data\/update to change it/);
  const missing = await legacy.legacy('/data/find', { collectionName: 'nope' });
  expect(missing.body.message).toMatch(/Check the collectionName/);
  const exists = await legacy.legacy('/schemas/create', { collectionName: 'plants' });
  expect(exists.body.message).toMatch(/Choose another collectionName/);
  for (const answer of [dup, missing, exists]) expect(answer.body.message).not.toMatch(V3_NAMES);
});

test('an aggregation error names the processingStep entry the caller wrote', async () => {
  const wrongType = await legacy.legacy('/data/aggregate', {
    collectionName: 'plants',
    processingStep: { _id: '$family', n: { $sum: 1 }, total: { $sum: '$care' } },
  });
  expect(wrongType.status).toBe(400);
  expect(wrongType.body.message).toMatch(/^Invalid request: processingStep\.total\.\$sum: sum needs a NUMBER field/);
  const unknown = await legacy.legacy('/data/aggregate', {
    collectionName: 'plants',
    processingStep: { _id: { f: '$nope' }, n: { $sum: 1 } },
  });
  expect(unknown.status).toBe(400);
  expect(unknown.body.message).toMatch(/^Invalid request: processingStep\._id\.f: .*no field 'nope'/);
  for (const answer of [wrongType, unknown]) expect(answer.body.message).not.toMatch(V3_NAMES);
});

test('a failed bulk call says which items were written and which not: no ".;" between its parts', async () => {
  const mixed = await legacy.legacy('/data/update/bulk', {
    collectionName: 'plants',
    items: [{ _id: 'rose' }, { _id: 'oak' }],
  });
  expect(mixed.status).toBe(404);
  expect(mixed.body.message).toMatch(
    /^item 1 update failed: .*insert the item first; updated: item 0 \(1 of 2\); not updated: item 1 \(positions in items, from 0\)\. Correct the ones not updated and send only them again\.$/,
  );
  expect(mixed.body.message).not.toMatch(/[.;]{2}/);
});

test('a v1 node with neither operator nor kind is no filter', async () => {
  for (const filter of [{ value: [] }, { fieldName: 'family', value: 'Rosaceae' }]) {
    const count = await legacy.legacy('/data/count', { collectionName: 'plants', filter });
    expect(count.status, JSON.stringify(count.body)).toBe(200);
    expect(count.body).toEqual({ totalCount: samplePlants.length });
  }
  // A v2 condition on a field is still a filter.
  const v2 = await legacy.legacy('/data/count', { collectionName: 'plants', filter: { family: { $eq: 'Rosaceae' } } });
  expect(v2.body.totalCount).toBeLessThan(samplePlants.length);
});

test('a v2 filter on a field named kind is a filter, on find, count and aggregate', async () => {
  await legacy.legacy('/data/insert/bulk', {
    collectionName: 'produce',
    items: [
      { _id: 'k1', kind: 'fruit' },
      { _id: 'k2', kind: 'veg' },
      { _id: 'k3', kind: 'veg' },
    ],
  });
  const filter = { kind: { $eq: 'fruit' } };
  const found = await legacy.legacy('/data/find', { collectionName: 'produce', filter, projection: ['kind'] });
  expect(found.body).toEqual({ items: [{ _id: 'k1', kind: 'fruit' }], totalCount: 1 });
  const count = await legacy.legacy('/data/count', { collectionName: 'produce', filter: { kind: { $eq: 'veg' } } });
  expect(count.body).toEqual({ totalCount: 2 });
  const both = { kind: { $eq: 'veg' }, _id: { $eq: 'k2' } };
  expect((await legacy.legacy('/data/count', { collectionName: 'produce', filter: both })).body).toEqual({
    totalCount: 1,
  });
  const aggregate = await legacy.legacy('/data/aggregate', {
    collectionName: 'produce',
    filter,
    processingStep: { _id: null, c: { $sum: 1 } },
  });
  expect(aggregate.body.items).toEqual([{ c: 1 }]);
  // The samples' v1 marker alone is still no filter.
  const marker = await legacy.legacy('/data/count', { collectionName: 'produce', filter: { kind: 'filter' } });
  expect(marker.body).toEqual({ totalCount: 3 });
});
