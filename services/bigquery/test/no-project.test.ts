/**
 * No project anywhere (not set, not in the credentials, no metadata server): the start fails
 * naming BIGQUERY_PROJECT, rather than the service starting and /readyz answering with the
 * library's "Unable to detect a Project Id".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, loadConfig } from '@adaptors/core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openStorage } from '../src/open-storage.ts';
import { bigquerySettings } from '../src/settings.ts';

/** What google-auth-library detects a project from, each emptied for the test. */
const DETECTED_FROM = [
  'GOOGLE_CLOUD_PROJECT',
  'GCLOUD_PROJECT',
  'google_cloud_project',
  'gcloud_project',
  'GOOGLE_APPLICATION_CREDENTIALS',
  'CLOUDSDK_CONFIG',
  'METADATA_SERVER_DETECTION',
];
let saved: Record<string, string | undefined>;
let gcloudConfig: string;
beforeEach(() => {
  saved = Object.fromEntries(DETECTED_FROM.map((name) => [name, process.env[name]]));
  for (const name of DETECTED_FROM) delete process.env[name];
  // gcloud, if installed, reads an empty configuration; the metadata server is not asked.
  gcloudConfig = mkdtempSync(join(tmpdir(), 'no-project-'));
  process.env.CLOUDSDK_CONFIG = gcloudConfig;
  process.env.METADATA_SERVER_DETECTION = 'none';
});
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(gcloudConfig, { recursive: true, force: true });
});

test('no project detectable: opening the storage fails naming BIGQUERY_PROJECT and GOOGLE_CLOUD_PROJECT', async () => {
  const { generateKeyPairSync } = await import('node:crypto');
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64');
  const loaded = await loadConfig(bigquerySettings, { WIX_PUBLIC_KEYS: key, BIGQUERY_DATASET: 'wix' });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const logger = createLogger({ level: 'error' });
  await expect(openStorage(loaded.config, logger)).rejects.toThrow(
    /^no Google Cloud project: set BIGQUERY_PROJECT \(or GOOGLE_CLOUD_PROJECT\) to the project that holds the database/,
  );
});
