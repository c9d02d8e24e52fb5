/**
 * The typed, immutable query AST (docs/design.md §1 step 3). The wire is parsed ONCE
 * into these nodes (query/parse-*.ts); the evaluator (query/evaluate.ts) and
 * every storage compiler read only these nodes, never raw JSON.
 *
 * Values inside the AST are *internal* values: DATETIME instants are `Date`
 * objects, everything else is plain JSON. The wire codec (wire/codec.ts)
 * converts `{"$date": …}` ⇄ `Date` using the field's declared type.
 */
import type { FieldType } from '../model.ts';

export type Scalar = string | number | boolean | null | Date;
/** An internal value: JSON with `Date` for instants. */
export type Value = Scalar | readonly Value[] | { readonly [key: string]: Value };
/** An item as storages hold it: field key → internal value. `_id` is a string. */
export type Item = { readonly [key: string]: Value };

/** A reference to a field, or to a dotted path inside an OBJECT-like field. */
export interface FieldRef {
  /** The full dotted path as sent on the wire, e.g. "care.sun". */
  readonly key: string;
  /** The top-level field key, e.g. "care". */
  readonly field: string;
  /** Segments below the top-level field, e.g. ["sun"]; empty for a plain field. */
  readonly path: readonly string[];
  /** Declared type of the top-level field; undefined when the collection does not declare it. */
  readonly type: FieldType | undefined;
}

export type CompareOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte';
export type StringOp = 'contains' | 'startsWith' | 'endsWith';

export interface MatchesPart {
  readonly type: 'literal' | 'anyOf';
  readonly value: string;
}

/** A filter node. `true`/`false` are the neutral elements ({} and `$or: []`). */
export type Filter =
  | { readonly kind: 'true' }
  | { readonly kind: 'false' }
  | { readonly kind: 'and'; readonly filters: readonly Filter[] }
  | { readonly kind: 'or'; readonly filters: readonly Filter[] }
  | { readonly kind: 'not'; readonly filter: Filter }
  /** $eq $ne $gt $gte $lt $lte (and implicit equality). Array fields: eq = some element equals. */
  | { readonly kind: 'compare'; readonly field: FieldRef; readonly op: CompareOp; readonly value: Value }
  /** $hasSome and $in: the value (or some element of an array value) equals one of `values`. */
  | { readonly kind: 'in'; readonly field: FieldRef; readonly values: readonly Value[] }
  /** $hasAll: every one of `values` is among the elements (a scalar equals each). */
  | { readonly kind: 'hasAll'; readonly field: FieldRef; readonly values: readonly Value[] }
  /** $contains $startsWith $endsWith: case-insensitive string tests. */
  | { readonly kind: 'string'; readonly field: FieldRef; readonly op: StringOp; readonly value: string }
  /** $exists (and $isEmpty / $isNotEmpty): present and not null. */
  | { readonly kind: 'exists'; readonly field: FieldRef; readonly exists: boolean }
  /** $matches: whole-value pattern built from literal and anyOf parts. */
  | {
      readonly kind: 'matches';
      readonly field: FieldRef;
      readonly ignoreCase: boolean;
      readonly parts: readonly MatchesPart[];
    }
  /** $urlized: lower-cased value matches the words joined by [- ]. */
  | { readonly kind: 'urlized'; readonly field: FieldRef; readonly words: readonly string[] };

export type SortOrder = 'asc' | 'desc';

export interface Sort {
  readonly field: FieldRef;
  readonly order: SortOrder;
}

/**
 * Keyset boundary for cursor paging: the values of every sort key (the last sort
 * key is always `_id`) of the last item of the previous page. The next page
 * holds the items strictly after it in sort order.
 */
export interface Keyset {
  readonly values: readonly Value[];
}

/** A fully resolved items query (filter → sort → page → project). */
export interface QuerySpec {
  readonly filter: Filter;
  /** Always ends with `_id` (tie-breaker) so paging is stable (docs/semantics.md §2). */
  readonly sort: readonly Sort[];
  /** Top-level field keys to return; undefined = all. Always contains `_id` when defined. */
  readonly projection: readonly string[] | undefined;
  readonly offset: number;
  readonly limit: number;
  readonly after: Keyset | undefined;
}

export type AggregateOp = 'avg' | 'min' | 'max' | 'sum' | 'count';

export interface AggregateOperation {
  /** Key of the result row that carries this operation's value. */
  readonly name: string;
  readonly op: AggregateOp;
  /** The item field it applies to; undefined for `count`. */
  readonly field: FieldRef | undefined;
}

/** initialFilter → group → operations → finalFilter (`having`) → sort → page (docs/protocol.md §11). */
export interface AggregateSpec {
  readonly filter: Filter;
  readonly groupBy: readonly FieldRef[];
  readonly operations: readonly AggregateOperation[];
  /** Applies to result rows; its FieldRefs name grouping keys or operation names. */
  readonly having: Filter;
  /** Over result rows; FieldRefs name grouping keys or operation names. */
  readonly sort: readonly Sort[];
  readonly offset: number;
  readonly limit: number;
}

/** Distinct values of one field (array fields unwound; null/missing excluded). */
export interface DistinctSpec {
  readonly filter: Filter;
  readonly field: FieldRef;
  readonly order: SortOrder;
  readonly offset: number;
  readonly limit: number;
  /** Cursor paging: values strictly after this one in `order`. */
  readonly after: { readonly value: Value } | undefined;
}

export const TRUE: Filter = Object.freeze({ kind: 'true' });
export const FALSE: Filter = Object.freeze({ kind: 'false' });

/** Builds an immutable FieldRef from a dotted key. */
export function fieldRef(key: string, type: FieldType | undefined): FieldRef {
  const [field = key, ...path] = key.split('.');
  return Object.freeze({ key, field, path: Object.freeze(path), type });
}
