/**
 * Result rows → Wix items, shared by the Spanner and BigQuery storages: both
 * run googlesql's compiled queries, whose columns come back under safe
 * aliases and are renamed to Wix keys with `CompiledQuery.columns`. Each
 * service decodes its client's cells to a `Map<alias, Value>` first; what
 * happens after that is engine-neutral and lives here so the two cannot drift.
 */
import type { Field, Item, Value } from '@adaptors/core';
import type { CompiledQuery, OutputColumn } from '@adaptors/googlesql';
import { fromAny } from './values.ts';

/**
 * A result row → item. Null is "missing" to Wix (docs/semantics.md §4),
 * so null columns are left out. ANY values are stored as JSON, where a
 * top-level Date was written as `{"$date"}` (values.ts `toJson`): turned
 * back into a Date as the core's codec does on the way in.
 */
export function toItem(
  row: ReadonlyMap<string, Value>,
  query: CompiledQuery,
  fields: ReadonlyMap<string, Field>,
): Item {
  const item: Record<string, Value> = {};
  for (const column of query.columns ?? []) {
    const value = cellValue(row.get(column.alias), column);
    if (value === null || value === undefined) continue;
    item[column.key] = fields.get(column.key)?.type === 'ANY' ? fromAny(value) : value;
  }
  return item;
}

/**
 * A decoded cell as the answer's value: a TIMESTAMP the compiler read as
 * epoch milliseconds (OutputColumn.millis, googlesql SqlHooks.timestampMillis)
 * becomes its Date again; anything else is already the value.
 */
export function cellValue<V extends Value | undefined>(value: V, column: OutputColumn): V | Date {
  return column.millis && typeof value === 'number' ? new Date(value) : value;
}
