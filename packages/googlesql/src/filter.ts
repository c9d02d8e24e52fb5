/**
 * Filter AST → a two-valued WHERE fragment (docs/semantics.md §1; the
 * evaluator core/query/match.ts is the law). Every literal becomes a typed
 * parameter in the ParamBag; every identifier goes through the engine's quote hook (hooks.ts).
 */
import type { CompareOp, FieldRef, Filter, StringOp, Value } from '@adaptors/core';
import { errors, foldCase, SIGMA, urlizedPattern } from '@adaptors/core';
import { badDecimalOperand, decimalOperand } from './exact-numbers.ts';
import type { SqlHooks } from './hooks.ts';
import { jsonAs, jsonElements } from './json.ts';
import { kindOf, type ParamBag, type ValueKind } from './params.ts';
import { matchesPattern } from './patterns.ts';
import { isNullValue, lazy, present, some, unsupportedOn } from './predicates.ts';
import { and, definite, FALSE, not, or, TRUE } from './sql-bool.ts';
import { foldedOf, foldSigma, resolveTarget, type Target } from './target.ts';
import { timeOfDayOperand } from './time-of-day.ts';
import type { TableInfo } from './types.ts';

export function compileFilter(table: TableInfo, filter: Filter, sql: SqlHooks, params: ParamBag): string {
  const target = (ref: FieldRef) => resolveTarget(table, ref, sql);
  const walk = (f: Filter): string => {
    switch (f.kind) {
      case 'true':
        return TRUE;
      case 'false':
        return FALSE;
      // and([]) is TRUE and or([]) is FALSE (§1.3 Logical, recommended).
      case 'and':
        return and(f.filters.map(walk));
      case 'or':
        return or(f.filters.map(walk));
      // Exact complement: every operand is two-valued (sql-bool.ts).
      case 'not':
        return not(walk(f.filter));
      case 'compare': {
        const t = target(f.field);
        return compare(t, f.op, timeOperand(t, f.value), sql, params);
      }
      case 'in': {
        const t = target(f.field);
        return anyOf(t, timeOperands(t, f.values), sql, params);
      }
      case 'hasAll': {
        const t = target(f.field);
        return allOf(t, timeOperands(t, f.values), sql, params);
      }
      case 'string':
        return stringTest(target(f.field), f.op, f.value, sql, params);
      case 'exists': {
        const isPresent = present(target(f.field));
        return f.exists ? isPresent : not(isPresent);
      }
      case 'matches': {
        const pattern = matchesPattern(f.parts, f.ignoreCase);
        if (pattern === undefined) return FALSE;
        const p = lazy(() => params.scalar(pattern));
        const fold = f.ignoreCase;
        const t = target(f.field);
        const sigma = pattern.includes(SIGMA);
        return some(t, 'string', (v) => sql.regexpContains(fold ? foldedOf(t, v, sigma) : v, p()), sql, '$matches');
      }
      case 'urlized': {
        const pattern = urlizedPattern(f.words);
        const p = lazy(() => params.scalar(pattern));
        const t = target(f.field);
        const sigma = pattern.includes(SIGMA);
        return some(t, 'string', (v) => sql.regexpContains(foldedOf(t, v, sigma), p()), sql, '$urlized');
      }
    }
  };
  return walk(filter);
}

/**
 * An operand of a TIME column (or of ARRAY<TIME> elements) in the fixed-width "HH:mm:ss.sss" form
 * the column is compared through (time-of-day.ts `timeOfDayOperand`, which keeps digits finer
 * than the millisecond so ranges stay exact): Wix writers also send "10:30" or "10:30:00", which
 * the column stores and answers as "10:30:00.000", so "10:30" must find that row and
 * `$gt "10:30"` must not. Text that is no time of day stays as it is (it equals no value the
 * column holds).
 */
function timeOperand(target: Target, value: Value): Value {
  if (!((target.kind === 'scalar' || target.kind === 'array') && target.timeOfDay)) return value;
  if (typeof value === 'string') return timeOfDayOperand(value) ?? value;
  // A whole ARRAY<TIME> compared element by element (`wholeArrayEquals`): each element the same way.
  if (Array.isArray(value) && target.kind === 'array') return value.map((v) => timeOperand(target, v));
  return value;
}

