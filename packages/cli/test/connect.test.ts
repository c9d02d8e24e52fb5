import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SecretWriter } from '../src/output.ts';
import {
  ecPublicKeyBase64,
  PATH,
  type RecordedRequest,
  startFakeConnectionsApi,
  wixError,
} from './support/fake-connections-api.ts';
import { closedPort, runCli, tempDir } from './support/run-cli.ts';

const API_KEY = 'IST.eyJraWQiOiJQb3pIX2FDMiIsImFsZyI6IlJTMjU2In0.secret-api-key-value';
const SITE_ID = '0f4b8d26-5e71-4c3a-b9d2-7a61c8e04f55';
const ENDPOINT = 'https://recipes-db-abc123-ew.a.run.app';

let fake: Awaited<ReturnType<typeof startFakeConnectionsApi>>;
let dir: { path: string; remove: () => Promise<void> };
let publicKey: string;

beforeEach(async () => {
  publicKey = ecPublicKeyBase64();
  fake = await startFakeConnectionsApi({ apiKey: API_KEY, siteId: SITE_ID, publicKey });
  dir = await tempDir();
});
afterEach(async () => {
  await fake.close();
  await dir.remove();
});

function connect(args: string[], options: { env?: Record<string, string>; secrets?: SecretWriter } = {}) {
  return runCli(['connect', ...args, '--api-base', fake.url], {
    cwd: dir.path,
    env: options.env ?? { WIX_API_KEY: API_KEY, WIX_SITE_ID: SITE_ID },
    ...(options.secrets ? { secrets: options.secrets } : {}),
  });
}

/** The request as the fake received it: the headers that matter, and the parsed body. */
function seen(request: RecordedRequest) {
  return {
    method: request.method,
    path: request.path,
    headers: {
      authorization: request.headers.authorization,
      'wix-site-id': request.headers['wix-site-id'],
      accept: request.headers.accept,
      'content-type': request.headers['content-type'],
    },
    body: request.body === '' ? undefined : JSON.parse(request.body),
  };
}

const WITH_BODY = {
  authorization: API_KEY,
  'wix-site-id': SITE_ID,
  accept: 'application/json',
  'content-type': 'application/json',
};
const NO_BODY = { ...WITH_BODY, 'content-type': undefined };

function expectNoApiKey(result: { stdout: string; stderr: string }) {
  expect(result.stdout).not.toContain(API_KEY);
  expect(result.stderr).not.toContain(API_KEY);
}

