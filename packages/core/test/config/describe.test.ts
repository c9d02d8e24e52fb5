import { exportSPKI, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { coreSettings } from '../../src/config/core-settings.ts';
import { checkConfig, describeSettings } from '../../src/config/describe.ts';
import { text } from '../../src/config/parsers.ts';
import { defineSettings, setting } from '../../src/config/settings.ts';

let pem: string;

beforeAll(async () => {
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  pem = await exportSPKI(publicKey);
});

describe('describeSettings', () => {
  test('a markdown table with every core setting', () => {
    const table = describeSettings(coreSettings);
    const lines = table.split('\n');
    expect(lines[0]).toBe('| Setting | Meaning | Default | Secret |');
    expect(lines[1]).toBe('| --- | --- | --- | --- |');
    expect(lines).toHaveLength(2 + Object.keys(coreSettings).length);
    expect(table).toContain(
      '| `PORT` | TCP port to listen on; Cloud Run sets it. 0 picks a free port (tests, benchmarks). | `8080` | no |',
    );
    expect(table).toMatch(/\| `WIX_PUBLIC_KEYS` \| .+ \| \*\*required\*\* \| no \|/);
    expect(table).toMatch(/\| `CURSOR_SECRET` \| .+ \| \(unset\) \| yes \|/);
  });

  test('pipes and newlines in descriptions are escaped', () => {
    const specs = defineSettings({
      a: setting({ name: 'A', description: 'one | two\nthree', parse: text() }),
    });
    expect(describeSettings(specs)).toContain('| `A` | one \\| two three | (unset) | no |');
  });
});

describe('checkConfig', () => {
  test('a good configuration: values, defaults, key fingerprints, masked secrets', async () => {
    const report = await checkConfig(
      coreSettings,
      { WIX_PUBLIC_KEYS: pem, CURSOR_SECRET: 's3cr3t-'.repeat(6), WIX_AUDIENCE: 'app-1' },
      {},
    );
    expect(report).toMatch(/^Configuration OK \(12 settings\)\./);
    expect(report).toMatch(/PORT\s+8080 \(default\)/);
    expect(report).toMatch(/WIX_PUBLIC_KEYS\s+1 key: RS256 [0-9a-f]{16}/);
    expect(report).toMatch(/WIX_AUDIENCE\s+app-1\n/);
    expect(report).toMatch(/CURSOR_SECRET\s+•+ \(secret, hidden\)/);
    expect(report).toMatch(/ACCESS_POLICY\s+not set \(optional\)/);
    expect(report).not.toContain('s3cr3t');
    expect(report).not.toContain(pem.split('\n')[1]);
  });

  test('missing, invalid and secret-reference settings', async () => {
    const specs = defineSettings({
      ...coreSettings,
      password: setting({
        name: 'DB_PASSWORD',
        description: 'db password',
        secret: true,
        parse: text({ minLength: 12 }),
      }),
    });
    const report = await checkConfig(
      specs,
      { PORT: 'abc', CURSOR_SECRET: 'sm://p/cursor', DB_PASSWORD: 'sm://p/db' },
      { resolveSecret: async (ref) => (ref === 'sm://p/cursor' ? 'c'.repeat(40) : 'tooshort') },
    );
    expect(report).toMatch(/^Configuration has 3 problems\./);
    expect(report).toMatch(/PORT\s+INVALID\n/);
    expect(report).toMatch(/WIX_PUBLIC_KEYS\s+MISSING \(required\)/);
    expect(report).toMatch(/CURSOR_SECRET\s+•+ \(secret, hidden\) \(from sm:\/\/p\/cursor\)/);
    expect(report).toMatch(/DB_PASSWORD\s+INVALID \(from sm:\/\/p\/db\)/);
    expect(report).toContain('Problems:');
    expect(report).toContain('  - PORT is invalid: must be a whole number from 0 to 65535, got "abc"');
    expect(report).toContain('  - WIX_PUBLIC_KEYS is required but not set');
    expect(report).toContain('  - DB_PASSWORD (from sm://p/db) is invalid: must be at least 12 characters long');
    expect(report).not.toContain('cccccccc');
    expect(report).not.toContain('tooshort');
  });
});
