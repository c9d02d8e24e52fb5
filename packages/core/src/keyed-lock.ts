/**
 * One task at a time per key from this instance, in arrival order: the storages' writes that
 * must not interleave with another write of the same instance to the same table or document
 * (BigQuery's per-table DML, services/bigquery/src/writes.ts; Firestore's read-then-write
 * transactions on one document, services/firestore/src/writes.ts). A failed task does not stop
 * the next one.
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