describe('connect: the §4.2 flow against a fake Connections API', () => {
  it('create → update → get → list → delete: exact requests, key delivered as an env line', async () => {
    // §4.2 step 2 / §8 "Create": name + configuration, connectionType, no endpoint.
    const created = await connect(['create', 'recipesDb', '--configuration', '{"tenant":"eu"}']);
    expect(created.code).toBe(0);
    expect(fake.requests.map(seen)).toEqual([
      {
        method: 'POST',
        path: PATH,
        headers: WITH_BODY,
        body: {
          externalDatabaseConnection: { name: 'recipesDb', configuration: { tenant: 'eu' } },
          connectionType: 'WIX_SERVICE_PLUGIN',
        },
      },
    ]);
    expect(created.stdout).toBe(`WIX_PUBLIC_KEYS=${publicKey}\n`);
    expect(created.stderr).toContain('Created connection "recipesDb" (WIX_SERVICE_PLUGIN)');
    expect(created.stderr).toContain('not connected (DESTINATION_ENDPOINT_NOT_DEFINED)');
    expect(created.stderr).toContain('public key  ES256 key, fingerprint');
    expect(created.stderr).toContain(`adaptors connect update recipesDb --endpoint`);
    expectNoApiKey(created);

    // §1 Update replaces everything: the CLI reads the configuration and sends it again (§8 "Update with the endpoint").
    fake.requests.length = 0;
    const updated = await connect(['update', 'recipesDb', '--endpoint', `${ENDPOINT}/`]);
    expect(updated.code).toBe(0);
    expect(fake.requests.map(seen)).toEqual([
      { method: 'GET', path: `${PATH}/recipesDb`, headers: NO_BODY, body: undefined },
      {
        method: 'PUT',
        path: `${PATH}/recipesDb`,
        headers: WITH_BODY,
        body: { externalDatabaseConnection: { endpoint: ENDPOINT, configuration: { tenant: 'eu' } } },
      },
    ]);
    expect(updated.stdout).toBe('');
    expect(updated.stderr).toContain('Keeping the current configuration (1 keys)');
    expect(updated.stderr).toContain('connected (collections: YES)');
    expect(updated.stderr).not.toContain('"tenant"'); // configuration may hold secrets: never echoed
    expectNoApiKey(updated);

    fake.requests.length = 0;
    const got = await connect(['get', 'recipesDb']);
    expect(got.code).toBe(0);
    expect(fake.requests.map(seen)).toEqual([
      { method: 'GET', path: `${PATH}/recipesDb`, headers: NO_BODY, body: undefined },
    ]);
    expect(got.stdout).toBe(`WIX_PUBLIC_KEYS=${publicKey}\n`);
    expect(got.stderr).toContain(`endpoint    ${ENDPOINT}`);

    fake.requests.length = 0;
    const listed = await connect(['list', '--limit', '10', '--offset', '0']);
    expect(listed.code).toBe(0);
    expect(fake.requests.map(seen)).toEqual([
      { method: 'GET', path: `${PATH}?paging.limit=10&paging.offset=0`, headers: NO_BODY, body: undefined },
    ]);
    expect(listed.stdout.split('\n')[0]).toMatch(/^NAME\s+ENDPOINT\s+STATUS$/);
    expect(listed.stdout).toMatch(new RegExp(`recipesDb\\s+${ENDPOINT}\\s+connected \\(collections: YES\\)`));
    expect(listed.stderr).toContain('1 connection of 1.');

    fake.requests.length = 0;
    const refused = await connect(['delete', 'recipesDb']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('irreversible');
    expect(fake.requests).toHaveLength(0);

    const deleted = await connect(['delete', 'recipesDb', '--yes']);
    expect(deleted.code).toBe(0);
    expect(fake.requests.map(seen)).toEqual([
      { method: 'DELETE', path: `${PATH}/recipesDb`, headers: NO_BODY, body: undefined },
    ]);
    expect(deleted.stderr).toContain('Deleted connection "recipesDb"');

    const gone = await connect(['get', 'recipesDb']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Wix answered HTTP 404 NOT_FOUND: External database connection recipesDb not found');
    expect(gone.stderr).toContain('adaptors connect list');
    expect(gone.stdout).toBe('');
  });

  it('create without configuration sends the name only', async () => {
    expect((await connect(['create', 'garden_db'])).code).toBe(0);
    expect(seen(fake.requests[0]!).body).toEqual({
      externalDatabaseConnection: { name: 'garden_db' },
      connectionType: 'WIX_SERVICE_PLUGIN',
    });
  });

  it('update with endpoint and configuration sends them as given (read first for the type); --configuration from a file', async () => {
    await connect(['create', 'recipesDb', '--configuration', '{"secretKey":"a free-form value"}']);
    await writeFile(join(dir.path, 'conf.json'), '{"tenant":"us","region":"us-east1"}');
    fake.requests.length = 0;
    const result = await connect(['update', 'recipesDb', '--endpoint', ENDPOINT, '--configuration', '@conf.json']);
    expect(result.code).toBe(0);
    // A WIX_SERVICE_PLUGIN connection's configuration is free-form (§2): replaced as given, nothing kept.
    expect(fake.requests.map(seen)).toEqual([
      { method: 'GET', path: `${PATH}/recipesDb`, headers: NO_BODY, body: undefined },
      {
        method: 'PUT',
        path: `${PATH}/recipesDb`,
        headers: WITH_BODY,
        body: {
          externalDatabaseConnection: { endpoint: ENDPOINT, configuration: { tenant: 'us', region: 'us-east1' } },
        },
      },
    ]);
  });

  it('update of the configuration only keeps the current endpoint', async () => {
    await connect(['create', 'recipesDb']);
    await connect(['update', 'recipesDb', '--endpoint', ENDPOINT]);
    fake.requests.length = 0;
    const result = await connect(['update', 'recipesDb', '--configuration', '{"tenant":"eu"}']);
    expect(result.code).toBe(0);
    expect(seen(fake.requests[1]!).body).toEqual({
      externalDatabaseConnection: { endpoint: ENDPOINT, configuration: { tenant: 'eu' } },
    });
    expect(result.stderr).toContain(`Keeping the current endpoint ${ENDPOINT}`);
  });

  it('--require-connected: exit 1 and the cause explained when Wix reports a failure', async () => {
    fake.options.statusAfterUpdate = { successful: false, causeOfFailure: 'UNAUTHORIZED', hasCollections: 'UNKNOWN' };
    await connect(['create', 'recipesDb']);
    const result = await connect(['update', 'recipesDb', '--endpoint', ENDPOINT, '--require-connected']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('not connected (UNAUTHORIZED)');
    expect(result.stderr).toContain(
      "set its WIX_PUBLIC_KEYS to this connection's publicKey (`adaptors connect get recipesDb`)",
    );
    const lenient = await connect(['update', 'recipesDb', '--endpoint', ENDPOINT]);
    expect(lenient.code).toBe(0);
  });

  it('--write-secret adds a Secret Manager version instead of printing the key', async () => {
    const added: { parent: string; value: string }[] = [];
    const secrets: SecretWriter = {
      async addVersion(parent, value) {
        added.push({ parent, value });
        return `${parent}/versions/3`;
      },
    };
    const result = await connect(
      ['create', 'recipesDb', '--write-secret', 'projects/garden-prod/secrets/wix-public-keys'],
      { secrets },
    );
    expect(result.code).toBe(0);
    expect(added).toEqual([{ parent: 'projects/garden-prod/secrets/wix-public-keys', value: publicKey }]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Added projects/garden-prod/secrets/wix-public-keys/versions/3.');
    expect(result.stderr).toContain('WIX_PUBLIC_KEYS=sm://garden-prod/wix-public-keys');
    expect(result.stderr).toContain('WIX_PUBLIC_KEYS=sm://garden-prod/wix-public-keys/3');
    expect(result.stderr).toContain('--set-secrets WIX_PUBLIC_KEYS=wix-public-keys:3');
    expect(result.stderr).not.toContain('latest');

    const short = await connect(['get', 'recipesDb', '--write-secret', 'sm://garden-prod/wix-public-keys'], {
      secrets,
    });
    expect(short.code).toBe(0);
    expect(added[1]!.parent).toBe('projects/garden-prod/secrets/wix-public-keys');

    fake.requests.length = 0;
    const versioned = await connect(['get', 'recipesDb', '--write-secret', 'projects/p/secrets/s/versions/2'], {
      secrets,
    });
    expect(versioned.code).toBe(2);
    expect(versioned.stderr).toContain('without a version');
    expect(fake.requests).toHaveLength(0);
  });

  it('--write-secret failing after Wix created the connection says it exists, prints the key and the command that delivers it', async () => {
    const secrets: SecretWriter = {
      async addVersion(parent) {
        throw new Error(`could not add a version to ${parent}: no Google credentials on this machine`);
      },
    };
    const parent = 'projects/garden-prod/secrets/wix-public-keys';
    const result = await connect(['create', 'lateDb', '--write-secret', parent], { secrets });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`WIX_PUBLIC_KEYS=${publicKey}\n`);
    expect(result.stderr).toContain('no Google credentials on this machine');
    expect(result.stderr).toContain('The connection "lateDb" exists (Wix made it)');
    expect(result.stderr).toContain(`adaptors connect get lateDb --write-secret ${parent}`);
  });

  it('a PEM publicKey is delivered as one line (base64 DER); a key the adaptor would refuse fails', async () => {
    const { publicKey: key } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fake.options.publicKey = key.export({ type: 'spki', format: 'pem' }).toString();
    const pem = await connect(['create', 'pemDb']);
    expect(pem.code).toBe(0);
    expect(pem.stdout).toBe(`WIX_PUBLIC_KEYS=${key.export({ type: 'spki', format: 'der' }).toString('base64')}\n`);

    fake.options.publicKey = 'bm90IGEga2V5';
    const bad = await connect(['create', 'badKeyDb']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("the connection's publicKey is not a key the adaptor accepts");
    expect(bad.stdout).toBe('');
  });

  it('--json prints Wix answers', async () => {
    await connect(['create', 'recipesDb']);
    const got = await connect(['get', 'recipesDb', '--json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).externalDatabaseConnection).toMatchObject({ name: 'recipesDb', publicKey });
    const listed = await connect(['list', '--json']);
    expect(JSON.parse(listed.stdout)).toMatchObject({
      externalDatabaseConnections: [{ name: 'recipesDb' }],
      pagingMetadata: { total: 1 },
    });
  });
});

describe('connect: errors', () => {
  it('Wix refuses the API key: exit 1, Wix message and what to check, the key never shown', async () => {
    const result = await connect(['list'], { env: { WIX_API_KEY: 'wrong-key', WIX_SITE_ID: SITE_ID } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Wix answered HTTP 401 UNAUTHENTICATED: Invalid or missing authorization');
    expect(result.stderr).toContain('Check WIX_API_KEY');
    expect(result.stderr).not.toContain('wrong-key');
    const noSite = await connect(['list'], { env: { WIX_API_KEY: API_KEY } });
    expect(noSite.code).toBe(1);
    expect(noSite.stderr).toContain('HTTP 403 PERMISSION_DENIED');
    expect(noSite.stderr).toContain('WIX_SITE_ID');
    expect(fake.requests[1]!.headers['wix-site-id']).toBeUndefined();
  });

  it('an existing name on create: 409 shown with the next step', async () => {
    await connect(['create', 'recipesDb']);
    const again = await connect(['create', 'recipesDb']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('HTTP 409 ALREADY_EXISTS: Connection recipesDb already exists');
    expect(again.stderr).toContain('adaptors connect get recipesDb');
  });

  it('a non-JSON error page from Wix is shown as text', async () => {
    fake.options.next = { status: 502, body: '<html>Bad Gateway</html>' };
    const result = await connect(['get', 'recipesDb']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Wix answered HTTP 502: <html>Bad Gateway</html>');
  });

  it('a Wix validation error lists the field violations', async () => {
    fake.options.next = {
      status: 400,
      body: JSON.stringify({
        message: 'INVALID_ARGUMENT',
        details: {
          validationError: {
            fieldViolations: [{ field: 'externalDatabaseConnection.endpoint', description: 'must be a valid URL' }],
          },
        },
      }),
    };
    const result = await connect(['update', 'recipesDb', '--endpoint', ENDPOINT, '--configuration', '{}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'HTTP 400: INVALID_ARGUMENT; externalDatabaseConnection.endpoint: must be a valid URL',
    );
  });

  it('the API key from --api-key-file; none at all is a usage error before any request', async () => {
    await writeFile(join(dir.path, 'wix.key'), `${API_KEY}\n`);
    const fromFile = await connect(['list', '--api-key-file', 'wix.key'], { env: { WIX_SITE_ID: SITE_ID } });
    expect(fromFile.code).toBe(0);
    expect(fake.requests[0]!.headers.authorization).toBe(API_KEY);
    fake.requests.length = 0;
    const none = await connect(['list'], { env: { WIX_SITE_ID: SITE_ID } });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('set WIX_API_KEY');
    expect(fake.requests).toHaveLength(0);
  });

  it('an unreachable API base: exit 1 naming the URL', async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const result = await runCli(['connect', 'list', '--api-base', base], {
      cwd: dir.path,
      env: { WIX_API_KEY: API_KEY, WIX_SITE_ID: SITE_ID },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`could not reach ${base}${PATH}: connection refused`);
    expectNoApiKey(result);
  });

  it('usage errors: bad name, option of another subcommand, nothing to update, endpoint with /v3', async () => {
    for (const args of [
      ['create', 'recipes db'],
      ['list', '--endpoint', ENDPOINT],
      ['update', 'recipesDb'],
      ['update', 'recipesDb', '--endpoint', `${ENDPOINT}/v3`],
      ['update', 'recipesDb', '--endpoint', 'ftp://x'],
      ['create'],
      ['rename', 'x'],
      ['create', 'recipesDb', '--configuration', '[1]'],
    ]) {
      const result = await connect(args);
      expect(result.code, args.join(' ')).toBe(2);
    }
    expect(fake.requests).toHaveLength(0);
    expect(wixError('X', 'y')).toContain('applicationError');
  });
});
