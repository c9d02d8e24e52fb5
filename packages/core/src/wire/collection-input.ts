/**
 * A validated collection from create/update (docs/protocol.md §5.2, §5.3) → the
 * model's `Collection`, in the one form the rest of the core works with:
 * type options flat on the field (§9.1, §14), read-only `capabilities` and
 * `pagingMode` dropped (§9.1), display names, descriptions, `encrypted` and
 * permissions kept so listings round-trip.
 */
import type { Collection, CollectionPermissions, Field } from '../model.ts';
import type { CollectionInput, FieldInput } from './schemas/collections.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function normalizeCollectionInput(raw: CollectionInput): Collection {
  const collection: Mutable<Collection> = {
    id: raw.id,
    fields: (raw.fields ?? []).map(normalizeField),
  };
  if (raw.displayName !== undefined) collection.displayName = raw.displayName;
  const permissions = normalizePermissions(raw.permissions);
  if (permissions) collection.permissions = permissions;
  return collection;
}

function normalizePermissions(raw: CollectionInput['permissions']): CollectionPermissions | undefined {
  if (!raw) return undefined;
  const permissions: Mutable<CollectionPermissions> = {};
  if (raw.read) permissions.read = raw.read;
  if (raw.insert) permissions.insert = raw.insert;
  if (raw.update) permissions.update = raw.update;
  if (raw.remove) permissions.remove = raw.remove;
  return permissions;
}

/**
 * Flat options win over `typeOptions` when both are sent. Only the option that
 * belongs to the field's type is kept: the options are a one-of on the wire
 * (§9.1) and a stray one would be echoed back in every listing.
 */
function normalizeField(raw: FieldInput): Field {
  const wrapped = raw.typeOptions ?? {};
  const field: Mutable<Field> = { key: raw.key, type: raw.type };
  if (raw.displayName !== undefined) field.displayName = raw.displayName;
  if (raw.description !== undefined) field.description = raw.description;
  if (raw.encrypted != null) field.encrypted = raw.encrypted;

  switch (raw.type) {
    case 'REFERENCE': {
      const options = raw.singleReferenceOptions ?? wrapped.singleReferenceOptions;
      if (options) field.singleReferenceOptions = { referencedCollectionId: options.referencedCollectionId };
      break;
    }
    case 'MULTI_REFERENCE': {
      const options = raw.multiReferenceOptions ?? wrapped.multiReferenceOptions;
      if (options) {
        field.multiReferenceOptions = {
          referencedCollectionId: options.referencedCollectionId,
          ...(options.referencedCollectionFieldKey != null && {
            referencedCollectionFieldKey: options.referencedCollectionFieldKey,
          }),
          ...(options.referencedCollectionFieldDisplayName != null && {
            referencedCollectionFieldDisplayName: options.referencedCollectionFieldDisplayName,
          }),
        };
      }
      break;
    }
    case 'ARRAY': {
      // Extra nested options are kept verbatim (docs/protocol.md §9.1).
      const options = raw.arrayOptions ?? wrapped.arrayOptions;
      if (options?.elementType) field.arrayOptions = { ...options, elementType: options.elementType };
      break;
    }
    case 'OBJECT': {
      const options = raw.objectOptions ?? wrapped.objectOptions;
      if (options) field.objectOptions = { fields: options.fields.map(normalizeField) };
      break;
    }
    default:
      break;
  }
  return field;
}
