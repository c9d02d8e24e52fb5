/**
 * Item writes (docs/protocol.md §4.5–§4.8): one positional result per item, one bad
 * item never failing the rest (§3.6).
 *
 * Batching: items go in as few commits as Spanner allows — a commit holds at
 * most 80,000 mutations, counted per column written plus per secondary index
 * entry ("Quotas and limits": mutations per commit) — so 1,000 items of a
 * zoo-sized collection take one transaction: one key read + one commit.
 * Per-item answers that need the current rows (already exists / not found /
 * stored `_createdDate`) come from a read inside the same read-write
 * transaction; `runTransactionAsync` retries it when Spanner answers ABORTED.
 * If a commit fails because of one item (a unique index, a NOT NULL column of
 * a foreign table), its batch is retried item by item to find which.
 */
import { errors, type Item, type ItemResult, SpiError, type Value } from '@adaptors/core';
import { lastPerId } from '@adaptors/sql-storage';
import type { Database, Transaction } from '@google-cloud/spanner';
import type { SpannerCollection } from './spanner-collections.ts';
import { callOptions, transactionOptions } from './spanner-deadline.ts';
import { deleteAllRows, deleteReferencesOfCollection, deleteReferencesOfItems } from './spanner-dml.ts';
import { isTableNotFound, itemError, translateError } from './spanner-errors.ts';
import { readIds, readItems, storedItem } from './spanner-item-rows.ts';
import { columnValue } from './spanner-values.ts';

/** Spanner's limit of mutations per commit (cells written, index entries included). */
export const MAX_MUTATIONS_PER_COMMIT = 80_000;
/** Commit size stays far below Spanner's 100 MB request limit. */
const MAX_BYTES_PER_COMMIT = 32 * 1024 * 1024;

export interface Pending {
  readonly index: number;
  readonly id: string;
  readonly item: Item;
  readonly row: Record<string, unknown>;
  readonly bytes: number;
}

export interface WriterDeps {
  readonly database: Database;
  /** Whether the references table exists (pairs must follow removed items). */
  readonly hasReferences: () => Promise<boolean>;
  readonly onStaleSchema: () => void;
}

export class Writer {
  private readonly deps: WriterDeps;

  constructor(deps: WriterDeps) {
    this.deps = deps;
  }

  async insert(c: SpannerCollection, items: readonly Item[], overwrite: boolean): Promise<ItemResult[]> {
    const results: ItemResult[] = new Array(items.length);
    const seen = new Set<string>();
    const pending = this.prepare(c, items, results, (id) => {
      // A second item with the same _id in one call is a duplicate too, unless it overwrites.
      if (!overwrite && seen.has(id)) return errors.itemAlreadyExists(c.stored.id, id);
      seen.add(id);
      return undefined;
    });
    await this.inBatches(c, pending, results, (tx, batch) =>
      overwrite ? this.replaceBatch(tx, c, batch, results) : this.insertBatch(tx, c, batch, results),
    );
    return results;
  }

  async update(c: SpannerCollection, items: readonly Item[]): Promise<ItemResult[]> {
    const results: ItemResult[] = new Array(items.length);
    const pending = this.prepare(c, items, results, () => undefined);
    await this.inBatches(c, pending, results, (tx, batch) => this.updateBatch(tx, c, batch, results));
    return results;
  }

  async remove(c: SpannerCollection, itemIds: readonly string[]): Promise<ItemResult[]> {
    const results: ItemResult[] = new Array(itemIds.length);
    const cost = 1 + c.indexCost;
    const perCommit = Math.max(1, Math.floor(MAX_MUTATIONS_PER_COMMIT / cost));
    const withReferences = await this.deps.hasReferences();
    for (let start = 0; start < itemIds.length; start += perCommit) {
      const batch = itemIds.slice(start, start + perCommit).map((id, i) => ({ index: start + i, id }));
      await this.transaction(c, async (tx) => {
        const found = await readItems(
          tx,
          c,
          batch.map((b) => b.id),
        );
        const removed = new Set<string>();
        for (const { index, id } of batch) {
          const item = found.get(id);
          // The same id twice: the second finds nothing left to remove.
          if (!item || removed.has(id)) results[index] = { error: errors.itemNotFound(c.stored.id, id) };
          else {
            removed.add(id);
            results[index] = { item };
          }
        }
        if (removed.size === 0) return;
        tx.deleteRows(c.stored.id, [...removed]);
        if (withReferences)
          await tx.runUpdate({ ...deleteReferencesOfItems(c.stored.id, [...removed]), gaxOptions: callOptions() });
        await tx.commit({ gaxOptions: callOptions() });
      });
    }
    return results;
  }

  /**
   * Partitioned DML removes every row whatever the count: it runs per split,
   * outside the 80,000-mutation transaction limit (Wix's reference adaptor deleted only
   * the first 1,000). Pairs of the collection's items go too (§8).
   */
  async truncate(c: SpannerCollection): Promise<void> {
    try {
      await this.deps.database.runPartitionedUpdate({ ...deleteAllRows(c.stored.id), gaxOptions: callOptions() });
      if (await this.deps.hasReferences()) {
        await this.deps.database.runPartitionedUpdate({
          ...deleteReferencesOfCollection(c.stored.id),
          gaxOptions: callOptions(),
        });
      }
    } catch (error) {
      throw this.translated(error, c);
    }
  }

