/**
 * Type mapping between Wix field types and BigQuery columns, both ways
 * (README.md "Type mapping").
 *
 * Columns the adaptor creates follow googlesql's `defaultColumnType`, with one
 * BigQuery-specific change: ARRAY_STRING is a JSON column holding an array of
 * strings. A BigQuery REPEATED column cannot be NULL ("an ARRAY cannot be
 * NULL in a table"; NULL is stored as []), so it could not keep a missing
 * array apart from [] — and Wix does (`$exists`, `$eq: null`,
 * docs/semantics.md §1.3). googlesql compiles element-wise operators on
 * such a column (`ColumnInfo.elements`). REPEATED columns of tables created
 * elsewhere are read as they are (never NULL, so [] is their only "empty").
 */
import type { FieldType } from '@adaptors/core';
import {
  type ColumnType,
  defaultColumnType,
  describeColumnType,
  fieldTypeOfColumn,
  type ScalarColumnType,
} from '@adaptors/googlesql';

/** A column as the adaptor uses it: googlesql's type plus whether it is a JSON array of strings. */
export interface ColumnShape {
  readonly type: ColumnType;
  /** JSON column whose values are arrays of this scalar type (or NULL). */
  readonly elements?: ScalarColumnType;
}

/** Column for a new field; undefined for MULTI_REFERENCE (pairs live in the references table). */
export function columnForField(type: FieldType): ColumnShape | undefined {
  if (type === 'ARRAY_STRING') return { type: 'JSON', elements: 'STRING' };
  const column = defaultColumnType(type);
  return column === undefined ? undefined : { type: column };
}

/**
 * BigQuery schema field type (tables.get answers legacy names such as
 * INTEGER, FLOAT, BOOLEAN, RECORD, or standard ones, depending on how the
 * table was created) → googlesql scalar type; undefined = not exposed.
 */
const SCALARS: Readonly<Record<string, ScalarColumnType>> = {
  STRING: 'STRING',
  INTEGER: 'INT64',
  INT64: 'INT64',
  FLOAT: 'FLOAT64',
  FLOAT64: 'FLOAT64',
  NUMERIC: 'NUMERIC',
  DECIMAL: 'NUMERIC',
  BIGNUMERIC: 'BIGNUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
  BOOLEAN: 'BOOL',
  BOOL: 'BOOL',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  // A time of day: the Wix TIME field's "HH:mm:ss.sss" text (googlesql time-of-day.ts). Wix's reference
  // adaptor (wix/velo-external-db) created its TIME fields as TIME columns (docs/migrating.md §2.3).
  TIME: 'TIME',
  JSON: 'JSON',
  BYTES: 'BYTES',
};

export function parseSchemaType(type: string, mode: string | undefined): ColumnType | undefined {
  const scalar = SCALARS[type.toUpperCase()];
  if (!scalar) return undefined; // RECORD, DATETIME, GEOGRAPHY, INTERVAL, RANGE
  return mode?.toUpperCase() === 'REPEATED' ? { array: scalar } : scalar;
}

/** Wix type of a column the adaptor did not create (no metadata in its description). */
export function inferFieldType(shape: ColumnShape): FieldType {
  // A JSON column of string arrays is how ARRAY_STRING is kept (a REPEATED column cannot be NULL).
  return shape.elements === 'STRING' ? 'ARRAY_STRING' : fieldTypeOfColumn(shape.type);
}

/** Standard SQL type name for a schema field the adaptor creates. */
export function schemaTypeName(type: ScalarColumnType): string {
  return type === 'BOOL' ? 'BOOL' : type;
}

export function sameShape(a: ColumnShape, b: ColumnShape): boolean {
  return describeColumnType(a.type) === describeColumnType(b.type) && a.elements === b.elements;
}

/**
 * Every BigQuery column type as tables.get may name it, with its mode, for the
 * generated type table (TYPES.md); `parseSchemaType` decides which are exposed.
 */
export const BIGQUERY_COLUMN_TYPES: readonly { readonly type: string; readonly mode?: 'REPEATED' }[] = [
  ...[
    'STRING',
    'INT64',
    'INTEGER',
    'FLOAT64',
    'FLOAT',
    'NUMERIC',
    'DECIMAL',
    'BIGNUMERIC',
    'BIGDECIMAL',
    'BOOL',
    'BOOLEAN',
    'TIMESTAMP',
    'DATE',
    'TIME',
    'JSON',
    'BYTES',
  ].flatMap((type) => [{ type }, { type, mode: 'REPEATED' as const }]),
  ...['DATETIME', 'GEOGRAPHY', 'INTERVAL', 'RANGE', 'RECORD'].map((type) => ({ type })),
];
