import { describe, expect, test } from 'vitest';
import { isSecretReference, parseSecretReference, secretManagerResolver } from '../../src/config/secrets.ts';

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

  test('the Secret Manager resolver refuses a non-reference before loading the client', async () => {
    const resolve = secretManagerResolver();
    await expect(resolve('plain-value')).rejects.toThrow('is not a Secret Manager reference');
  });
});
