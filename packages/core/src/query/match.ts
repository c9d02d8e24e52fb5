/**
 * Filter evaluation over one item: the executable statement of
 * docs/semantics.md §1 (operators §1.3, nulls §1.8, arrays §1.9).
 */
import type { CompareOp, FieldRef, Filter, Item, StringOp, Value } from './ast.ts';
import { compareValues, typeClass, valuesEqual } from './compare.ts';
import { foldCase, matchesPattern, urlizedPattern } from './patterns.ts';

type Obj = { readonly [key: string]: Value };

function isObject(v: Value | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/**
 * The value at a field or dotted path; undefined when missing. Decision
 * (§1.5, unconfirmed): a path walks objects only — an array on the way yields
 * undefined (no Mongo-style fan-out), which is what JSON_VALUE-style
 * extraction in Spanner/BigQuery gives too.
 */
export function valueAt(item: Item, field: FieldRef): Value | undefined {
  let v: Value | undefined = Object.hasOwn(item, field.field) ? item[field.field] : undefined;
  for (const segment of field.path) {
    if (!isObject(v) || !Object.hasOwn(v, segment)) return undefined;
    v = v[segment];
  }
  return v;
}

/**
 * $eq (§1.3): same type and equal (dates as instants, strings case-sensitive);
 * `null` also matches missing; on an array value some element equals — or the
 * whole array equals an array operand.
 */
export function equalsMatch(v: Value | undefined, x: Value): boolean {
  if (valuesEqual(v, x)) return true;
  return Array.isArray(v) && v.some((e) => valuesEqual(e, x));
}

/**
 * $ne is the exact complement of $eq, so it matches missing and null values
 * as a document store does (a decision: docs/semantics.md §1.3 `$ne`, §1.8).
 */
export function notEqualsMatch(v: Value | undefined, x: Value): boolean {
  return !equalsMatch(v, x);
}

/** Candidates of element-wise operators: the elements of an array value, else the value itself. */
function candidates(v: Value | undefined): readonly (Value | undefined)[] {
  return Array.isArray(v) ? v : [v];
}

function rangeHolds(op: CompareOp, c: number): boolean {
  switch (op) {
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
    default:
      return false;
  }
}

/**
 * Ranges (§1.3): only values of the operand's type qualify, so null/missing
 * never match (§1.8 decision) and 5 is never compared with "5"; on an array
 * value some element must qualify.
 */
export function rangeMatch(v: Value | undefined, op: CompareOp, x: Value): boolean {
  const type = typeClass(x);
  if (type === 'null') return false;
  return candidates(v).some((e) => typeClass(e) === type && rangeHolds(op, compareValues(e, x)));
}

function stringTest(op: StringOp, value: string, operand: string): boolean {
  switch (op) {
    case 'contains':
      return value.includes(operand);
    case 'startsWith':
      return value.startsWith(operand);
    case 'endsWith':
      return value.endsWith(operand);
  }
}

/** Case-insensitive string tests; on an array some string element must pass (§1.3 $contains, decision). */
export function stringMatch(v: Value | undefined, op: StringOp, operand: string): boolean {
  const folded = foldCase(operand);
  return candidates(v).some((e) => typeof e === 'string' && stringTest(op, foldCase(e), folded));
}

function patternMatch(v: Value | undefined, pattern: RegExp, fold: boolean): boolean {
  return candidates(v).some((e) => typeof e === 'string' && pattern.test(fold ? foldCase(e) : e));
}

// Compiled patterns, per AST node (nodes are immutable).
const patterns = new WeakMap<Filter, RegExp>();

function compiled(filter: Filter & { kind: 'matches' | 'urlized' }): RegExp {
  let re = patterns.get(filter);
  if (!re) {
    const source =
      filter.kind === 'matches' ? matchesPattern(filter.parts, filter.ignoreCase) : urlizedPattern(filter.words);
    re = new RegExp(source, 'u');
    patterns.set(filter, re);
  }
  return re;
}

/** Presence (§1.3 $exists): not missing and not null; "" and [] are present. */
function present(v: Value | undefined): boolean {
  return v !== undefined && v !== null;
}

export function matches(filter: Filter, item: Item): boolean {
  switch (filter.kind) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'and':
      return filter.filters.every((f) => matches(f, item));
    case 'or':
      return filter.filters.some((f) => matches(f, item));
    case 'not':
      return !matches(filter.filter, item);
    case 'compare': {
      const v = valueAt(item, filter.field);
      if (filter.op === 'eq') return equalsMatch(v, filter.value);
      if (filter.op === 'ne') return notEqualsMatch(v, filter.value);
      return rangeMatch(v, filter.op, filter.value);
    }
    case 'in': {
      const v = valueAt(item, filter.field);
      return filter.values.some((x) => equalsMatch(v, x));
    }
    case 'hasAll': {
      const v = valueAt(item, filter.field);
      return filter.values.every((x) => equalsMatch(v, x));
    }
    case 'string':
      return stringMatch(valueAt(item, filter.field), filter.op, filter.value);
    case 'exists':
      return present(valueAt(item, filter.field)) === filter.exists;
    case 'matches':
      return patternMatch(valueAt(item, filter.field), compiled(filter), filter.ignoreCase);
    case 'urlized':
      return patternMatch(valueAt(item, filter.field), compiled(filter), true);
  }
}
