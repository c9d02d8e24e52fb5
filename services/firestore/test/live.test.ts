/**
 * The conformance suite against REAL Firestore — only when explicitly enabled:
 * FIRESTORE_LIVE_PROJECT (and optionally FIRESTORE_LIVE_DATABASE) with
 * application-default credentials. Use a dedicated, empty database: the suite
 * creates collections there. Real Firestore enforces composite indexes, so
 * this is where "needs an index" answers show up.
 */
import { startHarness } from '@adaptors/testkit';
import { defineConformanceSuite } from '@adaptors/testkit/conformance';
import { Firestore, v1 } from '@google-cloud/firestore';
import gax from 'google-gax';
import { describe, test } from 'vitest';
import { firestoreDeadlineSettings } from '../src/deadline.ts';
import { documentReader } from '../src/run-query.ts';
import { createFirestoreStorage } from '../src/storage.ts';
import { FIRESTORE_CLIENT_SETTINGS } from '../src/values.ts';

const project = process.env.FIRESTORE_LIVE_PROJECT;

if (project) {
  defineConformanceSuite('firestore (live)', async () => {
    delete process.env.FIRESTORE_EMULATOR_HOST;
    const databaseId = process.env.FIRESTORE_LIVE_DATABASE ?? '(default)';
    const deadline = firestoreDeadlineSettings(30_000);
    const db = new Firestore({ projectId: project, databaseId, ...FIRESTORE_CLIENT_SETTINGS, ...deadline });
    // Reads through the gapic reader as open-storage.ts makes it: real Firestore's headers and credentials.
    const reader = documentReader(
      { FirestoreClient: v1.FirestoreClient, gax },
      { projectId: project, databaseId, ...deadline },
    );
    const storage = createFirestoreStorage(db, { documentReader: reader });
    const harness = await startHarness({ storage });
    return {
      client: harness.client,
      capabilities: storage.capabilities,
      close: async () => {
        await harness.close();
        await storage.close();
      },
    };
  });
} else {
  describe('live Firestore', () => {
    test.skip('skipped: set FIRESTORE_LIVE_PROJECT (and FIRESTORE_LIVE_DATABASE) with credentials to run the suite on real Firestore', () => {});
  });
}
