/**
 * What the parsers need to know about the collection, and the one place that
 * turns a wire field key into a FieldRef (docs/semantics.md §1.5).
 */
import { errors } from '../errors.ts';
import type { Collection, Field, FieldType, QueryOperator } from '../model.ts';
import type { FieldRef } from './ast.ts';

export interface ParseContext {
  /** Fields carry `capabilities` (filled by the core). */
  readonly collection: Collection;
  /** Unknown top-level fields are rejected when true; typed `undefined` (ANY-like) when false. */
  readonly strict: boolean;
  /** Operators allowed on dotted paths into OBJECT/ADDRESS/ANY/RICH_CONTENT fields. */
  readonly nestedQueryOperators: readonly QueryOperator[];
  /** `$matches` is allowed on fields whose capabilities include CONTAINS. */
  readonly supportsMatches: boolean;
  /** The collection's row key when it is not `_id` (StoredCollection.rowKey): the sort's tie-breaker. */
  readonly rowKey?: readonly string[];
}

/**
 * Field types whose values are JSON objects a dotted path may walk into
 * (docs/semantics.md §1.5: OBJECT, ADDRESS, "etc."). Decision: ANY and
 * RICH_CONTENT too (both hold objects); arrays are not walked (see valueAt).
 */
export const NESTABLE_TYPES: ReadonlySet<FieldType> = new Set(['OBJECT', 'ADDRESS', 'ANY', 'RICH_CONTENT']);

export interface ResolvedField {
  readonly ref: FieldRef;
  /** The declared top-level field, if any. */
  readonly declared: Field | undefined;
  /** True for a dotted path below a top-level field. */
  readonly nested: boolean;
}

/** Joins a wire location and a key: ("query.filter", "title") → "query.filter.title"; ("", "x") → "x". */
export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** A FieldRef naming a top-level key as a whole, even when the key contains dots (aggregate row keys). */
export function topLevelRef(key: string, type: FieldType | undefined): FieldRef {
  return Object.freeze({ key, field: key, path: Object.freeze([]), type });
}

function nestedRef(key: string, field: string, path: readonly string[], type: FieldType | undefined): FieldRef {
  return Object.freeze({ key, field, path: Object.freeze([...path]), type });
}

const fieldIndexes = new WeakMap<Collection, ReadonlyMap<string, Field>>();

export function fieldsByKey(collection: Collection): ReadonlyMap<string, Field> {
  let index = fieldIndexes.get(collection);
  if (!index) {
    index = new Map(collection.fields.map((f) => [f.key, f]));
    fieldIndexes.set(collection, index);
  }
  return index;
}

/**
 * Resolves a wire key ("title", "address.city") against the collection.
 * Refuses keys starting with `$`, empty segments, unknown fields when strict,
 * and paths into fields that do not hold objects.
 */
export function resolveField(ctx: ParseContext, key: unknown, fieldPath: string): ResolvedField {
  if (typeof key !== 'string' || key === '') {
    throw errors.violation(fieldPath, key, 'A field name must be a non-empty string.');
  }
  if (key.startsWith('$')) {
    throw errors.violation(fieldPath, key, `'${key}' is not a field name: field keys cannot start with '$'.`);
  }
  const fields = fieldsByKey(ctx.collection);
  // An exact declared key wins, so row keys like "care.sun" (aggregations) resolve as a whole.
  const exact = fields.get(key);
  if (exact) return { ref: topLevelRef(key, exact.type), declared: exact, nested: false };

  const segments = key.split('.');
  if (segments.some((s) => s === '')) {
    throw errors.violation(fieldPath, key, `'${key}' is not a valid field path (empty segment).`);
  }
  const [top = key, ...path] = segments;
  const declared = fields.get(top);
  if (!declared) {
    if (ctx.strict) throw unknownField(ctx, top, key, fieldPath);
    return {
      ref: path.length ? nestedRef(key, top, path, undefined) : topLevelRef(key, undefined),
      declared,
      nested: path.length > 0,
    };
  }
  // path is non-empty here: the exact lookup above handled plain keys.
  if (!NESTABLE_TYPES.has(declared.type)) {
    throw errors.violation(
      fieldPath,
      key,
      `'${top}' is a ${declared.type} field; only OBJECT, ADDRESS, RICH_CONTENT and ANY fields have nested paths like '${key}'.`,
    );
  }
  return { ref: nestedRef(key, top, path, declared.type), declared, nested: true };
}

function unknownField(ctx: ParseContext, top: string, key: string, fieldPath: string) {
  const known = ctx.collection.fields.map((f) => f.key);
  const list = known.length > 20 ? `${known.slice(0, 20).join(', ')}, …` : known.join(', ');
  return errors.violation(
    fieldPath,
    key,
    `Collection '${ctx.collection.id}' has no field '${top}'. Known fields: ${list || '(none)'}.`,
  );
}

/**
 * The operators a resolved field accepts; undefined = unrestricted. Decision:
 * an undeclared field (non-strict collection) and a declared field without
 * `capabilities` are unrestricted (ANY-like); nested paths use the storage's
 * `nestedQueryOperators` (Wix has no per-path capability).
 */
export function allowedOperators(ctx: ParseContext, resolved: ResolvedField): readonly QueryOperator[] | undefined {
  if (resolved.nested) return ctx.nestedQueryOperators;
  return resolved.declared?.capabilities?.queryOperators;
}

/** Sortability of a resolved field: declared fields per capabilities; see SEMANTICS.md for the rest. */
export function isSortable(ctx: ParseContext, resolved: ResolvedField): boolean {
  if (resolved.nested) return nestedPathsSortable(ctx);
  return resolved.declared?.capabilities?.sortable ?? true;
}

/**
 * Decision: a dotted path is sortable when the storage can compare values on
 * nested paths with both $gt and $lt — exactly what a keyset cursor on that
 * key compiles to. Wix has no per-path `sortable` flag.
 */
export function nestedPathsSortable(ctx: ParseContext): boolean {
  return ctx.nestedQueryOperators.includes('GT') && ctx.nestedQueryOperators.includes('LT');
}
