import { generateKeyPairSync, type webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { fingerprintOf, loadPublicKeys, parsePublicKeys } from '../../src/auth/keys.ts';
import { CERTIFICATE_PEM, makeKeyPair, type TestKeyPair } from './fixtures.ts';

let rsa: TestKeyPair;
let ec: TestKeyPair;
let ec2: TestKeyPair;

beforeAll(async () => {
  [rsa, ec, ec2] = await Promise.all([makeKeyPair('RS256'), makeKeyPair('ES256'), makeKeyPair('ES256')]);
});

/** Every distinctive chunk of a key's text, to check messages never echo it. */
function materialOf(pair: TestKeyPair): string[] {
  const body = pair.pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
  return [...body, pair.derBase64.slice(20, 60)];
}

async function loadError(input: string | string[]): Promise<string> {
  const error = await loadPublicKeys(input).then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(error).toBeInstanceOf(Error);
  return (error as Error).message;
}

describe('loadPublicKeys: accepted forms', () => {
  test('RSA PEM → RS256 CryptoKey with a 16-hex fingerprint', async () => {
    const [key, ...rest] = await loadPublicKeys(rsa.pem);
    expect(rest).toEqual([]);
    expect(key?.alg).toBe('RS256');
    expect(key?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(key?.fingerprint).toBe(fingerprintOf(rsa.keyObject));
    const cryptoKey = key?.key as webcrypto.CryptoKey;
    expect(cryptoKey.type).toBe('public');
    expect(cryptoKey.usages).toEqual(['verify']);
  });

  test('EC P-256 PEM → ES256', async () => {
    const keys = await loadPublicKeys(ec.pem);
    expect(keys.map((k) => k.alg)).toEqual(['ES256']);
  });

  test('base64 of the PEM text (what Wix SDK accepts)', async () => {
    const keys = await loadPublicKeys(Buffer.from(rsa.pem).toString('base64'));
    expect(keys[0]?.fingerprint).toBe(fingerprintOf(rsa.keyObject));
  });

  test('base64 of PEM text wrapped at 76 columns (the base64 tool)', async () => {
    const wrapped = Buffer.from(ec.pem)
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
    const keys = await loadPublicKeys(wrapped);
    expect(keys[0]?.fingerprint).toBe(fingerprintOf(ec.keyObject));
  });

  test('bare base64 DER of an EC P-256 key is 124 chars and fits the 128-char connection publicKey', async () => {
    expect(ec.derBase64).toHaveLength(124);
    const keys = await loadPublicKeys(ec.derBase64);
    expect(keys).toHaveLength(1);
    expect(keys[0]?.alg).toBe('ES256');
    expect(keys[0]?.fingerprint).toBe(fingerprintOf(ec.keyObject));
  });

  test('base64url DER and bare DER of an RSA key', async () => {
    const url = Buffer.from(ec.derBase64, 'base64').toString('base64url');
    expect((await loadPublicKeys(url))[0]?.alg).toBe('ES256');
    expect((await loadPublicKeys(rsa.derBase64))[0]?.alg).toBe('RS256');
  });

  test('DER base64 wrapped over several lines (a PEM body without BEGIN/END) is one key', async () => {
    const body = rsa.pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    expect(body.length).toBeGreaterThan(1);
    const keys = await loadPublicKeys(body.join('\n'));
    expect(keys).toHaveLength(1);
    expect(keys[0]?.fingerprint).toBe(fingerprintOf(rsa.keyObject));
  });

  test('PEM with literal \\n escapes (env var) and surrounding quotes', async () => {
    const escaped = `"${rsa.pem.trim().replace(/\n/g, '\\n')}"`;
    expect(escaped).not.toContain('\n');
    const keys = await loadPublicKeys(escaped);
    expect(keys[0]?.fingerprint).toBe(fingerprintOf(rsa.keyObject));
  });

  test('PKCS#1 "BEGIN RSA PUBLIC KEY"', async () => {
    const pkcs1 = rsa.keyObject.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    const keys = await loadPublicKeys(pkcs1);
    expect(keys[0]).toMatchObject({ alg: 'RS256', fingerprint: fingerprintOf(rsa.keyObject) });
  });

  test('an X.509 certificate contributes its public key', async () => {
    const keys = await loadPublicKeys(CERTIFICATE_PEM);
    expect(keys[0]?.alg).toBe('ES256');
  });
});

describe('loadPublicKeys: several keys (rotation)', () => {
  test('an array mixing forms', async () => {
    const keys = await loadPublicKeys([rsa.pem, ec.derBase64, Buffer.from(ec2.pem).toString('base64')]);
    expect(keys.map((k) => k.alg)).toEqual(['RS256', 'ES256', 'ES256']);
    expect(new Set(keys.map((k) => k.fingerprint)).size).toBe(3);
  });

  test('one string with two PEM blocks', async () => {
    const keys = await loadPublicKeys(`${rsa.pem}\n${ec.pem}`);
    expect(keys.map((k) => k.alg)).toEqual(['RS256', 'ES256']);
  });

  test('comma- or whitespace-separated base64 DER keys', async () => {
    expect(await loadPublicKeys(`${ec.derBase64},${ec2.derBase64}`)).toHaveLength(2);
    expect(await loadPublicKeys(`${ec.derBase64}\n ${ec2.derBase64}`)).toHaveLength(2);
    expect(await loadPublicKeys(`${ec.derBase64}, ${rsa.derBase64}`)).toHaveLength(2);
  });

  test('comma-separated base64-of-PEM keys', async () => {
    const a = Buffer.from(rsa.pem).toString('base64');
    const b = Buffer.from(ec.pem).toString('base64');
    expect((await loadPublicKeys(`${a},${b}`)).map((k) => k.alg)).toEqual(['RS256', 'ES256']);
  });

  test('the same key twice is kept once', async () => {
    expect(await loadPublicKeys([ec.pem, ec.derBase64])).toHaveLength(1);
  });
});

describe('loadPublicKeys: refused with a clear message', () => {
  test('EC P-384', async () => {
    const p384 = await makeKeyPair('ES384');
    const message = await loadError(p384.pem);
    expect(message).toContain('EC key on curve P-384');
    expect(message).toContain('EC P-256');
    expect(message).toContain('RSA');
    expect(message).toContain(fingerprintOf(p384.keyObject));
  });

  test('Ed25519', async () => {
    const ed = await makeKeyPair('EdDSA');
    const message = await loadError(ed.derBase64);
    expect(message).toContain('Ed25519');
    expect(message).toContain('accepted:');
  });

  test('RSA shorter than 2048 bits', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const message = await loadError(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    expect(message).toContain('1024 bits');
  });

  test('a PEM private key', async () => {
    const message = await loadError(ec.privatePem);
    expect(message).toContain('private key');
    expect(message).toContain('PUBLIC key');
    for (const chunk of ec.privatePem.split('\n').filter((l) => l && !l.startsWith('-----'))) {
      expect(message).not.toContain(chunk);
    }
  });

  test('a base64 DER private key', async () => {
    const der = Buffer.from(
      ec.privatePem
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join(''),
      'base64',
    ).toString('base64');
    expect(await loadError(der)).toContain('private key');
  });

  test('garbage text, empty input, truncated PEM, random base64', async () => {
    expect(await loadError('this is not a key!')).toContain('neither a PEM block nor base64');
    expect(await loadError('   ')).toContain('no public key');
    expect(await loadError([])).toContain('no public key');
    expect(await loadError(rsa.pem.slice(0, 200))).toContain('incomplete');
    expect(await loadError(Buffer.from('hello world, not DER').toString('base64'))).toContain(
      'not a DER SubjectPublicKeyInfo',
    );
  });

  test('a damaged PEM body', async () => {
    const damaged = rsa.pem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAA');
    const message = await loadError(damaged);
    expect(message).toContain('could not be parsed');
  });

  test('names the position of the bad key among several', async () => {
    const message = await loadError([rsa.pem, ec.derBase64, 'AAAAAAAA']);
    expect(message).toContain('public key #3');
  });

  test('messages never contain key material', async () => {
    const messages = [
      await loadError(`${rsa.pem}\n${ec.privatePem}`),
      await loadError([ec.derBase64, `${rsa.derBase64.slice(0, 100)}`]),
      await loadError(rsa.pem.slice(0, 300)),
    ];
    for (const message of messages) {
      for (const chunk of [...materialOf(rsa), ...materialOf(ec)]) expect(message).not.toContain(chunk);
    }
  });
});

test('parsePublicKeys is the synchronous validator (KeyObjects, same fingerprints)', () => {
  const keys = parsePublicKeys([rsa.pem, ec.derBase64]);
  expect(keys.map((k) => [k.alg, k.fingerprint])).toEqual([
    ['RS256', fingerprintOf(rsa.keyObject)],
    ['ES256', fingerprintOf(ec.keyObject)],
  ]);
});

describe('parsePublicKeys: one parse per text (the config check and the server read one value)', () => {
  test('the same text again gives the same keys, in a new array', () => {
    const first = parsePublicKeys(`${rsa.pem}\n${ec.pem}`);
    const again = parsePublicKeys(`${rsa.pem}\n${ec.pem}`);
    expect(again).not.toBe(first);
    expect(again.map((k) => k.key)).toEqual(first.map((k) => k.key));
    for (const [i, key] of again.entries()) expect(key.key).toBe(first[i]!.key);
    first.pop();
    expect(parsePublicKeys(`${rsa.pem}\n${ec.pem}`)).toHaveLength(2);
  });

  test('another text is parsed anew; a bad text keeps failing with its message', () => {
    const rsaKey = parsePublicKeys(rsa.pem)[0]!;
    expect(parsePublicKeys(ec.pem)[0]!.fingerprint).toBe(fingerprintOf(ec.keyObject));
    expect(parsePublicKeys(rsa.pem)[0]!.fingerprint).toBe(rsaKey.fingerprint);
    for (let i = 0; i < 2; i++) expect(() => parsePublicKeys(ec.privatePem)).toThrow(/is a private key/);
    expect(() => parsePublicKeys('')).toThrow(/no public key found/);
  });

  test('a list is parsed each time (only a text is kept)', () => {
    expect(parsePublicKeys([rsa.pem])[0]!.key).not.toBe(parsePublicKeys([rsa.pem])[0]!.key);
  });
});
