/**
 * Signing options shared by `sign` and `call`, and the signer they build: the
 * testkit's, so the CLI signs exactly like the tests do and like Wix does
 * (docs/protocol.md §2.2: iss "wix.com", aud, iat, exp, data: { request, metadata }).
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ParseArgsOptionsConfig } from 'node:util';
import { defaultMetadata, type SigningAlg, signerFromPem, type WixSigner } from '@adaptors/testkit';
import { codeOf, parsePositiveInteger, readJsonObjectArgument } from './input.ts';
import { type Io, UsageError } from './output.ts';

export const DEFAULT_KEY_DIR = '.dev-keys';
/** The file names the dev server (testkit adaptors-dev-server) uses too, so both share one key pair. */
export const PRIVATE_KEY_FILE = 'wix-dev-private.pem';
export const PUBLIC_KEY_FILE = 'wix-dev-public.pem';
export const DEFAULT_PRIVATE_KEY = `${DEFAULT_KEY_DIR}/${PRIVATE_KEY_FILE}`;

export const signingOptions = {
  key: { type: 'string' },
  alg: { type: 'string' },
  audience: { type: 'string' },
  expires: { type: 'string' },
  metadata: { type: 'string' },
} as const satisfies ParseArgsOptionsConfig;

/** The options of the commands that send signed calls (`call`, `doctor`). */
export const signedCallOptions = {
  ...signingOptions,
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies ParseArgsOptionsConfig;

export const SIGNING_HELP = `  --key FILE         PKCS#8 private key (PEM) to sign with (default ${DEFAULT_PRIVATE_KEY},
                     written by \`adaptors keys generate\`)
  --alg RS256|ES256  Algorithm; must match the key (default: from the key type)
  --audience AUD     The token's aud claim; match the adaptor's WIX_AUDIENCE if it sets one
  --expires SECONDS  Token lifetime (default 60)
  --metadata JSON    data.metadata fields, merged over the default (WIX_USER identity,
                     fresh requestId); JSON, @file or -`;

/** What to check when an adaptor answers 401 to a call signed with --key (`call`, `doctor`). */
export const KEY_REFUSED_HINT =
  'The adaptor does not accept this key: check WIX_PUBLIC_KEYS holds the public key of --key ' +
  '(and that --audience matches WIX_AUDIENCE if the adaptor sets one).';

/**
 * What to do when an adaptor answers 403 because of WIX_INSTANCE_IDS (packages/core/src/server/instances.ts):
 * the CLI signs as a test site (testkit's TEST_INSTANCE_ID) unless --metadata names another.
 */
export const SITE_REFUSED_HINT =
  'The adaptor serves only the Wix sites in its WIX_INSTANCE_IDS setting, and this call was signed as another ' +
  'site: sign as a listed one with --metadata \'{"instanceId":"<a listed id>"}\', or add the id the message names.';

/** Whether an answer is a WIX_INSTANCE_IDS refusal (a 403 whose message names the setting). */
export function isSiteRefusal(status: number, message: unknown): boolean {
  return status === 403 && typeof message === 'string' && message.includes('WIX_INSTANCE_IDS');
}

export interface SigningValues {
  key?: string;
  alg?: string;
  audience?: string;
  expires?: string;
  metadata?: string;
}

export interface PreparedSigner {
  readonly signer: WixSigner;
  readonly sign: (request: Record<string, unknown>) => Promise<string>;
}

export async function prepareSigner(io: Io, values: SigningValues): Promise<PreparedSigner> {
  const keyPath = values.key ?? DEFAULT_PRIVATE_KEY;
  const key = await readPrivateKey(io, keyPath, values.key === undefined);
  const alg = algorithmOf(key, keyPath, values.alg);
  const expiresIn = values.expires === undefined ? 60 : parsePositiveInteger(values.expires, '--expires');
  const metadataPatch =
    values.metadata === undefined ? {} : await readJsonObjectArgument(io, values.metadata, '--metadata');
  const privatePem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicPem = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
  const signer = await signerFromPem(alg, privatePem, publicPem, values.audience);
  return {
    signer,
    sign: (request) => signer.sign(request, { expiresIn, metadata: { ...defaultMetadata(), ...metadataPatch } }),
  };
}

async function readPrivateKey(io: Io, path: string, isDefault: boolean): Promise<KeyObject> {
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, path), 'utf8');
  } catch (err) {
    const hint = isDefault ? '; create one with `adaptors keys generate`, or pass --key FILE' : '';
    throw new UsageError(`cannot read the private key ${path} (${codeOf(err)})${hint}`);
  }
  if (/-----BEGIN (PUBLIC KEY|CERTIFICATE)-----/.test(text)) {
    throw new UsageError(`${path} holds a public key; signing needs the PRIVATE key (e.g. ${DEFAULT_PRIVATE_KEY})`);
  }
  try {
    return createPrivateKey(text);
  } catch (err) {
    throw new UsageError(`${path} is not a PEM private key (${codeOf(err)})`);
  }
}

/** The algorithm follows the key type, as the adaptor's verifier does (docs/protocol.md §2.3 step 2). */
function algorithmOf(key: KeyObject, path: string, requested: string | undefined): SigningAlg {
  const type = key.asymmetricKeyType;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const fromKey: SigningAlg | undefined =
    type === 'rsa' ? 'RS256' : type === 'ec' && curve === 'prime256v1' ? 'ES256' : undefined;
  if (!fromKey) {
    throw new UsageError(
      `${path} is a ${type}${curve ? ` ${curve}` : ''} key; Wix-style tokens need an RSA (RS256) or EC P-256 (ES256) key`,
    );
  }
  if (requested !== undefined && requested !== fromKey) {
    if (requested !== 'RS256' && requested !== 'ES256') throw new UsageError(`--alg must be RS256 or ES256`);
    throw new UsageError(`--alg ${requested} does not match ${path}, which is an ${fromKey} key`);
  }
  return fromKey;
}
