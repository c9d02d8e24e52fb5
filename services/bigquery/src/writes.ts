/**
 * Item writes (docs/protocol.md §4.5–§4.8) through DML only — rows written by DML
 * are immediately visible, updatable and removable (streaming inserts are
 * not: rows in the streaming buffer cannot be updated or deleted for a
 * while). One positional result per item; one bad item never fails the rest.
 *
 * Statements per bulk call (1,000 items = one chunk unless the rows exceed
 * MAX_STATEMENT_BYTES): insert = id pre-read + one MERGE; update = pre-read +
 * one MERGE; remove = pre-read + one DELETE (+ one for reference pairs);
 * truncate = TRUNCATE TABLE (+ pairs). A table with column defaults: still one
 * insert MERGE, which writes each default where an item has no value (dml.ts
 * `insertedDefault`; a column whose default it cannot write adds one MERGE per
 * set of such columns the items leave out: `byLeftOut`), and one read of the
 * defaults written when some item took a default not known before the write
 * (`defaultsOf`).
 *
 * Uniqueness: BigQuery has no unique keys. Writes to a table are serialised
 * within this instance (core KeyedLock), and the insert itself is a
 * `MERGE … WHEN NOT MATCHED THEN INSERT`, so an `_id` committed before the
 * MERGE starts is never inserted twice. Only an insert of the same `_id` by
 * another instance committing while this MERGE runs can slip through
 * (BigQuery runs INSERT-only MERGEs concurrently); when the MERGE reports
 * fewer inserted rows than sent, the rows are read back and an item whose
 * stored row is not the one written is answered ITEM_ALREADY_EXISTS.
 */
import { errors, type Item, type ItemResult, KeyedLock, type Value } from '@adaptors/core';
import { bigquery, timeOfDayText } from '@adaptors/googlesql';
import * as sql from '@adaptors/sql-storage';
import type { BigQueryCollection, WriteColumn } from './collections.ts';
import { deleteByIds, insertedDefault, insertMissing, replaceRows, selectByIds, truncateTable } from './dml.ts';
import { itemError, translateError } from './errors.ts';

import type { BigQueryRunner } from './runner.ts';
import { columnValue, type Statement } from './values.ts';

/** Rows per statement stay far below jobs.query's 10 MB request limit (parameters included). */
export const MAX_STATEMENT_BYTES = 6 * 1024 * 1024;

/** A bulk call's rows travel as one parameter: only its size limits a statement. */
const LIMITS: sql.BatchLimits = { maxBytes: MAX_STATEMENT_BYTES };

export class Writer {
  private readonly runner: BigQueryRunner;
  /** Whether the references table exists (pairs must follow removed items). */
  private readonly hasReferences: () => Promise<boolean>;
  private readonly lock = new KeyedLock();

  constructor(runner: BigQueryRunner, hasReferences: () => Promise<boolean>) {
    this.runner = runner;
    this.hasReferences = hasReferences;
  }

  insert(c: BigQueryCollection, items: readonly Item[], overwrite: boolean): Promise<ItemResult[]> {
    return this.write(c, items, overwrite ? 'allow' : 'refuse', (batch, results) =>
      overwrite ? this.upsertBatch(c, batch, results) : this.insertBatch(c, batch, results),
    );
  }

  update(c: BigQueryCollection, items: readonly Item[]): Promise<ItemResult[]> {
    return this.write(c, items, 'allow', (batch, results) => this.updateBatch(c, batch, results));
  }

  remove(c: BigQueryCollection, itemIds: readonly string[]): Promise<ItemResult[]> {
    return this.lock.run(c.stored.id, async () => {
      const results: ItemResult[] = new Array(itemIds.length);
      const { items: found, repeated } = await this.readRows(c, itemIds);
      const entries = itemIds.map((id, index) => ({ index, id }));
      const ids = sql.removalAnswers(
        c.stored.id,
        entries.filter((e) => !repeated.has(e.id)),
        found,
        results,
      );
      refuseRepeated(entries, repeated, results);
      if (ids.length > 0) {
        const { affected } = await this.runner.run(deleteByIds(c.stored.id, ids), c.stored.id);
        const skipped = await this.skipped(c, ids, affected, ids.length);
        refuseRepeated(entries, skipped, results);
        const removed = ids.filter((id) => !skipped.has(id));
        if (removed.length > 0 && (await this.hasReferences()))
          await this.runner.execute(sql.referencesStatements(bigquery).deleteOfItems(c.stored.id, removed));
      }
      return results;
    });
  }

