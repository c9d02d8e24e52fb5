/**
 * One-shot bulk timings on a database target: 1,000 items in one insert call,
 * 10,000 items in ten calls of 1,000 (Wix's bulk maximum), and a truncate of
 * 10,000 items — each through the real signed API.
 */
import type { WixClient } from '@adaptors/testkit';

export interface BulkResult {
  readonly name: string;
  readonly ms: number;
  readonly items: number;
  readonly itemsPerSecond: number;
}

const item = (i: number) => ({
  commonName: `Bulk ${i}`,
  family: 'Lamiaceae',
  heightCm: i % 300,
  perennial: i % 2 === 0,
});

async function timed(name: string, items: number, work: () => Promise<void>): Promise<BulkResult> {
  const started = performance.now();
  await work();
  const ms = Math.round(performance.now() - started);
  return { name, ms, items, itemsPerSecond: Math.round((items * 1000) / Math.max(ms, 1)) };
}

async function insertBatch(client: WixClient, collectionId: string, from: number, count: number): Promise<void> {
  const result = await client.insert(
    collectionId,
    Array.from({ length: count }, (_, i) => item(from + i)),
  );
  const failed = (result.body?.results ?? []).filter((r: { error?: unknown }) => r.error).length;
  if (result.status !== 200 || failed > 0)
    throw new Error(`bulk insert failed: HTTP ${result.status}, ${failed} item errors`);
}

export async function runBulk(client: WixClient): Promise<BulkResult[]> {
  const collectionId = `bulk_${Date.now().toString(36)}`;
  const create = () =>
    client.createCollection({
      id: collectionId,
      fields: [
        { key: 'commonName', type: 'TEXT' },
        { key: 'family', type: 'TEXT' },
        { key: 'heightCm', type: 'NUMBER' },
        { key: 'perennial', type: 'BOOLEAN' },
      ],
    });
  let created = await create();
  // Right after the insert-one load the Spanner emulator may still be finishing
  // (aborted, retried) write transactions and refuses DDL meanwhile
  // ("concurrent schema change operation or read-write transaction"): wait, not fail.
  // A fresh emulator's first answers may also pass the service's deadline (504, nothing changed).
  for (
    let attempt = 0;
    created.status !== 200 &&
    (/concurrent/.test(JSON.stringify(created.body)) || created.status === 503 || created.status === 504) &&
    attempt < 20;
    attempt++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    created = await create();
  }
  if (created.status !== 200) throw new Error(`could not create ${collectionId}: ${JSON.stringify(created.body)}`);
  const results = [await timed('bulk insert 1,000 (one call)', 1000, () => insertBatch(client, collectionId, 0, 1000))];
  results.push(
    await timed('bulk insert 10,000 (10 calls of 1,000)', 10_000, async () => {
      for (let call = 0; call < 10; call++) await insertBatch(client, collectionId, 1000 + call * 1000, 1000);
    }),
  );
  results.push(
    await timed('truncate 11,000', 11_000, async () => {
      const result = await client.truncate(collectionId);
      if (result.status !== 200) throw new Error(`truncate failed: HTTP ${result.status}`);
    }),
  );
  const left = await client.count(collectionId);
  if (left.body?.totalCount !== 0) throw new Error(`truncate left ${left.body?.totalCount} items`);
  await client.deleteCollection(collectionId);
  return results;
}
