/**
 * Pure: the physical catalog (+ metadata rows) → the collections Wix sees.
 *
 * - A table with a metadata row lists its stored fields (exact Wix types,
 *   display names, options), minus fields whose column was dropped outside the
 *   adaptor, plus columns added outside it (inferred).
 * - A table without one (created outside the adaptor) is typed from its
 *   columns (googlesql `fieldTypeOfColumn`).
 * - Writable only under Wix's read-write rule (core `readWriteRule`: all four
 *   system columns) and with the single-column primary key `_id`; views and
 *   other tables are read-only, with the reason and its fix.
 * - A table of Wix's reference adaptor (wix/velo-external-db), PRIMARY KEY (x_id)
 *   and no `_id` column, shows each column `x_<name>` as the field `_<name>`
 *   (`x_id` is `_id`, `x_createdDate` is `_createdDate` …), as that adaptor did
 *   (its spanner_utils.ts `patchFieldName`): `fieldColumn`/`columnField` are the
 *   one mapping; the compiler and writers follow ColumnInfo.name (README.md
 *   "Tables of Wix's reference adaptor").
 */
import { type Field, ID_FIELD, readWriteRule, type SystemColumnTypes } from '@adaptors/core';
import { type ColumnInfo, columnInfo, fieldTypeOfColumn, NumberColumns } from '@adaptors/googlesql';
import {
  inferredField,
  isInternalTable,
  type SqlCollection,
  SYSTEM_COLUMN_SCALARS,
  sqlCollection,
  wrongSystemType,
} from '@adaptors/sql-storage';
import type { Catalog, CollectionMeta, PhysicalColumn, PhysicalTable } from './catalog.ts';
import { INTERNAL_PREFIX, loweredColumnName } from './ddl.ts';

/** A collection with what the storage needs to run it. */
export interface SpannerCollection extends SqlCollection {
  readonly physical: PhysicalTable;
  /** Secondary index entries (and generated columns) written per row: part of the mutation cost (Spanner limit, writes.ts). */
  readonly indexCost: number;
  /**
   * Keys of fields whose stored value Spanner may set itself when a row is written (generated
   * columns, never written; columns with a DEFAULT): read back after a write for its answer,
   * the item as stored (writes.ts).
   */
  readonly computed: readonly string[];
  /**
   * Written columns with a DEFAULT (or identity), by name → whether the column is nullable. An
   * insert leaves one out when the item has no value for it, so the default applies; an update
   * clears a nullable one and leaves a NOT NULL one as stored (writes.ts `omitDefaults`).
   */
  readonly defaults: ReadonlyMap<string, boolean>;
}

/** Spanner column types of the system fields, for the read-only hint. */
const SYSTEM_COLUMN_TYPES: SystemColumnTypes = {
  _id: 'STRING(MAX) primary key',
  _createdDate: 'TIMESTAMP',
  _updatedDate: 'TIMESTAMP',
  _owner: 'STRING(MAX)',
};

/** The reference adaptor's column prefix for field keys starting with `_` (see the header). */
const REFERENCE_PREFIX = 'x';

/** PRIMARY KEY (x_id) and no `_id` column: the reference adaptor's layout (see the header). */
export function isReferenceLayout(physical: PhysicalTable): boolean {
  return (
    !physical.view &&
    physical.primaryKey.length === 1 &&
    physical.primaryKey[0] === `${REFERENCE_PREFIX}${ID_FIELD}` &&
    !physical.columns.has(ID_FIELD)
  );
}

/**
 * The column of a field key: the key itself, except in a reference-layout table, where a key
 * `_<name>` is the column `x_<name>` (also for a column collections/update adds, as the
 * reference adaptor named it) unless the table has a column `_<name>` itself.
 */
export function fieldColumn(physical: PhysicalTable, key: string): string {
  if (!key.startsWith('_') || !isReferenceLayout(physical) || physical.columns.has(key)) return key;
  return `${REFERENCE_PREFIX}${key}`;
}

/** The field key of a column: the inverse of `fieldColumn`. */
export function columnField(physical: PhysicalTable, column: string): string {
  if (!column.startsWith(`${REFERENCE_PREFIX}_`) || !isReferenceLayout(physical)) return column;
  const key = column.slice(REFERENCE_PREFIX.length);
  return physical.columns.has(key) ? column : key;
}

export function buildCollections(
  catalog: Catalog,
  numberColumns: NumberColumns = new NumberColumns(),
): Map<string, SpannerCollection> {
  const out = new Map<string, SpannerCollection>();
  for (const physical of catalog.tables.values()) {
    if (isInternalTable(physical.name)) continue;
    out.set(physical.name, buildCollection(physical, catalog.metadata.get(physical.name), numberColumns));
  }
  return out;
}

function exposed(column: PhysicalColumn): column is PhysicalColumn & { type: NonNullable<PhysicalColumn['type']> } {
  return column.type !== undefined;
}

/**
 * NOT NULL columns no insert of the adaptor can fill: a type it leaves out of the collection
 * (FLOAT32, PROTO …) with no DEFAULT. Spanner refuses every insert that does not give them a
 * value ("does not specify a non-null value for NOT NULL column"), and the owner cannot send
 * one from Wix, so the table is read-only with the fix instead of failing every item.
 * Generated columns are computed by Spanner, and a DEFAULT or identity column is filled by it.
 */
