/**
 * Work a call gave up on at its deadline (deadline.ts `runWithDeadline`) that
 * is still running: a client library's own retries of a read, a stream
 * waiting for a frozen engine. The call has its answer; the work ends later,
 * by itself.
 *
 * Closing the database client under such work makes the library fail where
 * nobody listens: the Firestore client, asked for a retry after `terminate()`,
 * rejects a promise it dropped ("The client has already been terminated", an
 * unhandled rejection). So the app waits for this work, bounded, before it
 * closes the storage (server/app.ts, the `onClose` hook).
 */
export class AbandonedWork {
  private readonly running = new Set<Promise<unknown>>();

  /** Keeps `work` until it settles; its result and failure are dropped (the caller was answered). */
  add(work: Promise<unknown>): void {
    this.running.add(work);
    const done = () => {
      this.running.delete(work);
    };
    work.then(done, done);
  }

  /** How many pieces of abandoned work are still running. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once every piece has settled (true) or after `maxMs` (false), whichever is first. */
  async settled(maxMs: number): Promise<boolean> {
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), maxMs);
    });
    try {
      return await Promise.race([Promise.allSettled([...this.running]).then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
