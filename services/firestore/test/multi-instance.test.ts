// Several real Firestore service processes (dist/main.js, as Cloud Run runs it) on one emulator database.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createWixSigner, startServiceCluster } from '@adaptors/testkit';
import { defineMultiInstanceSuite } from '@adaptors/testkit/conformance';
import { inject } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const signer = await createWixSigner();

defineMultiInstanceSuite(
  'firestore',
  async (env) =>
    startServiceCluster({
      main,
      instances: 2,
      signer,
      env: {
        FIRESTORE_EMULATOR_HOST: inject('firestoreEmulatorHost'),
        // One project (an empty database on the emulator) per cluster: the instances share it, nothing else does.
        FIRESTORE_PROJECT: `multi-${randomUUID().slice(0, 8)}`,
        METADATA_SERVER_DETECTION: 'none',
        ...env,
      },
    }),
  { strictEnv: { SCHEMA_CHECK_MS: '0' } },
);
