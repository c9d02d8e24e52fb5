/**
 * Legacy `POST /provision` (packages/core/src/legacy/README.md): Wix's first
 * call when a STANDALONE site connects. When the storage says why it is not
 * ready, /provision answers that cause, as /readyz does; an unexpected failure
 * is "not reachable" and never shows the raw error. A bare /provision that is
 * not a legacy call (no requestContext: a v3 token, signed or not) is the v3
 * handshake, whatever the legacy mode (docs/protocol.md §8).
 */
import { errors, LEGACY_OFF_MESSAGE, V3_TOKEN_ON_LEGACY_PATH } from '@adaptors/core';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, LegacyClient, startHarness } from '../src/index.ts';

const KEY = 'first-legacy-secret-key-0001';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The memory storage made to fail its readiness check with `failure`, the way a storage does (storage.ts `ready`). */
async function startFailing(failure: Error): Promise<LegacyClient> {
  const storage = createMemoryStorage();
  storage.ready = async () => {
    throw failure;
  };
  h = await startHarness({ storage, legacySecretKeys: [KEY] });
  return h.legacy as LegacyClient;
}

describe('/provision when the database is not ready', () => {
  test('a cause the storage knows (the database does not exist) is answered as /readyz gives it', async () => {
    const missing = errors.databaseMissing(
      'The memory database or its instance',
      'create it, or fix MEMORY_INSTANCE and MEMORY_DATABASE',
    );
    const legacy = await startFailing(missing);
    const provision = await legacy.legacy('/provision', {});
    expect(provision.status).toBe(503);
    expect(provision.body).toEqual({ message: missing.message });
    const ready = (await (await fetch(`${h?.url}/readyz`)).json()) as { reason: string };
    expect(ready.reason).toBe(missing.message);
  });

  test('an unexpected failure is "not reachable", without its own text', async () => {
    const legacy = await startFailing(new Error('socket hang up at 10.1.2.3:443 projects/p/instances/i'));
    const provision = await legacy.legacy('/provision', {});
    expect(provision.status).toBe(503);
    expect(provision.body.message).toMatch(/^The memory database is not reachable right now; retry shortly/);
    expect(provision.body.message).not.toMatch(/10\.1\.2\.3|projects\//);
  });
});

const V3_BODY = { type: 'memory', vendor: 'gcp', protocolVersion: 3, adapterVersion: 'v3' };
const LEGACY_BODY = { type: 'memory', vendor: 'gcp', protocolVersion: 2 };

describe('which body a bare /provision answers', () => {
  test('legacy mode on: a v3 token (signed or not) gets the v3 handshake, a legacy call the legacy one', async () => {
    h = await startHarness({ storage: createMemoryStorage(), legacySecretKeys: [KEY] });
    const legacy = h.legacy as LegacyClient;
    const token = await h.signer.sign({});
    const signed = await legacy.postRaw('/provision', token, 'text/plain');
    expect(signed.status).toBe(200);
    expect(signed.body).toEqual(V3_BODY);
    expect((await legacy.postRaw('/provision', JSON.stringify(token))).body).toEqual(V3_BODY);
    // As /v3/provision: a token that does not verify, or no body, is the unsigned handshake.
    expect((await legacy.postRaw('/provision', `${token.slice(0, -4)}AAAA`, 'text/plain')).body).toEqual(V3_BODY);
    expect((await legacy.postRaw('/provision', '')).body).toEqual(V3_BODY);
    expect((await h.client.post('provision', token)).body).toEqual(V3_BODY);
    // Legacy calls: with the secret, or none; a wrong one is refused.
    expect((await legacy.legacy('/provision')).body).toEqual(LEGACY_BODY);
    expect((await legacy.legacy('/provision', {}, { secretKey: null })).body).toEqual(LEGACY_BODY);
    expect((await legacy.legacy('/provision', {}, { secretKey: 'not-the-key-but-long-enough' })).status).toBe(401);
    // The other legacy paths still refuse a v3 token, JSON-quoted too, saying where v3 calls go.
    for (const body of [token, JSON.stringify(token)]) {
      const find = await legacy.postRaw('/data/find', body, 'text/plain');
      expect(find.status).toBe(401);
      expect(find.body).toEqual({ message: V3_TOKEN_ON_LEGACY_PATH });
    }
  });

  test('legacy mode off: a v3 token gets the v3 handshake, a legacy call the 404 saying how to turn it on', async () => {
    h = await startHarness({ storage: createMemoryStorage() });
    const client = new LegacyClient({ baseUrl: h.url, secretKey: KEY });
    const signed = await client.postRaw('/provision', await h.signer.sign({}), 'text/plain');
    expect(signed.status).toBe(200);
    expect(signed.body).toEqual(V3_BODY);
    expect((await client.postRaw('/provision', '')).body).toEqual(V3_BODY);
    const legacyCall = await client.legacy('/provision');
    expect(legacyCall.status).toBe(404);
    expect(legacyCall.body.message).toBe(LEGACY_OFF_MESSAGE);
  });
});
