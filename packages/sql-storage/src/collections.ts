/**
 * The StoredCollection a Spanner or BigQuery table is shown to the core as.
 * Both keep the collection's display name and permissions as their own
 * metadata; once read, they become the same frozen description here.
 */
import {
  type Collection,
  type Field,
  type FieldType,
  type ReadWriteVerdict,
  type StoredCollection,
  SYSTEM_FIELDS,
} from '@adaptors/core';
import type { ColumnType, ScalarColumnType, TableInfo } from '@adaptors/googlesql';
import type { SqlCollection } from './engine.ts';

/**
 * A table's collection, frozen (the core shares it between requests). Absent
 * metadata is left out rather than set to undefined; a table that fails
 * Wix's read-write rule (core `readWriteRule`) is `readOnly`, with its reason.
 * `rowKey`: the fields identifying a row when `_id` does not (core StoredCollection.rowKey).
 */
export function storedCollection(
  id: string,
  fields: readonly Field[],
  meta: Pick<Collection, 'displayName' | 'permissions'> | undefined,
  access: ReadWriteVerdict,
  rowKey?: readonly string[],
): StoredCollection {
  return Object.freeze({
    id,
    ...(meta?.displayName != null ? { displayName: meta.displayName } : {}),
    fields: Object.freeze(fields.map((f) => Object.freeze({ ...f }))),
    ...(meta?.permissions ? { permissions: meta.permissions } : {}),
    ...(access.writable
      ? {}
      : {
          readOnly: true,
          ...(access.reason ? { readOnlyReason: access.reason } : {}),
          ...(access.fixableByUpdate ? { writableAfterUpdate: true } : {}),
        }),
    ...(rowKey ? { rowKey: Object.freeze([...rowKey]) } : {}),
  });
}

/** Tables (and columns, indexes) named with this prefix are the adaptor's own and never listed as collections. */
export const INTERNAL_PREFIX = 'wix_adaptor_';

export function isInternalTable(name: string): boolean {
  return name.startsWith(INTERNAL_PREFIX);
}

const SYSTEM_BY_KEY = new Map(SYSTEM_FIELDS.map((f) => [f.key, f]));

/**
 * The column type each system field needs, on Spanner and BigQuery alike. The read-write rule is
 * given a system column's Wix type only when its column has this type: an INT64 `_id` reads as
 * exact TEXT (googlesql exact-numbers.ts), yet the writers bind ids as STRING and generate UUIDs,
 * so such a table must be read-only.
 */
export const SYSTEM_COLUMN_SCALARS: Readonly<Record<string, ScalarColumnType>> = {
  _id: 'STRING',
  _createdDate: 'TIMESTAMP',
  _updatedDate: 'TIMESTAMP',
  _owner: 'STRING',
};

/** A system column of another column type than Wix's field needs (SYSTEM_COLUMN_SCALARS). */
export function wrongSystemType(name: string, type: ColumnType): boolean {
  const needed = SYSTEM_COLUMN_SCALARS[name];
  return needed !== undefined && type !== needed;
}

/** A system field's key (`_id`, `_createdDate`, …): its column cannot be dropped or replaced. */
export function isSystemKey(key: string): boolean {
  return SYSTEM_BY_KEY.has(key);
}

/**
 * The field of a column the adaptor has no definition for: the system field
 * when its type agrees, else a field of that type (with `extra`, e.g. a description).
 */
export function inferredField(name: string, type: FieldType, extra: Omit<Partial<Field>, 'key' | 'type'> = {}): Field {
  const system = SYSTEM_BY_KEY.get(name);
  return system && system.type === type ? system : { key: name, type, ...extra };
}

/**
 * What every engine's collection view holds (engine.ts `SqlCollection`):
 * the collection as the core sees it, its columns for the compiler, its
 * written columns and its fields by key (`rowKey`: storedCollection).
 */
export function sqlCollection<W extends SqlCollection['writeColumns'][number]>(
  table: TableInfo,
  fields: readonly Field[],
  meta: Pick<Collection, 'displayName' | 'permissions'> | undefined,
  access: ReadWriteVerdict,
  writeColumns: readonly W[],
  rowKey?: readonly string[],
): SqlCollection & { readonly writeColumns: readonly W[] } {
  const stored = storedCollection(table.name, fields, meta, access, rowKey);
  return { stored, table, writeColumns, fields: new Map(stored.fields.map((f) => [f.key, f])) };
}
