import { exportSPKI, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, expectTypeOf, test } from 'vitest';
import { loadPublicKeys } from '../../src/auth/keys.ts';
import { coreSettings } from '../../src/config/core-settings.ts';
import { loadConfig } from '../../src/config/load.ts';
import { integer, text } from '../../src/config/parsers.ts';
import { defineSettings, setting } from '../../src/config/settings.ts';

let pem: string;

beforeAll(async () => {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  pem = await exportSPKI(publicKey);
});

describe('loadConfig with coreSettings', () => {
  test('defaults apply; only WIX_PUBLIC_KEYS is required', async () => {
    const result = await loadConfig(coreSettings, { WIX_PUBLIC_KEYS: pem });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { config } = result;
    expect(config).toEqual({
      port: 8080,
      host: '0.0.0.0',
      wixPublicKeys: pem.trim(),
      clockSkewSeconds: 60,
      tokenMaxLifetimeSeconds: 3600,
      bodyLimitMb: 16,
      logLevel: 'info',
      maxInstances: 10,
      concurrency: 80,
      requestDeadlineMs: 5000,
      shutdownGraceSeconds: 8,
    });
    expect(config.wixAudience).toBeUndefined();
    expect(config.cursorSecret).toBeUndefined();
    expect(config.accessPolicy).toBeUndefined();
    // The raw key text feeds loadPublicKeys directly.
    expect(await loadPublicKeys(config.wixPublicKeys)).toHaveLength(1);
  });

  test('types follow the specs', async () => {
    const result = await loadConfig(coreSettings, { WIX_PUBLIC_KEYS: pem });
    if (!result.ok) throw new Error('expected ok');
    expectTypeOf(result.config.port).toEqualTypeOf<number>();
    expectTypeOf(result.config.wixPublicKeys).toEqualTypeOf<string>();
    expectTypeOf(result.config.wixAudience).toEqualTypeOf<readonly string[] | undefined>();
    expectTypeOf(result.config.cursorSecret).toEqualTypeOf<string | undefined>();
    expectTypeOf(result.config.logLevel).toEqualTypeOf<
      'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
    >();
  });

  test('every core setting parsed from env', async () => {
    const result = await loadConfig(coreSettings, {
      PORT: ' 9090 ',
      HOST: '127.0.0.1',
      WIX_PUBLIC_KEYS: pem,
      WIX_AUDIENCE: 'app-1, app-2,',
      CLOCK_SKEW_SECONDS: '30',
      BODY_LIMIT_MB: '10.5',
      LOG_LEVEL: 'DEBUG',
      CURSOR_SECRET: 'x'.repeat(40),
      ACCESS_POLICY: '{"*": {"APP": ["*"]}}',
      SHUTDOWN_GRACE_SECONDS: '0',
    });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.config).toMatchObject({
      port: 9090,
      host: '127.0.0.1',
      wixAudience: ['app-1', 'app-2'],
      clockSkewSeconds: 30,
      bodyLimitMb: 10.5,
      logLevel: 'debug',
      cursorSecret: 'x'.repeat(40),
      shutdownGraceSeconds: 0,
    });
    expect(result.config.accessPolicy?.rules.get('*')?.get('APP')?.has('write')).toBe(true);
  });

  test('empty variables count as unset', async () => {
    const result = await loadConfig(coreSettings, { WIX_PUBLIC_KEYS: pem, PORT: '', WIX_AUDIENCE: '  ' });
    expect(result.ok && result.config.port).toBe(8080);
    expect(result.ok && result.config.wixAudience).toBeUndefined();
  });

  test('required missing → one message naming it and what it is', async () => {
    const result = await loadConfig(coreSettings, {});
    expect(result).toEqual({
      ok: false,
      problems: [
        { name: 'WIX_PUBLIC_KEYS', message: expect.stringContaining('WIX_PUBLIC_KEYS is required but not set') },
      ],
    });
    if (!result.ok) expect(result.problems[0]?.message).toContain('public key');
  });

  test('invalid number names the setting, the rule and the value', async () => {
    const result = await loadConfig(coreSettings, { WIX_PUBLIC_KEYS: pem, PORT: 'eighty' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      { name: 'PORT', message: 'PORT is invalid: must be a whole number from 0 to 65535, got "eighty"' },
    ]);
  });

  test('all problems are reported together', async () => {
    const result = await loadConfig(coreSettings, {
      PORT: '70000',
      CLOCK_SKEW_SECONDS: '1.5',
      BODY_LIMIT_MB: '0.5',
      LOG_LEVEL: 'loud',
      ACCESS_POLICY: '{"*": {"ROBOT": ["read"]}}',
      CURSOR_SECRET: 'short-secret-value',
      SHUTDOWN_GRACE_SECONDS: '-1',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => p.name)).toEqual([
      'PORT',
      'WIX_PUBLIC_KEYS',
      'CLOCK_SKEW_SECONDS',
      'BODY_LIMIT_MB',
      'LOG_LEVEL',
      'CURSOR_SECRET',
      'ACCESS_POLICY',
      'SHUTDOWN_GRACE_SECONDS',
    ]);
    const cursor = result.problems.find((p) => p.name === 'CURSOR_SECRET');
    expect(cursor?.message).toContain('at least 32 characters');
    expect(cursor?.message).not.toContain('short-secret-value');
    expect(result.problems.find((p) => p.name === 'ACCESS_POLICY')?.message).toContain('unknown identity type');
  });

  test('a bad public key is a config problem with no key material', async () => {
    const body = pem.split('\n')[1] ?? '';
    const result = await loadConfig(coreSettings, {
      WIX_PUBLIC_KEYS: pem
        .replace('BEGIN PUBLIC KEY', 'BEGIN PRIVATE KEY')
        .replace('END PUBLIC KEY', 'END PRIVATE KEY'),
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems[0]?.message).toContain('private key');
    expect(result.problems[0]?.message).not.toContain(body);
  });
});

