/**
 * Starts ONE official Spanner emulator for the whole run and stops it at the
 * end (by PID: no stray emulator_main survives the run). Fails with a clear
 * message when the emulator is not installed.
 */
import {
  type SpannerAdminClient,
  type SpannerEmulator,
  startSpannerEmulator,
} from '@adaptors/testkit/emulators/spanner';
import { Spanner } from '@google-cloud/spanner';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    spannerEmulator: { host: string; projectId: string; instanceId: string };
  }
}

let emulator: SpannerEmulator | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The run's main process does not get the per-test env of vitest.shared.ts: no metadata-server probe here either.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  emulator = await startSpannerEmulator({
    connect: (options) => new Spanner(options) as unknown as SpannerAdminClient,
  });
  project.provide('spannerEmulator', {
    host: emulator.host,
    projectId: emulator.projectId,
    instanceId: emulator.instanceId,
  });
}

export async function teardown(): Promise<void> {
  await emulator?.stop();
}
