/** Shared fixtures for the query tests: a `plants` collection (docs/protocol.md §4) and parse helpers. */
import type { Collection, Field, FieldCapabilities, FieldType, QueryOperator } from '../../src/model.ts';
import { QUERY_OPERATORS } from '../../src/model.ts';
import type { Filter, Item } from '../../src/query/ast.ts';
import { matches } from '../../src/query/evaluate.ts';
import type { ParseContext } from '../../src/query/parse-context.ts';
import { parseFilter } from '../../src/query/parse-filter.ts';

const ORDERED: QueryOperator[] = ['EQ', 'NE', 'GT', 'GTE', 'LT', 'LTE', 'HAS_SOME', 'EXISTS'];
const TEXT_OPS: QueryOperator[] = [...QUERY_OPERATORS];

export function capsFor(type: FieldType): FieldCapabilities {
  switch (type) {
    case 'TEXT':
    case 'REFERENCE':
    case 'ANY':
      return { sortable: true, queryOperators: TEXT_OPS };
    case 'NUMBER':
    case 'DATETIME':
    case 'DATE':
    case 'TIME':
      return { sortable: true, queryOperators: ORDERED };
    case 'BOOLEAN':
      return { sortable: true, queryOperators: ['EQ', 'NE', 'HAS_SOME', 'EXISTS'] };
    case 'ARRAY_STRING':
      return {
        sortable: false,
        queryOperators: ['EQ', 'NE', 'HAS_SOME', 'HAS_ALL', 'CONTAINS', 'STARTS_WITH', 'EXISTS'],
      };
    case 'MULTI_REFERENCE':
      return { sortable: false, queryOperators: ['HAS_SOME'] };
    case 'OBJECT':
      return { sortable: false, queryOperators: ['EQ', 'NE', 'EXISTS'] };
    default:
      return { sortable: false, queryOperators: ['EQ', 'NE', 'EXISTS'] };
  }
}

function field(key: string, type: FieldType, extra: Partial<Field> = {}): Field {
  return { key, type, capabilities: capsFor(type), ...extra };
}

export const plants: Collection = {
  id: 'plants',
  fields: [
    field('_id', 'TEXT'),
    field('_createdDate', 'DATETIME'),
    field('_updatedDate', 'DATETIME'),
    field('_owner', 'TEXT'),
    field('commonName', 'TEXT'),
    field('family', 'TEXT'),
    field('heightCm', 'NUMBER'),
    field('perennial', 'BOOLEAN'),
    field('plantedOn', 'DATE'),
    field('lastWatered', 'DATETIME'),
    field('tags', 'ARRAY_STRING'),
    field('care', 'OBJECT'),
    field('photo', 'IMAGE'),
    field('supplier', 'REFERENCE'),
    field('companions', 'MULTI_REFERENCE'),
    field('extra', 'ANY'),
    // No capabilities: unrestricted (ANY-like) operators.
    { key: 'notes', type: 'TEXT' },
    field('scores', 'ARRAY', {
      arrayOptions: { elementType: 'NUMBER' },
      capabilities: { sortable: true, queryOperators: ORDERED },
    }),
  ],
};

export const ctx: ParseContext = {
  collection: plants,
  strict: true,
  nestedQueryOperators: ['EQ', 'NE', 'GT', 'GTE', 'LT', 'LTE', 'HAS_SOME', 'EXISTS', 'CONTAINS'],
  supportsMatches: true,
};

export const looseCtx: ParseContext = { ...ctx, strict: false };

export function parse(raw: unknown, context: ParseContext = ctx): Filter {
  return parseFilter(raw, context, 'query.filter');
}

/** Ids of the items a wire filter selects, in input order. */
export function select(raw: unknown, items: readonly Item[], context: ParseContext = looseCtx): string[] {
  const filter = parse(raw, context);
  return items.filter((item) => matches(filter, item)).map((item) => String(item._id));
}

export function d(iso: string): Date {
  return new Date(iso);
}

/** Captures the SpiError a function throws, or fails. */
export function thrown(fn: () => unknown): { code: string; status: number; message: string; fieldPath: string } {
  try {
    fn();
  } catch (e) {
    const err = e as {
      code?: string;
      status?: number;
      message: string;
      data?: { violations?: { fieldPath: string }[] };
    };
    if (err.code === undefined) throw e;
    return {
      code: err.code,
      status: err.status ?? 0,
      message: err.message,
      fieldPath: err.data?.violations?.[0]?.fieldPath ?? '',
    };
  }
  throw new Error('expected an SpiError, nothing was thrown');
}