function unwritableRequired(physical: PhysicalTable): string[] {
  const out: string[] = [];
  for (const column of physical.columns.values()) {
    if (column.nullable || column.generated || column.hasDefault || exposed(column)) continue;
    out.push(
      `its column ${column.name} (${column.spannerType}) is NOT NULL but the adaptor cannot write that type — ` +
        `make it nullable (ALTER TABLE ${physical.name} ALTER COLUMN ${column.name} ${column.spannerType}) or give it a DEFAULT in the database`,
    );
  }
  return out;
}

function buildCollection(
  physical: PhysicalTable,
  meta: CollectionMeta | undefined,
  numberColumns: NumberColumns,
): SpannerCollection {
  // INT64/NUMERIC are exact TEXT unless listed in NUMBER_COLUMNS (googlesql exact-numbers.ts).
  const inferType = (column: PhysicalColumn & { type: NonNullable<PhysicalColumn['type']> }) =>
    numberColumns.fieldType(physical.name, column.name, column.type, fieldTypeOfColumn);
  const fields: Field[] = [];
  const covered = new Set<string>();
  const columnOf = (key: string) => physical.columns.get(fieldColumn(physical, key));
  const keyOf = (column: PhysicalColumn) => columnField(physical, column.name);
  for (const field of meta?.fields ?? []) {
    const column = columnOf(field.key);
    if (field.type === 'MULTI_REFERENCE') {
      fields.push(field);
    } else if (column && exposed(column)) {
      fields.push(field);
      covered.add(column.name);
    }
  }
  for (const column of physical.columns.values()) {
    // The adaptor's own columns (LOWER(col) behind case-insensitive indexes) are no fields.
    if (covered.has(column.name) || !exposed(column) || column.name.startsWith(INTERNAL_PREFIX)) continue;
    fields.push(inferredField(keyOf(column), inferType(column)));
  }
  const blockers = [
    physical.view
      ? 'it is a view'
      : physical.primaryKey.length !== 1 || columnField(physical, physical.primaryKey[0] as string) !== ID_FIELD
        ? 'its primary key is not the single column _id (Spanner cannot change a primary key: create a new table with PRIMARY KEY (_id) and copy the rows)'
        : undefined,
    ...unwritableRequired(physical),
    ...[...physical.columns.values()]
      .filter((c) => c.generated && keyOf(c) in SYSTEM_COLUMN_SCALARS)
      .map((c) => `its system column ${c.name} is a generated column (the adaptor writes the system fields itself)`),
  ].filter((b): b is string => b !== undefined);
  const access = readWriteRule(
    new Map(
      [...physical.columns.values()].map((c) => [
        keyOf(c),
        exposed(c) && !wrongSystemType(keyOf(c), c.type) ? inferType(c) : undefined,
      ]),
    ),
    blockers.length > 0 ? blockers.join('; ') : undefined,
    SYSTEM_COLUMN_TYPES,
  );
  const columns = new Map<string, ColumnInfo>();
  const writeColumns: SpannerCollection['writeColumns'][number][] = [];
  const computed: string[] = [];
  const defaults = new Map<string, boolean>();
  for (const field of fields) {
    const column = columnOf(field.key);
    if (!column?.type || field.type === 'MULTI_REFERENCE') continue;
    // INT64/NUMERIC under a non-NUMBER field carry exact decimal text (googlesql exact-numbers.ts).
    const lowered = physical.columns.get(loweredColumnName(column.name));
    const info: ColumnInfo = {
      ...columnInfo(column.name, column.type, field.type),
      ...(lowered && column.type === 'STRING' ? { lowered: lowered.name } : {}),
    };
    columns.set(field.key, info);
    // Spanner refuses a value for a generated column ("Cannot write into generated column"):
    // read like any column, never written; a value an item carries for it is ignored (TYPES.md).
    if (column.generated) computed.push(field.key);
    else writeColumns.push({ key: field.key, column: info, field });
    if (column.hasDefault && !column.generated) {
      computed.push(field.key);
      defaults.set(column.name, column.nullable);
    }
  }
  return {
    ...sqlCollection({ name: physical.name, columns }, fields, meta, access, writeColumns, rowKeyOf(physical, columns)),
    physical,
    // Generated columns (the LOWER ones behind case-insensitive indexes, the owner's) are written
    // by Spanner with each row: counted like index entries.
    indexCost:
      physical.indexes.filter((i) => !i.primary).reduce((sum, i) => sum + i.columnCount, 0) +
      [...physical.columns.values()].filter((c) => c.generated || c.name.startsWith(INTERNAL_PREFIX)).length,
    computed,
    defaults,
  };
}

/**
 * What identifies a row when `_id` does not (core StoredCollection.rowKey): the primary key, when
 * each of its columns is a field sorts can use; `[]` when not (a view has none). Undefined for the
 * usual PRIMARY KEY (_id).
 */
function rowKeyOf(physical: PhysicalTable, columns: ReadonlyMap<string, ColumnInfo>): readonly string[] | undefined {
  const primaryKey = physical.primaryKey.map((column) => columnField(physical, column));
  if (primaryKey.length === 1 && primaryKey[0] === ID_FIELD && !physical.view) return undefined;
  const sortable = (name: string) => {
    const type = columns.get(name)?.type;
    return type !== undefined && typeof type !== 'object' && type !== 'BYTES' && type !== 'JSON';
  };
  return !physical.view && primaryKey.length > 0 && primaryKey.every(sortable) ? primaryKey : [];
}
