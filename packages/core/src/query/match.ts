/**
 * Filter evaluation over one item: the executable statement of
 * docs/semantics.md §1 (operators §1.3, nulls §1.8, arrays §1.9).
 */
import { isObjectValue } from '../plain-object.ts';
import type { CompareOp, FieldRef, Filter, Item, StringOp, Value } from './ast.ts';
import { canonicalKey, compareValues, typeClass, valuesEqual } from './compare.ts';
import { foldCase, matchesPattern, urlizedMatcher } from './patterns.ts';

/**
 * The value at a field or dotted path; undefined when missing. Decision
 * (§1.5, unconfirmed): a path walks objects only — an array on the way yields
 * undefined (no Mongo-style fan-out), which is what JSON_VALUE-style
 * extraction in Spanner/BigQuery gives too.
 */
export function valueAt(item: Item, field: FieldRef): Value | undefined {
  let v: Value | undefined = Object.hasOwn(item, field.field) ? item[field.field] : undefined;
  for (const segment of field.path) {
    if (!isObjectValue(v) || !Object.hasOwn(v, segment)) return undefined;
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

type TextTest = (text: string) => boolean;

function patternMatch(v: Value | undefined, test: TextTest, fold: boolean): boolean {
  return candidates(v).some((e) => typeof e === 'string' && test(fold ? foldCase(e) : e));
}

// Compiled tests, per AST node (nodes are immutable).
const patterns = new WeakMap<Filter, TextTest>();

/**
 * `$matches` runs its RegExp: anchored and without quantifiers (matchesPattern), it
 * reads the value once. `$urlized` does not: its regex backtracks quadratically in
 * JavaScript, so urlizedMatcher answers the same in linear time (patterns.ts).
 */
function compiled(filter: Filter & { kind: 'matches' | 'urlized' }): TextTest {
  let test = patterns.get(filter);
  if (!test) {
    if (filter.kind === 'matches') {
      const re = new RegExp(matchesPattern(filter.parts, filter.ignoreCase), 'u');
      test = (text) => re.test(text);
    } else {
      const urlized = urlizedMatcher(filter.words);
      test = (text) => urlized(text);
    }
    patterns.set(filter, test);
  }
  return test;
}

/** Presence (§1.3 $exists): not missing and not null; "" and [] are present. */
function present(v: Value | undefined): boolean {
  return v !== undefined && v !== null;
}

/**
 * `canonicalKey` (compare.ts), with a cheaper form for scalars: two values
 * have the same key exactly when compareValues says they are equal. Only
 * compared with other keyOf results.
 */
function keyOf(v: Value | undefined): string {
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return Number.isNaN(v) ? 'dNaN' : `d${v === 0 ? 0 : v}`;
    case 'boolean':
      return v ? 'b1' : 'b0';
    default:
      return canonicalKey(v);
  }
}

interface ListKeys {
  readonly keys: ReadonlySet<string>;
  /** A listed array can equal a whole array value (not only one of its elements). */
  readonly hasArrays: boolean;
}

// Keys of a filter's list, computed once per (immutable) list.
const listKeys = new WeakMap<readonly Value[], ListKeys>();

function listedKeys(values: readonly Value[]): ListKeys {
  let list = listKeys.get(values);
  if (!list) {
    list = { keys: new Set(values.map(keyOf)), hasArrays: values.some((x) => Array.isArray(x)) };
    listKeys.set(values, list);
  }
  return list;
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
    // Linear per item: equalsMatch(v, x) for some / every listed x, through keys that are
    // equal exactly when compareValues is 0, so long lists never cost values × elements.
    case 'in': {
      const v = valueAt(item, filter.field);
      const list = listedKeys(filter.values);
      if (!Array.isArray(v)) return list.keys.has(keyOf(v));
      if (list.hasArrays && list.keys.has(canonicalKey(v))) return true;
      return v.some((e) => list.keys.has(keyOf(e)));
    }
    case 'hasAll': {
      const v = valueAt(item, filter.field);
      const list = listedKeys(filter.values);
      const held = new Set<string>();
      if (!Array.isArray(v)) held.add(keyOf(v));
      else {
        if (list.hasArrays) held.add(canonicalKey(v));
        for (const e of v) held.add(keyOf(e));
      }
      for (const key of list.keys) if (!held.has(key)) return false;
      return true;
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
