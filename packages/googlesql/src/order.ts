/**
 * Sort keys: ORDER BY terms and the keyset conditions of cursor paging, both
 * following the evaluator's one order (core compare.ts): null/missing
 * lowest, then by type rank, then by value; DESC reverses.
 *
 * Both dialects sort NULLs first in ASC and last in DESC by default (GoogleSQL
 * ORDER BY clause, README.md), which is "missing ranks lowest" (§2), so no
 * NULLS FIRST/LAST is written.
 */
import { errors, type FieldRef, type SortOrder, type Value } from '@adaptors/core';
import { badDecimalOperand, decimalOperand } from './exact-numbers.ts';
import type { SqlHooks } from './hooks.ts';
import { jsonAs, jsonRank, KIND_RANK } from './json.ts';
import { kindOf, type ParamBag } from './params.ts';
import { unsupportedOn } from './predicates.ts';
import { definite, FALSE, or, TRUE } from './sql-bool.ts';
import { resolveTarget, type Target } from './target.ts';
import type { TableInfo } from './types.ts';

export interface SortKey {
  /** ORDER BY terms with their direction; empty when the value is constant (no column). */
  readonly orderBy: readonly string[];
  /** The value equals the boundary `b` (compareValues(v, b) === 0). */
  equals(b: Value, params: ParamBag): string;
  /** The value comes strictly after `b` in this key's direction. */
  after(b: Value, params: ParamBag): string;
}

/** Rank of a boundary value that is not a scalar of the key's kind (core compare.ts TYPE_ORDER). */
function rankOf(b: Value): number {
  if (b === null) return 0;
  const kind = kindOf(b);
  if (kind) return KIND_RANK[kind];
  return Array.isArray(b) ? 4 : 3;
}

/**
 * Why a dotted path into a JSON column cannot be an ORDER BY key. The core makes dotted paths
 * sortable when the storage compares them with $gt and $lt (core SEMANTICS.md #28), but the
 * evaluator's order (core compare.ts) puts a `{"$date": iso}` object among the dates (SEMANTICS.md
 * #21) and orders objects and arrays by their contents, which GoogleSQL cannot do (no recursive
 * comparison of JSON, and recognising exactly the ISO texts core's parser accepts would take a
 * timestamp parser no engine shares). The shape of a nested value is data, not schema, so the
 * compiler cannot tell a sort over strings from one over dates: it refuses every such sort with a
 * 400 rather than answer a wrong order without a word (a JSON sort key orders only by type rank
 * and scalars: the dates 2020, 2024, 2025 came in _id order).
 */
const NESTED_SORT_REASON =
  'values inside an object can be dates, objects or arrays, which this database cannot order as Wix does';
const NESTED_SORT_FIX =
  'Sort by a top-level field (for a nested value, add a field of its own type that holds it), or sort the items after reading them.';

export function sortKey(table: TableInfo, field: FieldRef, order: SortOrder, sql: SqlHooks): SortKey {
  const target = resolveTarget(table, field, sql);
  if (target.kind === 'json' && target.nested) {
    throw errors.unsupported(`Sorting by the nested path '${field.key}'`, NESTED_SORT_REASON, NESTED_SORT_FIX);
  }
  return keyFor(target, order, field.key);
}

