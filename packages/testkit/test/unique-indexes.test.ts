/**
 * The memory reference's unique indexes (src/memory/unique-indexes.ts): a refused item's
 * violations name each indexed field and the item's value there, as every per-item violation
 * of a storage names a field — never the item's id as if it were one.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, startHarness } from '../src/index.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ storage: createMemoryStorage() });
});
afterAll(() => h.close());

test('a unique index clash names the field and its value, on insert and on update', async () => {
  const fields = [
    { key: 'email', type: 'TEXT' },
    { key: 'team', type: 'TEXT' },
    { key: 'n', type: 'NUMBER' },
  ];
  expect((await h.client.createCollection({ id: 'people', fields })).status).toBe(200);
  const byEmail = { name: 'by_email', fields: [{ path: 'email', order: 'ASC' }], unique: true };
  expect((await h.client.createIndex('people', byEmail)).status).toBe(200);
  const byTeamN = {
    name: 'by_team_n',
    fields: [
      { path: 'team', order: 'ASC' },
      { path: 'n', order: 'ASC' },
    ],
    unique: true,
  };
  expect((await h.client.createIndex('people', byTeamN)).status).toBe(200);
  await h.client.insert('people', [{ _id: '1', email: 'a@x', team: 't', n: 1 }]);

  const inserted = await h.client.insert('people', [{ _id: '5', email: 'a@x' }]);
  expect(inserted.body.results[0].error).toMatchObject({
    errorCode: 'VALIDATION_ERROR',
    data: { violations: [{ fieldPath: 'email', rejectedValue: 'a@x', message: expect.stringContaining('by_email') }] },
  });
  await h.client.insert('people', [{ _id: '6', email: 'b@x', team: 'u', n: 1 }]);
  const updated = await h.client.update('people', [{ _id: '6', email: 'b@x', team: 't', n: 1 }]);
  expect(updated.body.results[0].error.data.violations).toEqual([
    expect.objectContaining({ fieldPath: 'team', rejectedValue: 't' }),
    expect.objectContaining({ fieldPath: 'n', rejectedValue: '1' }),
  ]);
});
