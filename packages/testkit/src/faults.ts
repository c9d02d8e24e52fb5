/**
 * Pieces of the engine fault tests (services/<db>/test/faults.test.ts): the
 * readiness probe as Wix's platform sees it, a write load that keeps what
 * every answer said about every item, and the check that no write the
 * caller was not told about ended up stored. The engines are frozen, killed
 * and restarted with the launchers' FaultControls (emulators/process-faults.ts).
 */
import type { WixClient } from './client.ts';

export interface Readiness {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export async function readiness(baseUrl: string): Promise<Readiness> {
  const response = await fetch(`${baseUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Polls /readyz until it answers 200 (the service recovers by itself); throws after `timeoutMs`. */
export async function waitUntilReady(baseUrl: string, timeoutMs = 30_000): Promise<Readiness> {
  const end = Date.now() + timeoutMs;
  let last: Readiness | undefined;
  while (Date.now() < end) {
    last = await readiness(baseUrl);
    if (last.status === 200) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${JSON.stringify(last?.body)}`);
}

/** What the answers of a write load said about each item id. */
export interface WriteTally {
  /** The answer confirmed the item (per-item result with the item). */
  readonly confirmed: Set<string>;
  /** The answer said the outcome is unknown (DEADLINE_EXCEEDED with writeOutcome UNKNOWN). */
  readonly unknown: Set<string>;
  /** The answer said the write failed (any other error): it must not be stored. */
  readonly failed: Set<string>;
  /** Every answer's status and errorCode, for assertions on their shape. */
  readonly answers: { status: number; errorCode?: string; writeOutcome?: unknown }[];
}

/**
 * Sends `calls` concurrent items/insert calls of `batchSize` items each (ids
 * `${prefix}-<call>-<n>`) and tallies every answer per item id.
 */
export async function insertLoad(
  client: WixClient,
  collectionId: string,
  options: { readonly prefix: string; readonly calls: number; readonly batchSize: number },
): Promise<WriteTally> {
  const tally: WriteTally = { confirmed: new Set(), unknown: new Set(), failed: new Set(), answers: [] };
  await Promise.all(
    Array.from({ length: options.calls }, async (_, call) => {
      const ids = Array.from({ length: options.batchSize }, (_, n) => `${options.prefix}-${call}-${n}`);
      const result = await client.insert(
        collectionId,
        ids.map((_id, n) => ({ _id, n })),
      );
      const body = (result.body ?? {}) as Record<string, unknown>;
      const data = (body.data ?? null) as Record<string, unknown> | null;
      tally.answers.push({
        status: result.status,
        errorCode: typeof body.errorCode === 'string' ? body.errorCode : undefined,
        writeOutcome: data?.writeOutcome,
      });
      if (result.status === 200) {
        const results = (body.results ?? []) as { item?: unknown; error?: unknown }[];
        for (const [i, id] of ids.entries()) (results[i]?.item ? tally.confirmed : tally.failed).add(id);
      } else if (data?.writeOutcome === 'UNKNOWN') {
        for (const id of ids) tally.unknown.add(id);
      } else {
        for (const id of ids) tally.failed.add(id);
      }
    }),
  );
  return tally;
}

/** Ids of a load that are stored although their answer said they failed; must be empty. */
export function silentlyApplied(tally: WriteTally, stored: Iterable<string>): string[] {
  return [...stored].filter((id) => tally.failed.has(id));
}

/** Ids the answers confirmed that are not stored; must be empty. */
export function lostConfirmed(tally: WriteTally, stored: Iterable<string>): string[] {
  const have = new Set(stored);
  return [...tally.confirmed].filter((id) => !have.has(id));
}

/**
 * Every `_id` of a collection, read back through the adaptor in pages. A
 * page answered 503/504 is asked again for up to `patienceMs`: an engine that
 * was just resumed or restarted may still be slow on a loaded machine, and
 * what is stored is the question here, not how fast it is read.
 */
export async function storedIds(client: WixClient, collectionId: string, patienceMs = 30_000): Promise<Set<string>> {
  const ids = new Set<string>();
  const giveUp = Date.now() + patienceMs;
  for (let offset = 0; ; offset += 1000) {
    let result = await client.query(collectionId, { paging: { limit: 1000, offset }, fields: ['_id'] });
    while ((result.status === 503 || result.status === 504) && Date.now() < giveUp) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      result = await client.query(collectionId, { paging: { limit: 1000, offset }, fields: ['_id'] });
    }
    if (result.status !== 200) throw new Error(`reading ${collectionId} back: ${JSON.stringify(result.body)}`);
    const items = ((result.body as { items?: { _id: string }[] }).items ?? []).map((item) => item._id);
    for (const id of items) ids.add(id);
    if (items.length < 1000) return ids;
  }
}
