/**
 * The CLI's legacy (STANDALONE) surface: `connect create --type standalone`
 * against the fake Connections API (exact request, secret delivered first and
 * never echoed), `connect get` of such a connection, and `call --legacy`
 * against a real local adaptor with legacy mode on.
 */
import { createMemoryStorage, type Harness, plantsCollection, samplePlants, startHarness } from '@adaptors/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SecretWriter } from '../src/output.ts';
import { PATH, startFakeConnectionsApi } from './support/fake-connections-api.ts';
import { runCli, tempDir } from './support/run-cli.ts';

const API_KEY = 'IST.legacy-test-api-key';
const SITE_ID = '0f4b8d26-5e71-4c3a-b9d2-7a61c8e04f55';
const ENDPOINT = 'https://recipes-legacy-abc123-ew.a.run.app';
const SECRET = 'a-chosen-legacy-secret-0001';

let dir: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(async () => {
  await dir.remove();
});

describe('connect create --type standalone', () => {
  let fake: Awaited<ReturnType<typeof startFakeConnectionsApi>>;
  beforeEach(async () => {
    fake = await startFakeConnectionsApi({ apiKey: API_KEY, siteId: SITE_ID });
  });
  afterEach(() => fake.close());

  const connect = (args: string[], secrets?: SecretWriter) =>
    runCli(['connect', ...args, '--api-base', fake.url], {
      cwd: dir.path,
      env: { WIX_API_KEY: API_KEY, WIX_SITE_ID: SITE_ID },
      ...(secrets ? { secrets } : {}),
    });

  it('generates a secret, prints LEGACY_SECRET_KEYS=… and sends it as configuration.secretKey', async () => {
    const result = await connect([
      'create',
      'legacyDb',
      '--type',
      'standalone',
      '--endpoint',
      ENDPOINT,
      '--configuration',
      '{"tenant":"eu"}',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const match = /^LEGACY_SECRET_KEYS=([\w-]{43})\n$/.exec(result.stdout);
    expect(match).not.toBeNull();
    const secret = match?.[1];
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect([request.method, request.path]).toEqual(['POST', PATH]);
    expect(JSON.parse(request.body)).toEqual({
      externalDatabaseConnection: {
        name: 'legacyDb',
        endpoint: ENDPOINT,
        configuration: { tenant: 'eu', secretKey: secret },
      },
      connectionType: 'STANDALONE',
    });
    expect(result.stderr).toContain('Created connection "legacyDb" (STANDALONE, legacy protocol)');
    expect(result.stderr).not.toContain(secret);
  });

  it('--json: a generated secret is delivered on stderr before Wix is called, and in the answer', async () => {
    fake.options.statusAfterUpdate = { successful: false, causeOfFailure: 'UNAUTHORIZED', hasCollections: 'UNKNOWN' };
    const args = ['create', 'legacyDb', '--type', 'standalone', '--endpoint', ENDPOINT, '--json'];
    const result = await connect(args);
    expect(result.code, result.stderr).toBe(0);
    const sent = JSON.parse(fake.requests[0]!.body).externalDatabaseConnection.configuration.secretKey;
    expect(sent).toMatch(/^[\w-]{43}$/);
    const answer = JSON.parse(result.stdout);
    expect(answer.generatedSecretKey).toBe(sent);
    expect(answer.externalDatabaseConnection.configuration).toEqual({ secretKey: '(hidden)' });
    expect(result.stderr).toContain(`LEGACY_SECRET_KEYS=${sent}\n`);
    expect(result.stderr).toContain('holding the LEGACY_SECRET_KEYS=… line printed above');

    // Wix fails to answer: the secret was on stderr already (the connection may exist).
    fake.options.next = { status: 503, body: 'unavailable' };
    const failed = await connect(['create', 'otherDb', ...args.slice(2)]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    const delivered = /^LEGACY_SECRET_KEYS=([\w-]{43})$/m.exec(failed.stderr)?.[1];
    expect(delivered).toBe(JSON.parse(fake.requests[1]!.body).externalDatabaseConnection.configuration.secretKey);
  });

  it('a given secret is not printed; --write-secret stores it before Wix is called', async () => {
    const order: string[] = [];
    const secrets: SecretWriter = {
      async addVersion(parent, value) {
        order.push(`secret ${parent} ${value} (requests so far: ${fake.requests.length})`);
        return `${parent}/versions/1`;
      },
    };
    const result = await connect(
      [
        'create',
        'legacyDb',
        '--type',
        'standalone',
        '--endpoint',
        ENDPOINT,
        '--secret-key',
        SECRET,
        '--write-secret',
        'sm://garden-prod/legacy-secret',
      ],
      secrets,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(order).toEqual([`secret projects/garden-prod/secrets/legacy-secret ${SECRET} (requests so far: 0)`]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('LEGACY_SECRET_KEYS=sm://garden-prod/legacy-secret');
    expect(result.stderr).not.toContain(SECRET);
    expect(JSON.parse(fake.requests[0]!.body).externalDatabaseConnection.configuration).toEqual({ secretKey: SECRET });
  });

  it.each([
    [['--type', 'standalone'], /needs --endpoint/],
    [['--type', 'standalone', '--endpoint', ENDPOINT, '--secret-key', 'short'], /shorter than 16/],
    [
      ['--type', 'standalone', '--endpoint', `${ENDPOINT}/prefix`],
      /root URL.*use https:\/\/[\w.-]+ \(drop "\/prefix"\)/,
    ],
    [['--type', 'standalone', '--endpoint', `${ENDPOINT}/?x=1`], /root URL/],
    [['--type', 'legacy'], /--type must be service-plugin or standalone/],
    [['--endpoint', ENDPOINT], /for --type standalone/],
  ])('usage error %j: exit 2, nothing sent', async (args, message) => {
    const result = await connect(['create', 'legacyDb', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(fake.requests).toHaveLength(0);
  });

  it('get of a STANDALONE connection explains the secret instead of failing on the missing publicKey', async () => {
    await connect(['create', 'legacyDb', '--type', 'standalone', '--endpoint', ENDPOINT, '--secret-key', SECRET]);
    const result = await connect(['get', 'legacyDb']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('STANDALONE (legacy protocol)');
    expect(result.stderr).toContain('--show-secret prints it');
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toContain(SECRET);
  });

  it('UNAUTHORIZED on a STANDALONE connection: the advice is LEGACY_SECRET_KEYS, not WIX_PUBLIC_KEYS', async () => {
    fake.options.statusAfterUpdate = { successful: false, causeOfFailure: 'UNAUTHORIZED', hasCollections: 'UNKNOWN' };
    const created = await connect([
      'create',
      'legacyDb',
      '--type',
      'standalone',
      '--endpoint',
      ENDPOINT,
      '--secret-key',
      SECRET,
    ]);
    const updated = await connect(['update', 'legacyDb', '--endpoint', ENDPOINT, '--require-connected']);
    expect(updated.code).toBe(1);
    for (const result of [created, updated]) {
      expect(result.stderr).toContain('not connected (UNAUTHORIZED)');
      expect(result.stderr).toContain(
        "its LEGACY_SECRET_KEYS must hold this connection's configuration.secretKey (`adaptors connect get legacyDb --show-secret` prints it)",
      );
      expect(result.stderr).not.toMatch(/WIX_PUBLIC_KEYS|publicKey\)|WIX_AUDIENCE/);
    }
  });

  it('update --endpoint of a STANDALONE connection refuses a path; a trailing slash is fine', async () => {
    await connect(['create', 'legacyDb', '--type', 'standalone', '--endpoint', ENDPOINT, '--secret-key', SECRET]);
    fake.requests.length = 0;
    const refused = await connect(['update', 'legacyDb', '--endpoint', `${ENDPOINT}/legacy`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`use ${ENDPOINT} (drop "/legacy")`);
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
    const slash = await connect(['update', 'legacyDb', '--endpoint', `${ENDPOINT}/`]);
    expect(slash.code, slash.stderr).toBe(0);
    expect(JSON.parse(fake.requests.at(-1)!.body).externalDatabaseConnection.endpoint).toBe(ENDPOINT);
  });

  it('update --configuration keeps the secretKey unless it sets one, and refuses one the service would refuse', async () => {
    const create = ['create', 'legacyDb', '--type', 'standalone', '--endpoint', ENDPOINT, '--secret-key', SECRET];
    await connect([...create, '--configuration', '{"tenant":"eu"}']);
    const sentConfiguration = () => JSON.parse(fake.requests.at(-1)!.body).externalDatabaseConnection;

    fake.requests.length = 0;
    const kept = await connect(['update', 'legacyDb', '--configuration', '{"tenant":"us"}']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'PUT']);
    expect(sentConfiguration()).toEqual({ endpoint: ENDPOINT, configuration: { tenant: 'us', secretKey: SECRET } });
    expect(kept.stderr).toContain('Keeping the current configuration.secretKey');
    expect(kept.stderr).not.toContain(SECRET);

    // docs/legacy.md's rotation: a secretKey in --configuration replaces the current one.
    const rotated = 'a-rotated-legacy-secret-0002';
    const rotation = await connect(['update', 'legacyDb', '--configuration', `{"secretKey":"${rotated}"}`]);
    expect(rotation.code, rotation.stderr).toBe(0);
    expect(sentConfiguration()).toEqual({ endpoint: ENDPOINT, configuration: { secretKey: rotated } });

    for (const [secretKey, message] of [
      ['"short"', /--configuration secretKey is shorter than 16 characters/],
      ['42', /must be a non-empty string/],
      ['"two-keys-in-one-0001,two-keys-in-one-0002"', /must not contain a comma/],
    ] as const) {
      fake.requests.length = 0;
      const refused = await connect(['update', 'legacyDb', '--configuration', `{"secretKey":${secretKey}}`]);
      expect(refused.code, secretKey).toBe(2);
      expect(refused.stderr).toMatch(message);
      expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
    }
  });

  it('get, update and list --json mask configuration.secretKey as create does; --show-secret prints it', async () => {
    await connect(['create', 'legacyDb', '--type', 'standalone', '--endpoint', ENDPOINT, '--secret-key', SECRET]);
    const configurationOf = (stdout: string) => JSON.parse(stdout).externalDatabaseConnection.configuration;
    for (const sub of [
      ['get', 'legacyDb'],
      ['update', 'legacyDb', '--endpoint', ENDPOINT],
    ]) {
      const hidden = await connect([...sub, '--json']);
      expect(hidden.code, hidden.stderr).toBe(0);
      expect(configurationOf(hidden.stdout), sub[0]).toEqual({ secretKey: '(hidden)' });
      expect(hidden.stdout + hidden.stderr).not.toContain(SECRET);
      const shown = await connect([...sub, '--json', '--show-secret']);
      expect(configurationOf(shown.stdout), sub[0]).toEqual({ secretKey: SECRET });
    }
    const listed = await connect(['list', '--json']);
    expect(JSON.parse(listed.stdout).externalDatabaseConnections[0].configuration).toEqual({ secretKey: '(hidden)' });
    const listedShown = await connect(['list', '--json', '--show-secret']);
    expect(JSON.parse(listedShown.stdout).externalDatabaseConnections[0].configuration).toEqual({ secretKey: SECRET });

    // Without --json, --show-secret on get delivers the secret like get delivers a publicKey.
    const line = await connect(['get', 'legacyDb', '--show-secret']);
    expect(line.code).toBe(0);
    expect(line.stdout).toBe(`LEGACY_SECRET_KEYS=${SECRET}\n`);
  });
});

describe('call --legacy against a real local adaptor', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      storage: createMemoryStorage({ collections: [plantsCollection] }),
      legacySecretKeys: [SECRET],
    });
    await h.client.insert('plants', [...samplePlants]);
  });
  afterAll(() => h.close());

  it('posts the request with a requestContext and prints the answer', async () => {
    const result = await runCli(
      ['call', '--legacy', '--secret-key', SECRET, h.url, 'data/count', '{"collectionName":"plants"}'],
      { cwd: dir.path },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ totalCount: samplePlants.length });
  });

  it('reads the secret from LEGACY_SECRET_KEYS; a wrong one exits 1 with a hint', async () => {
    const ok = await runCli(['call', '--legacy', h.url, '/schemas/list/headers', '{}'], {
      cwd: dir.path,
      env: { LEGACY_SECRET_KEYS: `${SECRET},another-legacy-secret-02` },
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).schemas[0].id).toBe('plants');
    const wrong = await runCli(
      ['call', '--legacy', '--secret-key', 'not-the-secret-at-all', h.url, '/data/find', '{"collectionName":"plants"}'],
      { cwd: dir.path },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('HTTP 401: You are not authorized');
    expect(wrong.stderr).toContain('LEGACY_SECRET_KEYS');
    const unknown = await runCli(['call', '--legacy', '--secret-key', SECRET, h.url, '/data/nope', '{}'], {
      cwd: dir.path,
    });
    expect(unknown.code).toBe(2);
  });
});
