/**
 * READ_ONLY_SCHEMA on Firestore, as on the SQL services (one setting for all,
 * packages/core/src/config/schema-settings.ts): capabilities say so, the core
 * refuses collection changes, and items are still written.
 */
import { randomUUID } from 'node:crypto';
import { startHarness } from '@adaptors/testkit';
import { expect, test } from 'vitest';
import { createFirestoreStorage } from '../src/storage.ts';
import { emulatorClient } from './support.ts';

test('READ_ONLY_SCHEMA: capabilities say so, schema changes are refused, items are still written', async () => {
  const id = 'plants';
  // Two clients on one emulator project (closing a harness terminates its client).
  const project = `test-ro-${randomUUID().slice(0, 8)}`;
  const writable = await startHarness({ storage: createFirestoreStorage(emulatorClient(project)) });
  try {
    const fields = [{ key: 'title', type: 'TEXT' }];
    expect((await writable.client.createCollection({ id, fields })).status).toBe(200);
  } finally {
    await writable.close();
  }
  const storage = createFirestoreStorage(emulatorClient(project), { readOnlySchema: true });
  const harness = await startHarness({ storage });
  try {
    expect((await harness.client.capabilities()).body.supportsCollectionModifications).toBe(false);
    const refused = await harness.client.createCollection({ id: `${id}_new`, fields: [] });
    expect(refused.status).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(await storage.getCollection(`${id}_new`)).toBeUndefined();
    expect((await harness.client.deleteCollection(id)).body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    const inserted = await harness.client.insert(id, [{ _id: 'a', title: 'kept' }]);
    expect(inserted.status).toBe(200);
    expect((await harness.client.query(id)).body.items).toMatchObject([{ _id: 'a', title: 'kept' }]);
  } finally {
    await harness.close();
  }
});
