/**
 * The wire filter operators (docs/protocol.md §10.2, docs/semantics.md §1.2) and
 * the field capability each one needs. One table, read by the parser for both
 * recognition and capability checks, so adding an operator is one line.
 */
import type { QueryOperator } from '../model.ts';

/** How the parser reads an operator's operand. */
export type OperandKind =
  | 'literal' // $eq $ne: any literal of the field's type, null allowed
  | 'range' // $gt $gte $lt $lte: a non-null scalar of the field's type
  | 'list' // $in $hasSome $nin $hasAll: non-empty array of literals
  | 'string' // $contains $startsWith $endsWith
  | 'boolean' // $exists
  | 'emptiness' // $isEmpty $isNotEmpty
  | 'matches' // $matches
  | 'words'; // $urlized

export interface WireOperator {
  readonly name: string;
  readonly operand: OperandKind;
  /**
   * Capability the field must advertise in `capabilities.queryOperators`.
   * `$matches` has no capability of its own: it needs CONTAINS plus the storage's
   * `supportsMatches` flag (docs/protocol.md §10.2; docs/semantics.md §1.7).
   */
  readonly capability: QueryOperator;
}

/** Field-condition operators, in the order the "supported operators" message lists them. */
export const FIELD_OPERATORS: readonly WireOperator[] = [
  { name: '$eq', operand: 'literal', capability: 'EQ' },
  { name: '$ne', operand: 'literal', capability: 'NE' },
  { name: '$gt', operand: 'range', capability: 'GT' },
  { name: '$gte', operand: 'range', capability: 'GTE' },
  { name: '$lt', operand: 'range', capability: 'LT' },
  { name: '$lte', operand: 'range', capability: 'LTE' },
  { name: '$in', operand: 'list', capability: 'HAS_SOME' },
  { name: '$hasSome', operand: 'list', capability: 'HAS_SOME' },
  { name: '$nin', operand: 'list', capability: 'HAS_SOME' },
  { name: '$hasAll', operand: 'list', capability: 'HAS_ALL' },
  { name: '$contains', operand: 'string', capability: 'CONTAINS' },
  { name: '$startsWith', operand: 'string', capability: 'STARTS_WITH' },
  { name: '$endsWith', operand: 'string', capability: 'ENDS_WITH' },
  { name: '$exists', operand: 'boolean', capability: 'EXISTS' },
  { name: '$isEmpty', operand: 'emptiness', capability: 'EXISTS' },
  { name: '$isNotEmpty', operand: 'emptiness', capability: 'EXISTS' },
  { name: '$matches', operand: 'matches', capability: 'CONTAINS' },
  { name: '$urlized', operand: 'words', capability: 'URLIZED' },
];

export const LOGICAL_OPERATORS = ['$and', '$or', '$not'] as const;

const BY_NAME: ReadonlyMap<string, WireOperator> = new Map(FIELD_OPERATORS.map((op) => [op.name, op]));

export function fieldOperator(name: string): WireOperator | undefined {
  return BY_NAME.get(name);
}

/** For "unknown operator" messages: every operator the parser understands. */
export const SUPPORTED_OPERATORS_TEXT = [...FIELD_OPERATORS.map((op) => op.name), ...LOGICAL_OPERATORS].join(', ');
