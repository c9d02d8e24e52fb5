// Several real Spanner service processes (dist/main.js, as Cloud Run runs it) on one emulator database.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createWixSigner, startServiceCluster } from '@adaptors/testkit';
import { defineMultiInstanceSuite } from '@adaptors/testkit/conformance';
import { SPANNER_EMULATOR_CLIENT_ENV } from '@adaptors/testkit/emulators/spanner';
import { inject } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const signer = await createWixSigner();

defineMultiInstanceSuite(
  'spanner',
  async (env) => {
    const { host, projectId, instanceId } = inject('spannerEmulator');
    return startServiceCluster({
      main,
      instances: 2,
      signer,
      env: {
        ...SPANNER_EMULATOR_CLIENT_ENV,
        SPANNER_EMULATOR_HOST: host,
        SPANNER_EMULATOR_CREATE: 'true',
        SPANNER_PROJECT: projectId,
        SPANNER_INSTANCE: instanceId,
        // One database per cluster: the instances share it, nothing else does.
        SPANNER_DATABASE: `m_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
        METADATA_SERVER_DETECTION: 'none',
        ...env,
      },
    });
  },
  { strictEnv: { SCHEMA_CHECK_MS: '0' } },
);
