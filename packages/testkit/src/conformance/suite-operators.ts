/**
 * The operator matrix: every field of the zoo × every filter operator. For an
 * operator the storage declares on that field, the service's answer must equal
 * the core evaluator's on the same items (the evaluator is the law, and
 * filter-cases.ts pins the evaluator to the spec); for one it does not
 * declare, the call must be refused with a 400 — never answered.
 */
import {
  type Collection,
  countMatching,
  decodeItem,
  describeCollection,
  type Item,
  parseFilter,
  type QueryOperator,
  type StoredCollection,
} from '@adaptors/core';
import { beforeAll, describe, expect, test } from 'vitest';
import { ZOO_FIELDS, ZOO_ITEMS } from './fixture.ts';
import { createZoo } from './suite-queries.ts';
import { type ConformanceTarget, expectRefused, idsOf, supportsFilter } from './target.ts';

const OPERATOR_WIRE: Record<QueryOperator, string> = {
  EQ: '$eq',
  NE: '$ne',
  GT: '$gt',
  GTE: '$gte',
  LT: '$lt',
  LTE: '$lte',
  HAS_SOME: '$hasSome',
  HAS_ALL: '$hasAll',
  CONTAINS: '$contains',
  STARTS_WITH: '$startsWith',
  ENDS_WITH: '$endsWith',
  EXISTS: '$exists',
  URLIZED: '$urlized',
};

/** A probe value for an operator, taken from item `a` so that something matches. */
function operandFor(op: QueryOperator, sample: unknown): unknown {
  const scalar = Array.isArray(sample) ? sample[0] : sample;
  switch (op) {
    case 'EXISTS':
      return true;
    case 'HAS_SOME':
    case 'HAS_ALL':
      return scalar === undefined ? undefined : [scalar];
    case 'CONTAINS':
      return typeof scalar === 'string' ? scalar.slice(1, -1).toUpperCase() : undefined;
    case 'STARTS_WITH':
      return typeof scalar === 'string' ? scalar.slice(0, 3).toUpperCase() : undefined;
    case 'ENDS_WITH':
      return typeof scalar === 'string' ? scalar.slice(-3).toUpperCase() : undefined;
    case 'URLIZED':
      return typeof scalar === 'string'
        ? scalar
            .toLowerCase()
            .split(/[^a-z0-9]+/)
            .filter(Boolean)
        : undefined;
    default:
      return scalar;
  }
}

export function operatorSuite(get: () => ConformanceTarget): void {
  let zoo: string;
  let stored: StoredCollection;
  let items: Item[];
  beforeAll(async () => {
    zoo = await createZoo(get(), 'ops');
    const listed = await get().client.listCollections([zoo]);
    stored = listed.body.collections[0] as Collection;
    items = ZOO_ITEMS.map((wire) => decodeItem(stored, wire, 'item'));
  });

  // Pairs without a meaningful probe value (e.g. CONTAINS on a number) are not generated.
  const cases = ZOO_FIELDS.flatMap((field) =>
    (Object.keys(OPERATOR_WIRE) as QueryOperator[]).flatMap((op) => {
      const operand = operandFor(op, ZOO_ITEMS[0]?.[field.key]);
      return operand === undefined ? [] : [[field.key, op, operand] as const];
    }),
  );

  describe('every field × every operator', () => {
    test.each(cases)('%s %s %j', async (key, op, operand) => {
      const { client, capabilities } = get();
      const filter = { [key]: { [OPERATOR_WIRE[op]]: operand } };
      const result = await client.query(zoo, { filter, sort: [{ fieldName: '_id' }], paging: { limit: 50 } });
      if (!supportsFilter(filter, ZOO_FIELDS, capabilities)) {
        expectRefused(result);
        return;
      }
      const ctx = {
        collection: describeCollection(stored, capabilities),
        strict: true,
        nestedQueryOperators: capabilities.nestedQueryOperators,
        supportsMatches: capabilities.supportsMatches,
      };
      let expected: string[];
      try {
        const parsed = parseFilter(filter, ctx, 'query.filter');
        expected = items
          .filter((item) => countMatching([item], parsed) === 1)
          .map((item) => String(item._id))
          .sort();
      } catch {
        // The evaluator refuses the operand (e.g. a wrong type): the service must refuse too.
        expectRefused(result);
        return;
      }
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      expect(idsOf(result.body.items), JSON.stringify(filter)).toEqual(expected);
    });
  });
}
