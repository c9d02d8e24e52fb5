/**
 * The StoredCollection a Spanner or BigQuery table is shown to the core as.
 * Both keep the collection's display name and permissions as their own
 * metadata; once read, they become the same frozen description here.
 */
import type { Collection, Field, ReadWriteVerdict, StoredCollection } from '@adaptors/core';

/**
 * A table's collection, frozen (the core shares it between requests). Absent
 * metadata is left out rather than set to undefined; a table that fails
 * Wix's read-write rule (core `readWriteRule`) is `readOnly`, with its reason.
 */
export function storedCollection(
  id: string,
  fields: readonly Field[],
  meta: Pick<Collection, 'displayName' | 'permissions'> | undefined,
  access: ReadWriteVerdict,
): StoredCollection {
  return Object.freeze({
    id,
    ...(meta?.displayName != null ? { displayName: meta.displayName } : {}),
    fields: Object.freeze(fields.map((f) => Object.freeze({ ...f }))),
    ...(meta?.permissions ? { permissions: meta.permissions } : {}),
    ...(access.writable
      ? {}
      : {
          readOnly: true,
          ...(access.reason ? { readOnlyReason: access.reason } : {}),
          ...(access.fixableByUpdate ? { writableAfterUpdate: true } : {}),
        }),
  });
}
