/**
 * Real key pairs and a token signer for the auth tests (no mocked crypto).
 * Key generation is slow-ish (RSA), so pairs are made once per test file.
 */

import { createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';
import { exportPKCS8, exportSPKI, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

export interface TestKeyPair {
  readonly alg: 'RS256' | 'ES256' | 'ES384' | 'EdDSA';
  readonly privateKey: webcrypto.CryptoKey;
  readonly publicKey: webcrypto.CryptoKey;
  /** SPKI PEM text. */
  readonly pem: string;
  /** PKCS#8 PEM of the private key (for the "private key configured" test). */
  readonly privatePem: string;
  /** Bare base64 of the SPKI DER. */
  readonly derBase64: string;
  readonly keyObject: KeyObject;
}

export async function makeKeyPair(alg: TestKeyPair['alg']): Promise<TestKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const pem = await exportSPKI(publicKey);
  const privatePem = await exportPKCS8(privateKey);
  const keyObject = createPublicKey(pem);
  const derBase64 = keyObject.export({ type: 'spki', format: 'der' }).toString('base64');
  return { alg, privateKey, publicKey, pem, privatePem, derBase64, keyObject };
}

/** A self-signed EC P-256 certificate (made with openssl; public data only). */
export const CERTIFICATE_PEM = `-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIULw6lsURZ1F9xpv1wbLh2ObOFrcUwCgYIKoZIzj0EAwIw
FzEVMBMGA1UEAwwMYWRhcHRvci10ZXN0MB4XDTI2MTEyNjEwMDY0MloXDTM2MTEy
MzEwMDY0MlowFzEVMBMGA1UEAwwMYWRhcHRvci10ZXN0MFkwEwYHKoZIzj0CAQYI
KoZIzj0DAQcDQgAEaEx2+VDqNoEoCkzzYr67e4a+Tu+NijQICHZkunBGZiu8gMMU
iVhFZbzpwR76Cb+p2+kWr1diJwYxn4xsHq+S06NTMFEwHQYDVR0OBBYEFOsgNWHC
LNCfCYqrtkGAGTFI6AmzMB8GA1UdIwQYMBaAFOsgNWHCLNCfCYqrtkGAGTFI6Amz
MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAM2aR/ZsnXQpD5cv
rdOT4noRVnK5IDaYRby8W2zN/RNCAiBVzzfxco9l9WXHIQ72/abTBmO2H4ojNZ+V
z3KjHasspg==
-----END CERTIFICATE-----
`;

/** Fixed clock for the verifier tests: 2026-01-01T00:00:00Z. */
export const NOW_S = 1_767_225_600;
export const NOW_MS = NOW_S * 1000;

export const REQUEST = { collectionId: 'plants', filter: { perennial: true } };
export const METADATA = {
  requestId: '1767225600.4411937285',
  instanceId: '0f4b8d26-5e71-4c3a-b9d2-7a61c8e04f55',
  identity: { identityType: 'ANONYMOUS_VISITOR', anonymousVisitorId: 'e2c7a9b0-1d34-4f86-9a57-3b0c6d8e2f19' },
  languages: ['en-US'],
  appExtensionType: 'EXTERNAL_DATABASE_PROVIDER',
};

/** The payload Wix would send (§2.2 example), overridable claim by claim; `undefined` removes a claim. */
export function wixPayload(overrides: Record<string, unknown> = {}): JWTPayload {
  const payload: Record<string, unknown> = {
    iss: 'wix.com',
    aud: '4a7d2c1e-90b3-4f6e-8a15-c2d9e0f31b77',
    iat: NOW_S,
    exp: NOW_S + 60,
    data: { request: REQUEST, metadata: METADATA },
    ...overrides,
  };
  for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key];
  return payload as JWTPayload;
}

export async function sign(
  pair: Pick<TestKeyPair, 'alg' | 'privateKey'>,
  overrides: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(wixPayload(overrides)).setProtectedHeader({ alg: pair.alg, ...header }).sign(pair.privateKey);
}

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}
