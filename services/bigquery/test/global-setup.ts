/**
 * Starts ONE BigQuery emulator (packages/bigquery-emulator, in this process)
 * for the whole run and stops it at the end; each test file makes its own
 * dataset on it.
 */
import { type RunningEmulator, startBigQueryEmulator } from '@adaptors/bigquery-emulator';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    bigqueryEmulator: { url: string; projectId: string };
  }
}

let emulator: RunningEmulator | undefined;

export async function setup(project: TestProject): Promise<void> {
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  emulator = await startBigQueryEmulator();
  project.provide('bigqueryEmulator', { url: emulator.url, projectId: 'adaptor-tests' });
}

export async function teardown(): Promise<void> {
  await emulator?.stop();
}