describe('secret references', () => {
  const services = defineSettings({
    ...coreSettings,
    databasePassword: setting({
      name: 'DB_PASSWORD',
      description: 'database password',
      secret: true,
      required: true,
      parse: text({ minLength: 8 }),
    }),
  });

  test('resolved through the injected resolver, for secret and non-secret settings', async () => {
    const asked: string[] = [];
    const resolveSecret = async (ref: string) => {
      asked.push(ref);
      if (ref === 'sm://my-proj/wix-key') return `${pem}\n`;
      if (ref === 'projects/my-proj/secrets/db/versions/3') return 'correct-horse-battery\n';
      throw new Error(`unexpected ${ref}`);
    };
    const result = await loadConfig(
      services,
      { WIX_PUBLIC_KEYS: 'sm://my-proj/wix-key', DB_PASSWORD: 'projects/my-proj/secrets/db/versions/3' },
      { resolveSecret },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.config.databasePassword).toBe('correct-horse-battery');
    expect(result.config.wixPublicKeys).toBe(pem.trim());
    expect(asked.sort()).toEqual(['projects/my-proj/secrets/db/versions/3', 'sm://my-proj/wix-key']);
  });

  test('resolver failure is a problem naming the reference; invalid resolved secret is masked', async () => {
    const result = await loadConfig(
      services,
      { WIX_PUBLIC_KEYS: 'sm://p/missing', DB_PASSWORD: 'sm://p/db' },
      {
        resolveSecret: async (ref) => {
          if (ref === 'sm://p/db') return 'hunter2';
          throw new Error(`could not read secret ${ref}: permission denied; grant roles/secretmanager.secretAccessor`);
        },
      },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const [keys, db] = result.problems;
    expect(keys?.message).toContain('sm://p/missing');
    expect(keys?.message).toContain('roles/secretmanager.secretAccessor');
    expect(db?.name).toBe('DB_PASSWORD');
    expect(db?.message).toContain('from sm://p/db');
    expect(db?.message).toContain('at least 8 characters');
    expect(db?.message).not.toContain('hunter2');
  });

  test('a parser that echoes the value is scrubbed for secret settings', async () => {
    const leaky = defineSettings({
      token: setting({
        name: 'API_TOKEN',
        description: 'token',
        secret: true,
        parse: (value: string): string => {
          throw new Error(`bad token ${value}`);
        },
      }),
    });
    for (const value of ['tok-123456', 'ab']) {
      const result = await loadConfig(leaky, { API_TOKEN: value });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.problems[0]?.message).toBe(
          'API_TOKEN is invalid: the reason is not shown, as it would repeat the secret. What it takes: token',
        );
      }
    }
  });

  test('a mistyped reference is refused, not used as the secret: what is wrong, the forms and an example, never the value', async () => {
    const mistakes: [string, string][] = [
      ['sm://my-project/wix-cursor/v1', 'its VERSION is not a version number'],
      ['sm:/my-project/wix-cursor-secret/1', 'it does not start with sm://'],
      ['projects/my-project/secrets/wix-cursor/versions/1/', 'it ends with /'],
      ['sm://my_project/wix-cursor-secret/1', 'its PROJECT is not a project id'],
      ['projects/my-project/secret/wix-cursor-secret/versions/1', 'it says secret, not secrets'],
      ['SM://my-project/wix-cursor-secret/1', 'it does not start with sm://'],
      ['sm://some-project', 'it names no SECRET'],
    ];
    for (const [value, reason] of mistakes) {
      const asked: string[] = [];
      const result = await loadConfig(
        coreSettings,
        { WIX_PUBLIC_KEYS: pem, CURSOR_SECRET: value, STATUS_TOKEN: value },
        {
          resolveSecret: async (ref) => {
            asked.push(ref);
            return 'x'.repeat(40);
          },
        },
      );
      expect(result.ok, value).toBe(false);
      if (result.ok) continue;
      expect(result.problems.map((p) => p.name)).toEqual(['CURSOR_SECRET', 'STATUS_TOKEN']);
      for (const problem of result.problems) {
        expect(problem.message).toContain(
          `${problem.name} looks like a Secret Manager reference but is not one: ${reason}`,
        );
        expect(problem.message).toContain('sm://PROJECT/SECRET/VERSION');
        expect(problem.message).toContain('e.g. sm://my-project/my-secret/1');
        expect(problem.message).not.toContain(value);
      }
      expect(asked).toEqual([]);
    }
  });

  test('a mistyped reference in a non-secret setting is quoted', async () => {
    const result = await loadConfig(coreSettings, { WIX_PUBLIC_KEYS: pem, GOOGLE_CLOUD_PROJECT: 'sm://p/s/v2' });
    expect(!result.ok && result.problems[0]?.message).toContain(
      'GOOGLE_CLOUD_PROJECT ("sm://p/s/v2") looks like a Secret Manager reference but is not one',
    );
  });

  test('a short secret is refused with the length rule, the message intact and the value nowhere', async () => {
    for (const secret of ['short', 'characters', 'key']) {
      const result = await loadConfig(coreSettings, { WIX_PUBLIC_KEYS: pem, LEGACY_SECRET_KEYS: secret });
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.problems[0]?.message).toBe(
        "LEGACY_SECRET_KEYS is invalid: key 1 is shorter than 16 characters; choose a longer random key and put the same value in the Wix connection's configuration.secretKey",
      );
    }
  });

  test('an empty resolved secret is a problem', async () => {
    const result = await loadConfig(
      coreSettings,
      { WIX_PUBLIC_KEYS: 'sm://p/k' },
      { resolveSecret: async () => ' \n' },
    );
    expect(!result.ok && result.problems[0]?.message).toContain('is empty');
  });
});

