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
 *
 * A query in document-name order (a whole collection: delete, truncate) has its next page read
 * while this one's writes run, from after the page's last document; the fence is still asked
 * after that read, before its writes. A page read so can miss a document written meanwhile
 * before its cursor, so the sweep is done only when a read from the start finds nothing.
 */
import { currentDeadline, SpiError } from '@adaptors/core';
import type {
  BulkWriter,
  Firestore,
  Precondition,
  Query,
  QueryDocumentSnapshot,
  QuerySnapshot,
} from '@google-cloud/firestore';
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
  /**
   * The query is in document-name order (no filter, no order: a whole collection), so the next
   * page can be read after the last document of this one while its writes run.
   */
  readonly nameOrdered?: boolean;
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
  const pageQuery = options.query.select().limit(SWEEP_PAGE);
  // The next page, read while the current one is written (nameOrdered only).
  let next: Promise<QuerySnapshot> | undefined;
  for (;;) {
    if (!roomFor(pageMs)) return { done: false, fenced: false, written };
    const started = Date.now();
    let page = await (next ?? pageQuery.get());
    // Read after a cursor: a document written before it meanwhile is found only from the start.
    if (page.empty && next) page = await pageQuery.get();
    next = undefined;
    if (page.empty) return { done: true, fenced: false, written };
    if (options.fence && !(await options.fence())) return { done: false, fenced: true, written };
    const last = page.docs[page.docs.length - 1];
    if (options.nameOrdered && page.size === SWEEP_PAGE && last) {
      next = pageQuery.startAfter(last).get();
      // Handled at once: a failure while this page is written would otherwise be an unhandled
      // rejection; awaiting `next` still throws it. Unused if the sweep stops before that page.
      next.catch(() => undefined);
    }
    written += await writePage(db, page, options.write, conditional);
    pageMs = Date.now() - started;
  }
}

/** One page's writes through one BulkWriter; the number written (a document changed or gone since its read is skipped). */
async function writePage(
  db: Firestore,
  page: QuerySnapshot,
  write: SweepOptions['write'],
  conditional: boolean,
): Promise<number> {
  let written = 0;
  const writer = newBulkWriter(db);
  const failures: unknown[] = [];
  try {
    for (const doc of page.docs) {
      const precondition = conditional ? { lastUpdateTime: doc.updateTime } : undefined;
      Promise.resolve(write(writer, doc, precondition)).then(
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
  return written;
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
