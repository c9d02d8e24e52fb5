/** A Spanner storage on a fresh emulator database, for the hostile-input suites of @adaptors/testkit. */
import type { OpenStorage } from '@adaptors/testkit';
import { createSpannerStorage } from '../src/storage.ts';
import { openTestDatabase } from './emulator-database.ts';

export const openSpannerStorage: OpenStorage = async () => {
  const db = await openTestDatabase();
  const storage = createSpannerStorage({ database: db.database, close: () => db.spanner.close() });
  return { storage, close: () => storage.close() };
};
