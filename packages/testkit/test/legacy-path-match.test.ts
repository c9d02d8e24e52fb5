/**
 * Legacy paths are matched as tolerantly as v3 ones (server/routes.ts): a base
 * URL entered in Wix with a trailing slash makes `//schemas/list`, and a
 * trailing slash on the path is dropped, in both legacy modes.
 */
import { LEGACY_OFF_MESSAGE } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, LegacyClient, plantsCollection, startHarness } from '../src/index.ts';

const KEY = 'first-legacy-secret-key-0001';

describe('legacy mode on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      storage: createMemoryStorage({ collections: [plantsCollection] }),
      legacySecretKeys: [KEY],
    });
  });
  afterAll(() => h.close());

  test.each(['//schemas/list', '/schemas/list/', '///schemas//list'])('%s is /schemas/list', async (path) => {
    const result = await (h.legacy as LegacyClient).legacy(path);
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.schemas.map((s: { id: string }) => s.id)).toEqual(['plants']);
  });

  test('//data/count is /data/count; the v3 routes keep their own tolerance', async () => {
    const count = await (h.legacy as LegacyClient).legacy('//data/count', { collectionName: 'plants' });
    expect(count.body).toEqual({ totalCount: 0 });
    const v3 = await fetch(`${h.url}//v3/collections/get`, { method: 'POST', body: await h.signer.sign({}) });
    expect(v3.status).toBe(200);
  });
});

describe('legacy mode off', () => {
  let off: Harness;
  beforeAll(async () => {
    off = await startHarness({ storage: createMemoryStorage() });
  });
  afterAll(() => off.close());

  test('//data/find gets the legacy-off message, not the v3 "no route"', async () => {
    const result = await new LegacyClient({ baseUrl: off.url, secretKey: KEY }).legacy('//data/find', {
      collectionName: 'plants',
    });
    expect(result.status).toBe(404);
    expect(result.body.message).toBe(LEGACY_OFF_MESSAGE);
  });
});
