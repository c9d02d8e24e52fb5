/**
 * The engines `npm start` knows: which service to run and how to prepare its
 * local database. Emulator launchers are imported only when used, so a missing
 * engine is reported instead of stopping the rest. An emulator already named
 * by SPANNER_EMULATOR_HOST / FIRESTORE_EMULATOR_HOST (the variables the Google
 * clients read) is used instead of starting one, once it answers.
 */
import { createConnection } from 'node:net';

export interface PreparedEngine {
  readonly env: Record<string, string>;
  /** Said next to the engine's URL, e.g. which emulator it uses. */
  readonly note?: string;
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

/**
 * `env` is read once, here: the launchers set SPANNER_EMULATOR_HOST in this
 * process for the emulators they start, which must not look like a given one.
 */
export function localEngines(env: Readonly<Record<string, string | undefined>> = process.env): LocalEngine[] {
  const givenSpanner = givenHost(env, 'SPANNER_EMULATOR_HOST');
  const givenFirestore = givenHost(env, 'FIRESTORE_EMULATOR_HOST');
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
        const settings = (host: string) => ({
          ...SPANNER_EMULATOR_CLIENT_ENV,
          SPANNER_EMULATOR_HOST: host,
          SPANNER_EMULATOR_CREATE: 'true',
          SPANNER_PROJECT: 'emulator-project',
          SPANNER_INSTANCE: 'test-instance',
          SPANNER_DATABASE: 'local',
        });
        if (givenSpanner) {
          await expectListening(givenSpanner, 'SPANNER_EMULATOR_HOST');
          return {
            env: settings(givenSpanner),
            note: usingGiven(givenSpanner, 'SPANNER_EMULATOR_HOST'),
            stop: nothingToStop,
          };
        }
        const emulator = await startSpannerEmulator({});
        return { env: settings(emulator.host), stop: emulator.stop };
      },
    },
    {
      name: 'firestore',
      description: 'Firestore emulator',
      main: 'services/firestore/dist/main.js',
      prepare: async () => {
        if (givenFirestore) {
          await expectListening(givenFirestore, 'FIRESTORE_EMULATOR_HOST');
          return {
            env: { FIRESTORE_EMULATOR_HOST: givenFirestore, FIRESTORE_PROJECT: 'local-project' },
            note: usingGiven(givenFirestore, 'FIRESTORE_EMULATOR_HOST'),
            stop: nothingToStop,
          };
        }
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

function givenHost(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function usingGiven(host: string, setting: string): string {
  return `the emulator at ${host} (${setting}; not started or stopped here)`;
}

/** A given emulator must answer: a clear error beats a service that times out on its first call. */
async function expectListening(host: string, setting: string): Promise<void> {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(host);
  if (!match) throw new Error(`${setting}=${host} is not host:port (e.g. 127.0.0.1:9010)`);
  const [, hostname, port] = match;
  await new Promise<void>((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.setTimeout(3000);
    const fail = (reason: string) => {
      socket.destroy();
      reject(
        new Error(
          `${setting}=${host} names an emulator that does not answer (${reason}); start it, or unset ${setting} to let npm start run one`,
        ),
      );
    };
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('timeout', () => fail('no answer within 3 s'));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}
