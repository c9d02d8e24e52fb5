/**
 * Wix metadata kept in BigQuery descriptions, so listings round-trip exactly
 * (docs/protocol.md §9.2 "persist the Wix field type … so that collections/get
 * returns exactly what was created").
 *
 * - Column description: the field's human description (what analysts see in
 *   the BigQuery console), then a last paragraph `wix:{…}` with the Wix type,
 *   display name and type options. BigQuery allows 1,024 characters.
 * - Table description: the collection's display name, then `wix:{…}` with the
 *   display name, permissions, the field order and the MULTI_REFERENCE fields
 *   (they have no column). BigQuery allows 16,384 characters.
 *
 * A description without a valid marker (tables made elsewhere, or edited) is
 * kept as the field's plain description and the type is inferred.
 */
import { type Collection, type CollectionPermissions, FIELD_TYPES, type Field, type FieldType } from '@adaptors/core';

/** BigQuery limits ("Table and column descriptions"). */
export const MAX_COLUMN_DESCRIPTION = 1024;
export const MAX_TABLE_DESCRIPTION = 16_384;

const MARKER = 'wix:';
const SEPARATOR = '\n\n';

/** What a column description holds for Wix: the field without its key and capabilities. */
export type FieldMeta = Omit<Field, 'key' | 'capabilities'>;

export interface TableMeta {
  readonly displayName?: string | null;
  readonly permissions?: CollectionPermissions;
  /** Field keys in the collection's order. */
  readonly order?: readonly string[];
  /** MULTI_REFERENCE fields (no column). */
  readonly references?: readonly Field[];
}

function split(description: string | undefined): { text: string | undefined; json: unknown } {
  if (!description) return { text: undefined, json: undefined };
  const at = description.lastIndexOf(MARKER);
  if (at < 0 || !(at === 0 || description.slice(0, at).endsWith(SEPARATOR)))
    return { text: description, json: undefined };
  try {
    const json: unknown = JSON.parse(description.slice(at + MARKER.length));
    const text = at === 0 ? undefined : description.slice(0, at - SEPARATOR.length);
    return { text, json };
  } catch {
    return { text: description, json: undefined };
  }
}

function join(text: string | null | undefined, meta: object): string {
  const json = JSON.stringify(meta);
  return text ? `${text}${SEPARATOR}${MARKER}${json}` : `${MARKER}${json}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function encodeColumnDescription(field: Field): string {
  const { key: _key, capabilities: _caps, description, ...meta } = field;
  return join(description, meta);
}

/** The Wix field a column description describes, or only its plain text when it has no marker. */
export function decodeColumnDescription(
  key: string,
  description: string | undefined,
): { field?: Field; text: string | undefined } {
  const { text, json } = split(description);
  if (!isObject(json) || !FIELD_TYPES.includes(json.type as FieldType)) return { text: description };
  const field = { ...(json as FieldMeta), key, ...(text ? { description: text } : {}) } as Field;
  return { field, text };
}

export function encodeTableDescription(collection: Collection): string {
  const meta: TableMeta = {
    ...(collection.displayName != null ? { displayName: collection.displayName } : {}),
    ...(collection.permissions ? { permissions: collection.permissions } : {}),
    order: collection.fields.map((f) => f.key),
    references: collection.fields.filter((f) => f.type === 'MULTI_REFERENCE').map(({ capabilities: _caps, ...f }) => f),
  };
  return join(collection.displayName, meta);
}

export function decodeTableDescription(description: string | undefined): TableMeta | undefined {
  const { json } = split(description);
  if (!isObject(json)) return undefined;
  const meta = json as TableMeta;
  return {
    ...(typeof meta.displayName === 'string' ? { displayName: meta.displayName } : {}),
    ...(isObject(meta.permissions) ? { permissions: meta.permissions } : {}),
    ...(Array.isArray(meta.order) ? { order: meta.order.filter((k) => typeof k === 'string') } : {}),
    references: Array.isArray(meta.references)
      ? meta.references.filter((f) => isObject(f) && typeof f.key === 'string' && f.type === 'MULTI_REFERENCE')
      : [],
  };
}
