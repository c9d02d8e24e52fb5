/**
 * Item writes (docs/protocol.md §4.5–§4.8) through DML only — rows written by DML
 * are immediately visible, updatable and removable (streaming inserts are
 * not: rows in the streaming buffer cannot be updated or deleted for a
 * while). One positional result per item; one bad item never fails the rest.
 *
 * Statements per bulk call (1,000 items = one chunk unless the rows exceed
 * MAX_STATEMENT_BYTES): insert = id pre-read + one MERGE; update = pre-read +
 * one MERGE; remove = pre-read + one DELETE (+ one for reference pairs);
 * truncate = TRUNCATE TABLE (+ pairs).
 *
 * Uniqueness: BigQuery has no unique keys. Writes to a table are serialised
 * within this instance (bigquery-lock.ts), and the insert itself is a
 * `MERGE … WHEN NOT MATCHED THEN INSERT`, so an `_id` committed before the
 * MERGE starts is never inserted twice. Only an insert of the same `_id` by
 * another instance committing while this MERGE runs can slip through
 * (BigQuery runs INSERT-only MERGEs concurrently); when the MERGE reports
 * fewer inserted rows than sent, the rows are read back and an item whose
 * stored row is not the one written is answered ITEM_ALREADY_EXISTS.
 */
import { errors, type Item, type ItemResult, SpiError, type Value } from '@adaptors/core';
import { fromAny, lastPerId } from '@adaptors/sql-storage';
import type { BigQueryCollection, WriteColumn } from './bigquery-collections.ts';
import {
  deleteByIds,
  deletePairsOfCollection,
  deletePairsOfItems,
  insertMissing,
  replaceRows,
  selectByIds,
  truncateTable,
} from './bigquery-dml.ts';
import { itemError, translateError } from './bigquery-errors.ts';
import type { Executor } from './bigquery-executor.ts';
import { KeyedLock } from './bigquery-lock.ts';
import { columnValue, type Statement } from './bigquery-values.ts';

/** Rows per statement stay far below jobs.query's 10 MB request limit (parameters included). */
export const MAX_STATEMENT_BYTES = 6 * 1024 * 1024;

interface Pending {
  readonly index: number;
  readonly id: string;
  readonly item: Item;
  readonly row: Record<string, unknown>;
  readonly bytes: number;
}

export interface WriterDeps {
  readonly executor: Executor;
  /** Whether the references table exists (pairs must follow removed items). */
  readonly hasReferences: () => Promise<boolean>;
}

export class Writer {
  private readonly deps: WriterDeps;
  private readonly lock = new KeyedLock();

  constructor(deps: WriterDeps) {
    this.deps = deps;
  }

  insert(c: BigQueryCollection, items: readonly Item[], overwrite: boolean): Promise<ItemResult[]> {
    return this.lock.run(c.stored.id, async () => {
      const results: ItemResult[] = new Array(items.length);
      const seen = new Set<string>();
      const pending = this.prepare(c, items, results, (id) => {
        // A second item with the same _id in one call is a duplicate too, unless it overwrites.
        if (!overwrite && seen.has(id)) return errors.itemAlreadyExists(c.stored.id, id);
        seen.add(id);
        return undefined;
      });
      for (const chunk of chunks(pending)) {
        await this.perItemOnFailure(c, chunk, results, (batch) =>
          overwrite ? this.upsertBatch(c, batch, results) : this.insertBatch(c, batch, results),
        );
      }
      return results;
    });
  }

  update(c: BigQueryCollection, items: readonly Item[]): Promise<ItemResult[]> {
    return this.lock.run(c.stored.id, async () => {
      const results: ItemResult[] = new Array(items.length);
      const pending = this.prepare(c, items, results, () => undefined);
      for (const chunk of chunks(pending)) {
        await this.perItemOnFailure(c, chunk, results, (batch) => this.updateBatch(c, batch, results));
      }
      return results;
    });
  }

