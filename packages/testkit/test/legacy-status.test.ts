/**
 * Legacy calls on the status page (packages/core/src/server/status.ts): their
 * errors are counted, kept among the recent errors and, for a refused secret,
 * as the last 401, the same way as v3 errors; the details say whether legacy
 * mode is on.
 */
import type { ServiceInfo } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, LegacyClient, startHarness } from '../src/index.ts';
import { createMemoryStorage } from '../src/memory/memory-storage.ts';
import { plantsCollection } from '../src/sample-data.ts';

const KEY = 'first-legacy-secret-key-0001';
const STATUS_TOKEN = 'status-token-for-the-test-0123456789';
const info: ServiceInfo = { name: 'memory', version: '1.0.0', keys: [], advice: [], detailsToken: STATUS_TOKEN };

// biome-ignore lint/suspicious/noExplicitAny: a JSON answer read by the assertions
const details = async (url: string): Promise<any> =>
  (await fetch(`${url}/status.json`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).json();

describe('legacy mode on', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      storage: createMemoryStorage({ collections: [plantsCollection] }),
      legacySecretKeys: [KEY],
      info,
    });
  });
  afterAll(() => h.close());

  test('a wrong secret and a missing collection are counted, listed and the 401 remembered', async () => {
    const legacy = h.legacy as LegacyClient;
    const before = await details(h.url);
    expect(before).toMatchObject({ legacyMode: 'on', errors: { byCode: {} }, lastUnauthorized: null });
    const wrong = await legacy.legacy(
      '/data/find',
      { collectionName: 'plants' },
      { secretKey: 'not-the-key-at-all-1234' },
    );
    expect(wrong.status).toBe(401);
    const missing = await legacy.legacy('/data/count', { collectionName: 'no_such_table' });
    expect(missing.status).toBe(404);
    const status = await details(h.url);
    expect(status.errors.byCode).toEqual({ COLLECTION_NOT_FOUND: 1, WRONG_SECRET: 1 });
    expect(status.errors.recent).toEqual([
      expect.objectContaining({
        operation: 'legacy:data/count',
        status: 404,
        code: 'COLLECTION_NOT_FOUND',
        message: missing.body.message,
      }),
      expect.objectContaining({ operation: 'legacy:data/find', status: 401, code: 'WRONG_SECRET' }),
    ]);
    expect(status.lastUnauthorized.reason).toMatch(/^You are not authorized: .*LEGACY_SECRET_KEYS/);
    expect(JSON.stringify(status)).not.toContain('not-the-key-at-all-1234');
    const page = await (await fetch(`${h.url}/`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).text();
    expect(page).toMatch(/Legacy protocol<\/th><td><span class="ok">on<\/span>/);
    expect(page).toContain('legacy:data/count');
  });
});

describe('legacy mode off', () => {
  let off: Harness;
  beforeAll(async () => {
    off = await startHarness({ storage: createMemoryStorage({ collections: [plantsCollection] }), info });
  });
  afterAll(() => off.close());

  test('the details say it is off, and a legacy call it refused is counted', async () => {
    const client = new LegacyClient({ baseUrl: off.url, secretKey: KEY });
    expect((await client.legacy('/schemas/list')).status).toBe(404);
    const status = await details(off.url);
    expect(status.legacyMode).toBe('off');
    expect(status.errors.byCode).toEqual({ NOT_FOUND: 1 });
    expect(status.errors.recent[0]).toMatchObject({ operation: 'legacy-off:schemas/list', status: 404 });
    const page = await (await fetch(`${off.url}/`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).text();
    expect(page).toMatch(/Legacy protocol<\/th><td>off: /);
  });
});
