/**
 * Verification of a Wix-signed call (docs/protocol.md §2.3, §2.5). Every failure
 * is a 401 `UNAUTHORIZED` SpiError whose reason tells a site owner what to fix
 * and never contains the token, the claims payload or key material.
 *
 * Decisions (recorded in auth/README.md):
 * - `exp` is required by default: a token that never expires could be replayed
 *   forever. `requireExpiry: false` turns this off should live Wix tokens lack it.
 * - A token may live at most `maxLifetimeSeconds` (default 3600): `exp` at most
 *   that far ahead of now (plus the skew) and of `iat`. Wix's lifetime is
 *   unconfirmed (its examples show a minute); a token valid for years could be
 *   replayed for years.
 * - A token that verifies but has no `data.request` object is also a 401: the
 *   spec makes it a step of the verification procedure (§2.3 step 6), and the
 *   reference rejects a token without `data` in its auth middleware.
 */

import { verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import { errors, SpiError } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';
import { keyObjectOf, type VerificationAlgorithm, type VerificationKey } from './keys.ts';
import { parseMetadata, type RequestMetadata } from './metadata.ts';
import { extractToken, headerAlgorithm, shown } from './token.ts';

export interface VerifierOptions {
  keys: readonly VerificationKey[];
  /** Expected `aud` (any of them). Unset: any audience is accepted (§2.3 step 4). */
  audience?: string | readonly string[];
  /** Default 'wix.com' (§2.2). */
  issuer?: string;
  /** Allowance for `exp`, `iat`, `nbf`. Default 60. */
  clockSkewSeconds?: number;
  /** Current time in ms; for tests. */
  now?: () => number;
  /** Default true: tokens without `exp` are refused. */
  requireExpiry?: boolean;
  /** Longest accepted token lifetime: `exp − iat` and `exp − now` (plus skew), in seconds. Default 3600. */
  maxLifetimeSeconds?: number;
  /**
   * Called when no audience is configured, once per distinct audience seen
   * (at most 16), so the server can log the value an operator should put in
   * WIX_AUDIENCE (§2.3 step 4, §2.4: site-level audience unconfirmed).
   */
  onUnconfiguredAudience?: (aud: string | readonly string[] | undefined) => void;
}

export interface VerifiedCall {
  readonly request: Record<string, unknown>;
  readonly metadata: RequestMetadata;
  readonly claims: { iss: string; aud?: string | string[]; iat?: number; exp?: number };
}

const FIX_KEYS = 'copy the public key from the Wix app dashboard or connection into WIX_PUBLIC_KEYS';
const FIX_CLOCK = "check the adaptor host's clock";
const MAX_AUDIENCES_REPORTED = 16;
export const DEFAULT_MAX_LIFETIME_SECONDS = 3600;

export function createVerifier(options: VerifierOptions): (body: string | Buffer) => Promise<VerifiedCall> {
  if (options.keys.length === 0)
    throw new Error('createVerifier: at least one public key is required (WIX_PUBLIC_KEYS)');
  const issuer = options.issuer ?? 'wix.com';
  const skew = options.clockSkewSeconds ?? 60;
  const maxLifetime = options.maxLifetimeSeconds ?? DEFAULT_MAX_LIFETIME_SECONDS;
  const now = options.now ?? Date.now;
  const requiredClaims = options.requireExpiry === false ? [] : ['exp'];
  const audiences =
    options.audience === undefined
      ? undefined
      : typeof options.audience === 'string'
        ? [options.audience]
        : [...options.audience];
  if (audiences?.length === 0) throw new Error('createVerifier: audience list is empty; leave it unset to accept any');
  const audienceSet = audiences ? new Set(audiences) : undefined;
  const reportedAudiences = new Set<string>();

  // Keys grouped by their pinned algorithm: the header only picks a group.
  const byAlg = new Map<string, VerificationKey[]>();
  for (const key of options.keys) byAlg.set(key.alg, [...(byAlg.get(key.alg) ?? []), key]);
  // The same keys as Node KeyObjects, for the synchronous fast path (see fastVerify).
  const nodeKeys = new Map<VerificationKey, KeyObject>();
  for (const key of options.keys) nodeKeys.set(key, keyObjectOf(key));
  const configured = options.keys.map((k) => `${k.alg} ${k.fingerprint}`).join(', ');

  function reportAudience(aud: string | string[] | undefined): void {
    if (!options.onUnconfiguredAudience) return;
    const id = JSON.stringify(aud ?? null);
    if (reportedAudiences.has(id) || reportedAudiences.size >= MAX_AUDIENCES_REPORTED) return;
    reportedAudiences.add(id);
    options.onUnconfiguredAudience(aud);
  }

  return async function verify(body: string | Buffer): Promise<VerifiedCall> {
    const token = extractToken(body);
    const candidates = candidateKeys(headerAlgorithm(token), byAlg, configured);
    const currentDate = new Date(now());
    const claimOptions = { skew, currentDate, requiredClaims };
    const payload =
      fastVerify(token, candidates, nodeKeys, claimOptions) ??
      (await verifyWithAny(token, candidates, claimOptions, configured));

    if (payload.iss !== issuer) {
      throw errors.unauthorized(
        `token issuer ${shown(payload.iss)} is not "${issuer}"; only tokens issued by Wix are accepted`,
      );
    }
    const nowSeconds = Math.floor(currentDate.getTime() / 1000);
    if (payload.iat !== undefined && payload.iat > nowSeconds + skew) {
      throw errors.unauthorized(`token issued ${payload.iat - nowSeconds} s in the future (iat); ${FIX_CLOCK}`);
    }
    checkLifetime(payload, nowSeconds, skew, maxLifetime);
    const aud = payload.aud;
    if (
      aud !== undefined &&
      typeof aud !== 'string' &&
      !(Array.isArray(aud) && aud.every((a) => typeof a === 'string'))
    ) {
      throw errors.unauthorized('token audience (aud) is neither a string nor a list of strings');
    }
    if (audienceSet) {
      const observed = typeof aud === 'string' ? [aud] : (aud ?? []);
      if (!observed.some((a) => audienceSet.has(a))) {
        throw errors.unauthorized(
          aud === undefined
            ? 'token has no audience (aud) but WIX_AUDIENCE is set; unset WIX_AUDIENCE or check which Wix app signs these calls'
            : `token audience ${shown(typeof aud === 'string' ? aud : aud.join(','))} is not the configured WIX_AUDIENCE; set WIX_AUDIENCE to the app ID of the Wix app that calls this adaptor`,
        );
      }
    } else {
      reportAudience(aud);
    }

    const data = payload.data;
    if (!isPlainObject(data)) {
      throw errors.unauthorized(
        `token has no "data" object (found ${kindOf(data)}); it is not an external-database call signed by Wix`,
      );
    }
    if (!isPlainObject(data.request)) {
      throw errors.unauthorized(
        `token data.request must be a JSON object (found ${kindOf(data.request)}); it is not an external-database call signed by Wix`,
      );
    }

    const claims: VerifiedCall['claims'] = { iss: payload.iss };
    if (aud !== undefined) claims.aud = aud;
    if (payload.iat !== undefined) claims.iat = payload.iat;
    if (payload.exp !== undefined) claims.exp = payload.exp;
    return { request: data.request, metadata: parseMetadata(data.metadata), claims };
  };
}

/** §2.3 step 2: `none` and `HS*` are refused outright; otherwise only keys pinned to the header's alg are tried. */
function candidateKeys(
  alg: string,
  byAlg: ReadonlyMap<string, VerificationKey[]>,
  configured: string,
): VerificationKey[] {
  if (alg.toLowerCase() === 'none') throw errors.unauthorized('unsigned tokens (alg "none") are refused');
  if (/^HS/i.test(alg)) {
    throw errors.unauthorized(
      `HMAC-signed tokens (alg ${shown(alg)}) are refused; Wix signs with a key pair (RS256 or ES256)`,
    );
  }
  const keys = byAlg.get(alg);
  if (!keys) {
    throw errors.unauthorized(
      `token is signed with ${shown(alg)} but no configured key uses that algorithm (configured: ${configured}); ${FIX_KEYS}`,
    );
  }
  return keys;
}

/** `exp` bounded by the lifetime setting, from now and from `iat` (see the header). */
function checkLifetime(payload: JWTPayload, nowSeconds: number, skew: number, maxLifetime: number): void {
  const { exp, iat } = payload;
  if (exp === undefined) return;
  const fix = `tokens may be valid for at most ${maxLifetime} s (TOKEN_MAX_LIFETIME_SECONDS)`;
  if (exp - nowSeconds > maxLifetime + skew) {
    throw errors.unauthorized(`token expires too far in the future (exp); ${fix}`);
  }
  if (iat !== undefined && exp - iat > maxLifetime) {
    throw errors.unauthorized(`token lifetime exp − iat is ${Math.round(exp - iat)} s; ${fix}`);
  }
}

interface ClaimOptions {
  skew: number;
  currentDate: Date;
  requiredClaims: string[];
}

const FAST_HEADER_KEYS = new Set(['alg', 'typ', 'kid']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The common case — a well-formed token whose signature verifies and whose
 * claims pass — checked with node:crypto's synchronous `verify` on KeyObjects:
 * 40 µs per RS256 token against 100 µs through jose's Web Crypto path
 * (Node 24, this project's machine; ~0.06 ms of every signed call).
 * It returns a payload only where jose's `jwtVerify` would accept the token
 * with the same options (header without `crit`/`b64`, strict base64url and
 * UTF-8 JSON object payload, required claims present, numeric `iat`/`nbf`/
 * `exp` within the skew); anything else returns undefined and the token goes
 * through jose, so every refusal keeps jose's exact reasons.
 */
function fastVerify(
  token: string,
  keys: readonly VerificationKey[],
  nodeKeys: ReadonlyMap<VerificationKey, KeyObject>,
  claims: ClaimOptions,
): JWTPayload | undefined {
  const first = token.indexOf('.');
  const last = token.lastIndexOf('.');
  if (first <= 0 || last === first) return undefined;
  const payloadSegment = token.slice(first + 1, last);
  // extractToken checked the alphabet; a length of 4n+1 is not base64url (jose refuses it).
  if (payloadSegment.length % 4 === 1) return undefined;
  let header: unknown;
  try {
    header = JSON.parse(strictUtf8.decode(Buffer.from(token.slice(0, first), 'base64url')));
  } catch {
    return undefined;
  }
  if (!isPlainObject(header) || !Object.keys(header).every((k) => FAST_HEADER_KEYS.has(k))) return undefined;
  // The signature before the payload: anyone can send a token, and parsing a payload of
  // megabytes (up to the body limit) of nested arrays held the event loop for seconds before its
  // forged signature was even looked at. Hashing the signing input costs what reading it costs;
  // only a token Wix signed gets its payload parsed (jose, below, verifies first too).
  const signingInput = Buffer.from(token.slice(0, last), 'latin1');
  const signature = Buffer.from(token.slice(last + 1), 'base64url');
  let signed = false;
  for (const key of keys) {
    if (header.alg !== key.alg) return undefined;
    const keyObject = nodeKeys.get(key);
    if (!keyObject) return undefined;
    try {
      signed =
        key.alg === 'ES256'
          ? cryptoVerify('sha256', signingInput, { key: keyObject, dsaEncoding: 'ieee-p1363' }, signature)
          : cryptoVerify('sha256', signingInput, keyObject, signature);
    } catch {
      return undefined;
    }
    if (signed) break;
  }
  // No key matched: jose gives the refusal (and tries the keys once more).
  if (!signed) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(strictUtf8.decode(Buffer.from(payloadSegment, 'base64url')));
  } catch {
    return undefined;
  }
  if (!isPlainObject(payload) || !claimsPass(payload, claims)) return undefined;
  return payload as JWTPayload;
}

/** jose's `validateClaimsSet` for our options, as a yes/no: a "no" is explained by jose. */
function claimsPass(payload: Record<string, unknown>, { skew, currentDate, requiredClaims }: ClaimOptions): boolean {
  for (const claim of requiredClaims) if (!Object.hasOwn(payload, claim)) return false;
  const now = Math.floor(currentDate.getTime() / 1000);
  const { iat, nbf, exp } = payload;
  if (iat !== undefined && typeof iat !== 'number') return false;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + skew)) return false;
  if (exp !== undefined && (typeof exp !== 'number' || exp <= now - skew)) return false;
  return true;
}

