/**
 * Spanner's item writer (sql-storage engine.ts `ItemWriter`; the shared
 * bookkeeping is sql-storage writes.ts).
 *
 * Batching: items go in as few commits as Spanner allows — a commit holds at
 * most 80,000 mutations, counted per column written plus per secondary index
 * entry ("Quotas and limits": mutations per commit) — so 1,000 items of a
 * zoo-sized collection take one transaction: one key read + one commit.
 * Per-item answers that need the current rows (already exists / not found /
 * stored `_createdDate`) come from a read inside the same read-write
 * transaction; `runTransactionAsync` retries it when Spanner answers ABORTED
 * (client-guards.ts `readWrite`).
 */
import { errors, ID_FIELD, type Item, type ItemResult, type Value } from '@adaptors/core';
import { spanner } from '@adaptors/googlesql';
import * as sql from '@adaptors/sql-storage';
import type { Database, Transaction } from '@google-cloud/spanner';
import { readWrite } from './client-guards.ts';
import { columnField, type SpannerCollection } from './collections.ts';
import { callOptions, streamOptions } from './deadline.ts';
import { deleteAllRows } from './dml.ts';
import { itemError, translateError } from './errors.ts';
import { readIds, readItems, storedItem } from './rows.ts';
import { toItems } from './runner.ts';
import { columnValue, spannerStatement } from './values.ts';

type CommitTimestamp = NonNullable<Transaction['commitTimestampProto']>;

const CREATED_FIELD = '_createdDate';

/** Spanner's limit of mutations per commit (cells written, index entries included). */
export const MAX_MUTATIONS_PER_COMMIT = 80_000;
/** Commit size stays far below Spanner's 100 MB request limit. */
const MAX_BYTES_PER_COMMIT = 32 * 1024 * 1024;

/** Items per commit: each writes its columns plus an entry per secondary index. */
function limits(c: SpannerCollection, cellsPerItem: number): sql.BatchLimits {
  return {
    maxBytes: MAX_BYTES_PER_COMMIT,
    maxItems: Math.max(1, Math.floor(MAX_MUTATIONS_PER_COMMIT / (cellsPerItem + c.indexCost))),
  };
}

export class Writer {
  private readonly database: Database;
  /** Whether the references table exists (pairs must follow removed items). */
  private readonly hasReferences: () => Promise<boolean>;
  /** A table or column Spanner says is gone makes the cached schema stale (schema.ts `noticeStale`). */
  private readonly noticeStale: (error: unknown, collectionId: string) => void;

  constructor(
    database: Database,
    hasReferences: () => Promise<boolean>,
    noticeStale: (error: unknown, collectionId: string) => void,
  ) {
    this.database = database;
    this.hasReferences = hasReferences;
    this.noticeStale = noticeStale;
  }

  async insert(c: SpannerCollection, items: readonly Item[], overwrite: boolean): Promise<ItemResult[]> {
    return this.write(c, items, overwrite ? 'allow' : 'refuse', (tx, batch, results) =>
      overwrite ? this.saveBatch(tx, c, batch, results) : this.insertBatch(tx, c, batch, results),
    );
  }

  async update(c: SpannerCollection, items: readonly Item[]): Promise<ItemResult[]> {
    return this.write(c, items, 'allow', (tx, batch, results) => this.updateBatch(tx, c, batch, results));
  }