  remove(c: BigQueryCollection, itemIds: readonly string[]): Promise<ItemResult[]> {
    return this.lock.run(c.stored.id, async () => {
      const results: ItemResult[] = new Array(itemIds.length);
      const found = await this.readItems(c, itemIds);
      const removed = new Set<string>();
      itemIds.forEach((id, index) => {
        const item = found.get(id);
        // The same id twice: the second finds nothing left to remove.
        if (!item || removed.has(id)) results[index] = { error: errors.itemNotFound(c.stored.id, id) };
        else {
          removed.add(id);
          results[index] = { item };
        }
      });
      if (removed.size > 0) {
        const ids = [...removed];
        await this.deps.executor.run(deleteByIds(c.stored.id, ids), c.stored.id);
        if (await this.deps.hasReferences()) await this.deps.executor.run(deletePairsOfItems(c.stored.id, ids));
      }
      return results;
    });
  }

  /** TRUNCATE TABLE removes every row whatever the count (no DML row limit, no bytes billed), then the pairs. */
  truncate(c: BigQueryCollection): Promise<void> {
    return this.lock.run(c.stored.id, async () => {
      await this.deps.executor.run(truncateTable(c.stored.id), c.stored.id);
      if (await this.deps.hasReferences()) await this.deps.executor.run(deletePairsOfCollection(c.stored.id));
    });
  }

  /** Encodes each item for its columns; a value a column cannot hold is that item's VALIDATION_ERROR. */
  private prepare(
    c: BigQueryCollection,
    items: readonly Item[],
    results: ItemResult[],
    precheck: (id: string) => SpiError | undefined,
  ): Pending[] {
    const pending: Pending[] = [];
    items.forEach((item, index) => {
      const id = String(item._id);
      try {
        const row: Record<string, unknown> = {};
        c.writeColumns.forEach((w, i) => {
          row[`c${i}`] = columnValue(w.key, w.shape, item[w.key]);
        });
        const problem = precheck(id);
        if (problem) results[index] = { error: problem };
        else pending.push({ index, id, item, row, bytes: JSON.stringify(item).length + 32 * c.writeColumns.length });
      } catch (error) {
        if (!(error instanceof SpiError)) throw error;
        results[index] = { error };
      }
    });
    return pending;
  }

  /** Runs a batch; if BigQuery refuses it because of one item's value, retries item by item to find which. */
  private async perItemOnFailure(
    c: BigQueryCollection,
    batch: readonly Pending[],
    results: ItemResult[],
    write: (batch: readonly Pending[]) => Promise<void>,
  ): Promise<void> {
    try {
      await write(batch);
    } catch (error) {
      const only = batch.length === 1 ? batch[0] : undefined;
      const perItem = itemError(error, only?.id ?? String(batch[0]?.id));
      if (!perItem) throw translateError(error, c.stored.id);
      if (only) {
        results[only.index] = { error: perItem };
        return;
      }
      for (const entry of batch) await this.perItemOnFailure(c, [entry], results, write);
    }
  }

  private async insertBatch(c: BigQueryCollection, batch: readonly Pending[], results: ItemResult[]): Promise<void> {
    const existing = await this.readIds(
      c,
      batch.map((b) => b.id),
    );
    const fresh = batch.filter((b) => !existing.has(b.id));
    for (const b of batch) {
      if (existing.has(b.id)) results[b.index] = { error: errors.itemAlreadyExists(c.stored.id, b.id) };
    }
    if (fresh.length === 0) return;
    const { affected } = await this.deps.executor.runRaw(
      insertMissing(
        c.stored.id,
        c.writeColumns,
        fresh.map((b) => b.row),
      ),
    );
    const won = affected === fresh.length ? undefined : await this.ours(c, fresh);
    for (const b of fresh) {
      results[b.index] =
        won && !won.has(b.id)
          ? { error: errors.itemAlreadyExists(c.stored.id, b.id) }
          : { item: storedItem(c, b.item) };
    }
  }

