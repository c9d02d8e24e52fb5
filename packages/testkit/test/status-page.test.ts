/**
 * The status page (GET /, /status.json, POST /status): a public summary that
 * shows what a health check shows (docs/protocol.md §8), details only with
 * STATUS_TOKEN, a wrong token told so, and no token, item value or secret
 * anywhere on it.
 */
import { type ServiceInfo, SpiError } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../src/harness.ts';
import { createMemoryStorage } from '../src/memory/memory-storage.ts';
import { plantsCollection, samplePlants } from '../src/sample-data.ts';

const STATUS_TOKEN = 'status-token-for-the-test-0123456789';
const SECRET_VALUE = 'item-value-that-must-never-show';
const info: ServiceInfo = {
  name: 'memory',
  version: '9.8.7',
  commit: 'abc1234',
  keys: [{ alg: 'RS256', fingerprint: 'SHA256:fingerprint' }],
  advice: [{ setting: 'CURSOR_SECRET', message: 'not set: set a random value' }],
  detailsToken: STATUS_TOKEN,
};
const legacy = {
  id: 'legacy_orders',
  fields: [{ key: '_id', type: 'TEXT' as const }],
  readOnly: true,
  readOnlyReason: 'read-only: it lacks _createdDate, _updatedDate, _owner',
};

let h: Harness;
let badToken: string;
beforeAll(async () => {
  h = await startHarness({ storage: createMemoryStorage({ collections: [plantsCollection, legacy] }), info });
  await h.client.insert('plants', [...samplePlants, { _id: 'secret', commonName: SECRET_VALUE }]);
  await h.client.count('no_such_collection'); // a 404 to count
  badToken = `${(await h.signer.sign({ collectionId: 'plants' })).slice(0, -4)}AAAA`;
  await fetch(`${h.url}/v3/items/count`, { method: 'POST', body: badToken }); // a 401 to remember
});
afterAll(() => h.close());

// biome-ignore lint/suspicious/noExplicitAny: a JSON answer read by the assertions
const json = async (headers: Record<string, string> = {}): Promise<any> =>
  (await fetch(`${h.url}/status.json`, { headers })).json();

