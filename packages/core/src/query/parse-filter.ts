/**
 * Wire filter JSON → Filter AST (docs/protocol.md §10.1–§10.3,
 * docs/semantics.md §1). Every refusal is a VALIDATION_ERROR naming the
 * wire location, e.g. "query.filter.$and[1].title.$gt". The size limits of
 * wire/limits.ts (nesting depth, number of conditions) are checked before
 * descending, so no hostile filter can exhaust the stack or reach a compiler.
 */
import { errors } from '../errors.ts';
import type { QueryOperator } from '../model.ts';
import { isPlainObject, type JsonObject } from '../plain-object.ts';
import { isDateLiteral } from '../wire/dates.ts';
import { LIMITS } from '../wire/limits.ts';
import type { CompareOp, Filter, StringOp } from './ast.ts';
import { FALSE, TRUE } from './ast.ts';
import {
  FIELD_OPERATORS,
  fieldOperator,
  LOGICAL_OPERATORS,
  SUPPORTED_OPERATORS_TEXT,
  type WireOperator,
} from './operators.ts';
import { allowedOperators, joinPath, type ParseContext, type ResolvedField, resolveField } from './parse-context.ts';
import { parseMatchesOperand, parseUrlizedOperand } from './parse-matches.ts';
import { isEncryptedLiteral, listOperand, literalOperand, rangeOperand, valueShape } from './parse-operand.ts';

/** One parse: conditions counted so far (LIMITS.filterConditions). */
interface Budget {
  conditions: number;
}

/** `{}`, `null` and a missing filter match everything (§1.1). */
export function parseFilter(raw: unknown, ctx: ParseContext, path: string): Filter {
  if (raw === undefined || raw === null) return TRUE;
  return parseNode(raw, ctx, path, { conditions: 0 }, 0);
}

function tooManyConditions(at: string) {
  return errors.violation(
    at,
    `more than ${LIMITS.filterConditions} conditions`,
    `A filter may hold at most ${LIMITS.filterConditions} conditions; use $in with a list instead of many $or branches, or split the query.`,
  );
}

/** Counts one condition (a field condition, or an $and/$or/$not) against the filter's budget. */
function spend(budget: Budget, at: string): void {
  budget.conditions += 1;
  if (budget.conditions > LIMITS.filterConditions) throw tooManyConditions(at);
}

/** Refuses a logical operator nested deeper than LIMITS.filterDepth, before descending into it. */
function descend(depth: number, at: string, key: string): number {
  if (depth >= LIMITS.filterDepth) {
    throw errors.violation(
      at,
      key,
      `A filter may nest $and, $or and $not at most ${LIMITS.filterDepth} levels deep; flatten the filter.`,
    );
  }
  return depth + 1;
}

function freeze(filter: Filter): Filter {
  return Object.freeze(filter);
}

/** Several conditions in one object are an implicit AND (a decision: docs/semantics.md §1.1). */
function allOf(filters: readonly Filter[]): Filter {
  if (filters.length === 0) return TRUE;
  if (filters.length === 1) return filters[0] as Filter;
  return freeze({ kind: 'and', filters: Object.freeze([...filters]) });
}

function anyOf(filters: readonly Filter[]): Filter {
  // `$or: []` matches nothing (§1.3 Logical, recommended).
  if (filters.length === 0) return FALSE;
  if (filters.length === 1) return filters[0] as Filter;
  return freeze({ kind: 'or', filters: Object.freeze([...filters]) });
}

function parseNode(raw: unknown, ctx: ParseContext, path: string, budget: Budget, depth: number): Filter {
  if (!isPlainObject(raw)) {
    throw errors.violation(path, raw, 'A filter must be a JSON object, e.g. {"title": "Rose"} or {"$and": [ … ]}.');
  }
  const parts: Filter[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const at = joinPath(path, key);
    if (key === '$and' || key === '$or') parts.push(parseLogical(key, value, ctx, at, budget, descend(depth, at, key)));
    else if (key === '$not') parts.push(parseNot(value, ctx, at, budget, descend(depth, at, key)));
    else if (key.startsWith('$')) {
      const message = fieldOperator(key)
        ? `${key} must be applied to a field, e.g. {"title": {"${key}": …}}.`
        : `Unknown operator '${key}'. Supported operators: ${SUPPORTED_OPERATORS_TEXT}.`;
      throw errors.violation(at, key, message);
    } else {
      spend(budget, at);
      parts.push(parseCondition(key, value, ctx, at));
    }
  }
  return allOf(parts);
}

