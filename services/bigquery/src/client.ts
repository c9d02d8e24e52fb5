/**
 * The one place a real `BigQuery` client is built (main.ts). The client
 * module is imported lazily so `main.ts check` does not pay its import.
 *
 * Statements are sent with the client's auth client's credentials (rest.ts); the runner asks for
 * BigQuery's "short query optimized mode" itself (`jobCreationMode:
 * JOB_CREATION_OPTIONAL`). An emulator endpoint (BIGQUERY_API_ENDPOINT /
 * BIGQUERY_EMULATOR_HOST) is used without credentials: google-auth-library's
 * `PassThroughClient` ("Local Emulators"), which rest.ts does not ask for headers.
 * Without it the auth client would fail for want of Application Default Credentials, and the client's own
 * methods would search for them on every call (and carry on without).
 *
 * `autoRetry: false`: the client's own retry (@google-cloud/common
 * `shouldRetryRequest`: 408/429/5xx and `rateLimitExceeded`, up to 3 retries
 * with retry-request's 1 s, 2 s, 4 s … backoff) would run under the
 * executor's policy (retry.ts) and multiply it — one statement
 * meeting a persistent 503 could take minutes, past Cloud Run's request
 * timeout — and it does not retry the DML conflicts that matter most (400
 * "Could not serialize access … due to concurrent update"). One bounded,
 * tested policy retries statements; a tables-API call that meets a transient
 * error answers 503 SERVICE_UNAVAILABLE, which Wix may retry.
 */
import type { BigQuery } from '@google-cloud/bigquery';

export interface ClientConfig {
  readonly projectId: string | undefined;
  readonly datasetId: string;
  readonly location: string | undefined;
  readonly apiEndpoint: string | undefined;
  /** Create the dataset when missing (local development). */
  readonly createDataset?: boolean;
}

export async function openBigQuery(config: ClientConfig): Promise<BigQuery> {
  const emulator = config.apiEndpoint !== undefined;
  const [{ BigQuery }, auth] = await Promise.all([
    import('@google-cloud/bigquery'),
    emulator ? import('google-auth-library') : undefined,
  ]);
  const bq = new BigQuery({
    ...(config.projectId ? { projectId: config.projectId } : emulator ? { projectId: 'local-project' } : {}),
    ...(config.location ? { location: config.location } : {}),
    ...(emulator ? { apiEndpoint: config.apiEndpoint } : {}),
    ...(auth ? { authClient: new auth.PassThroughClient() } : {}),
    autoRetry: false,
  });
  if (config.createDataset) {
    const dataset = bq.dataset(config.datasetId);
    const [exists] = await dataset.exists();
    if (!exists) await bq.createDataset(config.datasetId, config.location ? { location: config.location } : {});
  }
  return bq;
}
