/**
 * Starts ONE official Firestore emulator for the whole run and stops it (and
 * its JVM) at the end. Test files isolate themselves by project id: every
 * project id is its own empty database on the emulator.
 */
import { type FirestoreEmulator, startFirestoreEmulator } from '@adaptors/testkit/emulators/firestore';
import type { TestProject } from 'vitest/node';

let emulator: FirestoreEmulator | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreEmulatorHost: string;
  }
}

export async function setup(project: TestProject): Promise<void> {
  emulator = await startFirestoreEmulator();
  project.provide('firestoreEmulatorHost', emulator.host);
}

export async function teardown(): Promise<void> {
  await emulator?.stop();
}