function parseLogical(
  key: '$and' | '$or',
  raw: unknown,
  ctx: ParseContext,
  at: string,
  budget: Budget,
  depth: number,
): Filter {
  if (!Array.isArray(raw)) {
    throw errors.violation(at, raw, `${key} needs an array of filters, e.g. {"${key}": [{"a": 1}, {"b": 2}]}.`);
  }
  spend(budget, at);
  // Checked before parsing a branch: a list longer than the budget cannot fit.
  if (budget.conditions + raw.length > LIMITS.filterConditions) throw tooManyConditions(at);
  const filters = raw.map((f, i) => parseNode(f, ctx, `${at}[${i}]`, budget, depth));
  // `$and: []` matches everything (§1.3 Logical, recommended).
  return key === '$and' ? allOf(filters) : anyOf(filters);
}

/** `$not` takes a filter object or a one-element array holding one (decision: §1.1 accepts both). */
function parseNot(raw: unknown, ctx: ParseContext, at: string, budget: Budget, depth: number): Filter {
  spend(budget, at);
  let inner: Filter;
  if (Array.isArray(raw)) {
    if (raw.length !== 1) {
      throw errors.violation(at, raw, '$not needs one filter: {"$not": {…}} or {"$not": [{…}]}.');
    }
    inner = parseNode(raw[0], ctx, `${at}[0]`, budget, depth);
  } else if (isPlainObject(raw)) {
    inner = parseNode(raw, ctx, at, budget, depth);
  } else {
    throw errors.violation(at, raw, '$not needs one filter: {"$not": {…}} or {"$not": [{…}]}.');
  }
  return freeze({ kind: 'not', filter: inner });
}

/**
 * An object value is an operator object when it has a `$` key, except the
 * literals `{"$date": …}` and `{"$encrypted": …}` (§1.1 "Operator vs. literal object").
 */
function isOperatorObject(raw: unknown): raw is JsonObject {
  if (!isPlainObject(raw) || isDateLiteral(raw) || isEncryptedLiteral(raw)) return false;
  return Object.keys(raw).some((k) => k.startsWith('$'));
}

const EQ = fieldOperator('$eq') as WireOperator;

function parseCondition(key: string, raw: unknown, ctx: ParseContext, at: string): Filter {
  const resolved = resolveField(ctx, key, at);
  if (!isOperatorObject(raw)) return parseOperator(resolved, EQ, raw, ctx, at, at);
  const parts: Filter[] = [];
  for (const [name, operand] of Object.entries(raw)) {
    const opAt = joinPath(at, name);
    if (!name.startsWith('$')) {
      throw errors.violation(
        opAt,
        raw,
        `A condition object cannot mix operators and field names ('${name}'); compare a whole object without $ keys.`,
      );
    }
    const operator = fieldOperator(name);
    if (!operator) {
      const message = (LOGICAL_OPERATORS as readonly string[]).includes(name)
        ? `${name} combines whole filters and cannot be used inside the condition on '${key}'; write {"${name}": [{"${key}": …}]}.`
        : name === '$date'
          ? 'A {"$date": …} literal cannot have other keys.'
          : `Unknown operator '${name}'. Supported operators: ${SUPPORTED_OPERATORS_TEXT}.`;
      throw errors.violation(opAt, name, message);
    }
    parts.push(parseOperator(resolved, operator, operand, ctx, opAt, at));
  }
  return allOf(parts);
}

function operatorNames(capabilities: readonly QueryOperator[]): string {
  const names = FIELD_OPERATORS.filter((op) => op.name !== '$matches' && capabilities.includes(op.capability)).map(
    (op) => op.name,
  );
  return names.length ? names.join(', ') : 'none';
}

