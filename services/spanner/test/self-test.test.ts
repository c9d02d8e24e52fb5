/**
 * The self-test behind the status page's button and `adaptors doctor`
 * (packages/core/src/self-test.ts) on Spanner: the round trip passes on a
 * throwaway collection and leaves nothing behind; a read-only schema gets the
 * read-only check, which writes nothing.
 */
import { runSelfTest } from '@adaptors/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startSpannerHarness } from './storage-harness.ts';

const ROUND_TRIP = ['capabilities', 'create collection', 'insert', 'query', 'update', 'remove', 'delete collection'];

describe('self-test on spanner', () => {
  let h: Awaited<ReturnType<typeof startSpannerHarness>> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('round trip: every step passes, signed over HTTP, and the collection is gone afterwards', async () => {
    h = await startSpannerHarness();
    const client = h.harness.client;
    const report = await runSelfTest((endpoint, request) => client.call(endpoint, request));
    expect(report.ok, JSON.stringify(report.steps)).toBe(true);
    expect(report.steps.map((step) => step.step)).toEqual(ROUND_TRIP);
    const listed = (await client.listCollections()).body.collections as { id: string }[];
    expect(listed.map((c) => c.id)).not.toContain(report.collectionId);
  });

  it('read-only schema: collections/get and nothing written', async () => {
    h = await startSpannerHarness({ readOnlySchema: true });
    const client = h.harness.client;
    const report = await runSelfTest((endpoint, request) => client.call(endpoint, request));
    expect(report).toMatchObject({ mode: 'read-only', ok: true });
    expect(report.steps.map((step) => step.endpoint)).toEqual(['capabilities/get', 'collections/get']);
  });
});
