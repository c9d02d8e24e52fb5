/**
 * The self-test behind the status page's button and `adaptors doctor`
 * (packages/core/src/self-test.ts) as a suite a service runs on its real engine:
 * the signed round trip passes on a throwaway collection and leaves nothing
 * behind; with a read-only schema, the read-only check writes nothing.
 */
import { runSelfTest } from '@adaptors/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { WixClient } from './client.ts';

export interface SelfTestTarget {
  readonly client: WixClient;
  close(): Promise<void>;
}

const ROUND_TRIP = ['capabilities', 'create collection', 'insert', 'query', 'update', 'remove', 'delete collection'];

/** `start({ readOnlySchema })` opens a fresh, empty database; `readOnly: false` where the engine has no such mode. */
export function defineSelfTestSuite(
  engine: string,
  start: (options: { readonly readOnlySchema: boolean }) => Promise<SelfTestTarget>,
  options: { readonly readOnly?: boolean } = {},
): void {
  describe(`self-test on ${engine}`, () => {
    let target: SelfTestTarget | undefined;
    afterEach(async () => {
      await target?.close();
      target = undefined;
    });

    it('round trip: every step passes, signed over HTTP, and the collection is gone afterwards', async () => {
      target = await start({ readOnlySchema: false });
      const { client } = target;
      const report = await runSelfTest((endpoint, request) => client.call(endpoint, request));
      expect(report.ok, JSON.stringify(report.steps)).toBe(true);
      expect(report.steps.map((step) => step.step)).toEqual(ROUND_TRIP);
      const listed = (await client.listCollections()).body.collections as { id: string }[];
      expect(listed.map((c) => c.id)).not.toContain(report.collectionId);
    });

    if (options.readOnly === false) return;
    it('read-only schema: collections/get and nothing written', async () => {
      target = await start({ readOnlySchema: true });
      const { client } = target;
      const report = await runSelfTest((endpoint, request) => client.call(endpoint, request));
      expect(report).toMatchObject({ mode: 'read-only', ok: true });
      expect(report.steps.map((step) => step.endpoint)).toEqual(['capabilities/get', 'collections/get']);
    });
  });
}