describe('defineSettings and setting', () => {
  test('service settings extend the core ones with types intact', async () => {
    const specs = defineSettings({
      ...coreSettings,
      spannerInstance: setting({ name: 'SPANNER_INSTANCE', description: 'instance', required: true, parse: text() }),
      maxSessions: setting({
        name: 'MAX_SESSIONS',
        description: 'sessions',
        default: '10',
        parse: integer({ min: 1, max: 100 }),
      }),
      region: setting({ name: 'REGION', description: 'region', parse: text() }),
    });
    const result = await loadConfig(specs, { WIX_PUBLIC_KEYS: pem, SPANNER_INSTANCE: 'main' });
    if (!result.ok) throw new Error('expected ok');
    expectTypeOf(result.config.spannerInstance).toEqualTypeOf<string>();
    expectTypeOf(result.config.maxSessions).toEqualTypeOf<number>();
    expectTypeOf(result.config.region).toEqualTypeOf<string | undefined>();
    expect(result.config).toMatchObject({ spannerInstance: 'main', maxSessions: 10, port: 8080 });
  });

  test('programming mistakes fail at definition time', () => {
    const port = setting({ name: 'PORT', description: 'p', parse: text() });
    expect(() => defineSettings({ a: port, b: port })).toThrow('both read PORT');
    expect(() => defineSettings({ a: setting({ name: 'lower', description: 'x', parse: text() }) })).toThrow(
      'UPPER_SNAKE_CASE',
    );
    expect(() =>
      defineSettings({
        a: setting({ name: 'N', description: 'x', default: 'abc', parse: integer({ min: 0, max: 1 }) }),
      }),
    ).toThrow('default does not parse');
    expect(() => setting({ name: 'N', description: 'x', required: true, default: '1', parse: text() })).toThrow(
      'cannot have a default',
    );
  });
});
