/**
 * The call's deadline on Firestore (packages/core/src/deadline.ts,
 * packages/core/src/storage.ts "Deadlines").
 *
 * The Firestore client takes no per-call timeout or AbortSignal: its
 * queries, gets, commits and batch writes build their gax call options
 * themselves (`Firestore.createCallOptions`: headers and retry codes only).
 * What it does pass on is the gapic `clientConfig` of its settings, whose
 * per-method `timeout_millis` is each RPC's default gRPC deadline (defaults:
 * 60 s for Commit/BatchWrite, 300 s for RunQuery). `firestoreDeadlineSettings`
 * sets it to REQUEST_DEADLINE_MS for every data method. Measured, though: a
 * query or a batch commit to a host that accepts the connection and never
 * answers still waits far past it (batch commits carry their own retry
 * settings; streams wait in the client's setup), so what bounds a call is
 * the core's deadline, and what keeps a late write out is `stopAtDeadline`
 * before every commit of a transaction (transactions.ts).
 *
 * gax re-sends Commit and BatchWrite on UNAVAILABLE for up to 10 minutes by
 * default: turned off here (a commit whose answer was lost may have been
 * applied). Bulk writes run in transactions retried as a whole within the
 * deadline (transactions.ts). BulkWriter, still used for cleanup
 * deletes, retries failed writes up to 10 times in the background;
 * `retryWithinDeadline` stops that once the call's budget is spent.
 */
import { currentDeadline, errors, SpiError } from '@adaptors/core';
import type { BulkWriterError } from '@google-cloud/firestore';

/** The data-plane RPCs of google.firestore.v1.Firestore the client uses. */
const METHODS = [
  'GetDocument',
  'ListDocuments',
  'UpdateDocument',
  'DeleteDocument',
  'BatchGetDocuments',
  'BeginTransaction',
  'Commit',
  'Rollback',
  'RunQuery',
  'RunAggregationQuery',
  'PartitionQuery',
  'ListCollectionIds',
  'BatchWrite',
  'CreateDocument',
] as const;

/**
 * Write RPCs gax must not re-send on its own: a commit whose answer was lost
 * may have been applied, and gax's default retry (UNAVAILABLE, for up to 10
 * minutes) replayed them long after the caller had its answer. Transactions
 * are retried by the client as a whole instead (transactions.ts).
 */
const NOT_REPLAYED = new Set<string>(['Commit', 'BatchWrite']);

/**
 * The server-streaming reads. By default gax re-sends a stream that fails
 * before its first answer twice more, 2–3 s and then 4–5 s later, whatever
 * the error (its retry-request fallback, google-gax streaming.js): a query
 * Firestore refuses at once (a composite index it needs and lacks,
 * FAILED_PRECONDITION, which index-fallback.ts answers; an invalid argument)
 * was answered after ~7 s, measured on the emulator. `gaxServerStreamingRetries`
 * makes gax retry a stream only on its method's retry codes, and these get
 * none: the client retries its streams itself (`Firestore._retry`, up to 5
 * attempts with backoff) and the gapic reader too (run-query.ts).
 */
const STREAMS = new Set<string>(['BatchGetDocuments', 'RunQuery', 'RunAggregationQuery']);

/**
 * Firestore settings that bound every RPC by `deadlineMs` (spread into
 * `new Firestore({...})`), and reconnect soon once Firestore is back: gRPC's
 * reconnect backoff grows up to 120 s by default during a long outage; capped
 * at 2 s, the client tries again within ~2 s of Firestore's return.
 */
export function firestoreDeadlineSettings(deadlineMs: number): {
  clientConfig: object;
  grpcOptions: object;
  gaxServerStreamingRetries: true;
} {
  return {
    gaxServerStreamingRetries: true,
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 2000,
    },
    clientConfig: {
      interfaces: {
        'google.firestore.v1.Firestore': {
          // gax reads a retry_codes_name only from the override's own retry_codes.
          retry_codes: { non_idempotent: [] },
          methods: Object.fromEntries(
            METHODS.map((name) => [
              name,
              NOT_REPLAYED.has(name) || STREAMS.has(name)
                ? { timeout_millis: deadlineMs, retry_codes_name: 'non_idempotent' }
                : { timeout_millis: deadlineMs },
            ]),
          ),
        },
      },
    },
  };
}

/** gRPC codes BulkWriter retries by default (its `batchWrite` retry codes: ABORTED, UNAVAILABLE, RESOURCE_EXHAUSTED). */
const RETRYABLE = new Set([8, 10, 14]);
const MAX_ATTEMPTS = 10;
/** BulkWriter also retries a delete that failed with INTERNAL. */
const INTERNAL = 13;

/** BulkWriter `onWriteError`: its default policy, but never past the call's deadline. */
export function retryWithinDeadline(error: BulkWriterError): boolean {
  if (currentDeadline()?.expired) return false;
  const retryable = RETRYABLE.has(error.code) || (error.operationType === 'delete' && error.code === INTERNAL);
  return retryable && error.failedAttempts < MAX_ATTEMPTS;
}

/**
 * Options of `runTransaction`: the client retries a failed transaction
 * (ABORTED, UNAVAILABLE, …) as a whole with backoff, up to 5 attempts by
 * default; `stopAtDeadline` at the top of the transaction function ends those
 * attempts once the call's budget is spent.
 */
export function transactionOptions(): { maxAttempts: number } {
  return { maxAttempts: 5 };
}

/** Throws (a non-retryable error) when the call's deadline has passed: no new transaction attempt. */
export function stopAtDeadline(): void {
  const deadline = currentDeadline();
  if (deadline?.expired) throw errors.deadlineExceeded(deadline.budgetMs, 'write');
}

/** Kept for the answer when a loop of reads stops before the deadline (`beforeReadStep`). */
const READ_RESERVE_MS = 150;

/**
 * How much longer than the last step the next may take: the database's and the instance's load
 * vary from one step to the next (a busy instance pauses for collection or other requests), and a step that overruns the deadline is answered by the core's 504, which cannot
 * say what took the time.
 */
const STEP_SLOWDOWN = 2;

/**
 * Before each step of a loop of reads (a scan's page, a skip scan's query, a group's
 * aggregation): throws `tooSlow(budgetMs)` when another step up to twice as long as the last
 * one (STEP_SLOWDOWN) would end past the call's deadline. Without it such loops went on reading (billed per document) after
 * the core had answered 504, and the answer blamed the database's health; stopped here, the
 * answer names what took the time and what the owner can change (the loop's own error).
 */
export function beforeReadStep(lastStepMs: number, tooSlow: (budgetMs: number) => SpiError): void {
  const deadline = currentDeadline();
  if (deadline && deadline.expiresAt - Date.now() <= STEP_SLOWDOWN * lastStepMs + READ_RESERVE_MS)
    throw tooSlow(deadline.budgetMs);
}

/**
 * The answer of a read stopped by `beforeReadStep`: a 504 (nothing was changed) naming the work
 * the request needs, how far it got, and the fixes.
 */
export function readTooSlow(budgetMs: number, work: string, fixes: string, data: Record<string, unknown>): SpiError {
  return new SpiError(
    'DEADLINE_EXCEEDED',
    `${work} did not finish within ${budgetMs} ms (REQUEST_DEADLINE_MS) and was stopped; nothing was changed. ${fixes}`,
    { deadlineMs: budgetMs, ...data },
  );
}