  /** Encodes each item for its columns; a value a column cannot hold is that item's VALIDATION_ERROR. */
  private prepare(
    c: SpannerCollection,
    items: readonly Item[],
    results: ItemResult[],
    precheck: (id: string) => SpiError | undefined,
  ): Pending[] {
    const pending: Pending[] = [];
    items.forEach((item, index) => {
      const id = String(item._id);
      try {
        const row: Record<string, unknown> = {};
        for (const { key, column } of c.writeColumns) row[column.name] = columnValue(key, column.type, item[key]);
        const problem = precheck(id);
        if (problem) results[index] = { error: problem };
        else pending.push({ index, id, item, row, bytes: JSON.stringify(item).length * 3 });
      } catch (error) {
        if (!(error instanceof SpiError)) throw error;
        results[index] = { error };
      }
    });
    return pending;
  }

  /** Splits within the mutation and size limits; one transaction per batch, item by item if a batch fails on an item. */
  private async inBatches(
    c: SpannerCollection,
    pending: readonly Pending[],
    results: ItemResult[],
    write: (tx: Transaction, batch: readonly Pending[]) => Promise<void>,
  ): Promise<void> {
    const cost = c.writeColumns.length + c.indexCost;
    let batch: Pending[] = [];
    let mutations = 0;
    let bytes = 0;
    const flush = async () => {
      if (batch.length > 0) await this.writeBatch(c, batch, results, write);
      batch = [];
      mutations = 0;
      bytes = 0;
    };
    for (const entry of pending) {
      if (
        batch.length > 0 &&
        (mutations + cost > MAX_MUTATIONS_PER_COMMIT || bytes + entry.bytes > MAX_BYTES_PER_COMMIT)
      ) {
        await flush();
      }
      batch.push(entry);
      mutations += cost;
      bytes += entry.bytes;
    }
    await flush();
  }

  private async writeBatch(
    c: SpannerCollection,
    batch: readonly Pending[],
    results: ItemResult[],
    write: (tx: Transaction, batch: readonly Pending[]) => Promise<void>,
  ): Promise<void> {
    try {
      await this.deps.database.runTransactionAsync(transactionOptions(), async (tx) => {
        await write(tx, batch);
      });
    } catch (error) {
      const only = batch.length === 1 ? batch[0] : undefined;
      const perItem = itemError(error, c.stored.id, only?.id ?? String(batch[0]?.id));
      if (!perItem) throw this.translated(error, c);
      if (only) {
        results[only.index] = { error: perItem };
        return;
      }
      for (const entry of batch) await this.writeBatch(c, [entry], results, write);
    }
  }

  private async insertBatch(tx: Transaction, c: SpannerCollection, batch: readonly Pending[], results: ItemResult[]) {
    const existing = await readIds(
      tx,
      c,
      batch.map((b) => b.id),
    );
    const fresh = batch.filter((b) => !existing.has(b.id));
    for (const b of batch) {
      if (existing.has(b.id)) results[b.index] = { error: errors.itemAlreadyExists(c.stored.id, b.id) };
    }
    if (fresh.length > 0)
      tx.insert(
        c.stored.id,
        fresh.map((b) => b.row),
      );
    await tx.commit({ gaxOptions: callOptions() });
    for (const b of fresh) results[b.index] = { item: storedItem(c, b.item) };
  }

  private async replaceBatch(tx: Transaction, c: SpannerCollection, batch: readonly Pending[], results: ItemResult[]) {
    tx.replace(
      c.stored.id,
      lastPerId(batch).map((b) => b.row),
    );
    await tx.commit({ gaxOptions: callOptions() });
    for (const b of batch) results[b.index] = { item: storedItem(c, b.item) };
  }

  private async updateBatch(tx: Transaction, c: SpannerCollection, batch: readonly Pending[], results: ItemResult[]) {
    const hasCreated = c.table.columns.has('_createdDate');
    const stored = await readItems(
      tx,
      c,
      batch.map((b) => b.id),
      hasCreated ? ['_id', '_createdDate'] : ['_id'],
    );
    const updates: Pending[] = [];
    for (const b of batch) {
      const current = stored.get(b.id);
      if (!current) {
        results[b.index] = { error: errors.itemNotFound(c.stored.id, b.id) };
        continue;
      }
      // Full replacement keeping the stored _createdDate (§4.6), like the memory storage.
      const createdDate = (current._createdDate ?? b.item._updatedDate ?? null) as Value;
      const item: Item = hasCreated ? { ...b.item, _createdDate: createdDate } : b.item;
      const row = hasCreated
        ? { ...b.row, _createdDate: columnValue('_createdDate', 'TIMESTAMP', createdDate) }
        : b.row;
      updates.push({ ...b, item, row });
    }
    if (updates.length > 0)
      tx.update(
        c.stored.id,
        lastPerId(updates).map((b) => b.row),
      );
    await tx.commit({ gaxOptions: callOptions() });
    for (const b of updates) results[b.index] = { item: storedItem(c, b.item) };
  }

  private async transaction(c: SpannerCollection, run: (tx: Transaction) => Promise<void>): Promise<void> {
    try {
      await this.deps.database.runTransactionAsync(transactionOptions(), async (tx) => {
        await run(tx);
        if (!tx.ended) tx.end();
      });
    } catch (error) {
      throw this.translated(error, c);
    }
  }

  private translated(error: unknown, c: SpannerCollection): unknown {
    if (isTableNotFound(error)) this.deps.onStaleSchema();
    return translateError(error, c.stored.id);
  }
}
