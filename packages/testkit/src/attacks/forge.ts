/**
 * Forging tokens for the JWT attack matrix: key pairs whose private half the
 * test holds, and compact JWS built from any header and payload text (so a
 * case can carry duplicate keys, non-JSON or hostile claims) signed with any
 * algorithm node:crypto has — including the ones the adaptor must refuse.
 */
import { createHmac, generateKeyPairSync, type KeyObject, constants as rsa, sign } from 'node:crypto';
import { signerFromPem, type WixSigner } from '../signer.ts';

export interface ForgeKeyPair {
  readonly kind: 'rsa' | 'ec';
  readonly privateKey: KeyObject;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  /** The bare base64 DER SPKI (the connection-key form). */
  readonly publicKeyBase64: string;
}

export function forgeKeyPair(kind: 'rsa' | 'ec'): ForgeKeyPair {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return {
    kind,
    privateKey: pair.privateKey,
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem,
    publicKeyBase64: publicKeyPem.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s/g, ''),
  };
}

/** A Wix-like signer over the pair: what the adaptor under attack is configured to trust. */
export function signerFor(pair: ForgeKeyPair, audience?: string): Promise<WixSigner> {
  return signerFromPem(pair.kind === 'rsa' ? 'RS256' : 'ES256', pair.privateKeyPem, pair.publicKeyPem, audience);
}

export type ForgeAlg = 'RS256' | 'ES256' | 'PS256' | 'HS256' | 'HS384' | 'ES256-DER';

export const b64url = (text: string | Buffer): string => Buffer.from(text).toString('base64url');

/** `b64(header).b64(payload).sig`, header and payload taken as text (JSON or not). */
export function forge(headerText: string, payloadText: string, alg: ForgeAlg, key: KeyObject | string): string {
  const input = `${b64url(headerText)}.${b64url(payloadText)}`;
  return `${input}.${signature(input, alg, key)}`;
}

export function signature(input: string, alg: ForgeAlg, key: KeyObject | string): string {
  const data = Buffer.from(input);
  switch (alg) {
    case 'HS256':
    case 'HS384':
      return createHmac(alg === 'HS256' ? 'sha256' : 'sha384', key as string)
        .update(data)
        .digest('base64url');
    case 'RS256':
      return sign('sha256', data, key as KeyObject).toString('base64url');
    case 'PS256':
      return sign('sha256', data, {
        key: key as KeyObject,
        padding: rsa.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      }).toString('base64url');
    case 'ES256':
      return sign('sha256', data, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    case 'ES256-DER':
      return sign('sha256', data, { key: key as KeyObject, dsaEncoding: 'der' }).toString('base64url');
  }
}
