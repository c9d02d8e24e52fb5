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

/**
 * gax re-sends a streaming RPC (ExecuteStreamingSql, StreamingRead: every
 * query, key read and DML the client streams) twice more with 2–3 s, then
 * 4–5 s of backoff when it fails before its first response, whatever the
 * error (its retry-request fallback, google-gax streaming.js): ~7 s before
 * "Table not found" or "Session not found" surfaces (docs/engines.md §2). A
 * write on a pooled session Spanner had deleted waited that long for each
 * stale session until its deadline. The client's own result stream still
 * retries UNAVAILABLE with resume tokens (partial-result-stream.js), so only
 * those blind re-sends are turned off.
 */
export const STREAM_RETRY_OFF = { retryRequestOptions: { retries: 0, noResponseRetries: 0 } } as const;

/** gax options of one streaming RPC: the call's time left, without gax's blind re-sends. */
export function streamOptions(): typeof STREAM_RETRY_OFF & { timeout: number } {
  return callOptions(STREAM_RETRY_OFF);
}

/** Options of `runTransactionAsync`: no ABORTED retry past the call's deadline. */
export function transactionOptions(): { timeout: number } {
  return { timeout: remainingMs() };
}
