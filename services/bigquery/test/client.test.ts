/**
 * client.ts: the REST calls and the official client (control-plane calls) go to one endpoint,
 * whatever the client reads from the environment itself.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleAuth } from 'google-auth-library';
import { afterEach, describe, expect, test } from 'vitest';
import { openBigQuery } from '../src/client.ts';

describe('openBigQuery', () => {
  const saved = process.env.BIGQUERY_EMULATOR_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.BIGQUERY_EMULATOR_HOST;
    else process.env.BIGQUERY_EMULATOR_HOST = saved;
  });

  test('with BIGQUERY_EMULATOR_HOST set too, the official client calls the endpoint the REST calls use', async () => {
    // The official client would take this variable as its base URL over `apiEndpoint`.
    process.env.BIGQUERY_EMULATOR_HOST = 'http://127.0.0.1:9999';
    const client = await openBigQuery({
      projectId: 'p',
      datasetId: 'd',
      location: undefined,
      apiEndpoint: 'http://127.0.0.1:9050/',
    });
    expect(client.baseUrl).toBe('http://127.0.0.1:9050/bigquery/v2');
    expect((await client.library()).baseUrl).toBe(client.baseUrl);
  });

  test('an emulator endpoint without a scheme is https, as the official client reads it; no credentials', async () => {
    delete process.env.BIGQUERY_EMULATOR_HOST;
    const client = await openBigQuery({
      projectId: undefined,
      datasetId: 'd',
      location: undefined,
      apiEndpoint: 'bq.local:9050',
    });
    expect(client.baseUrl).toBe('https://bq.local:9050/bigquery/v2');
    expect(client.authClient).toBeUndefined();
    expect(await client.getProjectId()).toBe('local-project');
    expect((await client.library()).baseUrl).toBe(client.baseUrl);
  });

  test('production: a GoogleAuth with the official client scope and the project, shared with the official client', async () => {
    delete process.env.BIGQUERY_EMULATOR_HOST;
    const client = await openBigQuery({
      projectId: 'wix-data',
      datasetId: 'd',
      location: 'EU',
      apiEndpoint: undefined,
    });
    expect(client.baseUrl).toBe('https://bigquery.googleapis.com/bigquery/v2');
    expect(client.projectId).toBe('wix-data');
    expect(await client.getProjectId()).toBe('wix-data');
    const auth = client.authClient as GoogleAuth;
    expect(auth).toBeInstanceOf(GoogleAuth);
    // GoogleAuth keeps its options' scopes (a private field, read here only).
    expect((auth as unknown as { scopes: unknown }).scopes).toEqual(['https://www.googleapis.com/auth/bigquery']);
    const library = await client.library();
    // One token cache: the official client uses the very same GoogleAuth, the same endpoint and location.
    expect(library.authClient).toBe(auth);
    expect(library.baseUrl).toBe(client.baseUrl);
    expect(library.location).toBe('EU');
    expect(library.projectId).toBe('wix-data');
  });

  test('production with no Google credentials at all: a call is a 503 saying how to give the adaptor some', () => {
    // In a process of its own, on a machine without credentials (none set, no gcloud folder, no metadata server).
    const src = join(import.meta.dirname, '..', 'src');
    const script = `
      const { openBigQuery } = await import(${JSON.stringify(join(src, 'client.ts'))});
      const { restCall } = await import(${JSON.stringify(join(src, 'rest.ts'))});
      const { translateError } = await import(${JSON.stringify(join(src, 'errors.ts'))});
      const client = await openBigQuery({ projectId: 'p', datasetId: 'd', location: undefined, apiEndpoint: undefined });
      try { await restCall(client, { method: 'GET', uri: '/datasets/d' }); } catch (error) {
        const answer = translateError(error);
        console.log(JSON.stringify({ code: answer.code, message: answer.message }));
      }
    `;
    const env: NodeJS.ProcessEnv = { ...process.env, METADATA_SERVER_DETECTION: 'none' };
    for (const name of ['GOOGLE_APPLICATION_CREDENTIALS', 'BIGQUERY_EMULATOR_HOST']) delete env[name];
    env.CLOUDSDK_CONFIG = mkdtempSync(join(tmpdir(), 'no-gcloud-'));
    // None at all, then a GOOGLE_APPLICATION_CREDENTIALS naming a key file that is not there.
    for (const keyFile of [undefined, join(env.CLOUDSDK_CONFIG, 'missing-key.json')]) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: join(import.meta.dirname, '..'),
        encoding: 'utf8',
        env: keyFile ? { ...env, GOOGLE_APPLICATION_CREDENTIALS: keyFile } : env,
      });
      const answer = JSON.parse(out) as { code: string; message: string };
      expect(answer.code, keyFile).toBe('SERVICE_UNAVAILABLE');
      expect(answer.message).toContain('no usable Google credentials to call BigQuery');
      expect(answer.message).toContain('roles/bigquery.dataEditor');
    }
  });
});
