/**
 * A validated collection from create/update (docs/protocol.md §5.2, §5.3) → the
 * model's `Collection`, in the one form the rest of the core works with:
 * type options flat on the field (§9.1, §14), read-only `capabilities` and
 * `pagingMode` dropped (§9.1), display names, descriptions, `encrypted` and
 * permissions kept so listings round-trip.
 */
import { errors } from '../errors.ts';
import { type Collection, type CollectionPermissions, type Field, SYSTEM_FIELDS } from '../model.ts';
import { type CollectionInput, type FieldInput, MAX_FIELDS_PER_COLLECTION } from './schemas/collections.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function normalizeCollectionInput(raw: CollectionInput): Collection {
  checkFieldCount(raw.fields ?? []);
  const collection: Mutable<Collection> = {
    id: raw.id,
    fields: (raw.fields ?? []).map(normalizeField),
  };
  if (raw.displayName !== undefined) collection.displayName = raw.displayName;
  const permissions = normalizePermissions(raw.permissions);
  if (permissions) collection.permissions = permissions;
  return collection;
}

/**
 * The limit is on the collection as stored and listed (docs/semantics.md §10, docs/protocol.md §9.1):
 * the system fields the adaptor adds to every collection (§5.2) count, whether the request lists
 * them or not, so 997 user fields would be stored and listed as 1001.
 */
function checkFieldCount(fields: readonly FieldInput[]): void {
  const listed = new Set(fields.map((f) => f.key));
  const added = SYSTEM_FIELDS.filter((s) => !listed.has(s.key));
  const total = fields.length + added.length;
  if (total <= MAX_FIELDS_PER_COLLECTION) return;
  throw errors.violation(
    'collection.fields',
    `${total} fields`,
    `a collection has at most ${MAX_FIELDS_PER_COLLECTION} fields, the system fields (${SYSTEM_FIELDS.map((s) => s.key).join(', ')}) included; with ${added.length === 0 ? 'them' : `the ${added.length} the adaptor adds`} this one would have ${total}: remove ${total - MAX_FIELDS_PER_COLLECTION}`,
  );
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
