// The real service process (dist/main.js) when opening the database fails at start: one line
// that names the cause, exit code 1 — not an unhandled rejection with a client stack.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWixSigner, startServerProcess } from '@adaptors/testkit';
import { SPANNER_EMULATOR_CLIENT_ENV } from '@adaptors/testkit/emulators/spanner';
import { expect, inject, test } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

test('an instance the emulator refuses to create: a CRITICAL line naming the cause, exit 1', async () => {
  const { host, projectId } = inject('spannerEmulator');
  const signer = await createWixSigner();
  const log = join(mkdtempSync(join(tmpdir(), 'start-failure-')), 'service.log');
  const started = startServerProcess(
    process.execPath,
    [main],
    {
      ...SPANNER_EMULATOR_CLIENT_ENV,
      WIX_PUBLIC_KEYS: signer.publicKeyPem,
      SPANNER_EMULATOR_HOST: host,
      SPANNER_EMULATOR_CREATE: 'true',
      SPANNER_PROJECT: projectId,
      // Too short for an instance id (Spanner: 2–64 characters), so creating it fails.
      SPANNER_INSTANCE: 'i',
      SPANNER_DATABASE: 'd',
      METADATA_SERVER_DETECTION: 'none',
    },
    60_000,
    log,
  );
  await expect(started).rejects.toThrow(/exited with code 1 before listening/);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  const last = JSON.parse(lines.at(-1) as string) as { severity: string; message: string };
  expect(last.severity).toBe('CRITICAL');
  expect(last.message).toMatch(/^spanner adaptor cannot start: opening the database failed: .+\. Check the database/);
  expect(last.message).not.toMatch(/\n\s+at /);
});
