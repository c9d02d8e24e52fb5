/**
 * A v3 wire filter as a legacy protocol-v1 operator tree, for the legacy
 * client's v1 mode. Only what v1 can say is translated; anything else throws
 * `Inexpressible` naming the construct, so a test never silently sends
 * something else.
 */
import { Inexpressible } from './legacy-inexpressible.ts';

/** The field operators of the v1 tree as Wix's samples document them. */
export const V1_FIELD_OPERATORS = [
  '$eq',
  '$ne',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$hasSome',
  '$contains',
  '$startsWith',
  '$endsWith',
  '$urlized',
] as const;

type Node = { kind: 'filter'; operator: string; fieldName?: string; value: unknown };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isOperatorObject(value: unknown): value is Record<string, unknown> {
  return isObject(value) && Object.keys(value).some((k) => k.startsWith('$') && k !== '$date');
}

export function toV1Filter(filter: unknown): Node | Record<string, never> {
  if (filter === undefined || filter === null) return {};
  if (!isObject(filter)) throw new Inexpressible(`filter ${JSON.stringify(filter)} is not an object`);
  const nodes = Object.entries(filter).flatMap(([key, value]) => clause(key, value));
  if (nodes.length === 0) return {};
  return nodes.length === 1 ? (nodes[0] as Node) : { kind: 'filter', operator: '$and', value: nodes };
}

function sub(value: unknown): Node {
  const node = toV1Filter(value);
  // An empty v3 filter inside $and/$or/$not matches everything: v1's empty $and.
  return 'operator' in node ? (node as Node) : { kind: 'filter', operator: '$and', value: [] };
}

function clause(key: string, value: unknown): Node[] {
  if (key === '$and' || key === '$or') {
    if (!Array.isArray(value)) throw new Inexpressible(`${key} without an array`);
    // v1's empty list is "no restriction" for both operators (Wix's samples), v3's empty $or matches none.
    if (key === '$or' && value.length === 0) throw new Inexpressible('an empty $or (no restriction in v1)');
    return [{ kind: 'filter', operator: key, value: value.map(sub) }];
  }
  if (key === '$not') {
    const inner = Array.isArray(value) ? (value.length === 1 ? value[0] : { $and: value }) : value;
    return [{ kind: 'filter', operator: '$not', value: sub(inner) }];
  }
  if (key.startsWith('$')) throw new Inexpressible(`top-level ${key}`);
  if (!isOperatorObject(value)) return [{ kind: 'filter', operator: '$eq', fieldName: key, value }];
  return Object.entries(value).map(([op, operand]) => {
    const v1 = op === '$in' ? '$hasSome' : op;
    if (!(V1_FIELD_OPERATORS as readonly string[]).includes(v1)) {
      throw new Inexpressible(`operator ${op} has no protocol-v1 form`);
    }
    return { kind: 'filter', operator: v1, fieldName: key, value: operand };
  });
}