  /** TRUNCATE TABLE removes every row whatever the count (no DML row limit, no bytes billed), then the pairs. */
  truncate(c: BigQueryCollection): Promise<void> {
    return this.lock.run(c.stored.id, async () => {
      await this.runner.run(truncateTable(c.stored.id), c.stored.id);
      if (await this.hasReferences())
        await this.runner.execute(sql.referencesStatements(bigquery).deleteOfCollection(c.stored.id));
    });
  }

  /** Items in statements within the size limit (item by item if one item fails one), one call per collection at a time. */
  private write(
    c: BigQueryCollection,
    items: readonly Item[],
    duplicates: 'refuse' | 'allow',
    batch: (batch: readonly sql.Pending[], results: ItemResult[]) => Promise<void>,
  ): Promise<ItemResult[]> {
    return this.lock.run(c.stored.id, () =>
      sql.writeItems(c.stored.id, items, {
        duplicates,
        limits: LIMITS,
        encode: (item) => {
          const row: Record<string, unknown> = {};
          c.writeColumns.forEach((w, i) => {
            row[`c${i}`] = columnValue(w.key, w.shape, item[w.key]);
          });
          return { row, bytes: JSON.stringify(item).length + 32 * c.writeColumns.length };
        },
        write: batch,
        itemError: (error, itemId) => itemError(error, itemId),
        fail: (error) => translateError(error, c.stored.id),
      }),
    );
  }

  private async insertBatch(
    c: BigQueryCollection,
    batch: readonly sql.Pending[],
    results: ItemResult[],
  ): Promise<void> {
    const existing = await this.readIds(
      c,
      batch.map((b) => b.id),
    );
    const fresh = batch.filter((b) => !existing.has(b.id));
    for (const b of batch) {
      if (existing.has(b.id)) results[b.index] = { error: errors.itemAlreadyExists(c.stored.id, b.id) };
    }
    if (fresh.length === 0) return;
    // One MERGE (one per set of left-out columns whose default it cannot write: `byLeftOut`).
    const lost = new Set<string>();
    for (const group of byLeftOut(c, fresh)) {
      const { affected } = await this.runner.runRaw(
        insertMissing(
          c.stored.id,
          c.writeColumns,
          group.entries.map((b) => b.row),
          group.leftOut,
        ),
      );
      if (affected === group.entries.length) continue;
      const won = await this.ours(c, group.entries);
      for (const b of group.entries) if (!won.has(b.id)) lost.add(b.id);
    }
    const filled = await this.defaultsOf(
      c,
      fresh.filter((b) => !lost.has(b.id)),
      () => true,
    );
    for (const b of fresh) {
      results[b.index] = lost.has(b.id)
        ? { error: errors.itemAlreadyExists(c.stored.id, b.id) }
        : { item: storedItem(c, { ...b.item, ...filled.get(b.id) }) };
    }
  }

  /**
   * After a race: the items whose stored row is exactly the one this call wrote (the defaulted
   * columns an item left out hold BigQuery's defaults, not the item's values, and are not compared).
   */
  private async ours(c: BigQueryCollection, fresh: readonly sql.Pending[]): Promise<Set<string>> {
    const stored = await this.readItems(
      c,
      fresh.map((b) => b.id),
    );
    const won = new Set<string>();
    for (const b of fresh) {
      const row = stored.get(b.id);
      const ignored = new Set([...leftOut(c, b.item)].map((i) => c.writeColumns[i]?.key));
      if (row && sameItem(row, storedItem(c, b.item), ignored)) won.add(b.id);
    }
    return won;
  }

