/**
 * One write at a time per table from this instance. BigQuery runs at most 2
 * mutating DML statements per table concurrently (more are queued, then
 * refused), and the `_id` pre-read of an insert must not interleave with
 * another insert of this instance (writes.ts "Uniqueness").
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
