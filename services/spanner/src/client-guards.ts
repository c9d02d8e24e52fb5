/**
 * Mends for two defects of @google-cloud/spanner 9.0 that surface when pooled
 * sessions are gone (an emulator restarted empty; sessions Spanner deleted
 * after an hour idle): each turns a "Session not found" the client handles
 * into an error no caller can catch. Each matches the library's behaviour
 * narrowly and leaves every other error as it was.
 */
import { GRPC, grpcCode, remainingMs } from '@adaptors/core';
import type { Database, Transaction } from '@google-cloud/spanner';
import { transactionOptions } from './deadline.ts';
import { isSessionNotFound } from './errors.ts';

/**
 * The client's snapshot read, on "Session not found" (sessions gone: an emulator
 * restarted empty, or sessions Spanner deleted after an hour idle), returns the
 * session to its pool and retries — and its error path can return the same
 * session again, which the pool answers by throwing "Unable to release unknown
 * resource" inside a gRPC callback: an uncaught exception that would end the
 * process (seen in test/faults.test.ts after an emulator restart;
 * @google-cloud/spanner 9.0 database.js getSnapshot). A second return of a
 * session the pool no longer lends out is a no-op here; any other error still throws.
 */
export function tolerateDoubleRelease(database: Database): void {
  const pool = (database as unknown as { pool_?: { release?: (session: unknown) => void } }).pool_;
  if (!pool || typeof pool.release !== 'function' || (pool.release as { tolerant?: true }).tolerant) return;
  const release = pool.release.bind(pool);
  const tolerant = (session: unknown) => {
    try {
      release(session);
    } catch (error) {
      // The pool's ReleaseError (matched by its message: the bundle may rename classes).
      if (!/^Unable to release unknown resource/.test((error as Error)?.message ?? '')) throw error;
    }
  };
  pool.release = Object.assign(tolerant, { tolerant: true as const });
}

/**
 * A read-write transaction of the storage: every one goes through here.
 * `runTransactionAsync` retries ABORTED until the call's deadline
 * (deadline.ts) and "Session not found" on another session.
 *
 * A transaction `run` ends without committing (a conflict it found, nothing
 * to write, an error) is rolled back here before the turn ends: the client
 * neither rolls back when the function returns or throws nor does its `end()`
 * tell Spanner, so the transaction its first read began stayed open on the
 * server. The emulator then refused every schema change ("concurrent schema
 * change operation or read-write transaction is already in progress") for
 * anything from milliseconds to seconds (test/open-transactions.test.ts): the
 * instance that lost a concurrent collections/update left one behind, and the
 * winner's ALTER TABLE was refused past its retries, so both were refused
 * (services/spanner/test/multi-instance.test.ts). Production Spanner keeps such a
 * transaction's read locks until it aborts it as idle.
 *
 * In a transaction whose first statement begins it inline, a streaming read or
 * query that fails (any error but ABORTED) makes the client start an explicit
 * BeginTransaction with `void this.begin()` (transaction.js createReadStream /
 * runStream, nodejs-spanner issue 2170), a promise nobody awaits. The
 * statement's own error still reaches the caller, but on a dead session the
 * begin fails the same way and its rejection is unhandled: Node's default ends
 * the process (seen in test/faults.test.ts after an emulator restart). So the
 * transaction handed to `run` has a `begin` whose promise is marked handled;
 * whoever awaits it still sees its rejection (and the rollback waits for it:
 * it may begin a transaction nobody commits).
 */
export function readWrite<T>(database: Database, run: (tx: Transaction) => Promise<T>): Promise<T> {
  return database.runTransactionAsync(transactionOptions(), async (tx) => {
    const state = watched(tx);
    let result: T;
    try {
      result = await run(tx);
    } catch (error) {
      await rollBackUncommitted(tx, state, error);
      throw error;
    }
    await rollBackUncommitted(tx, state);
    return result;
  });
}

/** Least time a rollback is given, even when the call's deadline has (nearly) passed: it frees what others wait for. */
const ROLLBACK_MIN_MS = 1000;

/** The latest `begin` the client (or `run`) started, settled or not (see `readWrite`). */
interface Watched {
  begin: Promise<unknown> | undefined;
}

/** Marks `begin`'s promise handled and notes it (see `readWrite`). */
function watched(tx: Transaction): Watched {
  const state: Watched = { begin: undefined };
  const begin = tx.begin as (...args: unknown[]) => unknown;
  tx.begin = ((...args: unknown[]) => {
    const result = begin.apply(tx, args);
    if (result instanceof Promise) {
      result.catch(() => {});
      state.begin = result;
    }
    return result;
  }) as Transaction['begin'];
  return state;
}

/**
 * Rolls back a transaction Spanner began for `run` that was not committed. The client ends a
 * transaction once its commit is answered, committed or refused (transaction.js `commit`): one
 * ended is over on the server too (so `run` must not call `end()` itself: that would hide an open
 * one from here). Not after ABORTED (Spanner ended it; the client runs the function again) nor
 * "Session not found" (nothing is left to end). Best effort: a rollback that fails leaves
 * Spanner to abort the transaction as idle, and the call is answered as it would have been.
 */
async function rollBackUncommitted(tx: Transaction, state: Watched, error?: unknown): Promise<void> {
  if (tx.ended) return;
  if (error !== undefined && (grpcCode(error) === GRPC.ABORTED || isSessionNotFound(error))) return;
  const budgetMs = Math.max(remainingMs(), ROLLBACK_MIN_MS);
  if (!tx.id && state.begin) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      state.begin.catch(() => {}),
      new Promise((resolve) => {
        timer = setTimeout(resolve, budgetMs);
      }),
    ]);
    clearTimeout(timer);
  }
  if (tx.id) {
    try {
      await tx.rollback({ timeout: budgetMs });
    } catch {
      // Spanner aborts an idle transaction itself (see above).
    }
  }
  tx.end();
}
