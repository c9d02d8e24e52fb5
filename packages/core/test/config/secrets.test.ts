import { describe, expect, test, vi } from 'vitest';
import {
  isSecretReference,
  parseSecretReference,
  referenceMistake,
  secretManagerResolver,
} from '../../src/config/secrets.ts';

describe('secret references', () => {
  test.each([
    ['sm://my-project/wix-key', 'projects/my-project/secrets/wix-key/versions/latest'],
    ['sm://my-project/wix-key/3', 'projects/my-project/secrets/wix-key/versions/3'],
    ['sm://123456789/WIX_KEY/latest', 'projects/123456789/secrets/WIX_KEY/versions/latest'],
    ['projects/p/secrets/s/versions/7', 'projects/p/secrets/s/versions/7'],
    ['projects/p/secrets/s', 'projects/p/secrets/s/versions/latest'],
  ])('%s → %s', (value, resourceName) => {
    expect(isSecretReference(value)).toBe(true);
    expect(parseSecretReference(value)?.resourceName).toBe(resourceName);
  });

  test('whether the reference names its version (one without reads the latest, warnings.ts)', () => {
    expect(parseSecretReference('sm://p/s')?.versionGiven).toBe(false);
    expect(parseSecretReference('projects/p/secrets/s')?.versionGiven).toBe(false);
    expect(parseSecretReference('sm://p/s/3')?.versionGiven).toBe(true);
    expect(parseSecretReference('sm://p/s/latest')?.versionGiven).toBe(true);
    expect(parseSecretReference('projects/p/secrets/s/versions/2')?.versionGiven).toBe(true);
  });

  test.each([
    '8080',
    'sm://',
    'sm://project',
    'sm://project/secret/v1',
    'sm://Project/secret',
    'projects/p/secrets/s/versions/',
    'projects/p/secrets/s/versions/0',
    '-----BEGIN PUBLIC KEY-----',
    'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE',
    'https://secretmanager.googleapis.com/v1/projects/p/secrets/s',
  ])('%s is a plain value', (value) => {
    expect(isSecretReference(value)).toBe(false);
  });

  test('what starts like a reference in either case, around spaces, is told apart as before', () => {
    const seen = (value: string) => [parseSecretReference(value)?.resourceName, referenceMistake(value)];
    expect(seen('  sm://p/s/1\n')).toEqual(['projects/p/secrets/s/versions/1', undefined]);
    expect(seen('\tprojects/p/secrets/s ')).toEqual(['projects/p/secrets/s/versions/latest', undefined]);
    for (const value of ['Sm://p/s/1', 'sM:p/s', ' SM://p/s ']) {
      expect(seen(value)).toEqual([undefined, 'it does not start with sm:// (lowercase, two slashes)']);
    }
    expect(seen('Projects/p/secrets/s')).toEqual([undefined, 'it is not in either form']);
    expect(seen('PROJECTS/p/Secret/s')).toEqual([undefined, 'it says secret, not secrets, after the project']);
    expect(seen('pROJECTS//secrets')).toEqual([
      undefined,
      'its PROJECT is not a project id (lowercase letters, digits and hyphens)',
    ]);
    // Neither pattern takes these: other first letters, a long s (its upper case is S, but a
    // case-insensitive pattern does not match it), the empty value.
    for (const value of ['\u017fm://p/s', 'xsm://p/s', '/projects/p/secrets/s', 'ssm://p/s', 'p', 's', '', '   ']) {
      expect(seen(value)).toEqual([undefined, undefined]);
    }
  });

  test('a value that cannot be a reference is told apart without running a pattern (their first use compiled them at every start)', () => {
    const exec = vi.spyOn(RegExp.prototype, 'exec');
    try {
      for (const value of [
        '8080',
        'bench-project',
        '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----',
        'info',
        '',
      ]) {
        expect(parseSecretReference(value)).toBeUndefined();
        expect(referenceMistake(value)).toBeUndefined();
      }
      expect(exec).not.toHaveBeenCalled();
      expect(referenceMistake('sm:x')).toBeDefined();
      expect(exec).toHaveBeenCalled();
    } finally {
      exec.mockRestore();
    }
  });

  test('the Secret Manager resolver refuses a non-reference before loading the client', async () => {
    const resolve = secretManagerResolver();
    await expect(resolve('plain-value')).rejects.toThrow('is not a Secret Manager reference');
  });
});
