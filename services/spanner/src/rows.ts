/**
 * Rows of one collection inside a read-write transaction (reads lock the
 * rows until commit) and the item shapes the writer answers with.
 */
import { ID_FIELD, type Item, type Value } from '@adaptors/core';
import { spanner } from '@adaptors/googlesql';
import { itemsByIdQuery } from '@adaptors/sql-storage';
import type { Transaction } from '@google-cloud/spanner';
import type { SpannerCollection } from './collections.ts';
import { streamOptions } from './deadline.ts';
import { toItems } from './runner.ts';
import { rowValues, spannerStatement } from './values.ts';

/** The item as stored: only keys with a column, no nulls (null = missing, docs/semantics.md §4). */
export function storedItem(c: SpannerCollection, item: Item): Item {
  const out: Record<string, Value> = {};
  for (const { key } of c.writeColumns) {
    const value = item[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

/** Which of these ids exist, by a key read inside the transaction (locks the rows until commit). */
export async function readIds(tx: Transaction, c: SpannerCollection, ids: readonly string[]): Promise<Set<string>> {
  // The `_id` field's column (`x_id` in a table of the reference adaptor: collections.ts).
  const column = c.table.columns.get(ID_FIELD)?.name ?? ID_FIELD;
  const [rows] = await tx.read(c.stored.id, {
    keys: [...new Set(ids)],
    columns: [column],
    gaxOptions: streamOptions(),
  });
  const found = new Set<string>();
  for (const row of rows) {
    const id = rowValues(row).get(column);
    if (typeof id === 'string') found.add(id);
  }
  return found;
}

/**
 * Items by _id (their `keys` only, every column's key by default: generated ones too), inside the
 * transaction (the read locks the rows until commit). A compiled query, not a
 * key read: googlesql reads TIMESTAMP columns as UNIX_MILLIS, where a key
 * read decodes them through the client's PreciseDate, one second late just
 * before 1970 (docs/engines.md §2) — an update would write that back.
 */
export async function readItems(
  tx: Transaction,
  c: SpannerCollection,
  ids: readonly string[],
  keys: readonly string[] = [...c.table.columns.keys()],
): Promise<Map<string, Item>> {
  const out = new Map<string, Item>();
  if (ids.length === 0) return out;
  const query = spanner.select(c.table, itemsByIdQuery([...new Set(ids)], keys));
  const [rows] = await tx.run({ ...spannerStatement(query), gaxOptions: streamOptions() });
  for (const item of toItems(rows, query, c.fields)) {
    if (typeof item._id === 'string') out.set(item._id, item);
  }
  return out;
}