export function keyFor(target: Target, order: SortOrder, key: string): SortKey {
  const dir = order === 'desc' ? 'DESC' : 'ASC';
  const desc = order === 'desc';
  switch (target.kind) {
    case 'missing':
      // Always null: equal to a null boundary, below anything else.
      return {
        orderBy: [],
        equals: (b) => (b === null ? TRUE : FALSE),
        after: (b) => (desc && b !== null ? TRUE : FALSE),
      };
    case 'array':
    case 'opaque':
      // GoogleSQL cannot ORDER BY arrays (nor compare them), BYTES order is not the evaluator's.
      throw errors.unsupported(`Sorting by '${key}'`, 'arrays and binary values are not sortable');
    case 'scalar': {
      if (target.decimal) return decimalKey(target, dir, desc);
      const c = target.expr;
      const rank = KIND_RANK[target.value];
      return {
        orderBy: [`${target.order} ${dir}`],
        equals(b, params) {
          if (b === null) return `(${c} IS NULL)`;
          if (kindOf(b) !== target.value) return FALSE;
          return definite(`${c} = ${params.scalar(b as string | number | boolean | Date)}`);
        },
        after(b, params) {
          if (b === null) return desc ? FALSE : `(${c} IS NOT NULL)`;
          if (kindOf(b) === target.value) {
            const p = params.scalar(b as string | number | boolean | Date);
            return desc ? `(${c} IS NULL OR ${c} < ${p})` : definite(`${c} > ${p}`);
          }
          // Another type: every non-null value is on one side of it, null below.
          const above = rank > rankOf(b);
          if (desc) return above ? `(${c} IS NULL)` : TRUE;
          return above ? `(${c} IS NOT NULL)` : FALSE;
        },
      };
    }
    case 'json': {
      const j = target.expr;
      const r = jsonRank(j);
      // Objects and arrays get their rank but no order within it, and a {"$date"} object ranks
      // as an object here but as a date for the evaluator (core SEMANTICS.md #21): not exact,
      // hence JSON is not declared sortable (capabilities.ts), items queries refuse nested JSON
      // sort keys (sortKey above) and keysets refuse such boundaries.
      const typed = (['number', 'string', 'boolean'] as const).map((k) => `${jsonAs(k, j)} ${dir}`);
      const boundary = (b: Value): 'null' | 'number' | 'string' | 'boolean' => {
        if (b === null) return 'null';
        const kind = kindOf(b);
        if (!kind) throw unsupportedOn(target, 'A cursor positioned on an object or array');
        // {"$date"} objects rank as dates for the evaluator (core SEMANTICS.md #21): see predicates.ts.
        if (kind === 'date') throw unsupportedOn(target, 'A cursor positioned on a date');
        return kind;
      };
      return {
        orderBy: [`${r} ${dir}`, ...typed],
        equals(b, params) {
          const kind = boundary(b);
          if (kind === 'null') return `(${r} = 0)`;
          return definite(`${jsonAs(kind, j)} = ${params.scalar(b as string | number | boolean)}`);
        },
        after(b, params) {
          const kind = boundary(b);
          if (kind === 'null') return desc ? FALSE : `(${r} > 0)`;
          const rank = KIND_RANK[kind];
          const p = params.scalar(b as string | number | boolean);
          return or([`(${r} ${desc ? '<' : '>'} ${rank})`, definite(`${jsonAs(kind, j)} ${desc ? '<' : '>'} ${p}`)]);
        },
      };
    }
  }
}

/**
 * A decimal column answered as text (exact-numbers.ts) sorts by its numbers;
 * a cursor boundary is a value's text, compared on the column's type.
 */
function decimalKey(target: Extract<Target, { kind: 'scalar' }>, dir: string, desc: boolean): SortKey {
  const decimal = target.decimal as NonNullable<typeof target.decimal>;
  const c = decimal.expr;
  const operand = (b: string, params: ParamBag): string => {
    const text = decimalOperand(decimal, b, false);
    if (text === undefined) throw badDecimalOperand('A cursor', b, decimal.type);
    return params.add(text, { type: decimal.type });
  };
  return {
    orderBy: [`${c} ${dir}`],
    equals(b, params) {
      if (b === null) return `(${c} IS NULL)`;
      return typeof b === 'string' ? definite(`${c} = ${operand(b, params)}`) : FALSE;
    },
    after(b, params) {
      if (b === null) return desc ? FALSE : `(${c} IS NOT NULL)`;
      if (typeof b === 'string') {
        const p = operand(b, params);
        return desc ? `(${c} IS NULL OR ${c} < ${p})` : definite(`${c} > ${p}`);
      }
      // Another type: strings rank above numbers and booleans and below dates (core compare.ts).
      const above = KIND_RANK.string > rankOf(b);
      if (desc) return above ? `(${c} IS NULL)` : TRUE;
      return above ? `(${c} IS NOT NULL)` : FALSE;
    },
  };
}
