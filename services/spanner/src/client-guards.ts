/**
 * Mends for two defects of @google-cloud/spanner 9.0 that surface when pooled
 * sessions are gone (an emulator restarted empty; sessions Spanner deleted
 * after an hour idle): each turns a "Session not found" the client handles
 * into an error no caller can catch. Each matches the library's behaviour
 * narrowly and leaves every other error as it was.
 */
import type { Database, Transaction } from '@google-cloud/spanner';
import { transactionOptions } from './deadline.ts';

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
 * In a transaction whose first statement begins it inline, a streaming read or
 * query that fails (any error but ABORTED) makes the client start an explicit
 * BeginTransaction with `void this.begin()` (transaction.js createReadStream /
 * runStream, nodejs-spanner issue 2170), a promise nobody awaits. The
 * statement's own error still reaches the caller, but on a dead session the
 * begin fails the same way and its rejection is unhandled: Node's default ends
 * the process (seen in test/faults.test.ts after an emulator restart). So the
 * transaction handed to `run` has a `begin` whose promise is marked handled;
 * whoever awaits it still sees its rejection.
 */
export function readWrite<T>(database: Database, run: (tx: Transaction) => Promise<T>): Promise<T> {
  return database.runTransactionAsync(transactionOptions(), (tx) => run(handledBegin(tx)));
}

function handledBegin(tx: Transaction): Transaction {
  const begin = tx.begin as (...args: unknown[]) => unknown;
  tx.begin = ((...args: unknown[]) => {
    const result = begin.apply(tx, args);
    if (result instanceof Promise) result.catch(() => {});
    return result;
  }) as Transaction['begin'];
  return tx;
}
