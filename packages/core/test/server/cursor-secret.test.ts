/**
 * The cursor key used when CURSOR_SECRET is unset (server/start.ts deriveCursorSecret): the
 * same on every instance of a deployment, and not computable from what a caller is told.
 * Every 401 names the configured keys' fingerprints (auth/verify.ts); a key made of them let
 * anyone who sent one unsigned call sign cursors of their own.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPublicKeys } from '../../src/auth/keys.ts';
import { SpiError } from '../../src/errors.ts';
import { decodeCursor, encodeCursor } from '../../src/query/cursor.ts';
import { deriveCursorSecret } from '../../src/server/start.ts';
import { makeKeyPair } from '../auth/fixtures.ts';

describe('deriveCursorSecret', () => {
  it('is the same for the same keys however they are written, and differs for other keys', async () => {
    const [one, two] = await Promise.all([makeKeyPair('RS256'), makeKeyPair('ES256')]);
    const [pem, der, other] = await Promise.all([
      loadPublicKeys(one.pem),
      loadPublicKeys(one.derBase64),
      loadPublicKeys(two.pem),
    ]);
    expect(deriveCursorSecret(pem)).toBe(deriveCursorSecret(der));
    expect(deriveCursorSecret(pem)).not.toBe(deriveCursorSecret(other));
  });

  it('a cursor signed with a key made of the fingerprints a 401 discloses is refused', async () => {
    const keys = await loadPublicKeys((await makeKeyPair('RS256')).pem);
    // What a caller can compute from a 401's fingerprints (the key of the first cursor version).
    const hash = createHash('sha256').update('wix-gcp-adaptors cursor v1');
    for (const key of keys) hash.update(key.fingerprint);
    const forged = encodeCursor({ op: 'query', collectionId: 'orders', state: { o: -5 } }, hash.digest('hex'));
    const refusal = (() => {
      try {
        decodeCursor(forged, deriveCursorSecret(keys), { op: 'query', collectionId: 'orders' });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refusal).toBeInstanceOf(SpiError);
    expect((refusal as SpiError).status).toBe(400);
    expect((refusal as SpiError).message).toMatch(/signature does not match/);
  });
});
