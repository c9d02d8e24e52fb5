/**
 * Signs calls exactly as Wix does (docs/protocol.md §2.2): a compact JWS whose payload
 * carries `iss: "wix.com"`, `aud`, `iat`, `exp` and `data: { request, metadata }`.
 * The key pair is generated per test run (or loaded, for the dev server).
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportSPKI, generateKeyPair, importPKCS8, type KeyObject, SignJWT } from 'jose';

export type SigningAlg = 'RS256' | 'ES256';

export interface SignOptions {
  readonly metadata?: Record<string, unknown>;
  readonly audience?: string;
  readonly issuer?: string;
  /** Seconds from now; negative makes an expired token. */
  readonly expiresIn?: number;
  /** Issued-at override, in seconds since the epoch. */
  readonly issuedAt?: number;
  /** Leave `exp` out. */
  readonly noExpiry?: boolean;
  /** The whole payload `data` claim, replacing `{ request, metadata }`. */
  readonly data?: unknown;
}

export interface WixSigner {
  readonly alg: SigningAlg;
  /** SPKI PEM text, as WIX_PUBLIC_KEYS accepts it. */
  readonly publicKeyPem: string;
  /** Bare base64 DER SPKI — the form of a connection's 128-character publicKey. */
  readonly publicKeyBase64: string;
  readonly audience: string | undefined;
  sign(request: unknown, options?: SignOptions): Promise<string>;
}

export const TEST_INSTANCE_ID = '0f4b8d26-5e71-4c3a-b9d2-7a61c8e04f55';

/** Metadata like Wix sends it for a site owner working in the CMS. */
export function defaultMetadata(): Record<string, unknown> {
  return {
    requestId: `${Date.now() / 1000}.${Math.floor(Math.random() * 1e10)}`,
    instanceId: TEST_INSTANCE_ID,
    identity: { identityType: 'WIX_USER', wixUserId: '9e2b4f70-3c1a-4d85-b6e9-2a0c7d5f1e83' },
    languages: ['en-US'],
    appExtensionType: 'EXTERNAL_DATABASE_PROVIDER',
  };
}

export async function createWixSigner(options: { alg?: SigningAlg; audience?: string } = {}): Promise<WixSigner> {
  const alg = options.alg ?? 'RS256';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return signerFromKeys(alg, privateKey, await exportSPKI(publicKey), options.audience);
}

/** A signer over an existing PKCS#8 private key (the dev server keeps one in .dev-keys/). */
export async function signerFromPem(
  alg: SigningAlg,
  privateKeyPem: string,
  publicKeyPem: string,
  audience?: string,
): Promise<WixSigner> {
  return signerFromKeys(alg, await importPKCS8(privateKeyPem, alg), publicKeyPem, audience);
}

function signerFromKeys(
  alg: SigningAlg,
  privateKey: CryptoKey | KeyObject,
  publicKeyPem: string,
  audience: string | undefined,
): WixSigner {
  const publicKeyBase64 = publicKeyPem.replace(/-----(BEGIN|END) PUBLIC KEY-----|\s/g, '');
  return {
    alg,
    publicKeyPem,
    publicKeyBase64,
    audience,
    async sign(request, opts = {}) {
      const now = Math.floor(Date.now() / 1000);
      const data = opts.data !== undefined ? opts.data : { request, metadata: opts.metadata ?? defaultMetadata() };
      let jwt = new SignJWT({ data: data as Record<string, unknown> })
        .setProtectedHeader({ alg, typ: 'JWT' })
        .setIssuer(opts.issuer ?? 'wix.com')
        .setIssuedAt(opts.issuedAt ?? now);
      if (!opts.noExpiry) jwt = jwt.setExpirationTime((opts.issuedAt ?? now) + (opts.expiresIn ?? 60));
      const aud = opts.audience ?? audience;
      if (aud) jwt = jwt.setAudience(aud);
      return jwt.setJti(randomUUID()).sign(privateKey);
    },
  };
}
