/**
 * The one place the service's BigQuery connection is built (open-storage.ts, from main.ts).
 *
 * Reads and statements go over BigQuery's REST API (rest.ts) with the credentials of
 * google-auth-library's `GoogleAuth`, built here as @google-cloud/bigquery builds its own (the
 * `bigquery` scope, the configured project); an emulator endpoint (BIGQUERY_API_ENDPOINT /
 * BIGQUERY_EMULATOR_HOST) is called without credentials, so no auth library is loaded at all.
 * The official client (`@google-cloud/bigquery`) is loaded only for the control-plane calls the
 * storage makes through it — creating and deleting tables, the dataset's schema label, creating
 * the dataset — on the first such call (`library()`), with the same `GoogleAuth` (one token
 * cache). A start thus loads neither the client's module nor, on an emulator, the auth library
 * before its first answer (DEPLOY.md, "Runtime"; packages/bench/RESULTS.md).
 *
 * `autoRetry: false` on the official client: its own retry (@google-cloud/common
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
import type { GoogleAuth } from 'google-auth-library';
import { readDataset } from './catalog.ts';
import { isDatasetNotFound, isDuplicate } from './errors.ts';
import { PROJECT_PLACEHOLDER, type RestClient, restCall } from './rest.ts';

/** @google-cloud/bigquery's OAuth scope (its `BigQuery` constructor asks for this one). */
const BIGQUERY_SCOPE = 'https://www.googleapis.com/auth/bigquery';

/** BigQuery's production endpoint; the REST paths are below `<endpoint>/bigquery/v2`. */
const DEFAULT_ENDPOINT = 'https://bigquery.googleapis.com';

/** The project an emulator's calls name when none is configured. */
const EMULATOR_PROJECT = 'local-project';

/** What the storage calls BigQuery through: REST (rest.ts), and the official client for control-plane calls. */
export interface BigQueryClient extends RestClient {
  /** The official client with the same endpoint and credentials, loaded on the first call that needs it. */
  library(): Promise<BigQuery>;
}

export interface ClientConfig {
  readonly projectId: string | undefined;
  readonly datasetId: string;
  readonly location: string | undefined;
  /** An emulator's base URL: calls carry no credentials. */
  readonly apiEndpoint: string | undefined;
  /** Create the dataset when missing (local development). */
  readonly createDataset?: boolean;
}

export async function openBigQuery(config: ClientConfig): Promise<BigQueryClient> {
  const emulator = config.apiEndpoint !== undefined;
  const auth = emulator ? undefined : await googleAuth(config.projectId);
  const endpoint = emulator ? sanitizeEndpoint(config.apiEndpoint ?? '') : DEFAULT_ENDPOINT;
  let projectId = config.projectId ?? (emulator ? EMULATOR_PROJECT : undefined);
  let library: Promise<BigQuery> | undefined;
  const baseUrl = `${endpoint}/bigquery/v2`;
  const client: BigQueryClient = {
    baseUrl,
    get projectId() {
      return projectId ?? PROJECT_PLACEHOLDER;
    },
    async getProjectId() {
      // Asked of the credentials (Application Default Credentials, the metadata server) once.
      projectId ??= await (auth as GoogleAuth).getProjectId();
      return projectId;
    },
    authClient: auth,
    library() {
      if (library) return library;
      const loading = officialClient(config, projectId, auth, baseUrl);
      library = loading;
      // A failed load is tried again by the next call.
      loading.catch(() => {
        if (library === loading) library = undefined;
      });
      return loading;
    },
  };
  if (config.createDataset) await createDatasetIfMissing(client, config.datasetId, config.location);
  return client;
}

async function googleAuth(projectId: string | undefined): Promise<GoogleAuth> {
  const { GoogleAuth } = await import('google-auth-library');
  return new GoogleAuth({ scopes: [BIGQUERY_SCOPE], ...(projectId ? { projectId } : {}) });
}

async function officialClient(
  config: ClientConfig,
  projectId: string | undefined,
  auth: GoogleAuth | undefined,
  baseUrl: string,
): Promise<BigQuery> {
  const [{ BigQuery }, { PassThroughClient }] = await Promise.all([
    import('@google-cloud/bigquery'),
    import('google-auth-library'),
  ]);
  const bq = new BigQuery({
    ...(projectId ? { projectId } : {}),
    ...(config.location ? { location: config.location } : {}),
    ...(config.apiEndpoint !== undefined ? { apiEndpoint: config.apiEndpoint } : {}),
    // The same GoogleAuth (@google-cloud/common uses a GoogleAuth it is given as it is; its type
    // names only AuthClient), or google-auth-library's client for local emulators: no credentials.
    authClient: (auth ?? new PassThroughClient()) as InstanceType<typeof PassThroughClient>,
    autoRetry: false,
  });
  // The client reads BIGQUERY_EMULATOR_HOST itself and takes it, unchanged, as its base URL over
  // `apiEndpoint`: its calls go where the REST calls go (BIGQUERY_API_ENDPOINT wins, settings.ts).
  bq.baseUrl = baseUrl;
  return bq;
}

/**
 * datasets.get, then datasets.insert when BigQuery answers that the dataset does not exist
 * (BIGQUERY_CREATE_DATASET: at start here, and when a statement finds it gone: storage.ts);
 * true when this call created it.
 */
export async function createDatasetIfMissing(
  client: RestClient,
  datasetId: string,
  location: string | undefined,
): Promise<boolean> {
  try {
    await readDataset(client, datasetId);
    return false;
  } catch (error) {
    if (!isDatasetNotFound(error)) throw error;
    await insertDataset(client, datasetId, location);
    return true;
  }
}

/**
 * datasets.insert (BIGQUERY_CREATE_DATASET: local development, where a restarted emulator is
 * empty); "already exists" — another instance or call created it meanwhile — counts as done.
 */
export async function insertDataset(
  client: RestClient,
  datasetId: string,
  location: string | undefined,
): Promise<void> {
  try {
    await restCall(client, {
      method: 'POST',
      uri: '/datasets',
      json: {
        datasetReference: { projectId: await client.getProjectId(), datasetId },
        ...(location ? { location } : {}),
      },
    });
  } catch (error) {
    if (!isDuplicate(error)) throw error;
  }
}

/** The official client's own rule for an endpoint (`BigQuery.sanitizeEndpoint`): a scheme, no trailing slash. */
function sanitizeEndpoint(url: string): string {
  return (/^\w+:\/\//.test(url) ? url : `https://${url}`).replace(/\/+$/, '');
}

/**
 * The seam over an official client a caller built itself (tests on the emulator, scripts): its
 * endpoint, project and credentials, and itself for the control-plane calls.
 */
export function clientOf(bq: BigQuery): BigQueryClient {
  return {
    get baseUrl() {
      return bq.baseUrl;
    },
    get projectId() {
      return bq.projectId;
    },
    getProjectId: () => bq.getProjectId(),
    authClient: bq.authClient,
    library: async () => bq,
  };
}
