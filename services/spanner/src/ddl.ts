/**
 * Pure DDL builders (no I/O). Every identifier goes through googlesql's one
 * validating quote function; DDL has no parameters, and no value ever
 * reaches it. The adaptor's own tables are documented in README.md
 * ("Tables the adaptor keeps").
 */
import { type ColumnType, spanner } from '@adaptors/googlesql';
import { INTERNAL_PREFIX, REFERENCES_TABLE } from '@adaptors/sql-storage';
import { ddlType } from './types.ts';

/** The adaptor's own names are every SQL engine's (sql-storage collections.ts, references.ts). */
export { INTERNAL_PREFIX, REFERENCES_TABLE };

export const METADATA_TABLE = 'wix_adaptor_collections';
/**
 * The metadata table's row holding the schema version (packages/core/SCALING.md):
 * `$` cannot start a Spanner table name, so no collection has this id.
 */
export const SCHEMA_VERSION_ROW = '$schema-version';
export const REFERENCES_BY_TARGET_INDEX = 'wix_adaptor_references_by_target';

export const q = (name: string): string => spanner.quote(name);

export interface NewColumn {
  readonly name: string;
  readonly type: ColumnType;
  readonly notNull?: boolean;
}

function columnDdl(column: NewColumn): string {
  return `${q(column.name)} ${ddlType(column.type)}${column.notNull ? ' NOT NULL' : ''}`;
}

/** A collection's table: `_id` is the primary key (docs/protocol.md §5.2: system fields always created). */
export function createTableDdl(table: string, columns: readonly NewColumn[]): string {
  return `CREATE TABLE ${q(table)} (${columns.map(columnDdl).join(', ')}) PRIMARY KEY (${q('_id')})`;
}

export function addColumnDdl(table: string, column: NewColumn): string {
  return `ALTER TABLE ${q(table)} ADD COLUMN ${columnDdl(column)}`;
}

export function dropColumnDdl(table: string, column: string): string {
  return `ALTER TABLE ${q(table)} DROP COLUMN ${q(column)}`;
}

export function dropTableDdl(table: string): string {
  return `DROP TABLE ${q(table)}`;
}

/**
 * A unique index is NULL_FILTERED: rows with a null key are not indexed, so
 * any number of items may lack the value (a plain Spanner UNIQUE index counts
 * NULLs as equal and would refuse a second item without it).
 */
export function createIndexDdl(
  index: string,
  table: string,
  columns: readonly { name: string; order: 'ASC' | 'DESC' }[],
  unique: boolean,
): string {
  const keys = columns.map((c) => `${q(c.name)} ${c.order}`).join(', ');
  return `CREATE ${unique ? 'UNIQUE NULL_FILTERED ' : ''}INDEX ${q(index)} ON ${q(table)} (${keys})`;
}

/**
 * The column behind a case-insensitive index on `column` (README.md
 * "Indexes"): a stored generated column holding LOWER(column), named in the
 * adaptor's reserved namespace so it is never listed as a field.
 */
export const LOWERED_PREFIX = `${INTERNAL_PREFIX}lower__`;

export function loweredColumnName(column: string): string {
  return `${LOWERED_PREFIX}${column}`;
}

/** The column a lowered column is generated from; undefined for other columns. */
export function loweredSource(column: string): string | undefined {
  return column.startsWith(LOWERED_PREFIX) ? column.slice(LOWERED_PREFIX.length) : undefined;
}

export function addLoweredColumnDdl(table: string, column: string): string {
  return `ALTER TABLE ${q(table)} ADD COLUMN ${q(loweredColumnName(column))} STRING(MAX) AS (LOWER(${q(column)})) STORED`;
}

export function dropIndexDdl(index: string): string {
  return `DROP INDEX ${q(index)}`;
}

/**
 * The metadata table: one row per collection the adaptor created or changed,
 * holding what Spanner columns cannot say (IMAGE vs TEXT, display names,
 * descriptions, type options, permissions) so listings round-trip exactly.
 */
export function metadataTableDdl(): string {
  return (
    `CREATE TABLE IF NOT EXISTS ${q(METADATA_TABLE)} (` +
    `${q('collection_id')} STRING(MAX) NOT NULL, ${q('definition')} JSON NOT NULL, ` +
    `${q('updated_at')} TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true)` +
    `) PRIMARY KEY (${q('collection_id')})`
  );
}

/**
 * One table for every MULTI_REFERENCE field (docs/protocol.md §4.9–§4.11): a pair per
 * row, keyed by (collection, field, referring, referenced) so a duplicate pair
 * is a key clash; ordered by commit timestamp then position in the call
 * (creation order, docs/semantics.md §8). The secondary index finds the
 * pairs pointing at an item when that item is removed.
 */
export function referencesTableDdl(): readonly string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${q(REFERENCES_TABLE)} (` +
      `${q('collection_id')} STRING(MAX) NOT NULL, ${q('field_key')} STRING(MAX) NOT NULL, ` +
      `${q('referring_id')} STRING(MAX) NOT NULL, ${q('referenced_id')} STRING(MAX) NOT NULL, ` +
      `${q('referenced_collection_id')} STRING(MAX) NOT NULL, ` +
      `${q('created_at')} TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp = true), ${q('seq')} INT64 NOT NULL` +
      `) PRIMARY KEY (${q('collection_id')}, ${q('field_key')}, ${q('referring_id')}, ${q('referenced_id')})`,
    `CREATE INDEX IF NOT EXISTS ${q(REFERENCES_BY_TARGET_INDEX)} ON ${q(REFERENCES_TABLE)} (${q('referenced_collection_id')}, ${q('referenced_id')})`,
  ];
}
