/**
 * On the Spanner emulator only: this instance's read-write transactions take
 * turns. The emulator runs one read-write transaction at a time and aborts
 * one that starts meanwhile (docs/engines.md §2); without RetryInfo the client
 * then sleeps 2–3 s, then 4–5 s … before trying again (transaction-runner.js
 * `getNextDelay`), so a few concurrent writes waited out their deadline while
 * the emulator sat idle: 28% of the soak's updates answered 504 (bench/README.md
 * "Soak"). Waiting for the previous transaction instead costs each write a few
 * milliseconds. Production Spanner runs transactions concurrently under row
 * locks and gets no such wrapper (main.ts applies it with SPANNER_EMULATOR_HOST).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { currentDeadline, errors } from '@adaptors/core';
import type { Database } from '@google-cloud/spanner';
import { transactionOptions } from './deadline.ts';

type RunTransactionAsync = (...args: unknown[]) => Promise<unknown>;

/** The databases already taking turns: a second call must not queue each transaction twice. */
const taking = new WeakSet<Database>();

/** Makes `database.runTransactionAsync` run one transaction at a time; returns the same object. */
export function takeTurnsOnEmulator(database: Database): Database {
  if (taking.has(database)) return database;
  taking.add(database);
  const run = database.runTransactionAsync.bind(database) as RunTransactionAsync;
  // Set inside a turn: a transaction started from within one runs at once (waiting would deadlock).
  const inTurn = new AsyncLocalStorage<true>();
  let last: Promise<unknown> = Promise.resolve();
  const inTurns: RunTransactionAsync = (...args) => {
    if (inTurn.getStore()) return run(...args);
    const turn = last.then(() => {
      const deadline = currentDeadline();
      // The call gave up while it waited: do not start a write nobody will hear about.
      if (deadline?.expired) throw errors.deadlineExceeded(deadline.budgetMs, 'write');
      // Its ABORTED-retry budget counts from now, when it starts, not from when it queued.
      const withTimeout =
        isOptions(args[0]) && args.length > 1 ? [{ ...args[0], ...transactionOptions() }, ...args.slice(1)] : args;
      return inTurn.run(true, () => run(...withTimeout));
    });
    last = turn.catch(() => undefined);
    return turn;
  };
  database.runTransactionAsync = inTurns as Database['runTransactionAsync'];
  return database;
}

function isOptions(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && typeof value !== 'function';
}
