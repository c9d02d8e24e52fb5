/**
 * The core's re-read on a miss (Storage.refreshCollection, packages/core/SCALING.md) on two
 * instances of one database: instance B's cached definition is replaced by its own version check
 * (A added a field) after a call on B had begun; asked to refresh for that call, B answers
 * "changed" although its cache already holds the new definition, since the call may have run on
 * the old one (src/schema.ts `refresh`; packages/testkit/test/schema-refresh-race.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { createFirestoreStorage } from '../src/storage.ts';
import { emulatorClient, emulatorReader } from './support.ts';

test('a definition replaced after the call began is "changed" for that call, not for a later one', async () => {
  const projectId = `since-${randomUUID().slice(0, 8)}`;
  const open = () =>
    createFirestoreStorage(emulatorClient(projectId), { documentReader: emulatorReader(projectId), schemaCheckMs: 0 });
  const a = open();
  const b = open();
  const title = { key: 'title', type: 'TEXT' as const };
  const height = { key: 'height', type: 'NUMBER' as const };
  const created = await a.createCollection({ id: 'plants', fields: [title] });
  expect((await b.getCollection('plants'))?.fields.map((f) => f.key)).not.toContain('height');
  const callBegan = Date.now();
  await a.updateCollection({ ...created, fields: [...created.fields, height] });
  // B's own version check (every call reads it here) replaces the cached definition.
  expect((await b.getCollection('plants'))?.fields.map((f) => f.key)).toContain('height');
  expect(await b.refreshCollection?.('plants', callBegan)).toBe(true);
  // A call that began after the replacement, or a caller that does not say: compared as before.
  await new Promise((resolve) => setTimeout(resolve, 2));
  expect(await b.refreshCollection?.('plants', Date.now())).toBe(false);
  expect(await b.refreshCollection?.('plants')).toBe(false);
});
