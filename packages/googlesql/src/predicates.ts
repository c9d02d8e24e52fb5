/**
 * Building blocks of filter leaves, each two-valued (sql-bool.ts) and each
 * mirroring one helper of the evaluator (core query/match.ts):
 * `some` ≈ candidates(v).some(…), `isNullValue` ≈ equalsMatch(v, null),
 * `present` ≈ present(v).
 */
import { errors } from '@adaptors/core';
import type { SqlHooks } from './hooks.ts';
import { jsonAs, jsonElements, jsonIsNullValue } from './json.ts';
import type { ValueKind } from './params.ts';
import { definite, FALSE, or, TRUE } from './sql-bool.ts';
import type { Target } from './target.ts';

/** A condition on one comparable value expression; may be NULL when the value is NULL. */
export type ValuePredicate = (value: string) => string;

/** Calls `make` at most once, only if the result is needed (no unused parameters). */
export function lazy(make: () => string): () => string {
  let made: string | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

export function unsupportedOn(target: Target, what: string): Error {
  const where =
    target.kind === 'opaque'
      ? `a ${typeof target.column.type === 'object' ? `ARRAY<${target.column.type.array}>` : target.column.type} column`
      : target.kind === 'json'
        ? 'a JSON value'
        : `this field`;
  return errors.unsupported(`${what} on ${where}`);
}

function elementAlias(sql: SqlHooks): string {
  return sql.quote('e');
}

/**
 * Some candidate of kind `kind` satisfies `pred`: the value itself, or — for
 * an array value — one of its elements (§1.9; core match.ts `candidates`).
 * Values of another kind never qualify (§1.3 same-type rule).
 */
export function some(target: Target, kind: ValueKind, pred: ValuePredicate, sql: SqlHooks, what: string): string {
  switch (target.kind) {
    case 'missing':
      return FALSE;
    case 'opaque':
      throw unsupportedOn(target, what);
    case 'scalar':
      return target.value === kind ? definite(pred(target.expr)) : FALSE;
    case 'array': {
      if (target.value !== kind) return FALSE;
      const e = elementAlias(sql);
      // Inside WHERE, NULL is "not selected": EXISTS is two-valued without COALESCE.
      return `EXISTS(SELECT 1 FROM UNNEST(${target.expr}) AS ${e} WHERE ${pred(target.element(e))})`;
    }
    case 'json': {
      if (kind === 'date') {
        // The evaluator reads a JSON object that is exactly {"$date": iso} as that instant
        // (core SEMANTICS.md #21, compare.ts instantOf), with its own ISO parser. Matching
        // that in SQL would need JSON_KEYS and a timestamp parser that accepts exactly the
        // same texts; rather than risk a wrong answer, refuse.
        // TODO(semantics): compile {"$date"} objects inside JSON if services need date filters there.
        throw unsupportedOn(target, `${what} with a date`);
      }
      const e = elementAlias(sql);
      return or([
        definite(pred(jsonAs(kind, target.expr))),
        `EXISTS(SELECT 1 FROM ${jsonElements(target.expr)} AS ${e} WHERE ${pred(jsonAs(kind, e))})`,
      ]);
    }
  }
}

/** The value is null/missing, or (array value) has a null element: `equalsMatch(v, null)`. */
export function isNullValue(target: Target, sql: SqlHooks): string {
  switch (target.kind) {
    case 'missing':
      return TRUE;
    case 'scalar':
      return `(${target.expr} IS NULL)`;
    case 'opaque':
      if (typeof target.column.type !== 'object') return `(${target.expr} IS NULL)`;
      return nullableArray(target.expr, sql);
    case 'array':
      return nullableArray(target.expr, sql);
    case 'json': {
      const e = elementAlias(sql);
      return or([
        `(${target.expr} IS NULL OR ${jsonIsNullValue(target.expr)})`,
        `EXISTS(SELECT 1 FROM ${jsonElements(target.expr)} AS ${e} WHERE ${jsonIsNullValue(e)})`,
      ]);
    }
  }
}

function nullableArray(expr: string, sql: SqlHooks): string {
  const e = elementAlias(sql);
  return or([`(${expr} IS NULL)`, `EXISTS(SELECT 1 FROM UNNEST(${expr}) AS ${e} WHERE ${e} IS NULL)`]);
}

/** Present: not missing and not null; "" and [] are present (§1.3 $exists; core match.ts `present`). */
export function present(target: Target): string {
  switch (target.kind) {
    case 'missing':
      return FALSE;
    case 'json':
      return `(${target.expr} IS NOT NULL AND NOT ${jsonIsNullValue(target.expr)})`;
    default:
      return `(${target.expr} IS NOT NULL)`;
  }
}

/**
 * The fix when grouping, distinct values or a minimum/maximum meet a field GoogleSQL cannot
 * compare (an object, an array of objects, a nested path): capabilities/get declares no such
 * limit, so the message names what works instead.
 */
export const PLAIN_FIELDS_FIX =
  'Name a field of a plain type instead (text, number, boolean, date or time, or an array of them); objects and nested paths cannot be grouped or compared on this database.';