/** `timeOperand` of each listed value; the list itself when the target is no TIME (it may hold thousands). */
function timeOperands(target: Target, values: readonly Value[]): readonly Value[] {
  return (target.kind === 'scalar' || target.kind === 'array') && target.timeOfDay
    ? values.map((v) => timeOperand(target, v))
    : values;
}

const RANGE_SQL: Readonly<Record<Exclude<CompareOp, 'eq' | 'ne'>, string>> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
};

function compare(target: Target, op: CompareOp, value: Value, sql: SqlHooks, params: ParamBag): string {
  if (op === 'eq') return equals(target, value, sql, params);
  // $ne is the exact complement of $eq, so it matches null/missing (§1.3 $ne, §1.8).
  if (op === 'ne') return not(equals(target, value, sql, params));
  // Ranges never match null/missing (§1.3, §1.8) nor values of another type.
  if (value === null) return FALSE;
  const kind = kindOf(value);
  if (!kind) {
    if (target.kind === 'json' || target.kind === 'opaque')
      throw unsupportedOn(target, `$${op} with an array or object`);
    return FALSE;
  }
  if (target.kind === 'scalar' && target.decimal && kind === 'string') {
    // Numeric order, as the column sorts (exact-numbers.ts), not the text's.
    const operand = decimalOperand(target.decimal, value as string, false);
    if (operand === undefined) throw badDecimalOperand(`$${op}`, value as string, target.decimal.type);
    return definite(`${target.decimal.expr} ${RANGE_SQL[op]} ${params.add(operand, { type: target.decimal.type })}`);
  }
  if (target.kind === 'scalar' && target.instant !== undefined && kind === 'date') {
    return instantRange(target.instant, op, value as Date, params);
  }
  const p = lazy(() => params.scalar(value as string | number | boolean | Date));
  return some(target, kind, (v) => `${v} ${RANGE_SQL[op]} ${p()}`, sql, `$${op}`);
}

/** The last instant a TIMESTAMP holds (9999-12-31T23:59:59.999999Z), at the millisecond. */
const LAST_MILLISECOND = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A date comparison on a TIMESTAMP column at the millisecond (target.ts `millisecondOf`), written
 * as a range of the column itself so an index on it still serves: the millisecond of `c` equals
 * `d` exactly when d ≤ c < d + 1 ms, and is after `d` when c ≥ d + 1 ms.
 */
function instantRange(column: string, op: CompareOp, d: Date, params: ParamBag): string {
  const atOrAfter = (date: Date) => `${column} >= ${params.scalar(date)}`;
  const before = (date: Date) => `${column} < ${params.scalar(date)}`;
  // Past the last millisecond a TIMESTAMP can hold there is nothing: no parameter out of range.
  const next = d.getTime() < LAST_MILLISECOND ? new Date(d.getTime() + 1) : undefined;
  switch (op) {
    case 'eq':
      return definite(next ? `${atOrAfter(d)} AND ${before(next)}` : atOrAfter(d));
    case 'ne':
      return not(instantRange(column, 'eq', d, params));
    case 'gt':
      return next ? definite(atOrAfter(next)) : FALSE;
    case 'gte':
      return definite(atOrAfter(d));
    case 'lt':
      return definite(before(d));
    case 'lte':
      return next ? definite(before(next)) : `(${column} IS NOT NULL)`;
  }
}

/** `equalsMatch(v, x)` of the evaluator: same type and equal, null = missing, some element of an array. */
export function equals(target: Target, value: Value, sql: SqlHooks, params: ParamBag): string {
  if (value === null) return isNullValue(target, sql);
  const kind = kindOf(value);
  if (target.kind === 'scalar' && target.decimal && kind === 'string')
    return decimalIn(target, [value as string], sql, params);
  if (target.kind === 'scalar' && target.instant !== undefined && kind === 'date') {
    return instantRange(target.instant, 'eq', value as Date, params);
  }
  if (kind) {
    const p = lazy(() => params.scalar(value as string | number | boolean | Date));
    return some(target, kind, (v) => `${v} = ${p()}`, sql, '$eq');
  }
  if (Array.isArray(value)) return wholeArrayEquals(target, value, sql, params);
  // An object operand ({"$encrypted": …}, ANY fields): typed columns never hold one.
  if (target.kind === 'json' || target.kind === 'opaque') throw unsupportedOn(target, 'Comparing a whole object');
  return FALSE;
}

