#!/usr/bin/env node
/**
 * `npm start`: the core on the memory storage, on a local port, with a dev key
 * pair kept in .dev-keys/ (git-ignored) so tokens stay valid across restarts.
 * Prints the URL and a copy-paste command that sends a signed request.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, createAdaptor, createLogger, createVerifier, loadPublicKeys, serve } from '@adaptors/core';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { WixClient } from '../client.ts';
import { createMemoryStorage } from '../memory/memory-storage.ts';
import { plantsCollection, samplePlants } from '../sample-data.ts';
import { signerFromPem } from '../signer.ts';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
const keyDir = join(process.cwd(), '.dev-keys');

async function devKeys(): Promise<{ privatePem: string; publicPem: string }> {
  const privatePath = join(keyDir, 'wix-dev-private.pem');
  const publicPath = join(keyDir, 'wix-dev-public.pem');
  if (existsSync(privatePath) && existsSync(publicPath)) {
    return { privatePem: readFileSync(privatePath, 'utf8'), publicPem: readFileSync(publicPath, 'utf8') };
  }
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const privatePem = await exportPKCS8(privateKey);
  const publicPem = await exportSPKI(publicKey);
  mkdirSync(keyDir, { recursive: true });
  writeFileSync(privatePath, privatePem, { mode: 0o600 });
  writeFileSync(publicPath, publicPem);
  return { privatePem, publicPem };
}

const { privatePem, publicPem } = await devKeys();
const signer = await signerFromPem('RS256', privatePem, publicPem);
const storage = createMemoryStorage({ collections: [plantsCollection] });
const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'info' });
const adaptor = createAdaptor({ storage, cursorSecret: 'dev-only-cursor-secret' });
const app = build({ adaptor, verify: createVerifier({ keys: await loadPublicKeys(publicPem) }), logger });
const address = await serve(app, { port, host, graceSeconds: 5, logger });

// Seed through the real endpoint, signed like Wix.
const client = new WixClient({ baseUrl: address, signer });
await client.insert('plants', [...samplePlants]);

const hour = 3600;
const token = await signer.sign(
  { collectionId: 'plants', query: { filter: { perennial: true }, sort: [{ fieldName: 'heightCm', order: 'DESC' }] } },
  { expiresIn: hour },
);
process.stderr.write(
  [
    '',
    `  Wix adaptor (core on the memory storage) listening on ${address}`,
    `  Public key Wix would use: .dev-keys/wix-dev-public.pem`,
    '',
    '  Send it a signed query (token valid for one hour):',
    `    curl -s -X POST ${address}/v3/items/query --data-binary '${token}'`,
    '',
    `  Health: curl -s ${address}/healthz   Ready: curl -s ${address}/readyz`,
    '  Ctrl-C stops it.',
    '',
  ].join('\n'),
);
