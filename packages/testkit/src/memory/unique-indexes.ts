/**
 * Unique indexes of the memory storage, enforced as the Spanner adaptor's are
 * (services/spanner/src/ddl.ts: `UNIQUE NULL_FILTERED`): an item whose value is
 * null or missing in any of the index's fields is not in the index, so any
 * number of such items may exist; a case-insensitive index compares text
 * case-folded (the core's foldCase). A refused item fails alone, with a
 * VALIDATION_ERROR naming the index (docs/protocol.md §3.6, §7).
 */
import {
  errors,
  fieldRef,
  foldCase,
  type IndexInfo,
  type Item,
  rejectedValueOf,
  type SpiError,
  valueAt,
} from '@adaptors/core';

/** The item's key in `index`, as text; undefined when the item is not in it (a null or missing field). */
export function indexKey(item: Item, index: IndexInfo): string | undefined {
  const parts: unknown[] = [];
  for (const field of index.fields) {
    // A dotted path walks objects, as every filter on it does (core valueAt).
    const value = valueAt(item, fieldRef(field.path, undefined));
    if (value === null || value === undefined) return undefined;
    parts.push(index.caseInsensitive && typeof value === 'string' ? foldCase(value) : value);
  }
  // Dates become their ISO text, the same instant the same text.
  return JSON.stringify(parts);
}

/**
 * The first unique index `item` would break among `items` (an item with the same id is the one it
 * replaces, never a clash), as the per-item error; undefined when it breaks none.
 */
export function uniqueClash(
  item: Item,
  indexes: Iterable<IndexInfo>,
  items: ReadonlyMap<string, Item>,
): SpiError | undefined {
  const id = item._id as string;
  for (const index of indexes) {
    if (!index.unique) continue;
    const key = indexKey(item, index);
    if (key === undefined) continue;
    for (const [otherId, other] of items) {
      if (otherId !== id && indexKey(other, index) === key) {
        return uniqueViolation(item, index);
      }
    }
  }
  return undefined;
}

/**
 * The per-item error of a unique index clash: a violation per field of the index, at the field's
 * path within the item with the item's value there (a storage's per-item violations name the
 * field as packages/sql-storage/src/values.ts does; never the item's id as if it were a field).
 */
export function uniqueViolation(item: Item, index: IndexInfo): SpiError {
  const message = `another item already has this item's value in the unique index '${index.name}'; change the value, or update or remove the other item first`;
  return errors.validation(
    index.fields.map((field) => ({
      fieldPath: field.path,
      rejectedValue: rejectedValueOf(valueAt(item, fieldRef(field.path, undefined))),
      message,
    })),
  );
}

/** Two items that already share a key of `index`, which a unique index cannot be created over; undefined when none. */
export function duplicateKey(index: IndexInfo, items: ReadonlyMap<string, Item>): [string, string] | undefined {
  const seen = new Map<string, string>();
  for (const [id, item] of items) {
    const key = indexKey(item, index);
    if (key === undefined) continue;
    const first = seen.get(key);
    if (first !== undefined) return [first, id];
    seen.set(key, id);
  }
  return undefined;
}
