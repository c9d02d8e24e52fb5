/**
 * The engines `npm start` knows: which service to run and how to prepare its
 * local database. Emulator launchers are imported only when used, so a missing
 * engine is reported instead of stopping the rest.
 */

export interface PreparedEngine {
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export interface LocalEngine {
  readonly name: string;
  readonly description: string;
  /** The service's entry point, relative to the repository root (built by turbo). */
  readonly main: string;
  prepare(): Promise<PreparedEngine>;
}

const nothingToStop = async () => {};

export function localEngines(): LocalEngine[] {
  return [
    {
      name: 'memory',
      description: 'the core on the memory storage',
      main: 'packages/testkit/dist/bin/memory-service.js',
      prepare: async () => ({ env: {}, stop: nothingToStop }),
    },
    {
      name: 'spanner',
      description: 'Cloud Spanner emulator',
      main: 'services/spanner/dist/main.js',
      prepare: async () => {
        const { startSpannerEmulator, SPANNER_EMULATOR_CLIENT_ENV } = await import('../emulators/spanner.ts');
        // The service creates its instance and database itself on the emulator (SPANNER_EMULATOR_CREATE).
        const emulator = await startSpannerEmulator({});
        return {
          env: {
            ...SPANNER_EMULATOR_CLIENT_ENV,
            SPANNER_EMULATOR_HOST: emulator.host,
            SPANNER_EMULATOR_CREATE: 'true',
            SPANNER_PROJECT: emulator.projectId,
            SPANNER_INSTANCE: emulator.instanceId,
            SPANNER_DATABASE: 'local',
          },
          stop: emulator.stop,
        };
      },
    },
    {
      name: 'firestore',
      description: 'Firestore emulator',
      main: 'services/firestore/dist/main.js',
      prepare: async () => {
        const { startFirestoreEmulator } = await import('../emulators/firestore.ts');
        const emulator = await startFirestoreEmulator({ projectId: 'local-project' });
        return {
          env: { FIRESTORE_EMULATOR_HOST: emulator.host, FIRESTORE_PROJECT: emulator.projectId },
          stop: emulator.stop,
        };
      },
    },
    {
      name: 'bigquery',
      description: "the project's BigQuery emulator (DuckDB)",
      main: 'services/bigquery/dist/main.js',
      prepare: async () => {
        const { startBigQueryEmulatorProcess } = await import('../emulators/bigquery.ts');
        const emulator = await startBigQueryEmulatorProcess();
        return {
          env: {
            BIGQUERY_API_ENDPOINT: emulator.url,
            BIGQUERY_PROJECT: 'local-project',
            BIGQUERY_DATASET: 'local',
            BIGQUERY_CREATE_DATASET: 'true',
            READ_ONLY_SCHEMA: 'false',
          },
          stop: emulator.stop,
        };
      },
    },
  ];
}
