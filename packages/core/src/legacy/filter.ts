/**
 * Legacy filters → the v3 wire filter, which the v3 parser then turns into the
 * one query AST (query/parse-filter.ts) with the same capability checks.
 *
 * - Protocol v2 filters are the v3 query language already (`{ field: { $op: v } }`,
 *   `$and`/`$or`/`$not`, `$not` as object or one-element array): passed through.
 * - Protocol v1 filters are an operator tree `{ operator, fieldName?, value }`
 *   (legacy/README.md "Filters"), translated node by node.
 * - No filter: absent, `null`, `""`, `{}`, or a v1 node without `operator`
 *   (`isV1NodeWithoutOperator`), told from a v2 filter by its values, not its keys:
 *   `kind`, `value` and `fieldName` are also ordinary column names.
 */
import { errors } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';
import { FIELD_OPERATORS as WIRE_FIELD_OPERATORS } from '../query/operators.ts';

export type LegacyFilterFormat = 'none' | 'v1' | 'v2';

/** The keys of a v1 node (legacy/README.md "Filters"). */
const V1_NODE_KEYS = new Set(['kind', 'operator', 'fieldName', 'value']);

/** Which format a filter is in: an object with a string `operator` is a v1 node. */
export function filterFormat(filter: unknown): LegacyFilterFormat {
  if (filter === undefined || filter === null || filter === '') return 'none';
  if (isPlainObject(filter)) {
    if (Object.keys(filter).length === 0) return 'none';
    if (typeof filter.operator === 'string') return 'v1';
    if (isV1NodeWithoutOperator(filter)) return 'none';
  }
  return 'v2';
}

/**
 * A v1 node without an operator is "no filter" (Wix's samples; legacy/README.md "Filters"):
 * an object whose every key is a v1 node key with a v1 node's value. `kind` counts only
 * with the samples' value, the string "filter": `{ "kind": { "$eq": "veg" } }` is a v2
 * filter on a field named `kind`, as `{ "value": { "$gt": 1 } }` is one on `value`.
 */
function isV1NodeWithoutOperator(filter: Record<string, unknown>): boolean {
  if (filter.operator !== undefined && filter.operator !== null) return false;
  return Object.entries(filter).every(([key, value]) => isV1NodeEntry(key, value));
}

function isV1NodeEntry(key: string, value: unknown): boolean {
  if (key === 'kind') return value === 'filter';
  return V1_NODE_KEYS.has(key) && !isV2Condition(value);
}

/** `{ "$op": … }`: the value a v2 filter gives a field. */
function isV2Condition(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).some((op) => op.startsWith('$'));
}

/** The v3 wire filter for a legacy filter; `path` names it in error messages. */
export function legacyFilterToWire(filter: unknown, path = 'filter'): Record<string, unknown> {
  switch (filterFormat(filter)) {
    case 'none':
      return {};
    case 'v1':
      return v1Node(filter, path);
    case 'v2':
      if (!isPlainObject(filter)) throw errors.violation(path, filter, 'a filter must be an object');
      return filter;
  }
}

const LOGICAL = new Set(['$and', '$or']);
/**
 * v1 field operators: every v3 field operator, spelled the same (`$in`, `$nin`, `$isEmpty`… besides
 * the samples' list). So each operator /schemas/list advertises (`isEmpty`, `hasAll`…) and each
 * one a "Supported operators there" message names can be sent in v1 too (legacy/README.md).
 */
const FIELD_OPERATORS = new Set(WIRE_FIELD_OPERATORS.map((op) => op.name));

/**
 * What a v1 node without `value` means: `$eq` tests for null/absent (the samples' IS NULL);
 * `$isEmpty`/`$isNotEmpty` test just that, as /schemas/list's `isEmpty`/`isNotEmpty` read.
 */
function valueLeftOut(operator: string): unknown {
  if (operator === '$eq') return null;
  if (operator === '$isEmpty' || operator === '$isNotEmpty') return true;
  return undefined;
}

function v1Node(node: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(node)) throw errors.violation(path, node, 'a v1 filter node must be an object');
  const operator = node.operator;
  if (operator === undefined || operator === null) return {};
  if (typeof operator !== 'string') throw errors.violation(`${path}.operator`, operator, 'must be a string');
  if (LOGICAL.has(operator)) {
    const value = node.value ?? [];
    if (!Array.isArray(value)) {
      throw errors.violation(`${path}.value`, value, `${operator} takes an array of filter nodes`);
    }
    // An empty list is no restriction (Wix's samples), whatever the operator.
    if (value.length === 0) return {};
    return { [operator]: value.map((child, i) => v1Node(child, `${path}.value[${i}]`)) };
  }
  if (operator === '$not') {
    const value = Array.isArray(node.value) && node.value.length === 1 ? node.value[0] : node.value;
    return { $not: v1Node(value, `${path}.value`) };
  }
  if (!FIELD_OPERATORS.has(operator)) {
    throw errors.violation(
      `${path}.operator`,
      operator,
      `unknown operator; use one of $and, $or, $not, ${[...FIELD_OPERATORS].join(', ')}`,
    );
  }
  const fieldName = node.fieldName;
  if (typeof fieldName !== 'string' || fieldName === '') {
    throw errors.violation(`${path}.fieldName`, fieldName, `${operator} needs a fieldName`);
  }
  const value = node.value === undefined ? valueLeftOut(operator) : node.value;
  // The v1 sources disagree on `$contains`: a string is a substring test, an array
  // (the original MySQL sample's form) means "any of these values" (legacy/README.md).
  if (operator === '$contains' && Array.isArray(value)) return { [fieldName]: { $hasSome: value } };
  return { [fieldName]: { [operator]: value } };
}
