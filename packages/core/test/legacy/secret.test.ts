import { describe, expect, test } from 'vitest';
import { coreSettings } from '../../src/config/core-settings.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createSecretChecker, parseLegacySecrets } from '../../src/legacy/secret.ts';

const A = 'a-legacy-secret-key-0001';
const B = 'b-legacy-secret-key-0002';

describe('parseLegacySecrets', () => {
  test('comma-separated keys for rotation, blanks dropped', () => {
    expect(parseLegacySecrets(` ${A} ,, ${B} `)).toEqual([A, B]);
  });
  test('short or no keys are refused without echoing the value', () => {
    expect(() => parseLegacySecrets('short-key')).toThrow(/key 1 is shorter than 16 characters/);
    expect(() => parseLegacySecrets('short-key')).not.toThrow(/short-key/);
    expect(() => parseLegacySecrets(' , ')).toThrow(/at least one secret key/);
  });
});

describe('createSecretChecker', () => {
  const check = createSecretChecker([A, B]);
  test.each([
    [A, 'ok'],
    [B, 'ok'],
    [`${A} `, 'wrong'],
    [A.slice(0, -1), 'wrong'],
    [A.toUpperCase(), 'wrong'],
    ['', 'missing'],
    [undefined, 'missing'],
    [42, 'missing'],
    [null, 'missing'],
  ])('%j → %s', (candidate, verdict) => {
    expect(check(candidate)).toBe(verdict);
  });
});

describe('LEGACY_SECRET_KEYS setting', () => {
  const base = { WIX_PUBLIC_KEYS: undefined };
  test('unset: legacy mode off; set: parsed; a bad value is reported masked', async () => {
    const specs = { legacySecretKeys: coreSettings.legacySecretKeys };
    const off = await loadConfig(specs, { ...base });
    expect(off.ok && off.config.legacySecretKeys).toBeUndefined();
    const on = await loadConfig(specs, { LEGACY_SECRET_KEYS: `${A},${B}` });
    expect(on.ok && on.config.legacySecretKeys).toEqual([A, B]);
    const bad = await loadConfig(specs, { LEGACY_SECRET_KEYS: 'tiny-secret' });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('tiny-secret');
  });
});