describe('status page', () => {
  it('GET / is a self-contained HTML page: release, database, how to see the details', async () => {
    const res = await fetch(`${h.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    for (const text of ['9.8.7', 'abc1234', 'reachable', 'STATUS_TOKEN', '<form method="post" action="/status">']) {
      expect(html).toContain(text);
    }
    expect(html).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)/i);
  });

  it('the public summary is what a health check shows: no keys, advice, audiences, errors or collections', async () => {
    const status = await json();
    expect(status).toEqual({
      service: 'wix-gcp-adaptors',
      engine: 'memory',
      version: '9.8.7',
      commit: 'abc1234',
      database: { reachable: true },
      details: false,
      detailsAvailable: true,
      detailsHint: expect.stringMatching(/STATUS_TOKEN/),
    });
    const text = JSON.stringify(status) + (await (await fetch(`${h.url}/`)).text());
    for (const hidden of [
      'fingerprint',
      'RS256',
      'CURSOR_SECRET',
      'COLLECTION_NOT_FOUND',
      'UNAUTHORIZED',
      'signature',
      'plants',
      'legacy_orders',
      'no_such_collection',
      SECRET_VALUE,
      badToken,
      STATUS_TOKEN,
    ]) {
      expect(text).not.toContain(hidden);
    }
  });

  it('STATUS_TOKEN unlocks keys, advice, error counts, the last 401, collections and recent errors', async () => {
    const status = await json({ authorization: `Bearer ${STATUS_TOKEN}` });
    expect(status.details).toBe(true);
    expect(status.keys).toEqual(info.keys);
    // The service's advice, then the app's own while WIX_INSTANCE_IDS is unset (server/app.ts).
    expect(status.advice).toEqual([...info.advice, expect.objectContaining({ setting: 'WIX_INSTANCE_IDS' })]);
    expect(status.errors.byCode).toMatchObject({ COLLECTION_NOT_FOUND: 1, UNAUTHORIZED: 1 });
    expect(status.lastUnauthorized.reason).toMatch(/signature/i);
    const byId = new Map(status.collections.map((c: { id: string }) => [c.id, c]));
    expect(byId.get('plants')).toMatchObject({ readOnly: false, dataOperations: expect.arrayContaining(['INSERT']) });
    expect(byId.get('legacy_orders')).toMatchObject({ readOnly: true, readOnlyReason: legacy.readOnlyReason });
    expect(status.errors.recent[0]).toMatchObject({ code: 'UNAUTHORIZED', status: 401, operation: 'items/count' });
    expect(JSON.stringify(status)).not.toContain(SECRET_VALUE);
    expect(JSON.stringify(status)).not.toContain(badToken);
    const html = await (await fetch(`${h.url}/`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })).text();
    for (const text of ['RS256 SHA256:fingerprint', 'CURSOR_SECRET', 'COLLECTION_NOT_FOUND', 'legacy_orders']) {
      expect(html).toContain(text);
    }
  });

  it('a wrong token is answered 401 saying so, with only the public summary; the form posts the token in the body', async () => {
    const wrongJson = await fetch(`${h.url}/status.json`, {
      headers: { authorization: 'Bearer not-the-token-but-long-enough' },
    });
    expect(wrongJson.status).toBe(401);
    const body = await wrongJson.json();
    expect(body).toMatchObject({
      errorCode: 'UNAUTHORIZED',
      errorMessage: expect.stringMatching(/not the STATUS_TOKEN/),
    });
    expect(JSON.stringify(body)).not.toMatch(/RS256|CURSOR_SECRET|plants|not-the-token/);
    const form = await fetch(`${h.url}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: STATUS_TOKEN }).toString(),
    });
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('legacy_orders');
    expect(html).toContain('it lacks _createdDate, _updatedDate, _owner');
    for (const sent of ['token=nope', 'token=']) {
      const wrong = await fetch(`${h.url}/status`, { method: 'POST', body: sent });
      expect(wrong.status).toBe(401);
      const page = await wrong.text();
      expect(page).toMatch(/<p class="bad" id="token-refused">The token sent is not the STATUS_TOKEN/);
      expect(page).not.toMatch(/legacy_orders|RS256|CURSOR_SECRET|nope/);
    }
    const wrongPage = await fetch(`${h.url}/`, { headers: { authorization: 'Bearer nope' } });
    expect(wrongPage.status).toBe(401);
    expect(await wrongPage.text()).toContain('id="token-refused"');
  });

  it('without a STATUS_TOKEN setting, a token sent is told that none is configured', async () => {
    const { detailsToken: _none, ...open } = info;
    const plain = await startHarness({ storage: createMemoryStorage(), info: open });
    try {
      // biome-ignore lint/suspicious/noExplicitAny: a JSON answer read by the assertions
      const summary: any = await (await fetch(`${plain.url}/status.json`)).json();
      expect(summary).toMatchObject({ details: false, detailsAvailable: false });
      expect(summary.detailsHint).toMatch(/set the STATUS_TOKEN setting/);
      const sent = await fetch(`${plain.url}/status.json`, { headers: { authorization: 'Bearer anything-at-all' } });
      expect(sent.status).toBe(401);
      expect(((await sent.json()) as { errorMessage: string }).errorMessage).toMatch(/no STATUS_TOKEN setting/);
    } finally {
      await plain.close();
    }
  });

  it('index hints (which, with the command) only in the details', async () => {
    const storage = createMemoryStorage({ collections: [plantsCollection] });
    storage.diagnostics = () => ({
      indexHints: [
        {
          collectionId: 'plants',
          fields: 'family ASC, heightCm DESC',
          command: 'gcloud firestore indexes composite create --collection-group=plants …',
          state: 'MISSING',
          firstSeen: '2026-12-03T00:00:00.000Z',
          fallbacks: 3,
        },
      ],
    });
    const withHints = await startHarness({ storage, info });
    try {
      const summary = (await (await fetch(`${withHints.url}/status.json`)).json()) as { indexes: unknown };
      expect(summary.indexes).toBeUndefined();
      expect(JSON.stringify(summary)).not.toContain('heightCm');
      const details = (await (
        await fetch(`${withHints.url}/status.json`, { headers: { authorization: `Bearer ${STATUS_TOKEN}` } })
      ).json()) as { indexes: { hints: unknown[] } };
      expect(details.indexes.hints[0]).toMatchObject({ fields: 'family ASC, heightCm DESC', state: 'MISSING' });
      const page = await (
        await fetch(`${withHints.url}/status`, { method: 'POST', body: `token=${STATUS_TOKEN}` })
      ).text();
      expect(page).toContain('gcloud firestore indexes composite create');
    } finally {
      await withHints.close();
    }
  });

  it('says why the database is not reachable', async () => {
    const storage = createMemoryStorage();
    // The storage contract: ready() rejects with an SpiError saying why (what /readyz answers too).
    storage.ready = async () => {
      throw new SpiError('SERVICE_UNAVAILABLE', 'PERMISSION_DENIED: grant roles/spanner.databaseUser');
    };
    const down = await startHarness({ storage, info });
    try {
      const status = (await (await fetch(`${down.url}/status.json`)).json()) as { database: unknown };
      expect(status.database).toEqual({
        reachable: false,
        error: 'PERMISSION_DENIED: grant roles/spanner.databaseUser',
      });
    } finally {
      await down.close();
    }
  });
});
