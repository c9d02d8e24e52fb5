/**
 * Exponential backoff with full jitter for BigQuery's DML concurrency limits
 * ("Quotas and limits": at most 2 concurrent mutating DML statements per
 * table, 20 queued; conflicting concurrent mutations fail and "should be
 * retried") and rate limits. Bounded so a request answers well within Wix's
 * patience; what still fails is answered SERVICE_UNAVAILABLE (retryable).
 */
import { remainingMs } from '@adaptors/core';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Observes each retry (tests, logs). */
  readonly onRetry?: (attempt: number, error: unknown) => void;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 200, maxDelayMs: 5000 };

export async function withRetry<T>(
  run: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  policy: Partial<RetryPolicy> = {},
): Promise<T> {
  const { attempts, baseDelayMs, maxDelayMs, onRetry } = { ...DEFAULT_RETRY, ...policy };
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || !retryable(error)) throw error;
      onRetry?.(attempt, error);
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.random() * ceiling;
      // No retry the call's deadline (packages/core/src/deadline.ts) cannot wait for.
      if (delay >= remainingMs(Number.POSITIVE_INFINITY)) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
