/**
 * Legacy `POST /provision` (packages/core/src/legacy/README.md): Wix's first
 * call when a STANDALONE site connects. When the storage says why it is not
 * ready, /provision answers that cause, as /readyz does; an unexpected failure
 * is "not reachable" and never shows the raw error.
 */
import { errors } from '@adaptors/core';
import { afterEach, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, type LegacyClient, startHarness } from '../src/index.ts';

const KEY = 'first-legacy-secret-key-0001';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The memory storage made to fail its readiness check with `failure`, the way a storage does (storage.ts `ready`). */
async function startFailing(failure: Error): Promise<LegacyClient> {
  const storage = createMemoryStorage();
  storage.ready = async () => {
    throw failure;
  };
  h = await startHarness({ storage, legacySecretKeys: [KEY] });
  return h.legacy as LegacyClient;
}

describe('/provision when the database is not ready', () => {
  test('a cause the storage knows (the database does not exist) is answered as /readyz gives it', async () => {
    const missing = errors.databaseMissing(
      'The memory database or its instance',
      'create it, or fix MEMORY_INSTANCE and MEMORY_DATABASE',
    );
    const legacy = await startFailing(missing);
    const provision = await legacy.legacy('/provision', {});
    expect(provision.status).toBe(503);
    expect(provision.body).toEqual({ message: missing.message });
    const ready = (await (await fetch(`${h?.url}/readyz`)).json()) as { reason: string };
    expect(ready.reason).toBe(missing.message);
  });

  test('an unexpected failure is "not reachable", without its own text', async () => {
    const legacy = await startFailing(new Error('socket hang up at 10.1.2.3:443 projects/p/instances/i'));
    const provision = await legacy.legacy('/provision', {});
    expect(provision.status).toBe(503);
    expect(provision.body.message).toMatch(/^The memory database is not reachable right now; retry shortly/);
    expect(provision.body.message).not.toMatch(/10\.1\.2\.3|projects\//);
  });
});
