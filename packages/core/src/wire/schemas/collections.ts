/**
 * The collection object as it arrives in create/update requests (docs/protocol.md §5.2,
 * §5.3, §9.1) and the four collection requests. wire/collection-input.ts turns
 * a validated `CollectionInput` into the model's `Collection`.
 */
import { type Static, Type } from '@sinclair/typebox';
import { FIELD_TYPES, ROLES } from '../../model.ts';
import { LIMITS } from '../limits.ts';
import { CollectionId, Nullable } from './common.ts';

export const FieldTypeSchema = Type.Union(FIELD_TYPES.map((type) => Type.Literal(type)));
const RoleSchema = Type.Union(ROLES.map((role) => Type.Literal(role)));

/**
 * Field keys: docs/semantics.md §10 recommends `[a-zA-Z_][a-zA-Z0-9_-]{0,63}`,
 * but existing tables and Wix itself use other keys, so we are liberal and only
 * refuse what can never work: empty keys, keys starting with `$` (operators,
 * `$date`; Wix Data refuses them too, WDE0134, §7.3) and keys with a dot (a dot
 * addresses a path inside an OBJECT field in filters and sorts, §10.1, so such
 * a field could never be queried), plus `__proto__`, which no JS object can hold
 * as a plain key.
 */
export const FieldKey = Type.String({
  minLength: 1,
  maxLength: LIMITS.fieldKeyLength,
  pattern: '^(?!__proto__$)[^$.][^.]*$',
  errorMessage:
    'a field key must be non-empty, must not start with "$", must not contain "." and must not be "__proto__"',
});

const SingleReferenceOptions = Type.Object({ referencedCollectionId: CollectionId });
const MultiReferenceOptions = Type.Object({
  referencedCollectionId: CollectionId,
  referencedCollectionFieldKey: Nullable(Type.String()),
  referencedCollectionFieldDisplayName: Nullable(Type.String()),
});
/** `elementType` may be absent (liberal); normalisation then drops the options. */
const ArrayOptions = Type.Object({ elementType: Type.Optional(FieldTypeSchema) });

/**
 * `Field` (§9.1), recursive through `objectOptions.fields`. Type options are
 * accepted flat (contract) or wrapped in `typeOptions` (Wix's reference adaptor, §14).
 * `capabilities` is read-only and ignored (left `unknown`).
 */
export const FieldInput = Type.Recursive(
  (This) =>
    Type.Object({
      key: FieldKey,
      type: FieldTypeSchema,
      displayName: Nullable(Type.String()),
      description: Nullable(Type.String()),
      encrypted: Nullable(Type.Boolean()),
      capabilities: Type.Optional(Type.Unknown()),
      singleReferenceOptions: Nullable(SingleReferenceOptions),
      multiReferenceOptions: Nullable(MultiReferenceOptions),
      arrayOptions: Nullable(ArrayOptions),
      objectOptions: Nullable(Type.Object({ fields: Type.Array(This) })),
      typeOptions: Nullable(
        Type.Object({
          singleReferenceOptions: Nullable(SingleReferenceOptions),
          multiReferenceOptions: Nullable(MultiReferenceOptions),
          arrayOptions: Nullable(ArrayOptions),
          objectOptions: Nullable(Type.Object({ fields: Type.Array(This) })),
        }),
      ),
    }),
  { $id: 'FieldInput' },
);
export type FieldInput = Static<typeof FieldInput>;

const Permissions = Type.Object({
  read: Nullable(RoleSchema),
  insert: Nullable(RoleSchema),
  update: Nullable(RoleSchema),
  remove: Nullable(RoleSchema),
});

const collectionProperties = {
  id: CollectionId,
  displayName: Nullable(Type.String()),
  // Read-only, set by the adaptor; ignored in requests (§5.2, §9.1).
  capabilities: Type.Optional(Type.Unknown()),
  pagingMode: Type.Optional(Type.Unknown()),
  permissions: Nullable(Permissions),
};

/**
 * Max 1000 fields per collection (§9.1), the system fields included: the schema bounds the list
 * sent, wire/collection-input.ts counts the system fields the adaptor adds to it.
 */
export const MAX_FIELDS_PER_COLLECTION = 1000;
const Fields = Type.Array(FieldInput, { maxItems: MAX_FIELDS_PER_COLLECTION });

/**
 * Create: `fields` may be absent (→ only the system fields, which the adaptor
 * always adds, §5.2). Update: `fields` is the complete desired list (§5.3), so
 * a missing list is refused rather than read as "remove every field".
 */
export const CollectionInput = Type.Object({ ...collectionProperties, fields: Type.Optional(Fields) });
export type CollectionInput = Static<typeof CollectionInput>;

export const CollectionUpdateInput = Type.Object({ ...collectionProperties, fields: Fields });

/** §5.1 */
export const ListCollectionsRequest = Type.Object({
  collectionIds: Nullable(Type.Array(Type.String())),
});
export type ListCollectionsRequest = Static<typeof ListCollectionsRequest>;

/** §5.2 */
export const CreateCollectionRequest = Type.Object({ collection: CollectionInput });
export type CreateCollectionRequest = Static<typeof CreateCollectionRequest>;

/** §5.3 */
export const UpdateCollectionRequest = Type.Object({ collection: CollectionUpdateInput });
export type UpdateCollectionRequest = Static<typeof UpdateCollectionRequest>;

/** §5.4 */
export const DeleteCollectionRequest = Type.Object({ collectionId: CollectionId });
export type DeleteCollectionRequest = Static<typeof DeleteCollectionRequest>;
