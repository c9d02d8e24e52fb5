/** A deployment without Google credentials is told how to give the adaptor some (no-credentials.ts). */
import { describe, expect, test } from 'vitest';
import { grpcCommon } from '../src/grpc-status.ts';
import { isMissingCredentials } from '../src/no-credentials.ts';

// google-auth-library's GoogleAuthExceptionMessages.NO_ADC_FOUND, as the Google clients surface it (no code).
const NO_ADC = new Error(
  'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
);

describe('missing credentials', () => {
  test('google-auth-library\'s "no default credentials" is recognised, also as the cause of another error', () => {
    expect(isMissingCredentials(NO_ADC)).toBe(true);
    expect(isMissingCredentials(new Error('request failed', { cause: NO_ADC }))).toBe(true);
    expect(isMissingCredentials(new Error('Could not load the file'))).toBe(false);
    expect(isMissingCredentials(Object.assign(new Error('7 PERMISSION_DENIED: denied'), { code: 7 }))).toBe(false);
    expect(isMissingCredentials(undefined)).toBe(false);
  });

  test('a GOOGLE_APPLICATION_CREDENTIALS key file that cannot be read or parsed counts too', () => {
    const saved = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '/secrets/key.json';
    try {
      const missing = Object.assign(new Error("ENOENT: no such file or directory, open '/secrets/key.json'"), {
        code: 'ENOENT',
        syscall: 'open',
        path: '/secrets/key.json',
      });
      expect(isMissingCredentials(missing)).toBe(true);
      expect(
        isMissingCredentials(
          new Error(
            'Unable to read the credential file specified by the GOOGLE_APPLICATION_CREDENTIALS environment variable: SyntaxError',
          ),
        ),
      ).toBe(true);
      // Another file's error is not about credentials.
      expect(isMissingCredentials(Object.assign(new Error('ENOENT'), { syscall: 'open', path: '/tmp/other' }))).toBe(
        false,
      );
    } finally {
      if (saved === undefined) delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
      else process.env.GOOGLE_APPLICATION_CREDENTIALS = saved;
    }
  });

  test('a gRPC engine answers 503 saying how to give the adaptor credentials, not the library text', () => {
    const answer = grpcCommon(NO_ADC, { name: 'Cloud Spanner', roles: 'roles/spanner.databaseUser' });
    expect(answer?.code).toBe('SERVICE_UNAVAILABLE');
    expect(answer?.message).toContain('no usable Google credentials to call Cloud Spanner');
    expect(answer?.message).toContain('service account holding roles/spanner.databaseUser');
    expect(answer?.message).toContain('GOOGLE_APPLICATION_CREDENTIALS');
    expect(answer?.notApplied).toBe(true);
  });
});
