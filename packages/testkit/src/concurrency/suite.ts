/**
 * `defineConcurrencySuite(name, open, { clients, opsPerClient })`: many
 * clients at once on overlapping ids — insert, update, remove, truncate,
 * count and cursor paging while others write — checked against a model of
 * what was confirmed:
 * - every answer is a 2xx or a shaped 4xx; a 503 (retry) or a 504 (the call's
 *   deadline passed, packages/core/src/deadline.ts) leaves its write unconfirmed,
 *   a 500 or a call with no answer fails;
 * - no `_id` appears twice in a listing or within one cursor walk;
 * - every confirmed insert of a unique id exists unless a remove of it was sent;
 *   every confirmed remove of one is gone;
 * - a pool id exists only if some insert of it was sent, and `count` agrees
 *   with the listing;
 * - on the truncated collection, every insert sent after the last truncate
 *   was confirmed (or refused with a 503) exists; when a truncate's outcome
 *   is unknown (a 504, or `writeOutcome: UNKNOWN`: it may still be deleting),
 *   the collection is read once it stops changing and only the listing's own
 *   consistency is checked.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type CallResult, WixClient } from '../client.ts';
import { errorShapeProblem } from '../fuzz/judge.ts';
import { type Harness, startHarness } from '../harness.ts';
import type { OpenStorage, StorageUnderTest } from '../storage-under-test.ts';

export interface ConcurrencyOptions {
  /** Clients at once (default 50). */
  readonly clients?: number;
  /** Operations per client on each collection (default 6); CONCURRENCY_OPS overrides. */
  readonly opsPerClient?: number;
  /** How long one call may go unanswered before it fails the run (default 30 s). */
  readonly callTimeoutMs?: number;
}

const FIELDS = [
  { key: 'name', type: 'TEXT' },
  { key: 'n', type: 'NUMBER' },
];
const POOL = Array.from({ length: 20 }, (_, i) => `k${String(i).padStart(2, '0')}`);
/** Generous: the answer may queue behind 49 others on a single-writer emulator; none at all fails. */
const CALL_TIMEOUT_MS = 30_000;

type Answer = CallResult<Record<string, unknown>> | { failed: string };

interface Model {
  readonly problems: string[];
  readonly confirmedInserts: Set<string>;
  readonly removesSent: Set<string>;
  readonly confirmedRemoves: Set<string>;
  readonly insertsSent: Set<string>;
  readonly unconfirmed: number[];
  /** Per cursor walk, the ids it returned. */
  readonly walks: string[][];
}

function newModel(): Model {
  return {
    problems: [],
    confirmedInserts: new Set(),
    removesSent: new Set(),
    confirmedRemoves: new Set(),
    insertsSent: new Set(),
    unconfirmed: [0],
    walks: [],
  };
}

