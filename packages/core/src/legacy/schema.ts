/**
 * The v3 collection model ⇄ the legacy schema object (legacy/README.md
 * "Schemas"): seven lower-case field types, a `fields` map, `allowedOperations`
 * and per-field `queryOperators`, all derived from the same capabilities the
 * v3 routes report (capabilities.ts), so the two protocols never disagree.
 */
import { errors } from '../errors.ts';
import type { Collection, DataOperation, Field, FieldType, QueryOperator } from '../model.ts';
import { FIELD_TYPES, ID_FIELD, SYSTEM_FIELDS } from '../model.ts';

export const LEGACY_FIELD_TYPES = ['text', 'number', 'boolean', 'url', 'datetime', 'image', 'object'] as const;
export type LegacyFieldType = (typeof LEGACY_FIELD_TYPES)[number];

/** Wix may cache a legacy schema this long (seconds); the value every sample used. */
export const SCHEMA_TTL_SECONDS = 3600;
/** Largest `limit` advertised; larger ones (up to the v3 maximum) are still served. */
export const MAX_PAGE_SIZE = 50;

/**
 * How each v3 type appears to a legacy client. DATE and TIME values are stored as
 * "YYYY-MM-DD" / "HH:MM[:SS]" strings, so they travel as `text` (a legacy
 * `datetime` is a `{"$date"}` instant); references travel as their id string.
 */
export function legacyTypeOf(type: FieldType): LegacyFieldType {
  switch (type) {
    case 'NUMBER':
      return 'number';
    case 'BOOLEAN':
      return 'boolean';
    case 'URL':
      return 'url';
    case 'DATETIME':
      return 'datetime';
    case 'IMAGE':
      return 'image';
    case 'TEXT':
    case 'RICH_TEXT':
    case 'DATE':
    case 'TIME':
    case 'LANGUAGE':
    case 'REFERENCE':
    case 'VIDEO':
    case 'AUDIO':
    case 'DOCUMENT':
      return 'text';
    default:
      return 'object';
  }
}

const OPERATOR_NAMES: Readonly<Record<QueryOperator, readonly string[]>> = {
  EQ: ['eq'],
  NE: ['ne'],
  LT: ['lt'],
  LTE: ['lte'],
  GT: ['gt'],
  GTE: ['gte'],
  HAS_SOME: ['hasSome'],
  HAS_ALL: ['hasAll'],
  CONTAINS: ['contains'],
  STARTS_WITH: ['startsWith'],
  ENDS_WITH: ['endsWith'],
  URLIZED: ['urlized'],
  EXISTS: ['isEmpty', 'isNotEmpty'],
};

/**
 * Legacy `allowedOperations` for the v3 `dataOperations` of a collection. `hasId`: whether it
 * has an `_id` column; `get` fetches by `_id`, so a table without one (read-only) is not
 * offered `get`, which could only fail (legacy/README.md decisions).
 */
export function allowedOperations(dataOperations: readonly DataOperation[], hasId = true): string[] {
  const ops: string[] = [];
  const has = (op: DataOperation) => dataOperations.includes(op);
  if (has('QUERY')) ops.push(...(hasId ? ['get', 'find'] : ['find']));
  if (has('COUNT')) ops.push('count');
  if (has('INSERT')) ops.push('insert', 'bulkInsert');
  if (has('UPDATE')) ops.push('update', 'bulkUpdate');
  if (has('REMOVE')) ops.push('remove', 'bulkRemove');
  if (has('AGGREGATE')) ops.push('aggregate');
  if (has('TRUNCATE')) ops.push('truncate');
  return ops;
}

export interface LegacyFieldSpec {
  displayName: string;
  type: LegacyFieldType;
  queryOperators: string[];
  isDeleted: false;
}

export interface LegacySchema {
  id: string;
  displayName: string;
  allowedOperations: string[];
  maxPageSize: number;
  ttl: number;
  fields: Record<string, LegacyFieldSpec>;
}

/**
 * Whether a v3 field exists for the legacy protocol. A MULTI_REFERENCE field is no column of
 * the item (its pairs live apart: wire/codec.ts drops its values, reads leave it out) and the
 * protocol has no reference endpoints, so a legacy caller could neither read, write nor filter
 * it: it is left out of legacy schemas and refused in legacy writes (legacy/README.md decisions).
 */
