/**
 * A real @google-cloud/firestore client on the run's emulator, in a project of
 * its own (fresh, empty database), and a storage over it.
 */
import { randomUUID } from 'node:crypto';
import type { Storage } from '@adaptors/core';
import { Firestore, v1 } from '@google-cloud/firestore';
import gax from 'google-gax';
import { inject } from 'vitest';
import { firestoreDeadlineSettings } from '../src/deadline.ts';
import { type DocumentReader, documentReader } from '../src/run-query.ts';
import { createFirestoreStorage, type FirestoreStorageOptions } from '../src/storage.ts';
import { FIRESTORE_CLIENT_SETTINGS } from '../src/values.ts';

/** Each RPC's deadline in the tests' clients: gapic's own default, as the service's is its call's deadline. */
const EMULATOR_RPC_MS = 60_000;

export function emulatorClient(projectId = `test-${randomUUID().slice(0, 8)}`): Firestore {
  process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
  // The client's settings as open-storage.ts gives them (its streams retried by code only, writes
  // never re-sent by gax), with a per-RPC deadline roomy enough for the suite's bulk writes on a
  // busy emulator: the tests run the client's paths as production runs them.
  return new Firestore({ projectId, ...FIRESTORE_CLIENT_SETTINGS, ...firestoreDeadlineSettings(EMULATOR_RPC_MS) });
}

/** A storage as open-storage.ts builds it: the client, and its gapic client for document reads. */
export function emulatorStorage(options: FirestoreStorageOptions = {}): {
  db: Firestore;
  storage: Storage;
  reader: DocumentReader;
} {
  const projectId = `test-${randomUUID().slice(0, 8)}`;
  const db = emulatorClient(projectId);
  const reader = emulatorReader(projectId);
  return { db, storage: createFirestoreStorage(db, { documentReader: reader, ...options }), reader };
}

/** The gapic reader of open-storage.ts on the run's emulator, for a project. */
export function emulatorReader(projectId: string): DocumentReader {
  const emulatorHost = inject('firestoreEmulatorHost');
  return documentReader(
    { FirestoreClient: v1.FirestoreClient, gax },
    { projectId, databaseId: '(default)', ...firestoreDeadlineSettings(10_000), emulatorHost },
  );
}
