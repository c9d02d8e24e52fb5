/**
 * WIX_INSTANCE_IDS (packages/core/src/server/instances.ts): with it, only the listed Wix sites —
 * the signed metadata.instanceId of a v3 call, requestContext.instanceId of a legacy one — are
 * served; any other site, or a call without an instance id, is answered 403 PERMISSION_DENIED
 * before any storage work. Without it nothing changes, and the status page advises setting it
 * and lists the sites seen. Real HTTP, signed like Wix (testkit signer), on the memory storage.
 */
import { createLogger, type ServiceInfo } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../src/harness.ts';
import type { LegacyClient } from '../src/legacy-client.ts';
import { createMemoryStorage } from '../src/memory/memory-storage.ts';
import { plantsCollection } from '../src/sample-data.ts';
import { defaultMetadata } from '../src/signer.ts';

const OWNER_SITE = '5d1c7a3e-0000-4000-8000-000000000001';
const SECOND_SITE = '5d1c7a3e-0000-4000-8000-000000000002';
const OTHER_SITE = '9a8b7c6d-0000-4000-8000-0000000000ff';
const LEGACY_SECRET = 'legacy-secret-key-for-the-test-01';
const STATUS_TOKEN = 'status-token-for-the-test-0123456789';
const info: ServiceInfo = {
  name: 'memory',
  version: '1.0.0',
  keys: [],
  advice: [{ setting: 'CURSOR_SECRET', message: 'not set' }],
  detailsToken: STATUS_TOKEN,
};

/** Wix's metadata for a site owner of `instanceId` (undefined: a call that carries none). */
function siteMetadata(instanceId: string | undefined): Record<string, unknown> {
  const { instanceId: _, ...rest } = defaultMetadata();
  return instanceId === undefined ? rest : { ...rest, instanceId };
}