export function isLegacyField(field: Pick<Field, 'type'>): boolean {
  return field.type !== 'MULTI_REFERENCE';
}

/** A described v3 collection (capabilities filled in) as a legacy schema. */
export function toLegacySchema(collection: Collection, supportsMatches: boolean): LegacySchema {
  const fields: Record<string, LegacyFieldSpec> = {};
  for (const field of collection.fields.filter(isLegacyField)) {
    const declared = field.capabilities?.queryOperators ?? [];
    const names = declared.flatMap((op) => OPERATOR_NAMES[op]);
    if (supportsMatches && declared.includes('CONTAINS')) names.push('matches');
    fields[field.key] = {
      displayName: field.displayName ?? field.key,
      type: legacyTypeOf(field.type),
      queryOperators: names,
      isDeleted: false,
    };
  }
  return {
    id: collection.id,
    displayName: collection.displayName ?? collection.id,
    allowedOperations: allowedOperations(collection.capabilities?.dataOperations ?? [], hasIdField(collection)),
    maxPageSize: MAX_PAGE_SIZE,
    ttl: SCHEMA_TTL_SECONDS,
    fields,
  };
}

/** Whether `/data/get` can find the collection's items: they have an `_id` column. */
export function hasIdField(collection: Pick<Collection, 'fields'>): boolean {
  return collection.fields.some((f) => f.key === ID_FIELD);
}

export function toLegacyHeader(collection: Collection) {
  return {
    id: collection.id,
    displayName: collection.displayName ?? collection.id,
    maxPageSize: MAX_PAGE_SIZE,
    ttl: SCHEMA_TTL_SECONDS,
  };
}

const DEFAULT_TYPE: Readonly<Record<LegacyFieldType, FieldType>> = {
  text: 'TEXT',
  number: 'NUMBER',
  boolean: 'BOOLEAN',
  url: 'URL',
  datetime: 'DATETIME',
  image: 'IMAGE',
  object: 'OBJECT',
};

/** Subtypes the legacy reference used for dates, plus any v3 type name of the same legacy type. */
const SUBTYPES: Readonly<Record<string, FieldType>> = { date: 'DATE', time: 'TIME', datetime: 'DATETIME' };

/**
 * `/schemas/column/add`'s `column` → a v3 field. `type` is a legacy type;
 * `subtype` may narrow it: `date`/`time` (the reference's spelling) or a v3
 * type name whose legacy type is `type` (e.g. `object` + `ARRAY_STRING`).
 * Other reference subtypes (`int`, `string`, sizes, precision) describe SQL
 * column sizes this adaptor chooses itself, and are ignored.
 */
export function columnToField(column: unknown, path = 'column'): Field {
  if (typeof column !== 'object' || column === null || Array.isArray(column)) {
    throw errors.violation(path, column, 'must be an object like {"name": "servings", "type": "number"}');
  }
  const { name, type, subtype } = column as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw errors.violation(`${path}.name`, name, 'must be a field name');
  if (typeof type !== 'string' || !(LEGACY_FIELD_TYPES as readonly string[]).includes(type)) {
    throw errors.violation(`${path}.type`, type, `must be one of ${LEGACY_FIELD_TYPES.join(', ')}`);
  }
  const legacy = type as LegacyFieldType;
  let fieldType = DEFAULT_TYPE[legacy];
  if (typeof subtype === 'string' && subtype !== '') {
    const narrowed =
      SUBTYPES[subtype.toLowerCase()] ??
      ((FIELD_TYPES as readonly string[]).includes(subtype) ? (subtype as FieldType) : undefined);
    if (narrowed !== undefined) {
      if (!isLegacyField({ type: narrowed })) {
        throw errors.violation(
          `${path}.subtype`,
          subtype,
          `the legacy protocol has no ${narrowed} fields (no legacy call reads or writes them); add the column as "object" without this subtype`,
        );
      }
      if (legacyTypeOf(narrowed) !== legacy && !(legacy === 'datetime' && SUBTYPES[subtype.toLowerCase()])) {
        throw errors.violation(
          `${path}.subtype`,
          subtype,
          `a ${narrowed} field is of legacy type ${legacyTypeOf(narrowed)}`,
        );
      }
      fieldType = narrowed;
    }
  }
  return { key: name, type: fieldType };
}

export function isSystemField(key: string): boolean {
  return SYSTEM_FIELDS.some((f) => f.key === key);
}
