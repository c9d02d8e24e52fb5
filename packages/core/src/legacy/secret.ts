/**
 * The legacy protocol's shared secret (legacy/README.md "Authentication"):
 * Wix forwards the connection's `configuration` JSON as
 * `requestContext.settings` on every call, and by convention it holds
 * `{ "secretKey": "…" }`. Several configured keys allow rotation.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The smallest secret we accept: shorter ones are guessable; see the setting's description. */
export const MIN_SECRET_LENGTH = 16;

/** `LEGACY_SECRET_KEYS`: comma-separated keys; throws an Error naming the problem (never the value). */
export function parseLegacySecrets(value: string): readonly string[] {
  const keys = value
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (keys.length === 0) throw new Error('must hold at least one secret key (comma-separated for rotation)');
  keys.forEach((key, i) => {
    if (key.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `key ${i + 1} is shorter than ${MIN_SECRET_LENGTH} characters; choose a longer random key and put the same value in the Wix connection's configuration.secretKey`,
      );
    }
  });
  return keys;
}

export type SecretCheck = 'ok' | 'missing' | 'wrong';

/**
 * Constant-time match against every configured key: each candidate and each key
 * are first reduced to an HMAC under a per-process random key, so the
 * comparison neither stops early nor depends on the lengths, and every key is
 * compared (no early exit on the first match).
 */
export function createSecretChecker(keys: readonly string[]): (candidate: unknown) => SecretCheck {
  const pepper = randomBytes(32);
  const digest = (text: string) => createHmac('sha256', pepper).update(text, 'utf8').digest();
  const digests = keys.map(digest);
  return (candidate) => {
    if (typeof candidate !== 'string' || candidate === '') return 'missing';
    const given = digest(candidate);
    let matched = false;
    for (const key of digests) matched = timingSafeEqual(given, key) || matched;
    return matched ? 'ok' : 'wrong';
  };
}