  /** After a race: the items whose stored row is exactly the one this call wrote. */
  private async ours(c: BigQueryCollection, fresh: readonly Pending[]): Promise<Set<string>> {
    const stored = await this.readItems(
      c,
      fresh.map((b) => b.id),
    );
    const won = new Set<string>();
    for (const b of fresh) {
      const row = stored.get(b.id);
      if (row && sameItem(row, storedItem(c, b.item))) won.add(b.id);
    }
    return won;
  }

  private async upsertBatch(c: BigQueryCollection, batch: readonly Pending[], results: ItemResult[]): Promise<void> {
    const last = lastPerId(batch);
    await this.deps.executor.runRaw(
      replaceRows(
        c.stored.id,
        c.writeColumns,
        last.map((b) => b.row),
        { keep: [], upsert: true },
      ),
    );
    for (const b of batch) results[b.index] = { item: storedItem(c, b.item) };
  }

  private async updateBatch(c: BigQueryCollection, batch: readonly Pending[], results: ItemResult[]): Promise<void> {
    const created = c.writeColumns.find((w) => w.key === '_createdDate' && w.column.type === 'TIMESTAMP');
    const stored = await this.readItems(
      c,
      batch.map((b) => b.id),
      created ? ['_id', '_createdDate'] : ['_id'],
    );
    const updates: Pending[] = [];
    for (const b of batch) {
      const current = stored.get(b.id);
      if (!current) {
        results[b.index] = { error: errors.itemNotFound(c.stored.id, b.id) };
        continue;
      }
      // Full replacement keeping the stored _createdDate (§4.6); the MERGE leaves that column untouched.
      const item: Item = created ? { ...b.item, _createdDate: (current._createdDate ?? null) as Value } : b.item;
      updates.push({ ...b, item });
    }
    if (updates.length > 0) {
      await this.deps.executor.runRaw(
        replaceRows(
          c.stored.id,
          c.writeColumns,
          lastPerId(updates).map((b) => b.row),
          { keep: created ? ['_createdDate'] : [], upsert: false },
        ),
      );
    }
    for (const b of updates) results[b.index] = { item: storedItem(c, b.item) };
  }

  private async readIds(c: BigQueryCollection, ids: readonly string[]): Promise<Set<string>> {
    return new Set((await this.readItems(c, ids, ['_id'])).keys());
  }

  /** Rows by `_id` as items (only the given columns; default all written columns). */
  async readItems(
    c: BigQueryCollection,
    ids: readonly string[],
    keys: readonly string[] = c.writeColumns.map((w) => w.key),
  ): Promise<Map<string, Item>> {
    const out = new Map<string, Item>();
    if (ids.length === 0) return out;
    const columns = keys
      .map((key) => c.writeColumns.find((w) => w.key === key))
      .filter((w): w is WriteColumn => w !== undefined);
    const statement: Statement = selectByIds(
      c.stored.id,
      columns.map((w) => w.column.name),
      [...new Set(ids)],
    );
    const { rows } = await this.deps.executor.run(statement, c.stored.id);
    for (const row of rows) {
      const item: Record<string, Value> = {};
      columns.forEach((w, i) => {
        const value = row.get(`c${i}`);
        if (value === null || value === undefined) return;
        item[w.key] = w.field.type === 'ANY' ? fromAny(value) : value;
      });
      if (typeof item._id === 'string') out.set(item._id, item);
    }
    return out;
  }
}

/** Splits pending rows so no statement's parameters exceed MAX_STATEMENT_BYTES. */
function chunks(pending: readonly Pending[]): Pending[][] {
  const out: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const p of pending) {
    if (current.length > 0 && bytes + p.bytes > MAX_STATEMENT_BYTES) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += p.bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * The item as stored: only keys with a column, no nulls (null = missing,
 * docs/semantics.md §4); a REPEATED column stores a missing array as [].
 */
export function storedItem(c: BigQueryCollection, item: Item): Item {
  const out: Record<string, Value> = {};
  for (const { key, shape } of c.writeColumns) {
    const value = item[key];
    if (value !== null && value !== undefined) out[key] = value;
    else if (typeof shape.type === 'object') out[key] = [];
  }
  return out;
}

function sameItem(a: Item, b: Item): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
