/**
 * The JWT attack matrix (issue 13): every way a call can be forged, replayed or
 * malformed, each with the answer the adaptor owes it. Refusals are 401
 * UNAUTHORIZED (413 PAYLOAD_TOO_LARGE above the body limit), never a 200 nor a
 * 5xx. The rules are those of packages/core/src/auth/README.md: the algorithm
 * is pinned by the key type, header key hints (jwk/jku/x5u/x5c/kid) are never
 * fetched nor trusted, `exp` is required, and duplicate JSON members resolve to
 * the lexically last one (RFC 7515 §4) — so each duplicate-key case puts the
 * hostile value last.
 */
import { b64url, type ForgeKeyPair, forge, signature } from './forge.ts';

export interface AttackContext {
  /** Trusted by the RSA adaptor (which also requires `aud`). */
  readonly rsa: ForgeKeyPair;
  /** Trusted by the EC adaptor (no audience configured). */
  readonly ec: ForgeKeyPair;
  /** Keys nobody trusts. */
  readonly strangerRsa: ForgeKeyPair;
  readonly strangerEc: ForgeKeyPair;
  readonly audience: string;
  /** A loopback URL that counts requests: a header pointing here must never be fetched. */
  readonly trapUrl: string;
  /** Body limit of both adaptors, in bytes. */
  readonly bodyLimitBytes: number;
  readonly nowSeconds: () => number;
}

export interface AttackCase {
  readonly name: string;
  readonly adaptor: 'rsa' | 'ec';
  readonly expected: 200 | 401 | 413;
  readonly body: (ctx: AttackContext) => string;
  /**
   * Set while a known bug makes the adaptor accept the case: the test is
   * marked `fails` (it flips to a failure once fixed, so the mark is removed).
   */
  readonly pending?: string;
}

const HEADER = { RS256: '{"alg":"RS256","typ":"JWT"}', ES256: '{"alg":"ES256","typ":"JWT"}' } as const;