// biome-ignore lint/suspicious/noExplicitAny: a JSON answer read by the assertions
const details = async (url: string): Promise<any> =>
  (await fetch(`${url}/status.json`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).json();

/** A legacy call whose requestContext is Wix's with this instanceId (undefined: none). */
function legacyCall(legacy: LegacyClient, path: string, body: Record<string, unknown>, instanceId?: string) {
  return legacy.legacy(
    path,
    {
      ...body,
      requestContext: {
        settings: { secretKey: LEGACY_SECRET },
        ...(instanceId === undefined ? {} : { instanceId }),
        role: 'OWNER',
      },
    },
    { raw: true },
  );
}

/** The memory storage behind a harness with the legacy secret and the status info; `lines` collects its log. */
function siteHarness(options: {
  readonly instanceIds?: readonly string[];
  readonly lines?: Record<string, unknown>[];
}) {
  const lines = options.lines;
  return startHarness({
    storage: createMemoryStorage({ collections: [plantsCollection] }),
    ...(options.instanceIds ? { instanceIds: options.instanceIds } : {}),
    legacySecretKeys: [LEGACY_SECRET],
    ...(lines
      ? { logger: createLogger({ level: 'info', sink: { write: (line) => lines.push(JSON.parse(line)) } }) }
      : {}),
    info,
  });
}
describe('WIX_INSTANCE_IDS set', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await siteHarness({ instanceIds: [OWNER_SITE, SECOND_SITE] });
  });
  afterAll(() => h.close());

  const call = (path: string, request: unknown, instanceId: string | undefined) =>
    h.client.call(path, request, { metadata: siteMetadata(instanceId) });

  it('a listed site is served (each listed one)', async () => {
    const insert = await call('items/insert', { collectionId: 'plants', items: [{ _id: 'own' }] }, OWNER_SITE);
    expect(insert.status).toBe(200);
    const count = await call('items/count', { collectionId: 'plants', filter: {} }, SECOND_SITE);
    expect(count).toMatchObject({ status: 200, body: { totalCount: 1 } });
  });

  it('another site is refused with 403 PERMISSION_DENIED saying which id to add, before any write', async () => {
    const insert = await call('items/insert', { collectionId: 'plants', items: [{ _id: 'intruder' }] }, OTHER_SITE);
    expect(insert.status).toBe(403);
    expect(insert.body).toMatchObject({
      errorCode: 'PERMISSION_DENIED',
      applicationError: { code: 'PERMISSION_DENIED' },
    });
    const message: string = insert.body.errorMessage;
    expect(message).toContain(`add ${OTHER_SITE} to WIX_INSTANCE_IDS`);
    // The listed sites belong to someone else: never told to a caller.
    expect(message).not.toContain(OWNER_SITE);
    expect(message).not.toContain(SECOND_SITE);
    for (const path of ['items/query', 'collections/get', 'capabilities/get']) {
      const read = await call(path, { collectionId: 'plants', query: {}, collectionIds: [] }, OTHER_SITE);
      expect(read.status, path).toBe(403);
    }
    const owner = await call('items/count', { collectionId: 'plants', filter: { _id: 'intruder' } }, OWNER_SITE);
    expect(owner).toMatchObject({ status: 200, body: { totalCount: 0 } });
  });

  it('a call without metadata.instanceId is refused with 403', async () => {
    const count = await call('items/count', { collectionId: 'plants', filter: {} }, undefined);
    expect(count.status).toBe(403);
    expect(count.body.errorCode).toBe('PERMISSION_DENIED');
    expect(count.body.errorMessage).toContain('carries no metadata.instanceId');
    const empty = await call('items/count', { collectionId: 'plants', filter: {} }, '');
    expect(empty.status).toBe(403);
  });

  it('a token that does not verify is still a 401, whatever site it names', async () => {
    const token = await h.signer.sign({ collectionId: 'plants', filter: {} }, { metadata: siteMetadata(OWNER_SITE) });
    const bad = await h.client.post('items/count', `${token.slice(0, -4)}AAAA`);
    expect(bad.status).toBe(401);
  });

  it('provision, which touches no data, answers every site (signed or not)', async () => {
    expect((await call('provision', {}, OTHER_SITE)).status).toBe(200);
    expect((await h.client.post('provision', '')).status).toBe(200);
  });

  it('legacy calls: the listed site is served, another site and a call without instanceId get 403', async () => {
    const legacy = h.legacy as LegacyClient;
    const own = await legacyCall(legacy, '/data/count', { collectionName: 'plants', filter: {} }, OWNER_SITE);
    expect(own.status).toBe(200);
    const other = await legacyCall(
      legacy,
      '/data/insert',
      { collectionName: 'plants', item: { _id: 'lx' } },
      OTHER_SITE,
    );
    expect(other.status).toBe(403);
    expect(other.body.message).toContain(`requestContext.instanceId ${OTHER_SITE}`);
    expect(other.body.message).toContain(`add ${OTHER_SITE} to WIX_INSTANCE_IDS`);
    expect(other.body.message).not.toContain(OWNER_SITE);
    const none = await legacyCall(legacy, '/data/count', { collectionName: 'plants', filter: {} });
    expect(none.status).toBe(403);
    expect(none.body.message).toContain('carries no requestContext.instanceId');
    // The secret is checked first: a wrong one is the 401 it always was, and tells nothing of sites.
    const wrong = await legacy.legacy(
      '/data/count',
      { collectionName: 'plants', filter: {}, requestContext: { settings: { secretKey: 'x'.repeat(20) } } },
      { raw: true },
    );
    expect(wrong.status).toBe(401);
    const written = await call('items/count', { collectionId: 'plants', filter: { _id: 'lx' } }, OWNER_SITE);
    expect(written).toMatchObject({ status: 200, body: { totalCount: 0 } });
  });

  it('the status page lists the setting and every site seen, refused ones included; no advice to set it', async () => {
    const status = await details(h.url);
    expect(status.instances.configured).toEqual([OWNER_SITE, SECOND_SITE]);
    expect(status.instances.seen).toEqual(expect.arrayContaining([OWNER_SITE, SECOND_SITE, OTHER_SITE, '(none)']));
    expect(status.advice).toEqual(info.advice);
    expect(status.errors.byCode.PERMISSION_DENIED).toBeGreaterThanOrEqual(5);
    const page = await (await fetch(`${h.url}/`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).text();
    expect(page).toContain(`<code>${OTHER_SITE}</code> <span class="bad">(refused: not listed)</span>`);
  });
});

