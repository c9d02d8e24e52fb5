// Sizing at max scale (DEPLOY.md "Sizing"): combinations the database cannot hold are refused at start.
import { generateKeyPairSync } from 'node:crypto';
import { loadConfig } from '@adaptors/core';
import { expect, test } from 'vitest';
import { bigquerySettings } from '../src/settings.ts';

const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
const base = { WIX_PUBLIC_KEYS: String(key), BIGQUERY_DATASET: 'd' };

test('the defaults (and Terraform defaults) hold at max scale', async () => {
  expect((await loadConfig(bigquerySettings, base)).ok).toBe(true);
});

test('a combination over the database limit is refused, naming the setting to change', async () => {
  const result = await loadConfig(bigquerySettings, { ...base, CONCURRENCY: '80' });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.problems.map((p) => p.name)).toEqual(['CONCURRENCY']);
  // The same combination holds once the other side of the bound moves.
  expect((await loadConfig(bigquerySettings, { ...base, CONCURRENCY: '80', MAX_INSTANCES: '5' })).ok).toBe(true);
});
