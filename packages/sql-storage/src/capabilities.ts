/**
 * Per-field capabilities for a storage's `fieldCapabilities`, shared by the
 * Spanner and BigQuery storages. The core asks for every field of every
 * collection, and the answer depends only on the field's type (which column
 * it is stored in), so it is worked out once per type. Which column a type
 * gets is the engine's decision and is injected as `columnFor`.
 */
import type { Field, FieldCapabilities } from '@adaptors/core';
import type { ColumnInfo, GoogleSqlCompiler } from '@adaptors/googlesql';

const NONE: FieldCapabilities = Object.freeze({ sortable: false, queryOperators: Object.freeze([]) });

/**
 * A `fieldCapabilities` function: the compiler's `capabilities` for the
 * column `columnFor` gives the field, cached per field type. A type without a
 * column (MULTI_REFERENCE, queried through query-referenced only) can do nothing.
 */
export function fieldCapabilitiesByType(
  columnFor: (field: Pick<Field, 'key' | 'type'>) => ColumnInfo | undefined,
  compiler: GoogleSqlCompiler,
): (field: Pick<Field, 'key' | 'type'>) => FieldCapabilities {
  const byType = new Map<string, FieldCapabilities>();
  return (field) => {
    let caps = byType.get(field.type);
    if (!caps) {
      const column = columnFor(field);
      caps = column ? Object.freeze(compiler.capabilities(column)) : NONE;
      byType.set(field.type, caps);
    }
    return caps;
  };
}
