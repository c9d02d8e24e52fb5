/**
 * A schema change Spanner refuses because another one, or a read-write transaction, is under way
 * ("Schema change operation rejected because a concurrent schema change operation or read-write
 * transaction is already in progress": the emulator refuses DDL beside another instance's
 * read-write transaction) is sent again within the call's deadline (schema.ts `ddl`), not
 * answered as a refusal. The refusal is injected into the real client's `updateSchema` once (the
 * race cannot be timed on the emulator), the way other tests slow a real client's call.
 */
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

let h: SpannerHarness;
beforeAll(async () => {
  h = await startSpannerHarness();
});
afterAll(async () => {
  await h?.close();
});

const REFUSAL =
  'Schema change operation rejected because a concurrent schema change operation or read-write transaction is already in progress.';

async function refusedTimes(times: number, change: () => Promise<{ status: number; body: unknown }>) {
  const { database } = h.db;
  const updateSchema = database.updateSchema.bind(database);
  let refused = 0;
  const spy = vi.spyOn(database, 'updateSchema').mockImplementation(((...args: Parameters<typeof updateSchema>) => {
    if (refused++ < times)
      return Promise.reject(Object.assign(new Error(`9 FAILED_PRECONDITION: ${REFUSAL}`), { code: 9 }));
    return updateSchema(...args);
  }) as typeof database.updateSchema);
  try {
    return await change();
  } finally {
    spy.mockRestore();
  }
}

test('a collections/update whose DDL is refused as concurrent is sent again and applies', async () => {
  const { client } = h.harness;
  const fields = [{ key: 'name', type: 'TEXT' }];
  expect((await client.createCollection({ id: 'busy', fields })).status).toBe(200);
  const updated = await refusedTimes(2, () =>
    client.updateCollection({ id: 'busy', fields: [...fields, { key: 'added', type: 'NUMBER' }] }),
  );
  expect(updated.status, JSON.stringify(updated.body)).toBe(200);
  const listed = await client.listCollections(['busy']);
  expect(listed.body.collections[0].fields.map((f: { key: string }) => f.key)).toContain('added');
});

test('refused every time, the change is answered as refused, naming the cause', async () => {
  const { client } = h.harness;
  expect((await client.createCollection({ id: 'always', fields: [] })).status).toBe(200);
  const updated = await refusedTimes(100, () =>
    client.updateCollection({ id: 'always', fields: [{ key: 'x', type: 'TEXT' }] }),
  );
  expect(updated.status).toBe(400);
  expect(JSON.stringify(updated.body)).toContain('concurrent schema change operation');
});
