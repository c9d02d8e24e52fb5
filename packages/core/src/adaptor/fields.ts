/** Resolving a single field name of a request (distinct values, references) against the schema. */
import { errors } from '../errors.ts';
import type { Field } from '../model.ts';
import type { FieldRef } from '../query/ast.ts';
import { type ParseContext, resolveField } from '../query/parse-context.ts';

/**
 * The field of items/query-distinct-values. A MULTI_REFERENCE field holds no values on the item
 * (docs/semantics.md, rule 24), so its distinct values are refused like its filters,
 * sorts and groups are, instead of answering an empty list.
 */
export function distinctFieldName(name: string, ctx: ParseContext, path: string): FieldRef {
  const resolved = resolveField(ctx, name, path);
  if (resolved.declared?.type === 'MULTI_REFERENCE' && !resolved.nested) {
    throw errors.violation(
      path,
      name,
      `'${resolved.ref.key}' is a MULTI_REFERENCE field and has no distinct values; items/query-referenced lists the items it references.`,
    );
  }
  return resolved.ref;
}

export function multiReferenceField(fields: readonly Field[], key: string, collectionId: string, path: string): Field {
  const field = fields.find((f) => f.key === key);
  if (!field) throw errors.violation(path, key, `unknown field '${key}' in collection '${collectionId}'`);
  if (field.type !== 'MULTI_REFERENCE') {
    throw errors.violation(path, key, `field '${key}' is ${field.type}, not MULTI_REFERENCE`);
  }
  return field;
}
