/**
 * A collection changed through instance A while instance B still has the old definition cached:
 * an update B's caller planned without a field A added a moment ago is refused (the shared suite,
 * testkit conformance/suite-schema-race.ts). B reads the schema version once a minute here.
 */
import { randomUUID } from 'node:crypto';
import { type Harness, startHarness } from '@adaptors/testkit';
import { concurrentUpdateSuite } from '@adaptors/testkit/conformance';
import { afterAll, beforeAll, describe } from 'vitest';
import { createFirestoreStorage } from '../src/storage.ts';
import { emulatorClient, emulatorReader } from './support.ts';

describe('a collection changed on another instance', () => {
  const projectId = `race-${randomUUID().slice(0, 8)}`;
  let a: Harness;
  let b: Harness;
  beforeAll(async () => {
    a = await startHarness({
      storage: createFirestoreStorage(emulatorClient(projectId), { documentReader: emulatorReader(projectId) }),
    });
    b = await startHarness({
      storage: createFirestoreStorage(emulatorClient(projectId), {
        documentReader: emulatorReader(projectId),
        schemaCheckMs: 60_000,
      }),
    });
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  concurrentUpdateSuite(() => ({ a: a.client, b: b.client }));
});
