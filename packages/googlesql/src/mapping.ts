/**
 * The intended column type for each Wix field type when the adaptor creates
 * a column (docs/semantics.md §7.2). The compilers never rely on it: they
 * read the real column types from TableInfo, so existing tables with INT64,
 * NUMERIC or DATE columns work too.
 */
import type { FieldType } from '@adaptors/core';
import type { ColumnType } from './types.ts';

const MAPPING: Readonly<Record<FieldType, ColumnType | undefined>> = {
  TEXT: 'STRING',
  URL: 'STRING',
  IMAGE: 'STRING',
  VIDEO: 'STRING',
  AUDIO: 'STRING',
  DOCUMENT: 'STRING',
  RICH_TEXT: 'STRING',
  LANGUAGE: 'STRING',
  REFERENCE: 'STRING', // the referenced item's _id (§8)
  // Date-only and time-of-day values are strings compared as strings (§1.4):
  // a DATE column would force a format and reject "16:45"-style partial values.
  DATE: 'STRING',
  TIME: 'STRING',
  NUMBER: 'FLOAT64', // JSON numbers are doubles; FLOAT64 holds every one exactly
  BOOLEAN: 'BOOL',
  DATETIME: 'TIMESTAMP', // instants (§1.3), millisecond precision from JS Dates
  ARRAY_STRING: { array: 'STRING' },
  // Structured or heterogeneous values: JSON, queried with JSON_QUERY (§1.5).
  OBJECT: 'JSON',
  ANY: 'JSON',
  ARRAY: 'JSON',
  ARRAY_DOCUMENT: 'JSON',
  ADDRESS: 'JSON',
  RICH_CONTENT: 'JSON',
  MEDIA_GALLERY: 'JSON',
  // Not a column: the relation lives outside the item (§8).
  MULTI_REFERENCE: undefined,
};

/** Column type for a new field; undefined for MULTI_REFERENCE, which is not stored on the item. */
export function defaultColumnType(fieldType: FieldType): ColumnType | undefined {
  return MAPPING[fieldType];
}
