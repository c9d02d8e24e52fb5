/**
 * Firestore errors reach Wix as SPI errors (src/errors.ts): a deployment with no Google
 * credentials at all is told how to give the adaptor some (packages/core/src/no-credentials.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

describe('error translation', () => {
  test("no Google credentials at all: the real client's refusal is a 503 saying how to give the adaptor some", () => {
    // In a process of its own, without the emulator or any credentials (the client also meets the
    // refusal in the background, where this test process would count it).
    const script = `
      process.on('unhandledRejection', () => {});
      const { Firestore } = await import('@google-cloud/firestore');
      const { translateError } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'src', 'errors.ts'))});
      const firestore = new Firestore({ projectId: 'p' });
      try { await firestore.collection('plants').limit(1).get(); } catch (error) {
        const answer = translateError(error, { collectionId: 'plants' });
        console.log(JSON.stringify({ code: answer.code, message: answer.message }));
      }
      process.exit(0);
    `;
    const env: NodeJS.ProcessEnv = { ...process.env, METADATA_SERVER_DETECTION: 'none' };
    for (const name of ['GOOGLE_APPLICATION_CREDENTIALS', 'FIRESTORE_EMULATOR_HOST']) delete env[name];
    env.CLOUDSDK_CONFIG = mkdtempSync(join(tmpdir(), 'no-gcloud-'));
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'),
      encoding: 'utf8',
      env,
    });
    const answer = JSON.parse(out) as { code: string; message: string };
    expect(answer.code).toBe('SERVICE_UNAVAILABLE');
    expect(answer.message).toContain('no usable Google credentials to call Firestore');
    expect(answer.message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
  });
});
