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

/**
 * REFERENCE and MULTI_REFERENCE fields that name a collection the adaptor keeps for itself (its
 * metadata and references tables): refused on create and update like such an id is refused as a
 * collection id, so no reference can ever lead to the adaptor's own data. `reserved` is the
 * predicate each engine's collection-id check uses (services/spanner/src/names.ts,
 * services/bigquery/src/names.ts, services/firestore/src/schema.ts `isReserved`).
 */
export function reservedReferenceProblems(
  fields: readonly Field[],
  reserved: (collectionId: string) => boolean,
): { fieldKey: string; message: string }[] {
  const problems: { fieldKey: string; message: string }[] = [];
  for (const field of fields) {
    const target =
      field.multiReferenceOptions?.referencedCollectionId ?? field.singleReferenceOptions?.referencedCollectionId;
    if (target === undefined || !reserved(target)) continue;
    problems.push({
      fieldKey: field.key,
      message: `'${field.key}' references '${target}', a collection this adaptor keeps for itself; reference one of the site's collections instead`,
    });
  }
  return problems;
}