  /**
   * For the answers, the values of the defaulted columns the entries left out. An entry the
   * statement `inserted` took each column's default: a plain string literal is that value
   * (`knownDefault`), any other is read back (CURRENT_TIMESTAMP(), GENERATE_UUID() … are known
   * only once BigQuery wrote them). An entry that replaced a stored row kept a REQUIRED column's
   * stored value, read back too (dml.ts `replaceRows`), and had a nullable one cleared. One
   * SELECT, and only when some entry needs a value read.
   */
  private async defaultsOf(
    c: BigQueryCollection,
    entries: readonly sql.Pending[],
    inserted: (entry: sql.Pending) => boolean,
  ): Promise<Map<string, Item>> {
    const out = new Map<string, Record<string, Value>>();
    const wanted = new Map<string, string[]>();
    for (const b of entries) {
      const known: Record<string, Value> = {};
      const keys: string[] = [];
      const fresh = inserted(b);
      for (const i of leftOut(c, b.item)) {
        const w = c.writeColumns[i] as WriteColumn;
        const value = fresh ? knownDefault(w) : undefined;
        if (value !== undefined) known[w.key] = value;
        else if (fresh || w.defaulted === 'REQUIRED') keys.push(w.key);
      }
      if (Object.keys(known).length > 0) out.set(b.id, known);
      if (keys.length > 0) wanted.set(b.id, keys);
    }
    if (wanted.size === 0) return out;
    const stored = await this.readItems(c, [...wanted.keys()], ['_id', ...new Set([...wanted.values()].flat())]);
    for (const [id, keys] of wanted) {
      const row = stored.get(id);
      if (!row) continue;
      const values = out.get(id) ?? {};
      for (const key of keys) if (row[key] !== undefined) values[key] = row[key];
      out.set(id, values);
    }
    return out;
  }

  /**
   * Save (insert with overwrite, docs/protocol.md §4.5): an existing item is replaced as an
   * update replaces it, its stored `_createdDate` kept (the MERGE leaves that column untouched
   * and the answer carries the stored value), and a new one is inserted. An `_id` several rows
   * hold fails its item (`refuseRepeated`).
   */
  private async upsertBatch(
    c: BigQueryCollection,
    batch: readonly sql.Pending[],
    results: ItemResult[],
  ): Promise<void> {
    const { created, stored, single } = await this.readForReplace(c, batch, results);
    const skipped = await this.replace(c, single, created, true);
    // A new item took the defaults of the columns it left out; an existing one kept a REQUIRED one's value.
    const filled = await this.defaultsOf(
      c,
      single.filter((b) => !skipped.has(b.id)),
      (b) => !stored.has(b.id),
    );
    for (const b of single) {
      if (skipped.has(b.id)) continue;
      const existing = stored.get(b.id);
      const item = existing && created ? { ...b.item, _createdDate: existing._createdDate ?? null } : b.item;
      results[b.index] = { item: storedItem(c, { ...item, ...filled.get(b.id) }) };
    }
    refuseRepeated(batch, skipped, results);
  }

  private async updateBatch(
    c: BigQueryCollection,
    batch: readonly sql.Pending[],
    results: ItemResult[],
  ): Promise<void> {
    const { created, stored, single } = await this.readForReplace(c, batch, results);
    // Full replacement keeping the stored _createdDate (§4.6); the MERGE leaves that column untouched.
    const updates = sql
      .updatesFound(c.stored.id, single, stored, results)
      .map(
        ({ entry: b, createdDate }): sql.Pending =>
          created ? { ...b, item: { ...b.item, _createdDate: (createdDate ?? null) as Value } } : b,
      );
    const skipped = await this.replace(c, updates, created, false);
    const kept = await this.defaultsOf(
      c,
      updates.filter((b) => !skipped.has(b.id)),
      () => false,
    );
    for (const b of updates)
      if (!skipped.has(b.id)) results[b.index] = { item: storedItem(c, { ...b.item, ...kept.get(b.id) }) };
    refuseRepeated(batch, skipped, results);
  }

  /**
   * The stored rows of a batch written by `_id` (with their `_createdDate` when the collection
   * keeps one): an id several rows hold fails its item (`refuseRepeated`), the rest are `single`.
   */
  private async readForReplace(c: BigQueryCollection, batch: readonly sql.Pending[], results: ItemResult[]) {
    const created = createdColumn(c);
    const { items: stored, repeated } = await this.readRows(
      c,
      batch.map((b) => b.id),
      created ? ['_id', '_createdDate'] : ['_id'],
    );
    refuseRepeated(batch, repeated, results);
    return { created, stored, single: batch.filter((b) => !repeated.has(b.id)) };
  }

