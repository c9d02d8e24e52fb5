/**
 * A deployment with no Google credentials at all: google-auth-library's refusal when it finds no
 * Application Default Credentials (its `GoogleAuthExceptionMessages.NO_ADC_FOUND`, "Could not load
 * the default credentials. Browse to …"), which every Google client surfaces as that plain Error,
 * with no status code, on every call. No retry mends it, and the library's text names neither the
 * service account nor the setting to fix: each engine's error boundary answers
 * `errors.noCredentials` instead (grpc-status.ts `grpcCommon`; services/bigquery/src/errors.ts).
 */
const NO_DEFAULT_CREDENTIALS = /^Could not load the default credentials\b/;

/** The error, or one along its `cause` chain, is google-auth-library's "no credentials found". */
export function isMissingCredentials(error: unknown): boolean {
  for (let e = error as { message?: unknown; cause?: unknown } | null, depth = 0; e && depth < 5; depth++) {
    if (typeof e.message === 'string' && NO_DEFAULT_CREDENTIALS.test(e.message)) return true;
    e = e.cause as typeof e;
  }
  return false;
}