/**
 * Whole-array equality (`{"tags": ["a", "b"]}` on an array field, core
 * parse-operand.ts): same length and equal element by element. GoogleSQL has
 * no `=` on arrays, so it compares positions. Only typed ARRAY columns can
 * hold such a value; JSON arrays would need JSON equality, which GoogleSQL
 * lacks (and number normalisation would make inexact).
 */
function wholeArrayEquals(target: Target, value: readonly Value[], sql: SqlHooks, params: ParamBag): string {
  // A JSON column declared as an array of scalars (ColumnInfo.elements) compares like an ARRAY column,
  // its elements read through JSON_QUERY_ARRAY with the same JSON_TYPE guard as every JSON value.
  const declared = target.kind === 'json' && !target.nested ? target.elements : undefined;
  if (!declared && (target.kind === 'json' || target.kind === 'opaque'))
    throw unsupportedOn(target, 'Comparing a whole array');
  if (target.kind !== 'array' && !declared) return FALSE;
  if (value.some((v) => v === null)) {
    throw errors.unsupported('Comparing a whole array that contains null', 'compare the elements one by one');
  }
  if (target.kind !== 'array' && target.kind !== 'json') return FALSE;
  const kind = declared ?? (target.kind === 'array' ? target.value : undefined);
  if (!kind || !value.every((v) => kindOf(v) === kind)) return FALSE;
  const p = params.list(kind, value);
  const e = sql.quote('e');
  const i = sql.quote('i');
  const array = declared ? `JSON_QUERY_ARRAY(${target.expr})` : target.expr;
  const element = declared ? jsonAs(declared, e) : target.kind === 'array' ? target.element(e) : e;
  return definite(
    `ARRAY_LENGTH(${array}) = ARRAY_LENGTH(${p}) AND NOT EXISTS(SELECT 1 FROM UNNEST(${array}) AS ${e} WITH OFFSET AS ${i} WHERE NOT COALESCE(${element} = ${p}[SAFE_OFFSET(${i})], FALSE))`,
  );
}

/**
 * $hasSome / $in: some listed value equals (core match.ts). Scalars of one
 * kind travel as one ARRAY parameter (`IN UNNEST(@p)`); null and whole-array
 * values keep their own equality.
 */
function anyOf(target: Target, values: readonly Value[], sql: SqlHooks, params: ParamBag): string {
  const byKind = new Map<ValueKind, Value[]>();
  const others: Value[] = [];
  for (const v of values) {
    const kind = kindOf(v);
    if (!kind) {
      others.push(v);
      continue;
    }
    // Appended in place: the list may hold thousands of values (linear, never a copy per value).
    const list = byKind.get(kind);
    if (list) list.push(v);
    else byKind.set(kind, [v]);
  }
  const parts: string[] = [];
  for (const [kind, list] of byKind) {
    if (target.kind === 'scalar' && target.decimal && kind === 'string') {
      parts.push(decimalIn(target, list as string[], sql, params));
      continue;
    }
    if (list.length === 1) {
      parts.push(equals(target, list[0] as Value, sql, params));
      continue;
    }
    const p = lazy(() => params.list(kind, list));
    parts.push(some(target, kind, (v) => sql.inArray(v, p()), sql, '$hasSome'));
  }
  for (const v of others) parts.push(equals(target, v, sql, params));
  return or(parts);
}

/**
 * $hasAll: every listed value is among the candidates (core match.ts). Scalars of one kind are
 * checked by one expression over one ARRAY parameter, whatever their number: an AND of one
 * equality per value is as deep as the list is long (1,000 values passed the BigQuery emulator's
 * expression depth, and Spanner's 1,000 functions per query, inside the core's limits:
 * packages/core/README.md "Input limits"). null, arrays and objects keep their own equality.
 */
