/**
 * A deployment with no usable Google credentials: google-auth-library's refusal when it finds no
 * Application Default Credentials (its `GoogleAuthExceptionMessages.NO_ADC_FOUND`, "Could not load
 * the default credentials. Browse to …"), or when `GOOGLE_APPLICATION_CREDENTIALS` names a key file
 * it cannot read or parse ("Unable to read the credential file specified by the
 * GOOGLE_APPLICATION_CREDENTIALS environment variable", or the file system's own error on that
 * very path). Every Google client surfaces these as plain Errors, with no status code, on every
 * call. No retry mends them, and the library's text names neither the service account nor the
 * setting to fix: each engine's error boundary answers `errors.noCredentials` instead
 * (grpc-status.ts `grpcCommon`; services/bigquery/src/errors.ts).
 */
const NO_USABLE_CREDENTIALS =
  /^(Could not load the default credentials\b|Unable to read the credential file specified by the GOOGLE_APPLICATION_CREDENTIALS)/;

/** The error, or one along its `cause` chain, says the adaptor has no usable Google credentials. */
export function isMissingCredentials(error: unknown): boolean {
  const keyFile = process.env.GOOGLE_APPLICATION_CREDENTIALS;
  for (
    let e = error as { message?: unknown; cause?: unknown; path?: unknown; syscall?: unknown } | null, depth = 0;
    e && depth < 5;
    depth++
  ) {
    if (typeof e.message === 'string' && NO_USABLE_CREDENTIALS.test(e.message)) return true;
    // The key file itself missing or unreadable: the file system's error names that path.
    if (keyFile && e.path === keyFile && typeof e.syscall === 'string') return true;
    e = e.cause as typeof e;
  }
  return false;
}
