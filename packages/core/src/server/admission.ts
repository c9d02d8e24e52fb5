/**
 * Admission by request-body bytes in flight (build() in app.ts): every call's body is
 * decoded, verified and turned into items and database mutations, several times its size in
 * heap, so a few full-size bulk writes at once (Cloud Run sends up to 80 calls to an instance)
 * ran a 160 MB heap out of memory and killed the instance with every call on it. Calls whose
 * bodies fit the budget next to those in flight run; one that does not waits briefly for room
 * and is otherwise answered 503 SERVICE_UNAVAILABLE with Retry-After, nothing applied. A body
 * alone on the instance is always admitted, whatever its size (BODY_LIMIT_MB still applies).
 */
import { getHeapStatistics } from 'node:v8';
import { SpiError } from '../errors.ts';

/** The budget when none is given: a quarter of V8's heap limit, and at least one body of the limit. */
export function defaultBodyBudget(
  bodyLimitBytes: number,
  heapLimitBytes = getHeapStatistics().heap_size_limit,
): number {
  return Math.max(bodyLimitBytes, Math.floor(heapLimitBytes / 4));
}

/** Seconds a refused caller is told to wait (Retry-After). */
export const BUSY_RETRY_AFTER_SECONDS = 2;

export function instanceBusy(budgetBytes: number): SpiError {
  return new SpiError(
    'SERVICE_UNAVAILABLE',
    `This instance is busy with other large writes (at most ${Math.round(budgetBytes / (1024 * 1024))} MB of request bodies are processed at once) and nothing of this call was applied: retry in a few seconds. If this keeps happening, send smaller bulk calls or let the service scale out (more instances, lower concurrency).`,
    null,
    { notApplied: true },
  );
}

interface Waiter {
  readonly bytes: number;
  readonly admit: (admitted: boolean) => void;
  timer?: NodeJS.Timeout;
}

export class BodyBudget {
  private inFlight = 0;
  private readonly waiting: Waiter[] = [];

  // A plain field, not a parameter property: the core's sources also run under Node's type
  // stripping (test/server/start-order.test.ts), which refuses parameter properties.
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }

  /** Resolves true once `bytes` are admitted (at once or within `waitMs`), false when refused. */
  acquire(bytes: number, waitMs: number): Promise<boolean> {
    if (this.waiting.length === 0 && this.fits(bytes)) {
      this.inFlight += bytes;
      return Promise.resolve(true);
    }
    if (waitMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = { bytes, admit: resolve };
      waiter.timer = setTimeout(() => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(false);
      }, waitMs);
      this.waiting.push(waiter);
    });
  }

  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    // First come, first admitted: a large waiter is not overtaken by smaller ones behind it.
    while (this.waiting.length > 0 && this.fits(this.waiting[0]?.bytes ?? 0)) {
      const next = this.waiting.shift() as Waiter;
      clearTimeout(next.timer);
      this.inFlight += next.bytes;
      next.admit(true);
    }
  }

  private fits(bytes: number): boolean {
    return this.inFlight === 0 || this.inFlight + bytes <= this.limitBytes;
  }
}
