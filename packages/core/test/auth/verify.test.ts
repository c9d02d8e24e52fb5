import { SignJWT, UnsecuredJWT } from 'jose';
import { beforeAll, describe, expect, test, vi } from 'vitest';
import { loadPublicKeys, parsePublicKeys, type VerificationKey } from '../../src/auth/keys.ts';
import { createVerifier, type VerifierOptions } from '../../src/auth/verify.ts';
import { SpiError } from '../../src/errors.ts';
import {
  b64url,
  METADATA,
  makeKeyPair,
  NOW_MS,
  NOW_S,
  REQUEST,
  sign,
  type TestKeyPair,
  wixPayload,
} from './fixtures.ts';

let rsa: TestKeyPair;
let ec: TestKeyPair;
let other: TestKeyPair;
let rsaKeys: VerificationKey[];
let ecKeys: VerificationKey[];
let bothKeys: VerificationKey[];

beforeAll(async () => {
  [rsa, ec, other] = await Promise.all([makeKeyPair('RS256'), makeKeyPair('ES256'), makeKeyPair('ES256')]);
  [rsaKeys, ecKeys, bothKeys] = await Promise.all([
    loadPublicKeys(rsa.pem),
    loadPublicKeys(ec.derBase64),
    loadPublicKeys([rsa.pem, ec.pem]),
  ]);
});

function verifier(keys: readonly VerificationKey[], options: Partial<VerifierOptions> = {}) {
  return createVerifier({ keys, now: () => NOW_MS, ...options });
}

/** Runs a verification expected to fail; checks it is a 401 that leaks nothing, returns its message. */
async function rejection(promise: Promise<unknown>, token?: string): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SpiError);
  const spi = error as SpiError;
  expect(spi.code).toBe('UNAUTHORIZED');
  expect(spi.status).toBe(401);
  const rendered = JSON.stringify(spi.toBody());
  if (token) for (const segment of token.split('.')) if (segment.length > 8) expect(rendered).not.toContain(segment);
  for (const pair of [rsa, ec, other]) {
    for (const line of pair.pem.split('\n').filter((l) => l && !l.startsWith('-----'))) {
      expect(rendered).not.toContain(line);
    }
    expect(rendered).not.toContain(pair.derBase64.slice(30, 70));
  }
  // The claims payload stays out of messages too.
  expect(rendered).not.toContain('perennial');
  expect(rendered).not.toContain(METADATA.instanceId);
  return spi.message;
}

describe('valid tokens', () => {
  test('RS256 with an RSA key: request, metadata, claims', async () => {
    const call = await verifier(rsaKeys)(await sign(rsa));
    expect(call.request).toEqual(REQUEST);
    expect(call.metadata.requestId).toBe(METADATA.requestId);
    expect(call.metadata.identity?.identityType).toBe('ANONYMOUS_VISITOR');
    expect(call.metadata.languages).toEqual(['en-US']);
    expect(call.claims).toEqual({ iss: 'wix.com', aud: wixPayload().aud, iat: NOW_S, exp: NOW_S + 60 });
  });

  test('ES256 with an EC P-256 key loaded from 124-char base64 DER', async () => {
    const call = await verifier(ecKeys)(await sign(ec));
    expect(call.request).toEqual(REQUEST);
  });

  test('key rotation: every configured key of the alg is tried', async () => {
    const keys = await loadPublicKeys([other.derBase64, ec.derBase64]);
    const verify = verifier(keys);
    expect((await verify(await sign(ec))).request).toEqual(REQUEST);
    expect((await verify(await sign(other))).request).toEqual(REQUEST);
  });

  test('mixed RSA + EC configuration accepts both algorithms', async () => {
    const verify = verifier(bothKeys);
    await expect(verify(await sign(rsa))).resolves.toBeDefined();
    await expect(verify(await sign(ec))).resolves.toBeDefined();
  });

  test('Buffer body, surrounding whitespace, JSON-quoted token', async () => {
    const token = await sign(rsa);
    const verify = verifier(rsaKeys);
    await expect(verify(Buffer.from(token))).resolves.toBeDefined();
    await expect(verify(`\n  ${token}  \r\n`)).resolves.toBeDefined();
    await expect(verify(JSON.stringify(token))).resolves.toBeDefined();
    await expect(verify(Buffer.from(` ${JSON.stringify(token)}\n`))).resolves.toBeDefined();
  });

  test('missing metadata → { languages: [] }', async () => {
    const call = await verifier(rsaKeys)(await sign(rsa, { data: { request: {} } }));
    expect(call.metadata).toEqual({ languages: [] });
    expect(call.request).toEqual({});
  });

  test('works with the real clock when `now` is not injected', async () => {
    const nowS = Math.floor(Date.now() / 1000);
    const verify = createVerifier({ keys: rsaKeys });
    await expect(verify(await sign(rsa, { iat: nowS, exp: nowS + 60 }))).resolves.toBeDefined();
  });
});