function allOf(target: Target, values: readonly Value[], sql: SqlHooks, params: ParamBag): string {
  const byKind = new Map<ValueKind, Map<unknown, Value>>();
  const others: Value[] = [];
  let listedNull = false;
  for (const v of values) {
    const kind = kindOf(v);
    if (v === null) listedNull = true;
    else if (!kind) others.push(v);
    else {
      // Each value once: numbers by SameValueZero (0 and -0 are one, as SQL's = has them), dates as instants.
      const distinct = byKind.get(kind) ?? new Map<unknown, Value>();
      const key = v instanceof Date ? v.getTime() : v;
      if (!distinct.has(key)) distinct.set(key, v);
      byKind.set(kind, distinct);
    }
  }
  const parts: string[] = listedNull ? [isNullValue(target, sql)] : [];
  for (const [kind, distinct] of byKind) {
    const list = [...distinct.values()];
    if (list.length === 1) parts.push(equals(target, list[0] as Value, sql, params));
    else parts.push(containsAll(target, kind, list, sql, params));
  }
  for (const v of others) parts.push(equals(target, v, sql, params));
  return and(parts);
}

/**
 * Two or more distinct values of one kind, all among the candidates. A scalar (or a JSON scalar)
 * is one candidate, and distinct values never all equal one value (distinct texts are distinct
 * strings and, on a decimal column, distinct canonical decimals; distinct doubles and instants
 * differ): only an array's elements can hold them. Counted as the distinct listed values some
 * element equals, with the column read in the first FROM item, before any alias of the subquery
 * could shadow its name.
 */
function containsAll(target: Target, kind: ValueKind, list: readonly Value[], sql: SqlHooks, params: ParamBag): string {
  const e = sql.quote('e');
  const v = sql.quote('v');
  const counted = (elements: string, element: string): string => {
    const p = params.list(kind, list);
    return `((SELECT COUNT(DISTINCT ${v}) FROM ${elements} AS ${e}, UNNEST(${p}) AS ${v} WHERE ${element} = ${v}) = ARRAY_LENGTH(${p}))`;
  };
  switch (target.kind) {
    case 'missing':
    case 'scalar':
      return FALSE;
    case 'opaque':
      throw unsupportedOn(target, '$hasAll');
    case 'array':
      return target.value === kind ? counted(`UNNEST(${target.expr})`, target.element(e)) : FALSE;
    case 'json':
      // The evaluator reads {"$date"} objects in JSON as instants; refused as `some` refuses them (predicates.ts).
      if (kind === 'date') throw unsupportedOn(target, '$hasAll with a date');
      return counted(jsonElements(target.expr), jsonAs(kind, e));
  }
}

/**
 * Equality with text operands on a decimal column, on the column's own type
 * (index-friendly): only an operand that is exactly the text a stored value
 * is answered as can equal one (exact-numbers.ts `decimalOperand`).
 */
function decimalIn(
  target: Extract<Target, { kind: 'scalar' }>,
  texts: readonly string[],
  sql: SqlHooks,
  params: ParamBag,
): string {
  const decimal = target.decimal as NonNullable<typeof target.decimal>;
  const operands = [...new Set(texts.map((t) => decimalOperand(decimal, t, true)))].filter((t) => t !== undefined);
  if (operands.length === 0) return FALSE;
  if (operands.length === 1) return definite(`${decimal.expr} = ${params.add(operands[0], { type: decimal.type })}`);
  return definite(sql.inArray(decimal.expr, params.add(operands, { type: decimal.type, array: true })));
}

/**
 * Case-insensitive $contains/$startsWith/$endsWith (§1.3): LOWER on both
 * sides, so no LIKE and no wildcard escaping. An empty operand is a prefix,
 * suffix and substring of every string.
 */
function stringTest(target: Target, op: StringOp, value: string, sql: SqlHooks, params: ParamBag): string {
  if (value === '') return some(target, 'string', (v) => `${v} IS NOT NULL`, sql, `$${op}`);
  // The final-sigma step only where the operand holds a sigma (target.ts foldedOf).
  const sigma = foldCase(value).includes(SIGMA);
  const p = lazy(() => params.scalar(value));
  const operand = () => (sigma ? foldSigma(`LOWER(${p()})`) : `LOWER(${p()})`);
  const test = (v: string): string => {
    switch (op) {
      case 'contains':
        return `STRPOS(${foldedOf(target, v, sigma)}, ${operand()}) > 0`;
      case 'startsWith':
        return `STARTS_WITH(${foldedOf(target, v, sigma)}, ${operand()})`;
      case 'endsWith':
        return `ENDS_WITH(${foldedOf(target, v, sigma)}, ${operand()})`;
    }
  };
  return some(target, 'string', test, sql, `$${op}`);
}
