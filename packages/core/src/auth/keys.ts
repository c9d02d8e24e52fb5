/**
 * Loads the public keys Wix tokens are verified with (docs/protocol.md §2.3 step 2,
 * §2.4). Runs once at startup: every key is classified here, its algorithm is
 * pinned from the key type (never from a token header), and it is parsed once
 * (as a Node KeyObject; loadPublicKeys also imports it into Web Crypto) so the
 * per-request path does no key parsing.
 *
 * Messages identify keys by position and fingerprint only: never key material.
 */

import { createHash, createPrivateKey, createPublicKey, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import { type KeyCandidate, splitKeyInput } from './key-input.ts';

export type VerificationAlgorithm = 'RS256' | 'ES256';

export interface VerificationKey {
  readonly key: webcrypto.CryptoKey | KeyObject;
  readonly alg: VerificationAlgorithm;
  /** First 16 hex chars of SHA-256 over the SPKI DER: identifies a key in logs without revealing it. */
  readonly fingerprint: string;
}

const ACCEPTED =
  'accepted: RSA public keys of at least 2048 bits (RS256) or EC P-256 public keys (ES256), as PEM, base64 of PEM, or base64 DER SubjectPublicKeyInfo';

const MIN_RSA_BITS = 2048;

const KEY_TYPE_NAMES: Readonly<Record<string, string>> = {
  'rsa-pss': 'RSA-PSS',
  dsa: 'DSA',
  dh: 'Diffie-Hellman',
  ed25519: 'Ed25519',
  ed448: 'Ed448',
  x25519: 'X25519',
  x448: 'X448',
};

const CURVE_NAMES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
  secp256k1: 'secp256k1',
};

const IMPORT_PARAMS: Readonly<
  Record<VerificationAlgorithm, webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams>
> = {
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
};

/**
 * The last key text parsed and its keys. A start reads its WIX_PUBLIC_KEYS value twice — the
 * config check, then the server's keys (server/start.ts); `check` once more for its summary —
 * and each parse decodes every key and hashes its DER (~0.5 ms per repeat for one RSA key).
 * One entry: a process has one such value. KeyObjects are immutable and the entries frozen, so
 * sharing them is safe. A text that fails is not kept: it throws its message again each time.
 */
let lastParsed: { readonly input: string; readonly keys: readonly VerificationKey[] } | undefined;

/**
 * Synchronous part of key loading: parses and classifies every key, returning
 * Node `KeyObject`s. Used by the config check (which must not be async per
 * setting), by the server (its verifier checks signatures on KeyObjects) and by
 * `loadPublicKeys`. The same text again returns the same keys, unparsed (lastParsed).
 */
export function parsePublicKeys(input: string | readonly string[]): VerificationKey[] {
  if (typeof input !== 'string') return parseKeys(input);
  if (lastParsed?.input !== input) lastParsed = { input, keys: parseKeys(input).map((key) => Object.freeze(key)) };
  return [...lastParsed.keys];
}

function parseKeys(input: string | readonly string[]): VerificationKey[] {
  let candidates: KeyCandidate[];
  try {
    candidates = splitKeyInput(input);
  } catch (err) {
    throw new Error(`public key configuration: ${(err as Error).message}; ${ACCEPTED}`);
  }
  if (candidates.length === 0) {
    throw new Error(`no public key found (the value is empty); ${ACCEPTED}`);
  }
  // Keys are numbered in the order they appear, so an operator can find the bad one.
  let position = 0;
  const keyObjects = candidates.flatMap((candidate) => {
    const found =
      candidate.kind === 'pem'
        ? [{ label: labelFor(position + 1), key: fromPem(candidate, labelFor(position + 1)) }]
        : fromBase64(candidate, position);
    position += found.length;
    return found;
  });
  const keys: VerificationKey[] = [];
  const seen = new Set<string>();
  for (const { label, key } of keyObjects) {
    const alg = algorithmFor(key, label);
    const fingerprint = fingerprintOf(key);
    // The same key pasted twice (e.g. during rotation) is harmless: keep one.
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    keys.push({ key, alg, fingerprint });
  }
  return keys;
}

/** Parses, classifies and imports every configured key (§2.4). Throws `Error` with an operator-facing message. */
export async function loadPublicKeys(input: string | readonly string[]): Promise<VerificationKey[]> {
  const parsed = parsePublicKeys(input);
  return Promise.all(
    parsed.map(async ({ key, alg, fingerprint }) => {
      const der = (key as KeyObject).export({ type: 'spki', format: 'der' });
      const cryptoKey = await webcrypto.subtle.importKey('spki', der, IMPORT_PARAMS[alg], false, ['verify']);
      return { key: cryptoKey, alg, fingerprint };
    }),
  );
}