export function defineConcurrencySuite(name: string, open: OpenStorage, options: ConcurrencyOptions = {}): void {
  const clients = options.clients ?? 50;
  const ops = Number(process.env.CONCURRENCY_OPS ?? options.opsPerClient ?? 6);

  describe(`concurrency: ${name}`, () => {
    let opened: StorageUnderTest | undefined;
    let harness: Harness;
    let client: WixClient;

    beforeAll(async () => {
      opened = await open();
      harness = await startHarness({ storage: opened.storage, clientTimeoutMs: 120_000 });
      client = new WixClient({
        baseUrl: harness.url,
        signer: harness.signer,
        timeoutMs: options.callTimeoutMs ?? CALL_TIMEOUT_MS,
      });
    });

    afterAll(async () => {
      await harness?.close();
      await opened?.close();
    });

    /** One call, judged: a 5xx other than 503/504, an unshaped error or no answer is a problem. */
    async function send(model: Model, path: string, request: Record<string, unknown>): Promise<Answer> {
      let answer: Answer;
      try {
        answer = await client.call(path, request);
      } catch (error) {
        answer = { failed: `${(error as Error).name}: ${(error as Error).message}` };
      }
      if ('failed' in answer) model.problems.push(`${path}: no answer (${answer.failed})`);
      else if ((answer.status === 503 || answer.status === 504) && !errorShapeProblem(answer))
        model.unconfirmed[0] = (model.unconfirmed[0] ?? 0) + 1;
      else if (answer.status >= 500)
        model.problems.push(`${path} ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      else if (answer.status >= 400 && errorShapeProblem(answer))
        model.problems.push(`${path} ${answer.status}: ${errorShapeProblem(answer)}`);
      return answer;
    }

    const ok = (a: Answer): a is CallResult<Record<string, unknown>> => !('failed' in a) && a.status === 200;
    const writeOutcomeUnknown = (a: Answer): boolean =>
      !('failed' in a) && (a.body.data as { writeOutcome?: unknown } | undefined)?.writeOutcome === 'UNKNOWN';
    const firstResult = (a: Answer) =>
      ok(a) ? ((a.body.results as { item?: { _id: string }; error?: { errorCode: string } }[])[0] ?? {}) : undefined;

    async function walk(model: Model, collectionId: string): Promise<void> {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 200; page++) {
        const answer = await send(model, 'items/query', {
          collectionId,
          query: { sort: [{ fieldName: 'n', order: 'ASC' }], cursorPaging: { limit: 7, cursor } },
        });
        if (!ok(answer)) return;
        ids.push(...(answer.body.items as { _id: string }[]).map((i) => i._id));
        cursor = (answer.body.pagingMetadata as { cursors?: { next?: string | null } }).cursors?.next ?? null;
        if (!cursor) break;
      }
      model.walks.push(ids);
    }

    async function listing(collectionId: string): Promise<string[]> {
      const ids: string[] = [];
      for (let offset = 0; ; offset += 1000) {
        const answer = await harness.client.query(collectionId, { paging: { offset, limit: 1000 } });
        expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
        ids.push(...answer.body.items.map((i: { _id: string }) => i._id));
        if (answer.body.items.length < 1000) return ids;
      }
    }

    test(`${clients} clients × ${ops} operations on overlapping ids, with cursor walks while writing`, async () => {
      const collectionId = `cc_${Date.now().toString(36)}`;
      expect((await harness.client.createCollection({ id: collectionId, fields: FIELDS })).status).toBe(200);
      const model = newModel();
      let counter = 0;
      const worker = async (c: number) => {
        for (let i = 0; i < ops; i++) {
          const pick = (c * 7 + i * 13) % 8;
          const poolId = POOL[(c * 3 + i * 5) % POOL.length] as string;
          const unique = `u${c}_${i}`;
          const n = counter++;
          if (pick <= 2) {
            model.insertsSent.add(unique);
            const r = firstResult(
              await send(model, 'items/insert', { collectionId, items: [{ _id: unique, name: unique, n }] }),
            );
            if (r?.item) model.confirmedInserts.add(unique);
          } else if (pick === 3) {
            model.insertsSent.add(poolId);
            const r = firstResult(
              await send(model, 'items/insert', { collectionId, items: [{ _id: poolId, name: 'p', n }] }),
            );
            if (r && !r.item && r.error?.errorCode !== 'ITEM_ALREADY_EXISTS')
              model.problems.push(`insert ${poolId}: ${JSON.stringify(r)}`);
          } else if (pick === 4) {
            const r = firstResult(
              await send(model, 'items/update', { collectionId, items: [{ _id: poolId, name: 'u', n }] }),
            );
            if (r && !r.item && r.error?.errorCode !== 'ITEM_NOT_FOUND')
              model.problems.push(`update ${poolId}: ${JSON.stringify(r)}`);
          } else if (pick === 5) {
            // Remove one of this client's earlier unique ids (or a pool id).
            const target = i > 0 && c % 2 === 0 ? `u${c}_${i - 1}` : poolId;
            model.removesSent.add(target);
            const r = firstResult(await send(model, 'items/remove', { collectionId, itemIds: [target] }));
            if (r?.item) model.confirmedRemoves.add(target);
          } else if (pick === 6) {
            await walk(model, collectionId);
          } else {
            await send(model, 'items/count', { collectionId });
          }
        }
      };
      await Promise.all(Array.from({ length: clients }, (_, c) => worker(c)));

      const ids = await listing(collectionId);
      const present = new Set(ids);
      expect(model.problems, model.problems.slice(0, 10).join('\n')).toEqual([]);
      expect(ids.length, 'no _id listed twice').toBe(present.size);
      for (const walked of model.walks)
        expect(walked.length, 'no _id twice in one cursor walk').toBe(new Set(walked).size);
      expect(model.walks.length).toBeGreaterThan(0);
      expect(model.confirmedInserts.size).toBeGreaterThan(0);
      for (const id of model.confirmedInserts) {
        if (!model.removesSent.has(id)) expect(present.has(id), `confirmed insert ${id} exists`).toBe(true);
      }
      for (const id of model.confirmedRemoves) {
        if (id.startsWith('u')) expect(present.has(id), `confirmed remove ${id} is gone`).toBe(false);
      }
      for (const id of present) expect(model.insertsSent.has(id), `${id} was inserted by someone`).toBe(true);
      const counted = await harness.client.count(collectionId);
      expect(counted.body.totalCount).toBe(ids.length);
      process.stdout.write(
        `concurrency ${name}: ${clients}×${ops} ops, ${model.confirmedInserts.size} confirmed inserts, ${model.walks.length} cursor walks, ${model.unconfirmed[0]} answered 503/504\n`,
      );
    }, 600_000);

    test(`${clients} clients inserting while others truncate`, async () => {
      const collectionId = `ct_${Date.now().toString(36)}`;
      expect((await harness.client.createCollection({ id: collectionId, fields: FIELDS })).status).toBe(200);
      const model = newModel();
      let lastTruncateDone = 0;
      let clock = 0;
      // A truncate whose outcome is unknown may still be deleting, at any time (errors.deadlineExceeded:
      // the database can go on after the adaptor stopped waiting).
      let unconfirmedTruncates = 0;
      const sentAt = new Map<string, number>();
      const worker = async (c: number) => {
        for (let i = 0; i < ops; i++) {
          if (c % 10 === 0 && i % 3 === 1) {
            const answer = await send(model, 'items/truncate', { collectionId });
            const status = 'failed' in answer ? undefined : answer.status;
            // An answer whose outcome is unknown (a 504, or a 503 saying so: errors.writeOutcomeUnknown)
            // may still be at work; any other 503 did what it did before it answered.
            if (status === 504 || (status === 503 && writeOutcomeUnknown(answer))) unconfirmedTruncates++;
            else if (status === 200 || status === 503) lastTruncateDone = Math.max(lastTruncateDone, ++clock);
          } else {
            const id = `t${c}_${i}`;
            sentAt.set(id, ++clock);
            const r = firstResult(await send(model, 'items/insert', { collectionId, items: [{ _id: id, n: i }] }));
            if (r?.item) model.confirmedInserts.add(id);
          }
        }
      };
      await Promise.all(Array.from({ length: clients }, (_, c) => worker(c)));
      const { ids, counted } =
        unconfirmedTruncates > 0
          ? await settled(collectionId)
          : { ids: await listing(collectionId), counted: undefined };
      expect(model.problems, model.problems.slice(0, 10).join('\n')).toEqual([]);
      expect(ids.length, 'no _id listed twice').toBe(new Set(ids).size);
      const present = new Set(ids);
      // With an unconfirmed truncate still possibly at work, no confirmed insert is sure to remain.
      if (unconfirmedTruncates === 0) {
        for (const id of model.confirmedInserts) {
          if ((sentAt.get(id) ?? 0) > lastTruncateDone)
            expect(present.has(id), `${id}, inserted after the last truncate`).toBe(true);
        }
      }
      for (const id of present) expect(sentAt.has(id), `${id} was inserted by someone`).toBe(true);
      expect(counted ?? (await harness.client.count(collectionId)).body.totalCount).toBe(ids.length);
    }, 600_000);

    /**
     * The listing and count once the collection stopped changing (two readings a second apart
     * agree), for when a truncate of unknown outcome may still be deleting in the background.
     */
    async function settled(collectionId: string): Promise<{ ids: string[]; counted: number }> {
      let previous = '';
      for (let attempt = 0; ; attempt++) {
        const ids = await listing(collectionId);
        const counted = (await harness.client.count(collectionId)).body.totalCount as number;
        const reading = `${counted}:${[...ids].sort().join(',')}`;
        if ((reading === previous && counted === ids.length) || attempt >= 60) return { ids, counted };
        previous = reading;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  });
}
