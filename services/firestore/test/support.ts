/**
 * A real @google-cloud/firestore client on the run's emulator, in a project of
 * its own (fresh, empty database), and a storage over it.
 */
import { randomUUID } from 'node:crypto';
import type { Storage } from '@adaptors/core';
import { Firestore } from '@google-cloud/firestore';
import { inject } from 'vitest';
import { createFirestoreStorage, type FirestoreStorageOptions } from '../src/storage.ts';
import { FIRESTORE_CLIENT_SETTINGS } from '../src/values.ts';

export function emulatorClient(projectId = `test-${randomUUID().slice(0, 8)}`): Firestore {
  process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
  return new Firestore({ projectId, ...FIRESTORE_CLIENT_SETTINGS });
}

export function emulatorStorage(options: FirestoreStorageOptions = {}): { db: Firestore; storage: Storage } {
  const db = emulatorClient();
  return { db, storage: createFirestoreStorage(db, options) };
}