/** A verification key as a Node KeyObject (loadPublicKeys gives Web Crypto keys; KeyObject.from unwraps them). */
export function keyObjectOf(key: VerificationKey): KeyObject {
  return key.key instanceof KeyObject ? key.key : KeyObject.from(key.key);
}

export function fingerprintOf(key: KeyObject): string {
  const der = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

function fromPem(candidate: Extract<KeyCandidate, { kind: 'pem' }>, label: string): KeyObject {
  const kind = candidate.label;
  if (kind.includes('PRIVATE KEY')) throw privateKeyError(label, `PEM "BEGIN ${kind}"`);
  try {
    if (kind === 'PUBLIC KEY' || kind === 'RSA PUBLIC KEY') return createPublicKey(candidate.pem);
    // A certificate wraps a public key; accepting it costs nothing and spares
    // an operator an openssl step. Its validity dates are not checked.
    if (kind === 'CERTIFICATE') return new X509Certificate(candidate.pem).publicKey;
  } catch (err) {
    throw new Error(
      `${label}: the PEM "BEGIN ${kind}" block could not be parsed (${codeOf(err)}); check it was copied completely; ${ACCEPTED}`,
    );
  }
  throw new Error(`${label} is a PEM "BEGIN ${kind}" block, not a public key; ${ACCEPTED}`);
}

/**
 * A base64 run is either several keys (rotation: each token parses on its own)
 * or one DER key wrapped over several lines (only the joined bytes parse).
 */
function fromBase64(
  candidate: Extract<KeyCandidate, { kind: 'base64' }>,
  before: number,
): { label: string; key: KeyObject }[] {
  const each = candidate.tokens.map(tryDer);
  if (each.every((key) => key !== undefined)) {
    return each.map((key, i) => ({ label: labelFor(before + i + 1), key: key! }));
  }
  const joined = candidate.tokens.length > 1 ? tryDer(candidate.joined) : undefined;
  if (joined) return [{ label: labelFor(before + 1), key: joined }];
  const bad = candidate.tokens.findIndex((_, i) => each[i] === undefined);
  const badLabel = labelFor(before + bad + 1);
  if (isPrivateDer(candidate.tokens[bad]!)) throw privateKeyError(badLabel, 'base64 DER private key');
  throw new Error(
    `${badLabel} decodes from base64 but is not a DER SubjectPublicKeyInfo (nor base64 of PEM text); check it was copied completely; ${ACCEPTED}`,
  );
}

function labelFor(position: number): string {
  return `public key #${position}`;
}

function tryDer(der: Buffer): KeyObject | undefined {
  // Node derives a public key from private-key DER without complaint; refuse
  // that here so the caller reports "private key" instead of accepting it.
  if (der.length === 0 || isPrivateDer(der)) return undefined;
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return createPublicKey({ key: der, format: 'der', type });
    } catch {
      // try the next encoding
    }
  }
  return undefined;
}

function isPrivateDer(der: Buffer): boolean {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      createPrivateKey({ key: der, format: 'der', type });
      return true;
    } catch {
      // not this encoding
    }
  }
  return false;
}

function privateKeyError(label: string, what: string): Error {
  return new Error(
    `${label} is a private key (${what}); configure the matching PUBLIC key instead — the adaptor only verifies signatures and should never hold a signing key`,
  );
}

/** §2.3 step 2: the algorithm comes from the key type, never from the token. */
function algorithmFor(key: KeyObject, label: string): VerificationAlgorithm {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) {
      throw new Error(
        `${label} (fingerprint ${fingerprintOf(key)}) is an RSA key of ${bits} bits, too short; ${ACCEPTED}`,
      );
    }
    return 'RS256';
  }
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    if (curve === 'prime256v1') return 'ES256';
    throw new Error(
      `${label} (fingerprint ${fingerprintOf(key)}) is an EC key on curve ${CURVE_NAMES[curve] ?? curve}; ${ACCEPTED}`,
    );
  }
  throw new Error(
    `${label} (fingerprint ${fingerprintOf(key)}) is an ${KEY_TYPE_NAMES[type] ?? type} key; ${ACCEPTED}`,
  );
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'invalid encoding';
}