/** Claims as Wix sends them, for the given adaptor, with overrides (undefined removes a claim). */
export function claims(ctx: AttackContext, adaptor: 'rsa' | 'ec', extra: Record<string, unknown> = {}): string {
  const now = ctx.nowSeconds();
  const base: Record<string, unknown> = {
    iss: 'wix.com',
    ...(adaptor === 'rsa' ? { aud: ctx.audience } : {}),
    iat: now,
    exp: now + 60,
    data: { request: { collectionIds: [] }, metadata: { requestId: 'attack-matrix' } },
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return JSON.stringify(base);
}

/** A token signed by the key the adaptor trusts, with its pinned algorithm. */
function trusted(ctx: AttackContext, adaptor: 'rsa' | 'ec', payload: string, header?: string): string {
  return adaptor === 'rsa'
    ? forge(header ?? HEADER.RS256, payload, 'RS256', ctx.rsa.privateKey)
    : forge(header ?? HEADER.ES256, payload, 'ES256', ctx.ec.privateKey);
}

function rsaCase(name: string, body: (ctx: AttackContext) => string, pending?: string): AttackCase {
  return { name, adaptor: 'rsa', expected: 401, body, ...(pending ? { pending } : {}) };
}
function ecCase(name: string, body: (ctx: AttackContext) => string): AttackCase {
  return { name, adaptor: 'ec', expected: 401, body };
}
/** A claims override on a token the RSA adaptor's own key signs: only the claim is wrong. */
function claimCase(name: string, extra: (ctx: AttackContext) => Record<string, unknown>, pending?: string) {
  return rsaCase(name, (ctx) => trusted(ctx, 'rsa', claims(ctx, 'rsa', extra(ctx))), pending);
}

const YEAR = 365 * 24 * 3600;

export const JWT_ATTACKS: readonly AttackCase[] = [
  // --- controls: the matrix must be able to see an accepted call ---
  {
    name: 'control: a genuine RS256 call',
    adaptor: 'rsa',
    expected: 200,
    body: (c) => trusted(c, 'rsa', claims(c, 'rsa')),
  },
  {
    name: 'control: a genuine ES256 call',
    adaptor: 'ec',
    expected: 200,
    body: (c) => trusted(c, 'ec', claims(c, 'ec')),
  },
  // Header key hints on a genuine token are ignored (never fetched): the call still verifies with the configured key.
  ...(['jku', 'x5u'] as const).map(
    (hint): AttackCase => ({
      name: `control: a genuine token with a ${hint} header is served with the configured key (the URL is not fetched)`,
      adaptor: 'rsa',
      expected: 200,
      body: (c) =>
        trusted(c, 'rsa', claims(c, 'rsa'), JSON.stringify({ alg: 'RS256', [hint]: `${c.trapUrl}/${hint}` })),
    }),
  ),
  {
    name: 'control: a genuine token with an unknown kid is served (kid only labels, never selects or loads)',
    adaptor: 'ec',
    expected: 200,
    body: (c) => trusted(c, 'ec', claims(c, 'ec'), JSON.stringify({ alg: 'ES256', kid: '../../../../etc/passwd' })),
  },

  // --- unsigned and symmetric ---
  rsaCase('alg none, empty signature', (c) => `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(claims(c, 'rsa'))}.`),
  rsaCase('alg "None" (case variant)', (c) => `${b64url('{"alg":"None"}')}.${b64url(claims(c, 'rsa'))}.`),
  rsaCase('alg "NONE" with a genuine RS256 signature appended', (c) => {
    const input = `${b64url('{"alg":"NONE"}')}.${b64url(claims(c, 'rsa'))}`;
    return `${input}.${signature(input, 'RS256', c.rsa.privateKey)}`;
  }),
  rsaCase('HS256 signed with the public key PEM as the secret', (c) =>
    forge('{"alg":"HS256","typ":"JWT"}', claims(c, 'rsa'), 'HS256', c.rsa.publicKeyPem),
  ),
  rsaCase('HS256 signed with the base64 DER public key as the secret', (c) =>
    forge('{"alg":"HS256","typ":"JWT"}', claims(c, 'rsa'), 'HS256', c.rsa.publicKeyBase64),
  ),
  rsaCase('HS384 signed with the public key PEM as the secret', (c) =>
    forge('{"alg":"HS384","typ":"JWT"}', claims(c, 'rsa'), 'HS384', c.rsa.publicKeyPem),
  ),
  ecCase('HS256 signed with the EC public key PEM as the secret', (c) =>
    forge('{"alg":"HS256","typ":"JWT"}', claims(c, 'ec'), 'HS256', c.ec.publicKeyPem),
  ),

  // --- algorithm confusion ---
  rsaCase('an ES256 token (signed by a trusted EC key) presented to the RSA key', (c) =>
    forge(HEADER.ES256, claims(c, 'rsa'), 'ES256', c.ec.privateKey),
  ),
  ecCase('an RS256 token (signed by a trusted RSA key) presented to the EC key', (c) =>
    forge(HEADER.RS256, claims(c, 'ec'), 'RS256', c.rsa.privateKey),
  ),
  ecCase('an RS256 header over an ES256 signature by the configured EC key', (c) =>
    forge(HEADER.RS256, claims(c, 'ec'), 'ES256', c.ec.privateKey),
  ),
  rsaCase('an ES256 header over an RS256 signature by the configured RSA key', (c) =>
    forge(HEADER.ES256, claims(c, 'rsa'), 'RS256', c.rsa.privateKey),
  ),
  rsaCase('PS256 signed by the configured RSA key', (c) =>
    forge('{"alg":"PS256","typ":"JWT"}', claims(c, 'rsa'), 'PS256', c.rsa.privateKey),
  ),
  rsaCase('PS256 header over an RS256 signature by the configured key', (c) =>
    forge('{"alg":"PS256"}', claims(c, 'rsa'), 'RS256', c.rsa.privateKey),
  ),
  ecCase('ES256 by the configured key with a DER (not JOSE) signature', (c) =>
    forge(HEADER.ES256, claims(c, 'ec'), 'ES256-DER', c.ec.privateKey),
  ),
  rsaCase('RS512 header over an RS256 signature', (c) =>
    forge('{"alg":"RS512"}', claims(c, 'rsa'), 'RS256', c.rsa.privateKey),
  ),
  rsaCase('alg as a number', (c) => forge('{"alg":256}', claims(c, 'rsa'), 'RS256', c.rsa.privateKey)),
  rsaCase('no alg', (c) => forge('{"typ":"JWT"}', claims(c, 'rsa'), 'RS256', c.rsa.privateKey)),
  rsaCase('crit names an unknown extension', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa'), '{"alg":"RS256","crit":["exp-ext"],"exp-ext":1}'),
  ),
  rsaCase('b64: false (unencoded payload)', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa'), '{"alg":"RS256","b64":false,"crit":["b64"]}'),
  ),

  // --- key hints in the header: never fetched, never trusted ---
  rsaCase('jwk header carrying the attacker key, signed by it', (c) => {
    const jwk = c.strangerRsa.privateKey.export({ format: 'jwk' });
    const header = JSON.stringify({ alg: 'RS256', jwk: { kty: jwk.kty, n: jwk.n, e: jwk.e } });
    return forge(header, claims(c, 'rsa'), 'RS256', c.strangerRsa.privateKey);
  }),
  ecCase('jwk header carrying an attacker EC key, signed by it', (c) => {
    const jwk = c.strangerEc.privateKey.export({ format: 'jwk' });
    const header = JSON.stringify({ alg: 'ES256', jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } });
    return forge(header, claims(c, 'ec'), 'ES256', c.strangerEc.privateKey);
  }),
  rsaCase('jku pointing at an attacker key set, signed by the attacker', (c) =>
    forge(
      JSON.stringify({ alg: 'RS256', jku: `${c.trapUrl}/jwks.json` }),
      claims(c, 'rsa'),
      'RS256',
      c.strangerRsa.privateKey,
    ),
  ),
  rsaCase('x5u pointing at an attacker certificate, signed by the attacker', (c) =>
    forge(
      JSON.stringify({ alg: 'RS256', x5u: `${c.trapUrl}/cert.pem` }),
      claims(c, 'rsa'),
      'RS256',
      c.strangerRsa.privateKey,
    ),
  ),
  rsaCase('x5c carrying the attacker key, signed by the attacker', (c) =>
    forge(
      JSON.stringify({ alg: 'RS256', x5c: [c.strangerRsa.publicKeyBase64] }),
      claims(c, 'rsa'),
      'RS256',
      c.strangerRsa.privateKey,
    ),
  ),
  rsaCase('kid naming a path, signed by the attacker', (c) =>
    forge(
      JSON.stringify({ alg: 'RS256', kid: '../../../../dev/null' }),
      claims(c, 'rsa'),
      'RS256',
      c.strangerRsa.privateKey,
    ),
  ),
  rsaCase('kid carrying SQL, signed by the attacker', (c) =>
    forge(JSON.stringify({ alg: 'RS256', kid: "' OR '1'='1" }), claims(c, 'rsa'), 'RS256', c.strangerRsa.privateKey),
  ),

  // --- lifetime ---
  claimCase('missing exp', () => ({ exp: undefined })),
  claimCase('exp an hour ago', (c) => ({ exp: c.nowSeconds() - 3600 })),
  claimCase('exp just beyond the clock skew', (c) => ({ exp: c.nowSeconds() - 120 })),
  claimCase('exp negative', () => ({ exp: -1 })),
  claimCase('exp 0', () => ({ exp: 0 })),
  claimCase('exp as a string', (c) => ({ exp: String(c.nowSeconds() + 60) })),
  claimCase('exp as "NaN"', () => ({ exp: 'NaN' })),
  claimCase('exp null', () => ({ exp: null })),
  claimCase('exp as an object', (c) => ({ exp: { $date: c.nowSeconds() + 60 } })),
  rsaCase('exp as a bare NaN (not JSON)', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa', { exp: 0 }).replace('"exp":0', '"exp":NaN')),
  ),
  rsaCase('exp as Infinity (not JSON)', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa', { exp: 0 }).replace('"exp":0', '"exp":Infinity')),
  ),
  claimCase('exp 100 years ahead', (c) => ({ exp: c.nowSeconds() + 100 * YEAR })),
  claimCase('exp 1e308', () => ({ exp: 1e308 })),
  claimCase('nbf an hour ahead', (c) => ({ nbf: c.nowSeconds() + 3600 })),
  claimCase('nbf as a string', (c) => ({ nbf: String(c.nowSeconds()) })),
  claimCase('iat an hour ahead (beyond the skew)', (c) => ({ iat: c.nowSeconds() + 3600, exp: c.nowSeconds() + 3660 })),
  claimCase('iat as a string', (c) => ({ iat: String(c.nowSeconds()) })),

  // --- issuer and audience ---
  claimCase('wrong iss', () => ({ iss: 'evil.example' })),
  claimCase('iss of another case', () => ({ iss: 'Wix.com' })),
  claimCase('iss missing', () => ({ iss: undefined })),
  claimCase('iss as a list', () => ({ iss: ['wix.com'] })),
  claimCase('wrong aud (audience configured)', () => ({ aud: 'another-app' })),
  claimCase('aud missing (audience configured)', () => ({ aud: undefined })),
  claimCase('aud as a number', () => ({ aud: 42 })),
  claimCase('aud list without the configured one', () => ({ aud: ['a', 'b'] })),

  // --- the data claim ---
  claimCase('no data claim', () => ({ data: undefined })),
  claimCase('data.request a string', () => ({ data: { request: 'plants', metadata: {} } })),
  claimCase('data an array', () => ({ data: [{ request: {} }] })),

  // --- malformed compact serialisation ---
  rsaCase('two segments', (c) => trusted(c, 'rsa', claims(c, 'rsa')).split('.').slice(0, 2).join('.')),
  rsaCase('four segments', (c) => `${trusted(c, 'rsa', claims(c, 'rsa'))}.e30`),
  rsaCase('one segment', (c) => b64url(claims(c, 'rsa'))),
  rsaCase('only dots', () => '..'),
  rsaCase('standard base64 (+ and /) in the payload', (c) => {
    const [h, p, s] = trusted(c, 'rsa', claims(c, 'rsa')).split('.');
    return `${h}.${p}+/.${s}`;
  }),
  rsaCase('base64 padding in a segment', (c) => {
    const [h, p, s] = trusted(c, 'rsa', claims(c, 'rsa')).split('.');
    return `${h}==.${p}.${s}`;
  }),
  rsaCase('a payload of 4n+1 base64url characters', (c) => {
    const [h, , s] = trusted(c, 'rsa', claims(c, 'rsa')).split('.');
    return `${h}.${b64url(claims(c, 'rsa')).slice(0, 4 * 40 + 1)}.${s}`;
  }),
  rsaCase('header not JSON', (c) => forge('alg=RS256', claims(c, 'rsa'), 'RS256', c.rsa.privateKey)),
  rsaCase('payload not JSON (signed)', (c) => trusted(c, 'rsa', 'iss=wix.com&exp=9999999999')),
  rsaCase('header a JSON array', (c) => forge('["RS256"]', claims(c, 'rsa'), 'RS256', c.rsa.privateKey)),
  rsaCase('payload a JSON array (signed)', (c) => trusted(c, 'rsa', `[${claims(c, 'rsa')}]`)),
  rsaCase('payload a JSON string (signed)', (c) => trusted(c, 'rsa', JSON.stringify(claims(c, 'rsa')))),
  rsaCase('payload JSON null (signed)', (c) => trusted(c, 'rsa', 'null')),
  rsaCase('payload invalid UTF-8 (signed)', (c) => {
    const header = b64url(HEADER.RS256);
    const payload = Buffer.concat([
      Buffer.from(claims(c, 'rsa').slice(0, -1)),
      Buffer.from(',"x":"\xff\xfe"}', 'latin1'),
    ]);
    const input = `${header}.${payload.toString('base64url')}`;
    return `${input}.${signature(input, 'RS256', c.rsa.privateKey)}`;
  }),
  rsaCase('a huge header (64 KB, signed by the configured key)', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa'), JSON.stringify({ alg: 'RS256', pad: 'x'.repeat(64 * 1024) })),
  ),
  rsaCase('a deeply nested header', (c) =>
    forge(`{"alg":"RS256","x":${'['.repeat(5000)}${']'.repeat(5000)}}`, claims(c, 'rsa'), 'RS256', c.rsa.privateKey),
  ),
  rsaCase('a token with a NUL byte inside', (c) => {
    const [h, p, s] = trusted(c, 'rsa', claims(c, 'rsa')).split('.');
    return `${h}.${p}\u0000.${s}`;
  }),

  // --- signature ---
  rsaCase('signature stripped', (c) => `${trusted(c, 'rsa', claims(c, 'rsa')).split('.').slice(0, 2).join('.')}.`),
  rsaCase('signature with one bit flipped', (c) => {
    const [h, p, s = ''] = trusted(c, 'rsa', claims(c, 'rsa')).split('.');
    const bytes = Buffer.from(s, 'base64url');
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 1;
    return `${h}.${p}.${bytes.toString('base64url')}`;
  }),
  ecCase('EC signature with one bit flipped', (c) => {
    const [h, p, s = ''] = trusted(c, 'ec', claims(c, 'ec')).split('.');
    const bytes = Buffer.from(s, 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 0x80;
    return `${h}.${p}.${bytes.toString('base64url')}`;
  }),
  rsaCase('signature truncated', (c) => trusted(c, 'rsa', claims(c, 'rsa')).slice(0, -10)),
  rsaCase('payload swapped under a genuine signature', (c) => {
    const [h, , s] = trusted(c, 'rsa', claims(c, 'rsa')).split('.');
    return `${h}.${b64url(claims(c, 'rsa', { data: { request: { collectionIds: ['x'] }, metadata: {} } }))}.${s}`;
  }),
  ecCase(
    'EC signature of all zeros',
    (c) => `${trusted(c, 'ec', claims(c, 'ec')).split('.').slice(0, 2).join('.')}.${b64url(Buffer.alloc(64))}`,
  ),
  rsaCase('signed by a key the adaptor does not trust', (c) =>
    forge(HEADER.RS256, claims(c, 'rsa'), 'RS256', c.strangerRsa.privateKey),
  ),
  ecCase('signed by an EC key the adaptor does not trust', (c) =>
    forge(HEADER.ES256, claims(c, 'ec'), 'ES256', c.strangerEc.privateKey),
  ),

  // --- duplicate JSON members: the lexically last one counts, so it carries the attack ---
  rsaCase('duplicate alg in the header, last "none"', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa'), '{"alg":"RS256","alg":"none"}'),
  ),
  rsaCase('duplicate alg in the header, last "HS256"', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa'), '{"alg":"RS256","alg":"HS256"}'),
  ),
  rsaCase('duplicate iss, last wrong', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa').replace('"iss":"wix.com"', '"iss":"wix.com","iss":"evil.example"')),
  ),
  rsaCase('duplicate exp, last in the past', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa', { exp: undefined }).replace(/}$/, `,"exp":${c.nowSeconds() + 60},"exp":1}`)),
  ),
  rsaCase('duplicate aud, last wrong', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa').replace(`"aud":"${c.audience}"`, `"aud":"${c.audience}","aud":"other"`)),
  ),
  rsaCase('duplicate data, last without a request', (c) =>
    trusted(c, 'rsa', claims(c, 'rsa').replace(/}$/, ',"data":{"metadata":{}}}')),
  ),

  // --- size ---
  {
    name: 'a body above the limit (garbage) → 413',
    adaptor: 'rsa',
    expected: 413,
    body: (c) => 'a'.repeat(c.bodyLimitBytes + 1024),
  },
  {
    name: 'a genuine token above the limit → 413',
    adaptor: 'rsa',
    expected: 413,
    body: (c) =>
      trusted(
        c,
        'rsa',
        claims(c, 'rsa', { data: { request: { collectionIds: ['x'.repeat(c.bodyLimitBytes)] }, metadata: {} } }),
      ),
  },
  rsaCase('a body just under the limit that is no token', (c) =>
    'a.b.'.repeat(Math.floor((c.bodyLimitBytes - 1024) / 4)),
  ),
];
