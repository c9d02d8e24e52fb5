/** Resolving a single field name of a request (distinct values, references) against the schema. */
import { errors } from '../errors.ts';
import type { Field } from '../model.ts';
import type { FieldRef } from '../query/ast.ts';
import { type ParseContext, resolveField } from '../query/parse-context.ts';

export function resolveFieldName(name: string, ctx: ParseContext, path: string): FieldRef {
  return resolveField(ctx, name, path).ref;
}

export function multiReferenceField(fields: readonly Field[], key: string, collectionId: string, path: string): Field {
  const field = fields.find((f) => f.key === key);
  if (!field) throw errors.violation(path, key, `unknown field '${key}' in collection '${collectionId}'`);
  if (field.type !== 'MULTI_REFERENCE') {
    throw errors.violation(path, key, `field '${key}' is ${field.type}, not MULTI_REFERENCE`);
  }
  return field;
}
