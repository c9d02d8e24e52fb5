/**
 * What this compiler does EXACTLY (same answers as the evaluator) for a
 * top-level column of a given type — the per-field `capabilities` a service
 * declares (docs/semantics.md §1.2, §13: declare only what we honour).
 */
import type { QueryOperator } from '@adaptors/core';
import { isDecimalType } from './exact-numbers.ts';
import { isArrayType, jsonElementKind, scalarKind } from './target.ts';
import type { ColumnInfo } from './types.ts';

const EQUALITY: readonly QueryOperator[] = ['EQ', 'NE', 'HAS_SOME', 'HAS_ALL', 'EXISTS'];
const RANGES: readonly QueryOperator[] = ['LT', 'LTE', 'GT', 'GTE'];
const TEXT: readonly QueryOperator[] = ['CONTAINS', 'STARTS_WITH', 'ENDS_WITH', 'URLIZED'];

/**
 * Operators that are exact on dotted paths into JSON columns with string,
 * number, boolean and null operands. Date, object and array operands there
 * are refused with a clear error (BAD_REQUEST), never answered wrongly.
 * For ParseContext.nestedQueryOperators. Note the core makes nested paths
 * sortable when GT and LT are listed; the compiler refuses them as sort keys
 * (order.ts sortKey) because nested {"$date"} objects, objects and arrays
 * cannot be ordered as the evaluator orders them.
 */
export function nestedPathOperators(): QueryOperator[] {
  return [...EQUALITY, ...RANGES, ...TEXT];
}

export function columnCapabilities(column: ColumnInfo): { sortable: boolean; queryOperators: QueryOperator[] } {
  const type = column.type;
  if (isArrayType(type)) {
    const kind = scalarKind(type.array);
    // Element-wise operators (§1.9) over UNNEST; arrays are not orderable in GoogleSQL.
    if (!kind) return { sortable: false, queryOperators: ['EXISTS'] };
    return { sortable: false, queryOperators: [...EQUALITY, ...RANGES, ...(kind === 'string' ? TEXT : [])] };
  }
  const elements = jsonElementKind(column);
  if (elements) {
    // A JSON column declared as an array of scalars (ColumnInfo.elements): element-wise like ARRAY columns.
    return { sortable: false, queryOperators: [...EQUALITY, ...RANGES, ...(elements === 'string' ? TEXT : [])] };
  }
  if (type === 'JSON') {
    // A whole JSON value may be an object (no JSON equality in GoogleSQL) or, for ANY, a Date
    // whose JSON form is the storage's choice: only presence is exact for every value.
    return { sortable: false, queryOperators: ['EXISTS'] };
  }
  // Decimal text (exact-numbers.ts) is a TEXT field: text operators on its text, equality and ranges on the column.
  const kind = column.decimalText && isDecimalType(type) ? 'string' : scalarKind(type);
  if (!kind) return { sortable: false, queryOperators: ['EXISTS'] }; // BYTES
  return { sortable: true, queryOperators: [...EQUALITY, ...RANGES, ...(kind === 'string' ? TEXT : [])] };
}