describe('WIX_INSTANCE_IDS unset', () => {
  let h: Harness;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    h = await siteHarness({ lines });
  });
  afterAll(() => h.close());

  it('every site is served as before, with or without an instance id', async () => {
    for (const site of [OWNER_SITE, OTHER_SITE, undefined]) {
      const count = await h.client.call(
        'items/count',
        { collectionId: 'plants', filter: {} },
        { metadata: siteMetadata(site) },
      );
      expect(count.status, String(site)).toBe(200);
    }
    const legacy = h.legacy as LegacyClient;
    expect((await legacyCall(legacy, '/data/count', { collectionName: 'plants', filter: {} }, OTHER_SITE)).status).toBe(
      200,
    );
  });

  it('the status page advises setting it and lists the sites seen; each new site is logged once', async () => {
    await h.client.call('items/count', { collectionId: 'plants', filter: {} }, { metadata: siteMetadata(OWNER_SITE) });
    const status = await details(h.url);
    expect(status.instances).toEqual({ configured: null, seen: [OWNER_SITE, OTHER_SITE, '(none)'] });
    expect(status.advice).toEqual([
      ...info.advice,
      { setting: 'WIX_INSTANCE_IDS', message: expect.stringContaining('every site that installs the app') },
    ]);
    const noticed = lines.filter((line) => String(line.message).startsWith('WIX_INSTANCE_IDS is not set'));
    expect(noticed.map((line) => line.instanceId)).toEqual([OWNER_SITE, OTHER_SITE, null]);
    const page = await (await fetch(`${h.url}/`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).text();
    expect(page).toContain('Sites (WIX_INSTANCE_IDS)</th><td><span class="bad">not set</span>');
    expect(page).toContain(`<code>${OWNER_SITE}</code>, <code>${OTHER_SITE}</code>`);
  });
});

/**
 * Only an authenticated call is noted among the sites seen (and logged): the owner is told to copy
 * their id from that list, so a caller without the key or the secret must not be able to fill it
 * (20 ids at most) with ids of its choosing. A legacy /provision is answered without a secret, so
 * it is the case to guard.
 */
describe('sites seen: only authenticated calls are noted', () => {
  let h: Harness;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    h = await siteHarness({ lines });
  });
  afterAll(() => h.close());

  const provision = (secretKey: string | undefined, instanceId: string) =>
    fetch(`${h.url}/provision`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        requestContext: { settings: secretKey === undefined ? {} : { secretKey }, instanceId, role: 'OWNER' },
      }),
    });

  it('a legacy /provision without the secret is answered but not noted; a wrong secret neither; the right one is', async () => {
    for (let i = 0; i < 25; i++) expect((await provision(undefined, `junk-${i}`)).status).toBe(200);
    expect((await provision('x'.repeat(20), 'junk-wrong')).status).toBe(401);
    const withSecret = await legacyCall(h.legacy as LegacyClient, '/data/count', { collectionName: 'plants' }, 'x');
    expect(withSecret.status).toBe(200); // the right secret: noted
    // A v3 provision whose token does not verify is answered too, and not noted either.
    const token = await h.signer.sign({}, { metadata: siteMetadata('junk-v3') });
    expect((await h.client.post('provision', `${token.slice(0, -4)}AAAA`)).status).toBe(200);
    expect((await provision(LEGACY_SECRET, OWNER_SITE)).status).toBe(200);
    const status = await details(h.url);
    expect(status.instances.seen).toEqual(['x', OWNER_SITE]);
    const noticed = lines.filter((line) => String(line.message).startsWith('WIX_INSTANCE_IDS is not set'));
    expect(noticed.map((line) => line.instanceId)).toEqual(['x', OWNER_SITE]);
  });
});

describe('sites seen: ids shown whole up to the longest WIX_INSTANCE_IDS accepts (128)', () => {
  const LONGEST = `${'a1b2c3d4-'.repeat(14)}ab`; // 128 characters, the setting's limit
  let h: Harness;
  beforeAll(async () => {
    h = await siteHarness({ instanceIds: [LONGEST] });
  });
  afterAll(() => h.close());

  it('a 128-character id is listed whole, so the listed copy is the one the setting matches; a longer one is cut with "…"', async () => {
    expect(LONGEST).toHaveLength(128);
    const served = await h.client.call(
      'items/count',
      { collectionId: 'plants', filter: {} },
      { metadata: siteMetadata(LONGEST) },
    );
    expect(served.status).toBe(200);
    const tooLong = `${LONGEST}z`.repeat(2);
    const legacy = h.legacy as LegacyClient;
    expect((await legacyCall(legacy, '/data/count', { collectionName: 'plants' }, tooLong)).status).toBe(403);
    const status = await details(h.url);
    expect(status.instances.seen).toEqual([LONGEST, `${tooLong.slice(0, 128)}…`]);
    const page = await (await fetch(`${h.url}/`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).text();
    expect(page).toContain(`<code>${LONGEST}</code>`);
  });
});
