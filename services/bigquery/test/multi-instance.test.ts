// Several real BigQuery service processes (dist/main.js, as Cloud Run runs it) on one emulator dataset.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createWixSigner, startServiceCluster } from '@adaptors/testkit';
import { defineMultiInstanceSuite } from '@adaptors/testkit/conformance';
import { inject } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const signer = await createWixSigner();

defineMultiInstanceSuite(
  'bigquery',
  async (env) => {
    const { url, projectId } = inject('bigqueryEmulator');
    return startServiceCluster({
      main,
      instances: 2,
      signer,
      env: {
        BIGQUERY_API_ENDPOINT: url,
        BIGQUERY_PROJECT: projectId,
        // One dataset per cluster (the first instance creates it): the instances share it, nothing else does.
        BIGQUERY_DATASET: `m_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
        BIGQUERY_CREATE_DATASET: 'true',
        METADATA_SERVER_DETECTION: 'none',
        ...env,
      },
    });
  },
  // Reading the label before every call is allowed only for a small deployment (settings.ts sizing check).
  { strictEnv: { SCHEMA_CHECK_MS: '0', MAX_INSTANCES: '2', CONCURRENCY: '10' } },
);
