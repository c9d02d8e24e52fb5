/**
 * Rows of one collection inside a read-write transaction (key reads lock the
 * rows until commit) and the item shapes the writer answers with.
 */
import type { Item, Value } from '@adaptors/core';
import { fromAny } from '@adaptors/sql-storage';
import type { Transaction } from '@google-cloud/spanner';
import type { SpannerCollection } from './collections.ts';
import { callOptions } from './deadline.ts';
import { rowValues } from './values.ts';

/** The item as stored: only keys with a column, no nulls (null = missing, docs/semantics.md §4). */
export function storedItem(c: SpannerCollection, item: Item): Item {
  const out: Record<string, Value> = {};
  for (const { key } of c.writeColumns) {
    const value = item[key];
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

export async function readIds(tx: Transaction, c: SpannerCollection, ids: readonly string[]): Promise<Set<string>> {
  const found = await readItems(tx, c, ids, ['_id']);
  return new Set(found.keys());
}

/** Rows by primary key, inside the transaction (locks them until commit). */
export async function readItems(
  tx: Transaction,
  c: SpannerCollection,
  ids: readonly string[],
  columns: readonly string[] = c.writeColumns.map((w) => w.column.name),
): Promise<Map<string, Item>> {
  const [rows] = await tx.read(c.stored.id, {
    keys: [...new Set(ids)],
    columns: [...columns],
    gaxOptions: callOptions(),
  });
  const out = new Map<string, Item>();
  for (const row of rows) {
    const values = rowValues(row);
    const item: Record<string, Value> = {};
    for (const [name, value] of values) {
      if (value === null) continue;
      item[name] = c.fields.get(name)?.type === 'ANY' ? fromAny(value) : value;
    }
    if (typeof item._id === 'string') out.set(item._id, item);
  }
  return out;
}