/** Capability checks (docs/protocol.md §10.2: an operator the field does not declare is a 400). */
function checkAllowed(
  resolved: ResolvedField,
  operator: WireOperator,
  ctx: ParseContext,
  opAt: string,
  fieldAt: string,
): void {
  const { ref, declared, nested } = resolved;
  // Its pairs are no value of the item: no storage can filter on them (capabilities.ts declares
  // no operator), so say where such a question is answered instead.
  if (!nested && declared?.type === 'MULTI_REFERENCE') {
    throw errors.violation(
      fieldAt,
      ref.key,
      `'${ref.key}' is a MULTI_REFERENCE field and cannot be filtered; items/query-referenced with referencedItemIds finds the items that reference given ids.`,
    );
  }
  if (operator.name === '$matches' && !ctx.supportsMatches) {
    throw errors.violation(opAt, operator.name, '$matches is not supported by this database.');
  }
  const allowed = allowedOperators(ctx, resolved);
  if (allowed && !allowed.includes(operator.capability)) {
    const where = nested ? `nested path '${ref.key}'` : `field '${ref.key}'`;
    throw errors.violation(
      opAt,
      operator.name,
      `${operator.name} is not supported on ${where}. Supported operators there: ${operatorNames(allowed)}.`,
    );
  }
}

const COMPARE_OPS: Readonly<Record<string, CompareOp>> = {
  $eq: 'eq',
  $ne: 'ne',
  $gt: 'gt',
  $gte: 'gte',
  $lt: 'lt',
  $lte: 'lte',
};

const STRING_OPS: Readonly<Record<string, StringOp>> = {
  $contains: 'contains',
  $startsWith: 'startsWith',
  $endsWith: 'endsWith',
};

/** String operators need text: refuse them on fields that hold numbers, booleans or dates. */
function checkTextual(resolved: ResolvedField, name: string, at: string): void {
  const shape = valueShape(resolved);
  if (shape.element !== 'string' && shape.element !== 'any') {
    throw errors.violation(at, resolved.ref.key, `${name} works on text; ${shape.label} does not hold text.`);
  }
}

/**
 * Decision ($isEmpty/$isNotEmpty wire form is unconfirmed, §1.2): the operand
 * is `true` (or null); `false` negates. `$isEmpty` ≡ `$exists: false`.
 */
export function emptinessToExists(name: '$isEmpty' | '$isNotEmpty', operand: boolean): boolean {
  return name === '$isNotEmpty' ? operand : !operand;
}

function parseOperator(
  resolved: ResolvedField,
  operator: WireOperator,
  raw: unknown,
  ctx: ParseContext,
  opAt: string,
  fieldAt: string,
): Filter {
  checkAllowed(resolved, operator, ctx, opAt, fieldAt);
  const field = resolved.ref;
  const shape = valueShape(resolved);
  const name = operator.name;
  switch (operator.operand) {
    case 'literal':
      return freeze({
        kind: 'compare',
        field,
        op: COMPARE_OPS[name] as CompareOp,
        value: literalOperand(raw, shape, name, opAt, true),
      });
    case 'range':
      return freeze({
        kind: 'compare',
        field,
        op: COMPARE_OPS[name] as CompareOp,
        value: rangeOperand(raw, shape, name, opAt),
      });
    case 'list': {
      const values = Object.freeze(listOperand(raw, shape, name, opAt));
      if (name === '$hasAll') return freeze({ kind: 'hasAll', field, values });
      const some = freeze({ kind: 'in', field, values });
      // `$nin` = not `$in`: matches missing values too, like `$ne` (§1.2; unconfirmed wire use).
      return name === '$nin' ? freeze({ kind: 'not', filter: some }) : some;
    }
    case 'string':
      checkTextual(resolved, name, fieldAt);
      if (typeof raw !== 'string') throw errors.violation(opAt, raw, `${name} needs a string.`);
      return freeze({ kind: 'string', field, op: STRING_OPS[name] as StringOp, value: raw });
    case 'boolean':
      if (typeof raw !== 'boolean') throw errors.violation(opAt, raw, `${name} needs true or false.`);
      return freeze({ kind: 'exists', field, exists: raw });
    case 'emptiness': {
      if (raw !== null && typeof raw !== 'boolean') throw errors.violation(opAt, raw, `${name} needs true or false.`);
      const exists = emptinessToExists(name as '$isEmpty' | '$isNotEmpty', raw ?? true);
      return freeze({ kind: 'exists', field, exists });
    }
    case 'matches': {
      checkTextual(resolved, name, fieldAt);
      const spec = parseMatchesOperand(raw, opAt);
      return freeze({ kind: 'matches', field, ignoreCase: spec.ignoreCase, parts: spec.parts });
    }
    case 'words':
      checkTextual(resolved, name, fieldAt);
      return freeze({ kind: 'urlized', field, words: parseUrlizedOperand(raw, opAt) });
  }
}
