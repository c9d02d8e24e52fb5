/**
 * A field added through another instance, met by a call whose cached definition predates it
 * (packages/core/SCALING.md): the core asks the storage to re-read (`refreshCollection`) and
 * goes on with the definition it then reads. The storage's answer compares the fresh read with
 * its *current* snapshot, which its own background check may already have replaced by the new
 * definition after the call had read the old one: "unchanged" then, although the call holds
 * the old one. The core must still go on with the definition the storage now has, not the one
 * it read before asking (packages/core/src/adaptor/collections.ts `resolveCollection`); and for a
 * call refused on the old definition (a filter on the new field), it tells the storage when the
 * call began, so a storage whose cache was replaced since can answer "changed" and the call runs
 * once more (packages/core/src/adaptor/adaptor.ts; sql-storage schema-cache.ts `refresh`).
 */
import type { Storage, StoredCollection } from '@adaptors/core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, startHarness } from '../src/index.ts';

/**
 * The memory storage behind a schema cache as another instance's would behave: it answers
 * `getCollection` once from the definition cached before the field was added elsewhere, and
 * its background check has swapped in the new definition by the time `refreshCollection` is
 * asked, which therefore finds nothing changed.
 */
function cacheSwappedDuringCall(storage: Storage, stale: Map<string, StoredCollection>): Storage {
  return Object.assign(Object.create(storage) as Storage, {
    async getCollection(id: string) {
      const old = stale.get(id);
      if (old) {
        // Answered from the old definition; the background check replaces it right after.
        stale.delete(id);
        swappedAt = Date.now();
        return old;
      }
      return storage.getCollection(id);
    },
    // The storage's answer as a cache replaced after the call began answers it (sql-storage
    // schema-cache.ts `refresh`): "changed" when it was replaced after `since`, the call's start.
    async refreshCollection(_id: string, since?: number) {
      sinces.push(since);
      return since !== undefined && swappedAt >= since;
    },
  });
}

/** The `since` of every refreshCollection call; when the cache was last replaced (Date.now()). */
const sinces: (number | undefined)[] = [];
let swappedAt = Number.NEGATIVE_INFINITY;

const memory = createMemoryStorage();
const stale = new Map<string, StoredCollection>();
let h: Harness;

beforeAll(async () => {
  h = await startHarness({ storage: cacheSwappedDuringCall(memory, stale) });
});
afterAll(() => h.close());

/** `plants` gets `fields` (a change made through another instance); this one's next read answers the definition before. */
async function addedElsewhere(fields: { key: string; type: string }[]): Promise<void> {
  const before = await memory.getCollection('plants');
  if (!before) throw new Error('plants is missing');
  expect((await h.client.updateCollection({ id: 'plants', fields })).status).toBe(200);
  stale.set('plants', before);
}

test('an insert with a field added elsewhere succeeds when the cache was swapped during the call', async () => {
  const plants = { id: 'plants', fields: [{ key: 'title', type: 'TEXT' }] };
  expect((await h.client.createCollection(plants)).status).toBe(200);
  // Another instance adds `height`; this one's cached definition still lacks it for this call.
  await addedElsewhere([
    { key: 'title', type: 'TEXT' },
    { key: 'height', type: 'NUMBER' },
  ]);
  const inserted = await h.client.insert('plants', [{ _id: 'p1', title: 'fern', height: 30 }]);
  expect(inserted.status, JSON.stringify(inserted.body)).toBe(200);
  expect(inserted.body.results?.[0]?.error, JSON.stringify(inserted.body)).toBeUndefined();
  expect(stale.has('plants')).toBe(false);
  const read = await h.client.query('plants', {});
  expect(read.body.items).toMatchObject([{ _id: 'p1', title: 'fern', height: 30 }]);
});

test('a query filtering on a field added elsewhere is run again when the cache was replaced during the call', async () => {
  await addedElsewhere([
    { key: 'title', type: 'TEXT' },
    { key: 'height', type: 'NUMBER' },
    { key: 'colour', type: 'TEXT' },
  ]);
  sinces.length = 0;
  const sent = Date.now();
  const read = await h.client.query('plants', { filter: { colour: { $eq: 'green' } } });
  expect(read.status, JSON.stringify(read.body)).toBe(200);
  expect(read.body.items).toEqual([]);
  // The core said when the call began: not before it was sent, not after the answer.
  expect(sinces).toHaveLength(1);
  expect(sinces[0]).toBeGreaterThanOrEqual(sent - 1);
  expect(sinces[0]).toBeLessThanOrEqual(Date.now());
});