/** Tries each key of the token's algorithm in turn (rotation, §2.4). */
async function verifyWithAny(
  token: string,
  keys: readonly VerificationKey[],
  claimOptions: ClaimOptions,
  configured: string,
): Promise<JWTPayload> {
  for (const key of keys) {
    try {
      const { payload } = await jwtVerify(token, key.key, {
        algorithms: [key.alg satisfies VerificationAlgorithm],
        clockTolerance: claimOptions.skew,
        currentDate: claimOptions.currentDate,
        requiredClaims: claimOptions.requiredClaims,
      });
      return payload;
    } catch (err) {
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) continue;
      // jose checks claims only after the signature verified, so from here on
      // the token is genuine and its claim problems are worth explaining.
      throw reasonFor(err, claimOptions);
    }
  }
  throw errors.unauthorized(`signature does not match any configured key (${configured}); ${FIX_KEYS}`);
}

function reasonFor(err: unknown, { skew, currentDate }: ClaimOptions): SpiError {
  if (err instanceof SpiError) return err;
  if (err instanceof joseErrors.JWTExpired) {
    const exp = typeof err.payload.exp === 'number' ? err.payload.exp : undefined;
    const ago = exp === undefined ? '' : ` ${Math.floor(currentDate.getTime() / 1000) - exp} s ago`;
    return errors.unauthorized(`token expired${ago} (allowed clock skew ${skew} s); ${FIX_CLOCK}`);
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.reason === 'missing' && err.claim === 'exp') {
      return errors.unauthorized('token has no expiry (exp); tokens that never expire are refused');
    }
    if (err.reason === 'invalid') return errors.unauthorized(`token claim "${err.claim}" is not a number`);
    if (err.claim === 'nbf') return errors.unauthorized(`token is not valid yet (nbf in the future); ${FIX_CLOCK}`);
    return errors.unauthorized(`token claim "${err.claim}" failed validation`);
  }
  if (err instanceof joseErrors.JOSEError) {
    // JWSInvalid / JWTInvalid etc.: a structural problem; the jose code is safe to show.
    return errors.unauthorized(`the token is malformed (${err.code}); the body is not a Wix-signed token`);
  }
  return errors.unauthorized('the token could not be verified; the body is not a Wix-signed token');
}

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