  /**
   * The last entry per id written by one MERGE that leaves `_createdDate` untouched (`upsert`:
   * inserting the ids no row holds with the defaults, as an insert: `byLeftOut`); answers the
   * ids it skipped (`skipped`).
   */
  private async replace(
    c: BigQueryCollection,
    entries: readonly sql.Pending[],
    created: WriteColumn | undefined,
    upsert: boolean,
  ): Promise<ReadonlyMap<string, number>> {
    const last = sql.lastPerId(entries);
    if (last.length === 0) return new Map();
    const skipped = new Map<string, number>();
    for (const group of upsert ? byLeftOut(c, last) : [{ leftOut: new Set<number>(), entries: last }]) {
      const { affected } = await this.runner.runRaw(
        replaceRows(
          c.stored.id,
          c.writeColumns,
          group.entries.map((b) => b.row),
          { keep: created ? [created.column.name] : [], upsert, leftOut: group.leftOut },
        ),
      );
      const ids = group.entries.map((b) => b.id);
      for (const [id, rows] of await this.skipped(c, ids, affected, ids.length)) skipped.set(id, rows);
    }
    return skipped;
  }

  /**
   * The ids a write by `_id` skipped because several rows hold them by now (dml.ts `heldOnce`:
   * a duplicate made after the rows were read). Only when BigQuery reports another number of
   * changed rows than the `expected` one per id, and then by reading those ids again.
   */
  private async skipped(
    c: BigQueryCollection,
    ids: readonly string[],
    affected: number | undefined,
    expected: number,
  ): Promise<ReadonlyMap<string, number>> {
    if (affected === undefined || affected === expected) return new Map();
    return (await this.readRows(c, ids, ['_id'])).repeated;
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
    return (await this.readRows(c, ids, keys)).items;
  }

  /** `readItems`, and the ids several rows hold (BigQuery has no unique keys) with their row counts. */
  private async readRows(
    c: BigQueryCollection,
    ids: readonly string[],
    keys: readonly string[] = c.writeColumns.map((w) => w.key),
  ): Promise<{ items: Map<string, Item>; repeated: Map<string, number> }> {
    const items = new Map<string, Item>();
    const repeated = new Map<string, number>();
    if (ids.length === 0) return { items, repeated };
    const columns = keys
      .map((key) => c.writeColumns.find((w) => w.key === key))
      .filter((w): w is WriteColumn => w !== undefined);
    const statement: Statement = selectByIds(
      c.stored.id,
      columns.map((w) => w.column),
      [...new Set(ids)],
    );
    const { rows } = await this.runner.run(statement, c.stored.id);
    for (const row of rows) {
      const item: Record<string, Value> = {};
      columns.forEach((w, i) => {
        const value = row.get(`c${i}`);
        if (value === null || value === undefined) return;
        item[w.key] = w.field.type === 'ANY' ? sql.fromAny(value) : value;
      });
      if (typeof item._id !== 'string') continue;
      if (items.has(item._id)) repeated.set(item._id, (repeated.get(item._id) ?? 1) + 1);
      else items.set(item._id, item);
    }
    return { items, repeated };
  }
}

/**
 * An `_id` several rows hold fails its item: BigQuery has no unique keys, and a write by `_id`
 * changes one row per item or none (dml.ts `heldOnce`), never several. The owner removes or
 * re-ids the extra rows in BigQuery.
 */
function refuseRepeated(
  entries: readonly { readonly index: number; readonly id: string }[],
  repeated: ReadonlyMap<string, number>,
  results: ItemResult[],
): void {
  for (const { index, id } of entries) {
    const rows = repeated.get(id);
    if (rows === undefined) continue;
    results[index] = {
      error: errors.violation(
        '_id',
        id,
        `${rows} rows of this table have this _id (BigQuery has no unique keys), and a write by _id changes one row; remove or re-id the extra rows in BigQuery`,
      ),
    };
  }
}

/**
 * Indexes (into `writeColumns`) of the columns with a default value the item has no value for.
 * Null counts as no value: Wix does not tell a null field from a missing one (docs/semantics.md
 * §4) and sends null for a field left empty, so an inserted item without a value gets the
 * column's default, as an INSERT that leaves the column out does (the Spanner adaptor does the
 * same: services/spanner/src/writes.ts `omitDefaults`).
 */
