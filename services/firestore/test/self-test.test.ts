/**
 * The self-test behind the status page's button and `adaptors doctor`
 * (packages/core/src/self-test.ts) on the Firestore emulator: the round trip
 * passes on a throwaway collection and leaves nothing behind.
 */
import { runSelfTest } from '@adaptors/core';
import { type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { emulatorStorage } from './support.ts';

const ROUND_TRIP = ['capabilities', 'create collection', 'insert', 'query', 'update', 'remove', 'delete collection'];

describe('self-test on firestore', () => {
  let h: Harness | undefined;
  afterAll(async () => {
    await h?.close();
  });

  it('round trip: every step passes, signed over HTTP, and the collection is gone afterwards', async () => {
    h = await startHarness({ storage: emulatorStorage().storage });
    const client = h.client;
    const report = await runSelfTest((endpoint, request) => client.call(endpoint, request));
    expect(report.ok, JSON.stringify(report.steps)).toBe(true);
    expect(report.steps.map((step) => step.step)).toEqual(ROUND_TRIP);
    const listed = (await client.listCollections()).body.collections as { id: string }[];
    expect(listed.map((c) => c.id)).not.toContain(report.collectionId);
  });
});
