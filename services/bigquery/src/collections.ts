/**
 * Pure: a physical table (+ the Wix metadata in its descriptions) → the
 * collection Wix sees.
 *
 * - Columns with a Wix marker in their description list the stored field
 *   (exact Wix type, display name, options); other columns are typed from
 *   their BigQuery type (types.ts `inferFieldType`); columns of
 *   types the adaptor does not expose are left out.
 * - MULTI_REFERENCE fields come from the table description (no column).
 * - Writable only for a base table that passes Wix's read-write rule (core
 *   `readWriteRule`: `_id`, `_createdDate`, `_updatedDate`, `_owner`); views,
 *   external tables, snapshots and other tables are read-only, with the
 *   reason and its fix.
 */
import { type Field, readWriteRule, type SystemColumnTypes } from '@adaptors/core';
import { type ColumnInfo, columnInfo, NumberColumns } from '@adaptors/googlesql';
import { inferredField, type SqlCollection, sqlCollection, wrongSystemType } from '@adaptors/sql-storage';
import type { PhysicalColumn, PhysicalTable } from './catalog.ts';
import { decodeColumnDescription, decodeTableDescription } from './metadata.ts';
import { type ColumnShape, inferFieldType } from './types.ts';

export interface WriteColumn {
  readonly key: string;
  readonly column: ColumnInfo;
  readonly shape: ColumnShape;
  readonly field: Field;
  /**
   * The column has a default value (`defaultValueExpression`): an insert that has no value for
   * it leaves it out, so BigQuery writes the default; REQUIRED: an update without a value keeps
   * the stored one (writes.ts `leftOut`, dml.ts `replaceRows`).
   */
  readonly defaulted?: 'NULLABLE' | 'REQUIRED';
  /**
   * The default's GoogleSQL text as tables.get reports it (catalog.ts), with `defaulted`: the
   * insert writes it in place of a missing value (dml.ts `insertedDefault`).
   */
  readonly defaultExpression?: string;
}

/** A collection with what the storage needs to run it. */
export interface BigQueryCollection extends SqlCollection {
  readonly physical: PhysicalTable;
  /** Columns an item write fills (every exposed column of a writable table). */
  readonly writeColumns: readonly WriteColumn[];
}

/** BigQuery column types of the system fields, for the read-only hint. */
const SYSTEM_COLUMN_TYPES: SystemColumnTypes = {
  _id: 'STRING',
  _createdDate: 'TIMESTAMP',
  _updatedDate: 'TIMESTAMP',
  _owner: 'STRING',
};

/** The column's shape for the compiler: a JSON column of an ARRAY_STRING field holds arrays of strings. */
function shapeOf(column: PhysicalColumn & { type: NonNullable<PhysicalColumn['type']> }, field?: Field): ColumnShape {
  if (column.type === 'JSON' && field?.type === 'ARRAY_STRING') return { type: 'JSON', elements: 'STRING' };
  return { type: column.type };
}

/**
 * REQUIRED columns no insert of the adaptor can fill: a type it leaves out of the collection
 * (DATETIME, RECORD …) with no default value. BigQuery refuses every insert that leaves them
 * NULL, and the owner cannot send a value from Wix, so the table is read-only with the fix
 * instead of failing every item.
 */
function unwritableRequired(physical: PhysicalTable): string[] {
  const out: string[] = [];
  for (const column of physical.columns.values()) {
    if (column.mode !== 'REQUIRED' || column.type !== undefined || column.hasDefault) continue;
    out.push(
      `its column ${column.name} (${column.schemaType}) is REQUIRED but the adaptor cannot write that type — ` +
        `make it NULLABLE (ALTER TABLE ${physical.name} ALTER COLUMN ${column.name} DROP NOT NULL) or give it a default value in BigQuery`,
    );
  }
  return out;
}

export function buildCollection(
  physical: PhysicalTable,
  numberColumns: NumberColumns = new NumberColumns(),
): BigQueryCollection {
  const meta = decodeTableDescription(physical.description);
  // INT64/NUMERIC are exact TEXT unless listed in NUMBER_COLUMNS (googlesql exact-numbers.ts).
  const inferType = (name: string, type: ColumnShape['type']) =>
    numberColumns.fieldType(physical.name, name, type, (t) => inferFieldType({ type: t }));
  const entries: { field: Field; shape?: ColumnShape; column?: PhysicalColumn }[] = [];
  for (const column of physical.columns.values()) {
    if (column.type === undefined) continue;
    const exposed = column as PhysicalColumn & { type: NonNullable<PhysicalColumn['type']> };
    const decoded = decodeColumnDescription(column.name, column.description);
    let field = decoded.field;
    if (!field) {
      const inferred = inferType(column.name, exposed.type);
      field = inferredField(column.name, inferred, decoded.text ? { description: decoded.text } : {});
    }
    entries.push({ field, shape: shapeOf(exposed, field), column });
  }
  for (const field of meta?.references ?? []) {
    if (!physical.columns.has(field.key)) entries.push({ field });
  }
  const order = meta?.order ?? [];
  const rank = (key: string) => {
    const i = order.indexOf(key);
    return i < 0 ? order.length : i;
  };
  // Stable: stored order first, then columns added elsewhere in table order.
  const sorted = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e.field.key) - rank(b.e.field.key) || a.i - b.i);

  const access = readWriteRule(
    new Map(
      [...physical.columns.values()].map((c) => [
        c.name,
        c.type && !wrongSystemType(c.name, c.type) ? inferType(c.name, c.type) : undefined,
      ]),
    ),
    [
      physical.kind === 'TABLE' ? undefined : `it is a ${physical.kind.toLowerCase().replace('_', ' ')}`,
      ...unwritableRequired(physical),
    ]
      .filter((b): b is string => b !== undefined)
      .join('; ') || undefined,
    SYSTEM_COLUMN_TYPES,
  );
  const columns = new Map<string, ColumnInfo>();
  const writeColumns: WriteColumn[] = [];
  for (const { e } of sorted) {
    if (!e.column || !e.shape) continue;
    // INT64/NUMERIC under a non-NUMBER field carry exact decimal text (googlesql exact-numbers.ts).
    const info: ColumnInfo = e.shape.elements
      ? { name: e.column.name, type: e.shape.type, elements: e.shape.elements }
      : columnInfo(e.column.name, e.shape.type, e.field.type);
    columns.set(e.field.key, info);
    writeColumns.push({
      key: e.field.key,
      column: info,
      shape: e.shape,
      field: e.field,
      ...(e.column.hasDefault ? { defaulted: e.column.mode === 'REQUIRED' ? 'REQUIRED' : 'NULLABLE' } : {}),
      ...(e.column.hasDefault && e.column.defaultValueExpression !== undefined
        ? { defaultExpression: e.column.defaultValueExpression }
        : {}),
    });
  }
  return {
    ...sqlCollection(
      { name: physical.name, columns },
      sorted.map(({ e }) => e.field),
      meta,
      access,
      writeColumns,
      // BigQuery has no enforced key: a table without `_id` has nothing that identifies a row
      // (core StoredCollection.rowKey), so its pages sort by every sortable column, offset only.
      columns.has('_id') ? undefined : [],
    ),
    physical,
  };
}
