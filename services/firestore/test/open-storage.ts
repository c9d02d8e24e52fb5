/** A Firestore storage in a fresh emulator project, for the hostile-input suites of @adaptors/testkit. */
import type { OpenStorage } from '@adaptors/testkit';
import { emulatorStorage } from './support.ts';

export const openFirestoreStorage: OpenStorage = async () => {
  const { storage } = emulatorStorage();
  return { storage, close: () => storage.close() };
};
