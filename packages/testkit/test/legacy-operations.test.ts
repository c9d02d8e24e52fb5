/**
 * Operations of the legacy surface: one log line per call naming the legacy
 * operation, the caller and the outcome, never the secret or item data; and
 * /provision reporting an unreachable database instead of claiming success.
 */
import { createLogger, type Storage } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, type LegacyClient, plantsCollection, startHarness } from '../src/index.ts';

const KEY = 'operations-legacy-secret-01';

describe('legacy log lines', () => {
  let h: Harness;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    h = await startHarness({
      storage: createMemoryStorage({ collections: [plantsCollection] }),
      legacySecretKeys: [KEY],
      logger: createLogger({ level: 'info', sink: { write: (line) => lines.push(JSON.parse(line)) } }),
    });
  });
  afterAll(() => h.close());

  test('operation, instance, identity, collection and outcome; no secret, no item data', async () => {
    const legacy = h.legacy as LegacyClient;
    await legacy
      .with({ role: 'MEMBER' })
      .legacy('/data/insert', { collectionName: 'plants', item: { _id: 'fern', commonName: 'Secret Fern' } });
    await legacy.legacy('/data/find', { collectionName: 'plants' }, { secretKey: 'a-wrong-secret-guess-000' });
    const ok = lines.find((l) => l.operation === 'legacy:data/insert');
    expect(ok).toMatchObject({
      severity: 'INFO',
      instanceId: '3f0c5d7e-0000-4000-8000-aaaaaaaaaaaa',
      identityType: 'MEMBER',
      collectionId: 'plants',
      itemCount: 1,
      httpRequest: { requestUrl: '/data/insert', status: 200 },
    });
    const refused = lines.find((l) => l.operation === 'legacy:data/find');
    expect(refused).toMatchObject({ severity: 'WARNING', errorCode: 'WRONG_SECRET', httpRequest: { status: 401 } });
    const all = JSON.stringify(lines);
    expect(all).not.toContain(KEY);
    expect(all).not.toContain('a-wrong-secret-guess-000');
    expect(all).not.toContain('Secret Fern');
  });
});

describe('/provision with the database down', () => {
  let h: Harness;
  beforeAll(async () => {
    const storage = createMemoryStorage();
    const down: Storage = Object.create(storage, {
      ready: { value: async () => Promise.reject(new Error('connection refused')) },
    });
    h = await startHarness({ storage: down, legacySecretKeys: [KEY] });
  });
  afterAll(() => h.close());

  test('503 with a message for the site owner, no internals', async () => {
    const result = await (h.legacy as LegacyClient).legacy('/provision');
    expect(result.status).toBe(503);
    expect(result.body.message).toMatch(/database is not reachable/);
    expect(result.body.message).not.toContain('connection refused');
  });
});

describe('/provision with a database that does not answer', () => {
  let h: Harness;
  let release: (() => void) | undefined;
  beforeAll(async () => {
    const storage = createMemoryStorage();
    const hanging: Storage = Object.create(storage, {
      ready: {
        value: () =>
          new Promise<void>((resolve) => {
            release = resolve;
          }),
      },
    });
    h = await startHarness({ storage: hanging, legacySecretKeys: [KEY], requestDeadlineMs: 200 });
  });
  afterAll(async () => {
    release?.();
    await h.close();
  });

  test('503 within the call deadline, not a call left hanging', async () => {
    const result = await (h.legacy as LegacyClient).legacy('/provision');
    expect(result.status).toBe(503);
    expect(result.body.message).toMatch(/database is not reachable/);
  });
});
