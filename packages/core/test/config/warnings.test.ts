/**
 * Names that look like a setting but are not one (config/warnings.ts): warned
 * about, naming the setting meant, in `config check` and at start; never a
 * problem, and never about the rest of the environment.
 */
import { exportSPKI, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { coreSettings } from '../../src/config/core-settings.ts';
import { checkConfig, configReport } from '../../src/config/describe.ts';
import { text } from '../../src/config/parsers.ts';
import { defineSettings, setting } from '../../src/config/settings.ts';
import { configWarnings, editDistance } from '../../src/config/warnings.ts';

/** A service's settings as the database services declare theirs (core's, then its own). */
const specs = defineSettings({
  ...coreSettings,
  project: setting({ name: 'SPANNER_PROJECT', description: 'project', parse: text() }),
  instance: setting({ name: 'SPANNER_INSTANCE', description: 'instance', parse: text() }),
  database: setting({ name: 'SPANNER_DATABASE', description: 'database', parse: text() }),
  emulator: setting({ name: 'SPANNER_EMULATOR_HOST', description: 'emulator', parse: text() }),
  cache: setting({ name: 'SCHEMA_CACHE_SECONDS', description: 'cache', default: '30', parse: text() }),
});

let pem: string;
beforeAll(async () => {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  pem = await exportSPKI(publicKey);
});

const warned = (env: Record<string, string>) => configWarnings(specs, env);

describe('configWarnings: names that look like a setting', () => {
  test.each([
    ['LEGACY_SECRET_KEY', 'LEGACY_SECRET_KEYS'],
    ['SPANER_PROJECT', 'SPANNER_PROJECT'],
    ['SPANNER_PORJECT', 'SPANNER_PROJECT'],
    ['WIX_PUBLIC_KEY', 'WIX_PUBLIC_KEYS'],
    ['STATUS_TOKENS', 'STATUS_TOKEN'],
    ['CURSOR_SECRETS', 'CURSOR_SECRET'],
    ['LOG_LEVL', 'LOG_LEVEL'],
    ['SPANNER_INSTANCE_ID', 'SPANNER_INSTANCE'],
    ['SPANNER_DATABASE_NAME', 'SPANNER_DATABASE'],
    ['SCHEMA_CACHE_SECS', 'SCHEMA_CACHE_SECONDS'],
    ['spanner_project', 'SPANNER_PROJECT'],
  ])('%s: names %s', (name, meant) => {
    const warnings = warned({ [name]: 'x' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.name).toBe(name);
    expect(warnings[0]?.message).toMatch(new RegExp(`^${name} is not a setting of this service, so it is ignored: `));
    expect(warnings[0]?.message).toMatch(new RegExp(`[Rr]ename it to ${meant}\\.$`));
  });

  test.each([
    ['SECRET_KEY', 'LEGACY_SECRET_KEYS', 'legacy mode stays off'],
    ['PERMISSIONS', 'ACCESS_POLICY', 'packages/core/src/auth/README.md'],
    ['PROJECT_ID', 'SPANNER_PROJECT', ''],
    ['INSTANCE_ID', 'SPANNER_INSTANCE', ''],
    ['DATABASE_ID', 'SPANNER_DATABASE', ''],
    ['HIDE_APP_INFO', 'STATUS_TOKEN', ''],
    ['TYPE', 'serves one database', 'remove it'],
    ['CLOUD_VENDOR', 'Google Cloud only', 'remove it'],
  ])("Wix's reference adaptor's %s: says what takes its place (%s)", (name, meant, more) => {
    const [warning, ...rest] = warned({ [name]: 'value' });
    expect(rest).toEqual([]);
    expect(warning?.message).toMatch(
      new RegExp(`^${name} is a setting of Wix's velo-external-db adaptor, not of this service, so it is ignored: `),
    );
    expect(warning?.message).toContain(meant);
    expect(warning?.message).toContain(more);
  });

  test('a reference name with no counterpart in this service says so', () => {
    const firestore = defineSettings({
      ...coreSettings,
      project: setting({ name: 'FIRESTORE_PROJECT', description: 'project', parse: text() }),
      database: setting({ name: 'FIRESTORE_DATABASE', description: 'database', parse: text() }),
    });
    const [instance] = configWarnings(firestore, { INSTANCE_ID: 'i' });
    expect(instance?.message).toContain('this database has no instance to name; remove it');
    const [database] = configWarnings(firestore, { DATABASE_ID: 'd' });
    expect(database?.message).toContain('the database goes in FIRESTORE_DATABASE');
  });

  test('the rest of the environment is not judged: system, Cloud Run, libraries, the CLI, other services', () => {
    const env = {
      PATH: '/usr/bin',
      HOME: '/home/me',
      HOSTNAME: 'box',
      USER: 'me',
      PWD: '/',
      SHELL: '/bin/sh',
      LANG: 'C',
      TERM: 'xterm',
      NODE_ENV: 'production',
      NODE_OPTIONS: '--max-old-space-size=160',
      NODE_COMPILE_CACHE: '/app/.cache',
      MALLOC_ARENA_MAX: '2',
      K_SERVICE: 'wix-spanner-adaptor',
      K_REVISION: 'r1',
      K_CONFIGURATION: 'c',
      GIT_COMMIT: 'abc',
      GOOGLE_APPLICATION_CREDENTIALS: '/key.json',
      GCLOUD_PROJECT: 'p',
      FIRESTORE_EMULATOR_HOST: 'localhost:8085',
      FIRESTORE_PROJECT: 'p',
      BIGQUERY_DATASET: 'd',
      SPANNER_DISABLE_BUILTIN_METRICS: 'true',
      WIX_API_KEY: 'k',
      WIX_SITE_ID: 's',
      WIX_API_BASE: 'https://www.wixapis.com',
      SPANNER_PROJECT: 'p',
      PORT: '8080',
    };
    expect(warned(env)).toEqual([]);
  });

  test('an empty variable does nothing under any name: no warning', () => {
    expect(warned({ LEGACY_SECRET_KEY: '', SECRET_KEY: '  ' })).toEqual([]);
  });

  test('messages never hold a value', () => {
    const secret = 'a-very-secret-legacy-key-0123456789';
    const warnings = warned({ LEGACY_SECRET_KEY: secret, SECRET_KEY: secret, SPANER_PROJECT: 'my-project-x' });
    expect(warnings).toHaveLength(3);
    expect(JSON.stringify(warnings)).not.toMatch(/a-very-secret|my-project-x/);
  });

  test('editDistance counts a swap of neighbours as one edit', () => {
    expect(editDistance('PROJECT', 'PORJECT')).toBe(1);
    expect(editDistance('HOST', 'HOME')).toBe(2);
    expect(editDistance('', 'ABC')).toBe(3);
    expect(editDistance('SPANNER_PROJECT', 'SPANNER_PROJECT')).toBe(0);
  });
});

describe('configWarnings: Secret Manager references without a version, or with latest', () => {
  test('each is named with how to pin it; pinned ones are not', () => {
    const warnings = warned({
      CURSOR_SECRET: 'sm://my-proj/cursor',
      STATUS_TOKEN: 'projects/my-proj/secrets/status',
      LEGACY_SECRET_KEYS: 'sm://my-proj/legacy/3',
      WIX_PUBLIC_KEYS: 'sm://my-proj/keys/latest',
      SPANNER_PROJECT: 'projects/my-proj/secrets/project/versions/2',
      SPANNER_INSTANCE: 'projects/my-proj/secrets/instance/versions/latest',
    });
    expect(warnings).toEqual([
      {
        name: 'WIX_PUBLIC_KEYS',
        message:
          "WIX_PUBLIC_KEYS: sm://my-proj/keys/latest names the version latest, so the service reads the secret's latest version at every start: a new version, or a disabled one, changes the service at its next start without a deployment. Pin a version: sm://my-proj/keys/VERSION (the versions: gcloud secrets versions list keys --project my-proj).",
      },
      {
        name: 'CURSOR_SECRET',
        message:
          "CURSOR_SECRET: sm://my-proj/cursor names no version, so the service reads the secret's latest version at every start: a new version, or a disabled one, changes the service at its next start without a deployment. Pin a version: sm://my-proj/cursor/VERSION (the versions: gcloud secrets versions list cursor --project my-proj).",
      },
      {
        name: 'STATUS_TOKEN',
        message: expect.stringContaining(
          'Pin a version: projects/my-proj/secrets/status/versions/VERSION (the versions: gcloud secrets versions list status --project my-proj).',
        ),
      },
      {
        name: 'SPANNER_INSTANCE',
        message: expect.stringContaining(
          "names the version latest, so the service reads the secret's latest version at every start: a new version, or a disabled one, changes the service at its next start without a deployment. Pin a version: projects/my-proj/secrets/instance/versions/VERSION",
        ),
      },
    ]);
  });

  test('config check shows the warning next to the resolved setting, still OK', async () => {
    const report = await checkConfig(
      specs,
      { WIX_PUBLIC_KEYS: pem, CURSOR_SECRET: 'sm://my-proj/cursor' },
      { resolveSecret: async () => 'c'.repeat(40) },
    );
    expect(report).toMatch(/^Configuration OK \(\d+ settings\)\. 1 warning below\./);
    expect(report).toMatch(/CURSOR_SECRET\s+•+ \(secret, hidden\) \(from sm:\/\/my-proj\/cursor\)/);
    expect(report).toContain('\nWarnings:\n  - CURSOR_SECRET: sm://my-proj/cursor names no version');
    expect(report).not.toContain('cccc');
  });

  test('a reference that cannot be read: its problem once, and the warning', async () => {
    const report = await configReport(
      specs,
      { WIX_PUBLIC_KEYS: pem, CURSOR_SECRET: 'sm://my-proj/cursor' },
      {
        resolveSecret: async (ref) => {
          throw new Error(`could not read secret ${ref}: permission denied`);
        },
      },
    );
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(['CURSOR_SECRET: could not read secret sm://my-proj/cursor: permission denied']);
    expect(report.warnings).toHaveLength(1);
  });
});

describe('config check with a misspelt name', () => {
  test('still OK (exit 0), with the warning naming the setting meant; legacy mode stays visibly off', async () => {
    const env = { WIX_PUBLIC_KEYS: pem, LEGACY_SECRET_KEY: 'legacy-secret-0123456789', SPANER_PROJECT: 'x' };
    const report = await configReport(specs, env);
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.warnings).toEqual([
      'LEGACY_SECRET_KEY is not a setting of this service, so it is ignored: did you mean LEGACY_SECRET_KEYS? Rename it to LEGACY_SECRET_KEYS.',
      'SPANER_PROJECT is not a setting of this service, so it is ignored: did you mean SPANNER_PROJECT? Rename it to SPANNER_PROJECT.',
    ]);
    const text = await checkConfig(specs, env);
    expect(text).toMatch(/^Configuration OK \(\d+ settings\)\. 2 warnings below\.\n/);
    expect(text).toMatch(/LEGACY_SECRET_KEYS\s+not set \(optional\)/);
    expect(text).toContain('\nWarnings:\n  - LEGACY_SECRET_KEY is not a setting of this service');
    expect(text).not.toContain('legacy-secret-0123456789');
  });

  test('without warnings the report is as before', async () => {
    const text = await checkConfig(specs, { WIX_PUBLIC_KEYS: pem, SPANNER_PROJECT: 'p' });
    expect(text).toMatch(/^Configuration OK \(\d+ settings\)\.\n/);
    expect(text).not.toContain('Warnings:');
  });
});
