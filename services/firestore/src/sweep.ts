/**
 * Writes over every document a query finds — a collection's documents on delete and truncate,
 * a removed field's values (storage.ts) — in pages, within the call's deadline.
 *
 * Why pages and not `recursiveDelete` or one stream: on 21,000 documents either outlasted the
 * 5 s deadline (REQUEST_DEADLINE_MS) and went on after the 504, in the background, where Cloud
 * Run may throttle the CPU of an instance that answered (infra cpu_idle) and a restart loses it.
 * A sweep here stops before the deadline, between pages, and says so (`unfinished`); what it
 * was doing is recorded in the collection's metadata document (schema.ts: `deleting`,
 * `dropping`), so the next call finishes it rather than the work being lost.
 *
 * Each page is read, then `fence` is asked (one document read) whether the sweep still has
 * the work to do, then written with each document's read update time as precondition. So a
 * sweep another call has finished or made moot meanwhile (the collection re-created, the field
 * re-added) writes nothing it read after that change: a page read before the fence holds only
 * documents as they were before it, and a document written since fails its precondition.
 */
import { currentDeadline, SpiError } from '@adaptors/core';
import type { BulkWriter, Firestore, Precondition, Query, QueryDocumentSnapshot } from '@google-cloud/firestore';
import { GRPC, grpcCode } from './errors.ts';
import { newBulkWriter } from './writes.ts';

/** Documents per page: one query, one fence read, then its writes (BulkWriter batches them). */
export const SWEEP_PAGE = 1000;

/** Kept for what follows a sweep in its call (metadata writes, the answer). */
const RESERVE_MS = 400;

export interface SweepOptions {
  /** The documents still to write; re-read from its start for every page (written ones no longer match). */
  readonly query: Query;
  /** One document's write, given its read update time as precondition (undefined: unconditional). */
  readonly write: (writer: BulkWriter, doc: QueryDocumentSnapshot, precondition: Precondition | undefined) => unknown;
  /** Whether the sweep is still this call's to do; asked after each page is read. Unset: always. */
  readonly fence?: () => Promise<boolean>;
  /** Write each document only if it is unchanged since its page was read (default true). */
  readonly conditional?: boolean;
}

export interface SweepResult {
  /** Every document written: the query finds none. */
  readonly done: boolean;
  /** The fence said another call finished or superseded the work. */
  readonly fenced: boolean;
  /** Documents written by this sweep. */
  readonly written: number;
}

/**
 * Whether another page fits in the call's time: twice the last page's time plus the reserve,
 * so the call still answers with its own words (a 504 naming what is left) before the core's
 * deadline answers for it.
 */
function roomFor(pageMs: number): boolean {
  const deadline = currentDeadline();
  if (!deadline) return true;
  return deadline.expiresAt - Date.now() > 2 * pageMs + RESERVE_MS;
}

export async function sweep(db: Firestore, options: SweepOptions): Promise<SweepResult> {
  const conditional = options.conditional ?? true;
  let written = 0;
  // A guess for the first page; later pages are timed.
  let pageMs = 500;
  for (;;) {
    if (!roomFor(pageMs)) return { done: false, fenced: false, written };
    const started = Date.now();
    const page = await options.query.select().limit(SWEEP_PAGE).get();
    if (page.empty) return { done: true, fenced: false, written };
    if (options.fence && !(await options.fence())) return { done: false, fenced: true, written };
    const writer = newBulkWriter(db);
    const failures: unknown[] = [];
    try {
      for (const doc of page.docs) {
        const precondition = conditional ? { lastUpdateTime: doc.updateTime } : undefined;
        Promise.resolve(options.write(writer, doc, precondition)).then(
          () => {
            written++;
          },
          (error: unknown) => {
            // Written or deleted by someone else since the page was read: the next page reads it again.
            const code = grpcCode(error);
            if (code !== GRPC.FAILED_PRECONDITION && code !== GRPC.NOT_FOUND) failures.push(error);
          },
        );
      }
    } finally {
      await writer.close();
    }
    if (failures.length > 0) throw failures[0];
    pageMs = Date.now() - started;
  }
}

/**
 * The answer of a call whose sweep stopped at the deadline: a 504 saying what was done, that
 * what is left is recorded, and that the same call again finishes it. `writeOutcome` stays
 * UNKNOWN for the core (packages/core/src/adaptor/adaptor.ts), which otherwise words it anew.
 */
export function unfinished(what: string, left: string, written: number): SpiError {
  const deadline = currentDeadline();
  const within = deadline ? ` within ${deadline.budgetMs} ms (REQUEST_DEADLINE_MS)` : '';
  return new SpiError(
    'DEADLINE_EXCEEDED',
    `${what} did not finish${within}: ${written} documents were written by this call and ${left}. This is recorded; send the same call again to finish it (or raise REQUEST_DEADLINE_MS).`,
    { ...(deadline ? { deadlineMs: deadline.budgetMs } : {}), writeOutcome: 'UNKNOWN', unfinished: true },
  );
}
