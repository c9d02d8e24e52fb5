/**
 * Auth over real HTTP (docs/protocol.md §2): every way a call can be wrongly signed
 * gets 401 UNAUTHORIZED in the SPI error shape, with no token or key material
 * in the body; good calls pass with RSA and EC keys.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createMemoryStorage,
  createWixSigner,
  type Harness,
  plantsCollection,
  startHarness,
  WixClient,
} from '../src/index.ts';

const AUD = '4a7d2c1e-90b3-4f6e-8a15-c2d9e0f31b77';
let rsa: Harness;
let ec: Harness;
let lines: string[];

beforeAll(async () => {
  lines = [];
  const logger = {
    enabled: () => true,
    log: (severity: string, message: string, fields?: Record<string, unknown>) => {
      lines.push(JSON.stringify({ severity, message, ...fields }));
    },
  };
  rsa = await startHarness({
    storage: createMemoryStorage({ collections: [plantsCollection] }),
    audience: AUD,
    logger,
  });
  ec = await startHarness({ storage: createMemoryStorage({ collections: [plantsCollection] }), alg: 'ES256' });
});

afterAll(async () => {
  await rsa.close();
  await ec.close();
});

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: 'wix.com',
  aud: AUD,
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 60,
  data: { request: {}, metadata: {} },
  ...extra,
});

function expectUnauthorized(result: { status: number; body: Record<string, unknown> }, token?: string) {
  expect(result.status).toBe(401);
  expect(result.body.errorCode).toBe('UNAUTHORIZED');
  expect(typeof result.body.errorMessage).toBe('string');
  expect(result.body.applicationError).toMatchObject({ code: 'UNAUTHORIZED' });
  const text = JSON.stringify(result.body);
  if (token) expect(text).not.toContain(token.split('.')[1]);
  expect(text).not.toContain('BEGIN PUBLIC KEY');
  expect(text).not.toContain(rsa.signer.publicKeyBase64.slice(20, 60));
}

describe('accepted calls', () => {
  test('RS256 with the configured audience', async () => {
    const result = await rsa.client.capabilities();
    expect(result.status).toBe(200);
    expect(result.body.supportsCollectionModifications).toBe(true);
  });

  test('ES256 (EC P-256, the connection key form)', async () => {
    const result = await ec.client.capabilities();
    expect(result.status).toBe(200);
  });

  test.each(['text/plain', 'application/json', 'application/jwt', 'application/octet-stream', ''])(
    'whatever the content type (%s)',
    async (contentType) => {
      const token = await rsa.signer.sign({});
      const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
      const response = await fetch(`${rsa.url}/v3/capabilities/get`, { method: 'POST', headers, body: token });
      expect(response.status).toBe(200);
    },
  );

  test('a JSON-quoted token with surrounding whitespace', async () => {
    const token = await rsa.signer.sign({});
    const result = await rsa.client.post('capabilities/get', `  ${JSON.stringify(token)}\n`);
    expect(result.status).toBe(200);
  });

  test('behind a path prefix (suffix routing)', async () => {
    const token = await rsa.signer.sign({});
    const response = await fetch(`${rsa.url}/garden/v3/capabilities/get`, { method: 'POST', body: token });
    expect(response.status).toBe(200);
  });
});

describe('refused calls → 401 UNAUTHORIZED', () => {
  test('signed by another key', async () => {
    const other = await createWixSigner({ audience: AUD });
    const token = await other.sign({});
    expectUnauthorized(await rsa.client.post('capabilities/get', token), token);
  });

  test('an ES256 token against an RSA-configured adaptor', async () => {
    const other = await createWixSigner({ alg: 'ES256', audience: AUD });
    const token = await other.sign({});
    expectUnauthorized(await rsa.client.post('capabilities/get', token), token);
  });

  test('tampered payload', async () => {
    const token = await rsa.signer.sign({ collectionId: 'plants' });
    const [h, , s] = token.split('.');
    const forged = `${h}.${b64url(claims({ data: { request: { collectionId: 'secret' }, metadata: {} } }))}.${s}`;
    expectUnauthorized(await rsa.client.post('items/count', forged), forged);
  });

  test('tampered signature', async () => {
    const token = await rsa.signer.sign({});
    const broken = `${token.slice(0, -6)}AAAAAA`;
    expectUnauthorized(await rsa.client.post('capabilities/get', broken));
  });

  test('alg: none', async () => {
    const token = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims())}.`;
    expectUnauthorized(await rsa.client.post('capabilities/get', token), token);
  });

  test('HS256 signed with the public key as the secret', async () => {
    const header = b64url({ alg: 'HS256', typ: 'JWT' });
    const payload = b64url(claims());
    for (const secret of [rsa.signer.publicKeyPem, rsa.signer.publicKeyBase64]) {
      const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      expectUnauthorized(await rsa.client.post('capabilities/get', `${header}.${payload}.${sig}`));
    }
  });

  test('expired', async () => {
    const token = await rsa.signer.sign({}, { expiresIn: -600 });
    const result = await rsa.client.post('capabilities/get', token);
    expectUnauthorized(result, token);
    expect(result.body.errorMessage).toMatch(/expire/i);
  });

  test('issued in the future', async () => {
    const token = await rsa.signer.sign({}, { issuedAt: Math.floor(Date.now() / 1000) + 3600, expiresIn: 60 });
    expectUnauthorized(await rsa.client.post('capabilities/get', token), token);
  });

  test('wrong issuer', async () => {
    const token = await rsa.signer.sign({}, { issuer: 'evil.example' });
    expectUnauthorized(await rsa.client.post('capabilities/get', token), token);
  });

  test('wrong audience', async () => {
    const token = await rsa.signer.sign({}, { audience: 'another-app' });
    expectUnauthorized(await rsa.client.post('capabilities/get', token), token);
  });

  test('no data claim', async () => {
    const token = await rsa.signer.sign({}, { data: null });
    const result = await rsa.client.post('capabilities/get', token);
    expect([400, 401]).toContain(result.status);
    expect(JSON.stringify(result.body)).not.toContain(token);
  });

  test.each([
    ['an array', []],
    ['a string', 'plants'],
    ['null', null],
  ])('data.request is %s', async (_name, request) => {
    const token = await rsa.signer.sign(request);
    const result = await rsa.client.post('capabilities/get', token);
    expect([400, 401]).toContain(result.status);
    expect(typeof result.body.errorCode).toBe('string');
  });

  test.each([
    ['empty body', ''],
    ['garbage', 'not a token at all'],
    ['JSON', '{"collectionId":"plants"}'],
    ['two segments', 'abc.def'],
    ['binary', '\u0000\u0001\u0002'],
  ])('%s', async (_name, body) => {
    expectUnauthorized(await rsa.client.post('items/query', body));
  });

  test('no unsigned mode for plugin routes', async () => {
    const response = await fetch(`${rsa.url}/v3/items/query`, { method: 'POST' });
    expect(response.status).toBe(401);
  });
});

test('an oversized body is refused with 413 and the server keeps serving', async () => {
  const big = 'a'.repeat(16 * 1024 * 1024 + 10);
  const result = await rsa.client.post('items/insert', big);
  expect(result.status).toBe(413);
  expect(result.body.errorCode).toBe('PAYLOAD_TOO_LARGE');
  expect((await rsa.client.capabilities()).status).toBe(200);
});

test('a 5 MB insert (a 6.7 MB token) is accepted: the default limit leaves room for base64 (docs/protocol.md §2.1)', async () => {
  const items = Array.from({ length: 20 }, (_, i) => ({ _id: `big-${i}`, commonName: 'x'.repeat(250_000) }));
  const result = await rsa.client.insert('plants', items);
  expect(result.status).toBe(200);
  expect(result.body.results).toHaveLength(20);
});

test('logs never contain tokens, keys or item data', async () => {
  const token = await rsa.signer.sign({
    collectionId: 'plants',
    items: [{ _id: 'secret-plant', commonName: 'Nightshade-XYZ' }],
  });
  await rsa.client.post('items/insert', token);
  await rsa.client.post('items/insert', `${token}x`);
  const all = lines.join('\n');
  expect(all).not.toContain(token.split('.')[1]);
  expect(all).not.toContain('Nightshade-XYZ');
  expect(all).not.toContain('BEGIN PUBLIC KEY');
  expect(lines.some((line) => line.includes('"operation":"items/insert"'))).toBe(true);
});

test('a client for another base URL shape still works (trailing slash)', async () => {
  const client = new WixClient({ baseUrl: `${rsa.url}`, signer: rsa.signer });
  const token = await rsa.signer.sign({});
  const result = await client.post('capabilities/get/', token);
  expect(result.status).toBe(200);
});