describe('signature and algorithm', () => {
  test('ES256 token against RSA-only keys', async () => {
    const token = await sign(ec);
    const message = await rejection(verifier(rsaKeys)(token), token);
    expect(message).toContain('"ES256"');
    expect(message).toContain(rsaKeys[0]!.fingerprint);
    expect(message).toContain('WIX_PUBLIC_KEYS');
  });

  test('token signed by another key of the same type', async () => {
    const token = await sign(other);
    const message = await rejection(verifier(ecKeys)(token), token);
    expect(message).toContain('signature does not match any configured key');
    expect(message).toContain(ecKeys[0]!.fingerprint);
    expect(message).toContain('WIX_PUBLIC_KEYS');
  });

  test('a forged token never has its payload parsed: the signature is checked first (a huge nested payload held the loop)', async () => {
    const token = await sign(rsa);
    const [header, , signature] = token.split('.');
    const marker = 'forged-payload-marker';
    const forged = `${header}.${b64url(wixPayload({ data: { request: { collectionId: marker, nested: [[[[]]]] } } }))}.${signature}`;
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(await rejection(verifier(rsaKeys)(forged), forged)).toContain('signature does not match');
      expect(parse.mock.calls.filter(([text]) => String(text).includes(marker))).toEqual([]);
    } finally {
      parse.mockRestore();
    }
  });

  test('tampered payload', async () => {
    const token = await sign(rsa);
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64url(wixPayload({ data: { request: { collectionId: 'secrets' } } }))}.${signature}`;
    expect(await rejection(verifier(rsaKeys)(forged), forged)).toContain('signature does not match');
  });

  test('tampered signature', async () => {
    const token = await sign(ec);
    const [header, payload, signature = ''] = token.split('.');
    const mid = Math.floor(signature.length / 2);
    const flipped = `${signature.slice(0, mid)}${signature[mid] === 'A' ? 'B' : 'A'}${signature.slice(mid + 1)}`;
    const forged = `${header}.${payload}.${flipped}`;
    expect(await rejection(verifier(ecKeys)(forged), forged)).toContain('signature does not match');
  });

  test('alg "none" (unsecured JWT) is refused', async () => {
    const token = new UnsecuredJWT(wixPayload()).encode();
    expect(token.endsWith('.')).toBe(true);
    expect(await rejection(verifier(bothKeys)(token), token)).toContain('alg "none"');
    const upper = `${b64url({ alg: 'NONE' })}.${b64url(wixPayload())}.`;
    expect(await rejection(verifier(bothKeys)(upper), upper)).toContain('alg "none"');
  });

  test('HS256 signed with the public key PEM text as the HMAC secret is refused', async () => {
    for (const secret of [rsa.pem, rsa.derBase64]) {
      const token = await new SignJWT(wixPayload())
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(secret));
      expect(await rejection(verifier(rsaKeys)(token), token)).toContain('HMAC');
    }
  });

  test('a header claiming RS256 over an EC signature fails', async () => {
    const token = await sign(ec);
    const [, payload, signature] = token.split('.');
    const relabelled = `${b64url({ alg: 'RS256' })}.${payload}.${signature}`;
    expect(await rejection(verifier(bothKeys)(relabelled), relabelled)).toContain('signature does not match');
  });

  test('a header that is not JSON or lacks alg', async () => {
    const payload = b64url(wixPayload());
    expect(await rejection(verifier(rsaKeys)(`${b64url('not json')}.${payload}.abc`))).toContain('header');
    expect(await rejection(verifier(rsaKeys)(`${b64url({ typ: 'JWT' })}.${payload}.abc`))).toContain('"alg"');
  });

  test('a payload that is not JSON, correctly signed', async () => {
    const { CompactSign } = await import('jose');
    const token = await new CompactSign(new TextEncoder().encode('plain text'))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(rsa.privateKey);
    expect(await rejection(verifier(rsaKeys)(token), token)).toContain('malformed');
  });
});

describe('claims', () => {
  test('expired token names the clock', async () => {
    const token = await sign(rsa, { iat: NOW_S - 600, exp: NOW_S - 120 });
    const message = await rejection(verifier(rsaKeys)(token), token);
    expect(message).toContain('token expired 120 s ago');
    expect(message).toContain('clock');
  });

  test('exp within the clock skew is accepted; skew is configurable', async () => {
    const token = await sign(rsa, { iat: NOW_S - 100, exp: NOW_S - 30 });
    await expect(verifier(rsaKeys)(token)).resolves.toBeDefined();
    await rejection(verifier(rsaKeys, { clockSkewSeconds: 10 })(token), token);
  });

  test('iat in the future beyond the skew is refused; within it accepted', async () => {
    const future = await sign(rsa, { iat: NOW_S + 300, exp: NOW_S + 360 });
    expect(await rejection(verifier(rsaKeys)(future), future)).toContain('300 s in the future (iat)');
    await expect(verifier(rsaKeys)(await sign(rsa, { iat: NOW_S + 45 }))).resolves.toBeDefined();
  });

  test('nbf in the future is refused; nbf passed is fine', async () => {
    const token = await sign(rsa, { nbf: NOW_S + 600 });
    expect(await rejection(verifier(rsaKeys)(token), token)).toContain('not valid yet (nbf');
    await expect(verifier(rsaKeys)(await sign(rsa, { nbf: NOW_S - 5 }))).resolves.toBeDefined();
  });

  test('missing exp is refused by default; requireExpiry: false accepts it', async () => {
    const token = await sign(rsa, { exp: undefined });
    expect(await rejection(verifier(rsaKeys)(token), token)).toContain('no expiry (exp)');
    const call = await verifier(rsaKeys, { requireExpiry: false })(token);
    expect(call.claims.exp).toBeUndefined();
  });

  test('a token valid for longer than the lifetime bound is refused: exp far ahead of now, or of iat', async () => {
    for (const exp of [NOW_S + 100 * 365 * 86400, 1e308]) {
      const token = await sign(rsa, { iat: NOW_S, exp });
      const message = await rejection(verifier(rsaKeys)(token), token);
      expect(message).toContain('expires too far in the future (exp)');
      expect(message).toContain('TOKEN_MAX_LIFETIME_SECONDS');
    }
    // Issued two hours ago, valid for three: still within an hour of now, but a 3-hour lifetime.
    const long = await sign(rsa, { iat: NOW_S - 7200, exp: NOW_S + 3600 });
    expect(await rejection(verifier(rsaKeys)(long), long)).toContain('exp − iat is 10800 s');
    // Without iat, only exp − now counts.
    await expect(verifier(rsaKeys)(await sign(rsa, { iat: undefined, exp: NOW_S + 3600 }))).resolves.toBeDefined();
  });

  test('the lifetime bound is configurable; the default is an hour', async () => {
    const hour = await sign(rsa, { iat: NOW_S, exp: NOW_S + 3600 });
    await expect(verifier(rsaKeys)(hour)).resolves.toBeDefined();
    await rejection(verifier(rsaKeys, { maxLifetimeSeconds: 300 })(hour), hour);
    const day = await sign(rsa, { iat: NOW_S, exp: NOW_S + 86400 });
    await expect(verifier(rsaKeys, { maxLifetimeSeconds: 86400 })(day)).resolves.toBeDefined();
  });

  test('non-numeric exp', async () => {
    const token = await sign(rsa, { exp: 'tomorrow' });
    expect(await rejection(verifier(rsaKeys)(token), token)).toContain('"exp" is not a number');
  });

  test('wrong or missing iss', async () => {
    const token = await sign(rsa, { iss: 'evil.example' });
    expect(await rejection(verifier(rsaKeys)(token), token)).toContain('issuer "evil.example" is not "wix.com"');
    const none = await sign(rsa, { iss: undefined });
    expect(await rejection(verifier(rsaKeys)(none), none)).toContain('issuer (none)');
  });

  test('configured audience: right, wrong, list, array claim, missing', async () => {
    const appId = wixPayload().aud as string;
    await expect(verifier(rsaKeys, { audience: appId })(await sign(rsa))).resolves.toBeDefined();
    await expect(verifier(rsaKeys, { audience: ['other-app', appId] })(await sign(rsa))).resolves.toBeDefined();
    await expect(verifier(rsaKeys, { audience: appId })(await sign(rsa, { aud: ['x', appId] }))).resolves.toBeDefined();

    const wrong = await sign(rsa, { aud: 'some-other-app' });
    const message = await rejection(verifier(rsaKeys, { audience: appId })(wrong), wrong);
    expect(message).toContain('"some-other-app" is not the configured WIX_AUDIENCE');

    const missing = await sign(rsa, { aud: undefined });
    expect(await rejection(verifier(rsaKeys, { audience: appId })(missing), missing)).toContain('no audience');
  });

  test('unconfigured audience: any accepted, each distinct value reported once', async () => {
    const seen: unknown[] = [];
    const verify = verifier(rsaKeys, { onUnconfiguredAudience: (aud) => seen.push(aud) });
    await verify(await sign(rsa));
    await verify(await sign(rsa));
    await verify(await sign(rsa, { aud: 'another' }));
    await verify(await sign(rsa, { aud: undefined }));
    expect(seen).toEqual([wixPayload().aud, 'another', undefined]);
  });

  test('a malformed aud claim', async () => {
    const token = await sign(rsa, { aud: 42 });
    expect(await rejection(verifier(rsaKeys)(token), token)).toContain('aud');
  });
});

describe('data.request', () => {
  test.each([
    ['missing data', { data: undefined }, 'no "data" object (found nothing)'],
    ['data is a string', { data: 'x' }, 'no "data" object (found a string)'],
    ['data.request missing', { data: { metadata: METADATA } }, 'data.request must be a JSON object (found nothing)'],
    ['data.request an array', { data: { request: [1, 2] } }, '(found an array)'],
    ['data.request a string', { data: { request: 'query' } }, '(found a string)'],
    ['data.request null', { data: { request: null } }, '(found null)'],
  ])('%s → 401', async (_name, overrides, expected) => {
    const token = await sign(rsa, overrides);
    expect(await rejection(verifier(rsaKeys)(token), token)).toContain(expected);
  });
});

describe('bodies that are not tokens', () => {
  test.each([
    ['empty', ''],
    ['whitespace', '  \n '],
    ['JSON object', JSON.stringify({ collectionId: 'plants' })],
    ['two segments', 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ3aXguY29tIn0'],
    ['four segments', 'a.b.c.d'],
    ['non-base64url characters', 'eyJh+bGc.eyJp/c3M.sig'],
    ['quoted non-token', '"hello"'],
    ['garbage', '\u0000\u0001 garbage'],
  ])('%s → 401 "not a signed token"', async (_name, body) => {
    expect(await rejection(verifier(rsaKeys)(body))).toContain('not a signed token');
  });

  test('Buffer garbage', async () => {
    expect(await rejection(verifier(rsaKeys)(Buffer.from([0xff, 0xfe, 0x00])))).toContain('not a signed token');
  });
});

test('createVerifier refuses an empty key list or an empty audience list', () => {
  expect(() => createVerifier({ keys: [] })).toThrow(/at least one public key/);
  expect(() => createVerifier({ keys: [{ ...({} as VerificationKey) }], audience: [] })).toThrow(/audience/);
});

test('the error body follows §2.5: UNAUTHORIZED with data.description', async () => {
  const token = await sign(other);
  const error = (await verifier(ecKeys)(token).catch((err: unknown) => err)) as SpiError;
  const body = error.toBody();
  expect(body.errorCode).toBe('UNAUTHORIZED');
  expect((body.data as { description: string }).description).toContain('signature does not match');
});

test('throughput: thousands of verifications per second (sanity bound)', async () => {
  const verify = verifier(bothKeys);
  const rs = await sign(rsa);
  const es = await sign(ec);
  const n = 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: n }, (_, i) => verify(i % 2 ? rs : es)));
  const perSecond = n / ((performance.now() - started) / 1000);
  // Measured well above 5,000/s on a 2-core machine; the bound only catches
  // accidental per-call key parsing (which costs ~100x).
  expect(perSecond).toBeGreaterThan(500);
});

describe('keys as Node KeyObjects (parsePublicKeys: what the server passes) answer as Web Crypto keys do', () => {
  async function outcome(keys: readonly VerificationKey[], token: string): Promise<unknown> {
    return verifier(keys)(token).then(
      (call) => ({ accepted: call.request }),
      (err: unknown) => ({ refused: (err as Error).message }),
    );
  }

  test('the same answer for every token, on the fast path and on jose', async () => {
    const [header, payload, signature = ''] = (await sign(rsa)).split('.');
    const { CompactSign } = await import('jose');
    const tokens = [
      await sign(rsa),
      await sign(ec),
      // An extra header key is left to jose (fastVerify): valid tokens jose verifies with the keys.
      await sign(rsa, {}, { x5t: 'thumbprint' }),
      await sign(ec, {}, { x5t: 'thumbprint' }),
      await sign(other),
      await sign(other, {}, { x5t: 'thumbprint' }),
      `${header}.${b64url(wixPayload({ iss: 'evil.example' }))}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -4)}AAAA`,
      await sign(rsa, { iat: NOW_S - 600, exp: NOW_S - 120 }),
      await sign(ec, { nbf: NOW_S + 600 }),
      await sign(rsa, { exp: undefined }),
      await sign(ec, { exp: 'tomorrow' }),
      await sign(rsa, { iss: 'evil.example' }),
      await sign(ec, { data: { metadata: METADATA } }),
      await new CompactSign(new TextEncoder().encode('plain text'))
        .setProtectedHeader({ alg: 'RS256' })
        .sign(rsa.privateKey),
      `${b64url({ alg: 'ES256', crit: ['b64'] })}.${payload}.${signature}`,
    ];
    const webCryptoKeys = await loadPublicKeys([rsa.pem, ec.pem]);
    const keyObjects = parsePublicKeys([rsa.pem, ec.pem]);
    expect(keyObjects.every((k) => k.key.constructor.name === 'PublicKeyObject')).toBe(true);
    const expected = await Promise.all(tokens.map((token) => outcome(webCryptoKeys, token)));
    expect(expected.filter((o) => 'accepted' in (o as object))).toHaveLength(4);
    expect(await Promise.all(tokens.map((token) => outcome(keyObjects, token)))).toEqual(expected);
  });
});