  async remove(c: SpannerCollection, itemIds: readonly string[]): Promise<ItemResult[]> {
    const results: ItemResult[] = new Array(itemIds.length);
    const withReferences = await this.hasReferences();
    const all = itemIds.map((id, index) => ({ index, id, bytes: 0 }));
    for (const batch of sql.batches(all, limits(c, 1))) {
      await this.transaction(c, async (tx) => {
        const found = await readItems(
          tx,
          c,
          batch.map((b) => b.id),
        );
        const removed = sql.removalAnswers(c.stored.id, batch, found, results);
        if (removed.length === 0) return;
        tx.deleteRows(c.stored.id, removed);
        if (withReferences) {
          const pairs = sql.referencesStatements(spanner).deleteOfItems(c.stored.id, removed);
          await tx.runUpdate({ ...spannerStatement(pairs), gaxOptions: streamOptions() });
        }
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
      await this.database.runPartitionedUpdate({
        ...spannerStatement(deleteAllRows(c.stored.id)),
        gaxOptions: streamOptions(),
      });
      if (await this.hasReferences()) {
        const pairs = sql.referencesStatements(spanner).deleteOfCollection(c.stored.id);
        await this.database.runPartitionedUpdate({ ...spannerStatement(pairs), gaxOptions: streamOptions() });
      }
    } catch (error) {
      throw this.translated(error, c);
    }
  }

  /**
   * Items in batches within a commit's limits, one transaction per batch (item by item if one
   * item fails it); then, when the table has columns Spanner computes, their values for the answer.
   */
  private async write(
    c: SpannerCollection,
    items: readonly Item[],
    duplicates: 'refuse' | 'allow',
    batch: (tx: Transaction, batch: readonly sql.Pending[], results: ItemResult[]) => Promise<void>,
  ): Promise<ItemResult[]> {
    // Each written item's commit timestamp: its computed values are read at exactly that state.
    const committedAt = new Map<number, CommitTimestamp>();
    // A unique index clash names the item's field and value (errors.ts `uniqueIndexViolation`).
    const byId = new Map(items.map((item) => [String(item._id), item]));
    const results = await sql.writeItems(c.stored.id, items, {
      duplicates,
      limits: limits(c, c.writeColumns.length),
      encode: (item) => {
        const row: Record<string, unknown> = {};
        for (const { key, column } of c.writeColumns) row[column.name] = columnValue(key, column.type, item[key]);
        return { row, bytes: JSON.stringify(item).length * 3 };
      },
      write: (entries, results) =>
        readWrite(this.database, async (tx) => {
          await batch(tx, entries, results);
          const at = tx.commitTimestampProto;
          if (at && c.computed.length > 0) for (const entry of entries) committedAt.set(entry.index, at);
        }),
      itemError: (error, itemId) =>
        itemError(error, c.stored.id, itemId, {
          item: byId.get(itemId),
          indexes: c.physical.indexes,
          fieldOf: (column) => columnField(c.physical, column),
        }),
      fail: (error) => this.translated(error, c),
    });
    if (committedAt.size > 0) await this.readComputed(c, results, committedAt);
    return results;
  }

  /**
   * The answer of a write is the item as stored (docs/protocol.md §4.5, §4.6): the values Spanner
   * computed for the written rows (generated columns) are read at each commit's timestamp — one
   * read per commit, only for tables that have such columns — so a later write cannot show in it.
   * If that read fails, the write still happened: the item is answered as written, without them.
   */
  private async readComputed(
    c: SpannerCollection,
    results: ItemResult[],
    committedAt: ReadonlyMap<number, CommitTimestamp>,
  ): Promise<void> {
    const commits = new Map<string, { at: CommitTimestamp; indexes: number[] }>();
    for (const [index, at] of committedAt) {
      if (!results[index] || !('item' in results[index])) continue;
      const key = `${at.seconds}.${at.nanos}`;
      const commit = commits.get(key) ?? { at, indexes: [] };
      commits.set(key, commit);
      commit.indexes.push(index);
    }
    for (const { at, indexes } of commits.values()) {
      const written = indexes.map((index) => (results[index] as { item: Item }).item);
      const query = spanner.select(
        c.table,
        sql.itemsByIdQuery([...new Set(written.map((item) => String(item._id)))], [ID_FIELD, ...c.computed]),
      );
      let stored: Map<string, Item>;
      try {
        const [rows] = await this.database.run(
          { ...spannerStatement(query), gaxOptions: streamOptions() },
          { readTimestamp: at },
        );
        stored = new Map(toItems(rows, query, c.fields).map((item) => [String(item._id), item]));
      } catch {
        continue;
      }
      indexes.forEach((index, i) => {
        const item: Record<string, Value> = { ...written[i] };
        const row = stored.get(String(item._id));
        for (const key of c.computed) {
          delete item[key];
          const value = row?.[key];
          if (value !== null && value !== undefined) item[key] = value;
        }
        results[index] = { item };
      });
    }
  }

  private async insertBatch(
    tx: Transaction,
    c: SpannerCollection,
    batch: readonly sql.Pending[],
    results: ItemResult[],
  ) {
    const existing = await readIds(
      tx,
      c,
      batch.map((b) => b.id),
    );
    const fresh = batch.filter((b) => !existing.has(b.id));
    for (const b of batch) {
      if (existing.has(b.id)) results[b.index] = { error: errors.itemAlreadyExists(c.stored.id, b.id) };
    }
    mutate(
      tx,
      'insert',
      c.stored.id,
      fresh.map((b) => omitDefaults(c, b.row, 'insert')),
    );
    await tx.commit({ gaxOptions: callOptions() });
    for (const b of fresh) results[b.index] = { item: storedItem(c, b.item) };
  }

  /**
   * Save (insert with overwrite, docs/protocol.md §4.5): an existing item is replaced as an
   * update replaces it — its stored `_createdDate` kept, columns outside the collection left as
   * they are (a `replace` mutation would rewrite both) — and a new one is inserted as an insert
   * inserts it (the database's defaults apply).
   */
  private async saveBatch(tx: Transaction, c: SpannerCollection, batch: readonly sql.Pending[], results: ItemResult[]) {
    const last = sql.lastPerId(batch);
    const stored = await readItems(
      tx,
      c,
      last.map((b) => b.id),
      createdKeys(c),
    );
    const replaced = new Map(
      last.filter((b) => stored.has(b.id)).map((b) => [b.id, replacement(c, b, stored.get(b.id)?._createdDate)]),
    );
    mutate(
      tx,
      'insert',
      c.stored.id,
      last.filter((b) => !replaced.has(b.id)).map((b) => omitDefaults(c, b.row, 'insert')),
    );
    mutate(
      tx,
      'update',
      c.stored.id,
      [...replaced.values()].map((b) => b.row),
    );
    await tx.commit({ gaxOptions: callOptions() });
    for (const b of batch) {
      const kept = replaced.get(b.id)?.item;
      results[b.index] = {
        item: storedItem(c, kept ? { ...b.item, _createdDate: kept._createdDate ?? null } : b.item),
      };
    }
  }

  private async updateBatch(
    tx: Transaction,
    c: SpannerCollection,
    batch: readonly sql.Pending[],
    results: ItemResult[],
  ) {
    const stored = await readItems(
      tx,
      c,
      batch.map((b) => b.id),
      createdKeys(c),
    );
    const updates = sql
      .updatesFound(c.stored.id, batch, stored, results)
      .map(({ entry, createdDate }) => replacement(c, entry, createdDate));
    mutate(
      tx,
      'update',
      c.stored.id,
      sql.lastPerId(updates).map((b) => b.row),
    );
    await tx.commit({ gaxOptions: callOptions() });
    for (const b of updates) results[b.index] = { item: storedItem(c, b.item) };
  }

  private async transaction(c: SpannerCollection, run: (tx: Transaction) => Promise<void>): Promise<void> {
    try {
      // One that ends without a commit (nothing to remove) is rolled back there (client-guards.ts).
      await readWrite(this.database, run);
    } catch (error) {
      throw this.translated(error, c);
    }
  }

  private translated(error: unknown, c: SpannerCollection): unknown {
    this.noticeStale(error, c.stored.id);
    return translateError(error, c.stored.id);
  }
}

/** The keys an update reads before replacing a row: `_id`, and `_createdDate` when the table has it. */
function createdKeys(c: SpannerCollection): string[] {
  return c.table.columns.has(CREATED_FIELD) ? [ID_FIELD, CREATED_FIELD] : [ID_FIELD];
}

/**
 * An existing row's full replacement (§4.6): fields absent from the item are cleared, and the
 * stored `_createdDate` is kept by not writing it at all. Written back it would lose what the
 * read cannot carry (a date is read in whole milliseconds, and an owner's row may hold
 * microseconds). A row without one gets the update's date, as the memory storage does.
 */
function replacement(c: SpannerCollection, b: sql.Pending, createdDate: Value | undefined): sql.Pending {
  const entry = { ...b, row: omitDefaults(c, b.row, 'replace') };
  const column = c.table.columns.get(CREATED_FIELD)?.name;
  if (column === undefined) return entry;
  if (createdDate !== null && createdDate !== undefined) {
    const row = { ...entry.row };
    delete row[column];
    return { ...entry, item: { ...b.item, _createdDate: createdDate }, row };
  }
  const created = (b.item._updatedDate ?? null) as Value;
  return {
    ...entry,
    item: { ...b.item, _createdDate: created },
    row: { ...entry.row, [column]: columnValue(CREATED_FIELD, 'TIMESTAMP', created) },
  };
}

/**
 * A row without the DEFAULT columns it has no value for (null is a missing value to Wix,
 * docs/semantics.md §4). An insert leaves them all out, so Spanner fills in their defaults (a
 * mutation that names a column writes its value, NULL included). A replacement clears absent
 * fields (§4.6) but cannot clear a NOT NULL column: that one keeps its stored value.
 */
function omitDefaults(
  c: SpannerCollection,
  row: Record<string, unknown>,
  kind: 'insert' | 'replace',
): Record<string, unknown> {
  if (c.defaults.size === 0) return row;
  const out = { ...row };
  for (const [column, nullable] of c.defaults) {
    if (out[column] === null && (kind === 'insert' || !nullable)) delete out[column];
  }
  return out;
}

/**
 * Insert or update mutations of rows that may not all write the same columns: the client takes
 * a mutation's column list from its first row and refuses a row without those columns, so
 * rows go in one mutation per set of columns.
 */
function mutate(tx: Transaction, kind: 'insert' | 'update', table: string, rows: readonly Record<string, unknown>[]) {
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const row of rows) {
    const columns = Object.keys(row).sort().join('\u0000');
    const group = groups.get(columns) ?? [];
    groups.set(columns, group);
    group.push(row);
  }
  for (const group of groups.values()) tx[kind](table, group);
}
