/**
 * Result rows → Wix items, shared by the Spanner and BigQuery storages: both
 * run googlesql's compiled queries, whose columns come back under safe
 * aliases and are renamed to Wix keys with `CompiledQuery.columns`. Each
 * service decodes its client's cells to a `Map<alias, Value>` first; what
 * happens after that is engine-neutral and lives here so the two cannot drift.
 */
import type { Field, Item, Value } from '@adaptors/core';
import type { CompiledQuery } from '@adaptors/googlesql';
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
  for (const { alias, key } of query.columns ?? []) {
    const value = row.get(alias);
    if (value === null || value === undefined) continue;
    item[key] = fields.get(key)?.type === 'ANY' ? fromAny(value) : value;
  }
  return item;
}
