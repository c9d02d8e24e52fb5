/**
 * Requests of the service-level endpoints: capabilities (docs/protocol.md §6), indexes
 * (§7, paths known only from Wix's reference adaptor) and provision (§8). The first and last
 * take no parameters; any object is accepted.
 */
import { type Static, Type } from '@sinclair/typebox';
import { CollectionId, Nullable, SortOrder } from './common.ts';

/** §6: `{}`. */
export const CapabilitiesRequest = Type.Object({});
export type CapabilitiesRequest = Static<typeof CapabilitiesRequest>;

/** §8: `{}` (optional legacy handshake). */
export const ProvisionRequest = Type.Object({});
export type ProvisionRequest = Static<typeof ProvisionRequest>;

/** §7 `IndexField`: a dotted path of 1–128 chars, ASC by default. */
const IndexField = Type.Object({
  path: Type.String({ minLength: 1, maxLength: 128 }),
  order: Nullable(SortOrder),
});

/** §7 `Index` as sent in create; read-only `id`, `status`, `failure` are ignored. */
export const IndexInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 128 }),
  fields: Type.Array(IndexField, { minItems: 1, maxItems: 32 }),
  unique: Nullable(Type.Boolean()),
  caseInsensitive: Nullable(Type.Boolean()),
});
export type IndexInput = Static<typeof IndexInput>;

/** §7.1 */
export const ListIndexesRequest = Type.Object({ collectionId: CollectionId });
export type ListIndexesRequest = Static<typeof ListIndexesRequest>;

/** §7.2 */
export const CreateIndexRequest = Type.Object({ collectionId: CollectionId, index: IndexInput });
export type CreateIndexRequest = Static<typeof CreateIndexRequest>;

/** §7.3 */
export const RemoveIndexRequest = Type.Object({
  collectionId: CollectionId,
  indexName: Type.String({ minLength: 1, maxLength: 128 }),
});
export type RemoveIndexRequest = Static<typeof RemoveIndexRequest>;
