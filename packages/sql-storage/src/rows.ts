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
  for (const column of query.columns ?? []) {
    putValue(item, column.key, fields.get(column.key)?.type === 'ANY', cellValue(row.get(column.alias), column));
  }
  return item;
}

/**
 * One answered value into its item, by toItem's rules, for every path that builds items (toItem
 * and the engines' `StatementRunner.items`): null or missing is left out, an ANY field's value
 * has its top-level `{"$date"}` revived.
 */
export function putValue(item: Record<string, Value>, key: string, any: boolean, value: Value | undefined): void {
  if (value === null || value === undefined) return;
  item[key] = any ? fromAny(value) : value;
}

/**
 * A decoded cell as the answer's value: a TIMESTAMP the compiler read as
 * epoch milliseconds (OutputColumn.millis, googlesql SqlHooks.timestampMillis)
 * becomes its Date again; anything else is already the value.
 */
export function cellValue<V extends Value | undefined>(value: V, column: { readonly millis?: boolean }): V | Date {
  return column.millis && typeof value === 'number' ? new Date(value) : value;
}

/** Where one answered key is in a result row, and how its value is finished (toItem's rules). */
export interface PlannedColumn {
  /** Position of the key's column in the result's columns. */
  readonly index: number;
  readonly key: string;
  /** An ANY field: its value is JSON whose top-level `{"$date"}` is revived (fromAny). */
  readonly any: boolean;
  /** A TIMESTAMP the compiler read as epoch milliseconds (OutputColumn.millis). */
  readonly millis: boolean;
}

/**
 * The column plan of a result whose columns are named `names` (in order): worked out once per
 * result, so an engine can turn each row's cells into an item without an alias → value Map per
 * row (the engines' `StatementRunner.items`). Same keys and rules as `toItem`; a column the
 * result lacks is left out, as `toItem` leaves out its missing value.
 */
export function columnPlan(
  query: CompiledQuery,
  fields: ReadonlyMap<string, Field>,
  names: readonly unknown[],
): PlannedColumn[] {
  const plan: PlannedColumn[] = [];
  for (const { alias, key, millis } of query.columns ?? []) {
    const index = names.lastIndexOf(alias);
    if (index >= 0) plan.push({ index, key, any: fields.get(key)?.type === 'ANY', millis: millis === true });
  }
  return plan;
}