function leftOut(c: BigQueryCollection, item: Item): Set<number> {
  const out = new Set<number>();
  c.writeColumns.forEach((w, i) => {
    if (w.defaulted && (item[w.key] === null || item[w.key] === undefined)) out.add(i);
  });
  return out;
}

/**
 * A batch's entries by the defaulted columns they leave out whose default the INSERT cannot write
 * itself (dml.ts `insertedDefault`: a REPEATED column, a NUMERIC one with a FLOAT64 literal …), in
 * first-seen order: BigQuery writes a default only into a column the INSERT does not list, so each
 * set of those is its own statement (dml.ts `insertClause`). A table without such columns — every
 * default a literal or a function of a scalar column — or a batch whose items all give them, stays
 * one group and one statement, whatever the mix of other defaulted columns left out.
 */
function byLeftOut(
  c: BigQueryCollection,
  entries: readonly sql.Pending[],
): { readonly leftOut: ReadonlySet<number>; readonly entries: sql.Pending[] }[] {
  const apart = new Set<number>();
  c.writeColumns.forEach((w, i) => {
    if (w.defaulted && insertedDefault(w) === undefined) apart.add(i);
  });
  if (apart.size === 0) return [{ leftOut: new Set(), entries: [...entries] }];
  const groups = new Map<string, { leftOut: Set<number>; entries: sql.Pending[] }>();
  for (const b of entries) {
    const columns = new Set([...leftOut(c, b.item)].filter((i) => apart.has(i)));
    const key = [...columns].join(',');
    const group = groups.get(key) ?? { leftOut: columns, entries: [] };
    groups.set(key, group);
    group.entries.push(b);
  }
  return [...groups.values()];
}

/**
 * The value an inserted row takes from the column's default when that is known before the write:
 * a plain string literal ('new', "new": no escape, no raw, bytes or triple-quoted form) in a
 * STRING column, read back as that text (an ANY field's text is decoded when read: `readRows`).
 * Any other default is read back after the write (`Writer.defaultsOf`).
 */
function knownDefault(w: WriteColumn): string | undefined {
  if (w.column.type !== 'STRING' || w.field.type === 'ANY' || w.defaultExpression === undefined) return undefined;
  const literal = /^\s*(?:'([^'\\\r\n]*)'|"([^"\\\r\n]*)")\s*$/.exec(w.defaultExpression);
  return literal ? (literal[1] ?? literal[2]) : undefined;
}

/**
 * The `_createdDate` column an update or save leaves as stored: never written back (the
 * read carries whole milliseconds, an owner's row may hold microseconds).
 */
function createdColumn(c: BigQueryCollection): WriteColumn | undefined {
  return c.writeColumns.find((w) => w.key === '_createdDate' && w.column.type === 'TIMESTAMP');
}

/**
 * The item as stored: only keys with a column, no nulls (null = missing,
 * docs/semantics.md §4); a REPEATED column stores a missing array as []; a TIME
 * column answers its "HH:mm:ss.sss" text ("10:30" is stored as 10:30:00 and read
 * back as "10:30:00.000": googlesql time-of-day.ts).
 */
export function storedItem(c: BigQueryCollection, item: Item): Item {
  const out: Record<string, Value> = {};
  for (const { key, shape } of c.writeColumns) {
    const value = item[key];
    if (value !== null && value !== undefined) out[key] = isTimeColumn(shape.type) ? timeText(value) : value;
    else if (typeof shape.type === 'object') out[key] = [];
  }
  return out;
}

function isTimeColumn(type: WriteColumn['shape']['type']): boolean {
  return type === 'TIME' || (typeof type === 'object' && type.array === 'TIME');
}

/** A written TIME value (or array of them; checked by values.ts `columnValue`) as the column answers it. */
function timeText(value: Value): Value {
  if (Array.isArray(value)) return value.map((v) => timeText(v as Value));
  return typeof value === 'string' ? (timeOfDayText(value) ?? value) : value;
}

function sameItem(a: Item, b: Item, ignored: ReadonlySet<string | undefined> = new Set()): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => ignored.has(k) || JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
