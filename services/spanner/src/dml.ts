/**
 * The one statement of Spanner's own that googlesql and sql-storage do not
 * build (the references table's statements are sql-storage references.ts).
 * Identifiers via the one quote function (ddl.ts `q`).
 */
import type { CompiledQuery } from '@adaptors/googlesql';
import { q } from './ddl.ts';

/** Every row; run as Partitioned DML so no transaction limit applies (truncate of any size). */
export function deleteAllRows(table: string): CompiledQuery {
  return { sql: `DELETE FROM ${q(table)} WHERE TRUE`, params: {}, types: {} };
}
