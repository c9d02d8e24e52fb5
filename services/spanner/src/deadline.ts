/**
 * The call's deadline on every Spanner RPC (packages/core/src/deadline.ts,
 * packages/core/src/storage.ts "Deadlines"): gax takes a per-call `timeout`
 * (the gRPC deadline of that RPC) in each request's `gaxOptions`, and
 * `runTransactionAsync` takes a `timeout` that ends its retries of ABORTED
 * transactions. Both get the time the call has left, so an RPC to a frozen
 * or unreachable Spanner ends with DEADLINE_EXCEEDED instead of hanging.
 * Outside a call (startup) the core's default budget applies.
 */
import { remainingMs } from '@adaptors/core';

/** gax options of one RPC: `extra` plus the call's time left as the RPC's deadline. */
export function callOptions<T extends object>(extra?: T): T & { timeout: number } {
  return { ...(extra as T), timeout: remainingMs() };
}

/** Options of `runTransactionAsync`: no ABORTED retry past the call's deadline. */
export function transactionOptions(): { timeout: number } {
  return { timeout: remainingMs() };
}
