/**
 * Type mapping between Wix field types and Spanner column types, both ways
 * (README.md "Type mapping"). Creating a column uses googlesql's
 * `defaultColumnType`; reading a table the adaptor did not create parses the
 * column's Spanner type here, and googlesql's `fieldTypeOfColumn` gives its Wix type.
 */
import type { ColumnType, ScalarColumnType } from '@adaptors/googlesql';

const SCALARS: ReadonlySet<string> = new Set([
  'STRING',
  'FLOAT64',
  'INT64',
  'NUMERIC',
  'BOOL',
  'TIMESTAMP',
  'DATE',
  'JSON',
  'BYTES',
]);

/** INFORMATION_SCHEMA.COLUMNS.SPANNER_TYPE ("STRING(MAX)", "ARRAY<FLOAT64>") → column type; undefined = not exposed. */
export function parseSpannerType(spannerType: string): ColumnType | undefined {
  const array = /^ARRAY<(.+)>$/.exec(spannerType.trim());
  if (array) {
    const element = scalarOf(array[1] ?? '');
    return element ? { array: element } : undefined;
  }
  return scalarOf(spannerType);
}

function scalarOf(text: string): ScalarColumnType | undefined {
  // STRING(MAX), STRING(255), BYTES(MAX): the length does not change how values are read.
  const base = text.trim().replace(/\(.*\)$/, '');
  return SCALARS.has(base) ? (base as ScalarColumnType) : undefined;
}

/** DDL type of a column the adaptor creates. */
export function ddlType(type: ColumnType): string {
  if (typeof type === 'object') return `ARRAY<${ddlScalar(type.array)}>`;
  return ddlScalar(type);
}

function ddlScalar(type: ScalarColumnType): string {
  return type === 'STRING' || type === 'BYTES' ? `${type}(MAX)` : type;
}

export function sameColumnType(a: ColumnType, b: ColumnType): boolean {
  return ddlType(a) === ddlType(b);
}

/**
 * Every Spanner column type as INFORMATION_SCHEMA spells it, for the
 * generated type table (TYPES.md); `parseSpannerType` decides which are exposed.
 */
export const SPANNER_COLUMN_TYPES: readonly string[] = [
  ...['STRING(MAX)', 'INT64', 'FLOAT64', 'NUMERIC', 'BOOL', 'TIMESTAMP', 'DATE', 'JSON', 'BYTES(MAX)'].flatMap((t) => [
    t,
    `ARRAY<${t}>`,
  ]),
  'FLOAT32',
  'UUID',
  'INTERVAL',
  'TOKENLIST',
  'PROTO<…>',
  'ENUM<…>',
  'STRUCT<…>',
];
