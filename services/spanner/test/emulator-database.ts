/**
 * A fresh database on the run's emulator (test/global-setup.ts) with a real
 * `@google-cloud/spanner` client — a database per test file is ~30 ms — opened as
 * the service opens it on the emulator (read-write transactions take turns).
 */
import { randomUUID } from 'node:crypto';
import { SPANNER_EMULATOR_CLIENT_ENV } from '@adaptors/testkit/emulators/spanner';
import { type Database, Spanner } from '@google-cloud/spanner';
import { inject } from 'vitest';
import { takeTurnsOnEmulator } from '../src/emulator-turns.ts';
import { querySessions } from '../src/single-use.ts';

export interface TestDatabase {
  readonly spanner: Spanner;
  readonly database: Database;
  readonly databaseId: string;
  close(): Promise<void>;
}

export async function openTestDatabase(schema: readonly string[] = []): Promise<TestDatabase> {
  const { host, projectId, instanceId } = inject('spannerEmulator');
  process.env.SPANNER_EMULATOR_HOST = host;
  Object.assign(process.env, SPANNER_EMULATOR_CLIENT_ENV);
  const spanner = new Spanner({ projectId });
  const databaseId = `t_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const [database, operation] = await spanner.instance(instanceId).createDatabase(databaseId, { schema: [...schema] });
  await operation.promise();
  // As the service opens it on the emulator (open-storage.ts): its read-write transactions
  // take turns, since the emulator aborts a second one that starts meanwhile.
  takeTurnsOnEmulator(database);
  return {
    spanner,
    database,
    databaseId,
    async close() {
      // Sessions kept between single-use queries go back first, or the pool reads them as leaked.
      querySessions(database).drain();
      await database.close();
      spanner.close();
    },
  };
}
