/**
 * The per-call deadline (REQUEST_DEADLINE_MS, config/core-settings.ts): every
 * call gets a budget below Wix's patience, carried in its CallContext and,
 * for the storage, in an AsyncLocalStorage scope, so every database call a
 * storage makes for that call — parallel ones (includeReferencedItems, bulk)
 * and schema reads included — can pass the remaining time to its client
 * (gax `timeout`, BigQuery `timeoutMs`, an AbortSignal) without the Storage
 * contract growing a parameter on every method (storage.ts "Deadlines").
 *
 * The core also enforces it: `runWithDeadline` answers DEADLINE_EXCEEDED when
 * the budget is spent, whatever the storage is still waiting for, so a frozen
 * or unreachable engine never holds a call past it. What a write that ran out
 * of time means is in errors.ts (`errors.deadlineExceeded`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AbandonedWork } from './abandoned-work.ts';
import { errors, SpiError } from './errors.ts';

export interface Deadline {
  /** The budget the call started with, in ms. */
  readonly budgetMs: number;
  /** Epoch ms when the budget is spent. */
  readonly expiresAt: number;
  /** Aborted when the budget is spent: pass it to clients that take an AbortSignal. */
  readonly signal: AbortSignal;
  /** Ms left (at least 1, so a client never reads 0 as "no timeout"). */
  remainingMs(): number;
  readonly expired: boolean;
}

/** Default of REQUEST_DEADLINE_MS: a few seconds, below Wix's patience for a plugin call (packages/core/README.md). */
export const DEFAULT_REQUEST_DEADLINE_MS = 5000;

export function newDeadline(budgetMs: number, now: number = Date.now()): Deadline {
  const expiresAt = now + budgetMs;
  const signal = AbortSignal.timeout(budgetMs);
  return {
    budgetMs,
    expiresAt,
    signal,
    remainingMs: () => Math.max(1, expiresAt - Date.now()),
    get expired() {
      return signal.aborted || Date.now() >= expiresAt;
    },
  };
}

const scope = new AsyncLocalStorage<Deadline>();

/** The deadline of the call this code runs for; undefined outside a call (startup, scripts). */
export function currentDeadline(): Deadline | undefined {
  return scope.getStore();
}

/**
 * Ms a database call may take now: the current call's remaining budget, or
 * `fallbackMs` outside a call. Storages pass it as their client's timeout.
 */
export function remainingMs(fallbackMs: number = DEFAULT_REQUEST_DEADLINE_MS): number {
  return scope.getStore()?.remainingMs() ?? fallbackMs;
}

export type Effect = 'read' | 'write';

/**
 * Runs `work` with `deadline` in scope and settles by the deadline at the
 * latest. Past it, the answer is DEADLINE_EXCEEDED — for a write with an
 * unknown outcome — and `work`'s own late result or rejection is dropped
 * (never an unhandled rejection). A failure that arrives after the budget
 * is spent (the client's own timeout firing, a dropped connection) is
 * reported the same way: by then the call ran out of time. Work still
 * running when the deadline answered goes to `abandoned`, so the app can let
 * it end before closing the storage (abandoned-work.ts).
 */
export async function runWithDeadline<T>(
  deadline: Deadline,
  effect: Effect,
  work: () => Promise<T>,
  abandoned?: AbandonedWork,
): Promise<T> {
  if (deadline.expired) throw errors.deadlineExceeded(deadline.budgetMs, effect);
  const running = scope.run(deadline, work);
  let onAbort: (() => void) | undefined;
  let expired = false;
  const expiry = new Promise<never>((_, reject) => {
    onAbort = () => {
      expired = true;
      reject(errors.deadlineExceeded(deadline.budgetMs, effect));
    };
    deadline.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([running, expiry]);
  } catch (error) {
    if (deadline.expired && isFailure(error)) throw errors.deadlineExceeded(deadline.budgetMs, effect);
    throw error;
  } finally {
    if (onAbort) deadline.signal.removeEventListener('abort', onAbort);
    running.catch(() => {});
    expiry.catch(() => {});
    if (expired) abandoned?.add(running);
  }
}

/** Errors that mean "no answer from the database" (not a verdict on the request). */
function isFailure(error: unknown): boolean {
  return !(error instanceof SpiError) || error.status >= 500;
}
