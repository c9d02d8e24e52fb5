/**
 * Column facts that are the same on Spanner and BigQuery: both describe a
 * column with googlesql's ColumnType, so the Wix type of a column the adaptor
 * did not create, and how a type is named in messages, are decided once here.
 */
import type { FieldType } from '@adaptors/core';
import { decimalFieldType } from './exact-numbers.ts';
import type { ColumnType } from './types.ts';

/** Wix type of a column the adaptor did not create (it has no metadata saying otherwise). */
export function fieldTypeOfColumn(type: ColumnType): FieldType {
  if (typeof type === 'object') return type.array === 'STRING' ? 'ARRAY_STRING' : 'ARRAY';
  switch (type) {
    case 'STRING':
      return 'TEXT';
    // Numbers without loss: INT64/NUMERIC are TEXT carrying the exact decimal (exact-numbers.ts).
    case 'FLOAT64':
    case 'INT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return decimalFieldType(type) as FieldType;
    case 'BOOL':
      return 'BOOLEAN';
    case 'TIMESTAMP':
      return 'DATETIME';
    case 'DATE':
      return 'DATE';
    // A time of day is the Wix TIME field's "HH:mm:ss.sss" text (time-of-day.ts).
    case 'TIME':
      return 'TIME';
    // BYTES is read as base64 text; only presence can be queried (googlesql capabilities), like ANY.
    case 'JSON':
    case 'BYTES':
      return 'ANY';
  }
}

/** A column type as GoogleSQL writes it, for error messages: `ARRAY<STRING>`, `INT64`. */
export function describeColumnType(type: ColumnType): string {
  return typeof type === 'object' ? `ARRAY<${type.array}>` : type;
}
