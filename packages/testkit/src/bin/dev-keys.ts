/**
 * The local dev key pair (RS256), kept in .dev-keys/ (git-ignored) so tokens
 * printed by `npm start` stay valid across restarts. Never used in production.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { signerFromPem, type WixSigner } from '../signer.ts';

export const DEV_PRIVATE_KEY_FILE = 'wix-dev-private.pem';
export const DEV_PUBLIC_KEY_FILE = 'wix-dev-public.pem';

export async function loadDevSigner(dir: string): Promise<WixSigner> {
  const privatePath = join(dir, DEV_PRIVATE_KEY_FILE);
  const publicPath = join(dir, DEV_PUBLIC_KEY_FILE);
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(privatePath, await exportPKCS8(privateKey), { mode: 0o600 });
    writeFileSync(publicPath, await exportSPKI(publicKey));
  }
  return signerFromPem('RS256', readFileSync(privatePath, 'utf8'), readFileSync(publicPath, 'utf8'));
}
