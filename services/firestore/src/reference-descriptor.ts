/**
 * The metadata of Wix's reference adaptor (wix/velo-external-db, libs/external-db-firestore):
 * one document `_descriptor/<collectionId>` = `{ id, fields: [{ name, type, subtype, precision?,
 * isPrimary }] }` per collection, written by its `SchemaProvider.create`/`addColumn`. A site that
 * moves from it keeps that collection and these documents; the adaptor never lists `_descriptor`
 * as a collection, and reads `_descriptor/<id>` to list and describe a collection that has no
 * metadata document of its own (schema.ts `infer`): its declared fields, and the collection itself
 * when it has no documents yet (README.md "Collections written by the reference adaptor").
 */
import type { FieldType } from '@adaptors/core';

/** The reference adaptor's metadata collection (a fixed name there). */
export const REFERENCE_DESCRIPTOR_COLLECTION = '_descriptor';

/**
 * The Wix type of a reference field `(type, subtype)`, the inverse of the reference's
 * `wixDataEnumToFieldType` and `fieldTypeToSubtype` (libs/velo-external-db-core/src/utils/schema_utils.ts):
 * URL and RICH_TEXT were both stored as text/string, so they come back as TEXT; number/float, int
 * and double are all NUMBER; an `object` kind the project has no type for (pageLink, and reference,
 * whose values the reference kept as objects rather than ids) is OBJECT. Undefined for a type the
 * reference never wrote: the field is then typed by the documents alone.
 */
export function wixTypeOfReference(type: unknown, subtype: unknown): FieldType | undefined {
  switch (type) {
    case 'text':
      switch (subtype) {
        case 'image':
          return 'IMAGE';
        case 'video':
          return 'VIDEO';
        case 'document':
          return 'DOCUMENT';
        case 'audio':
          return 'AUDIO';
        case 'language':
          return 'LANGUAGE';
        default:
          return 'TEXT';
      }
    case 'number':
      return 'NUMBER';
    case 'boolean':
      return 'BOOLEAN';
    case 'datetime':
      return subtype === 'date' ? 'DATE' : subtype === 'time' ? 'TIME' : 'DATETIME';
    case 'object':
      switch (subtype) {
        case 'any':
          return 'ANY';
        case 'array':
          return 'ARRAY';
        case 'arrayString':
          return 'ARRAY_STRING';
        case 'arrayDocument':
          return 'ARRAY_DOCUMENT';
        case 'address':
          return 'ADDRESS';
        case 'mediaGallery':
          return 'MEDIA_GALLERY';
        case 'richContent':
          return 'RICH_CONTENT';
        default:
          return 'OBJECT';
      }
    default:
      return undefined;
  }
}

/**
 * The fields a `_descriptor` document declares, by key, in its order (keys whose type the
 * reference never wrote are left out); undefined when `data` is not such a document.
 */
export function declaredFields(data: unknown): ReadonlyMap<string, FieldType> | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const fields = (data as { fields?: unknown }).fields;
  if (!Array.isArray(fields)) return undefined;
  const out = new Map<string, FieldType>();
  for (const field of fields) {
    if (typeof field !== 'object' || field === null) continue;
    const { name, type, subtype } = field as { name?: unknown; type?: unknown; subtype?: unknown };
    if (typeof name !== 'string' || name === '' || out.has(name)) continue;
    const wix = wixTypeOfReference(type, subtype);
    if (wix) out.set(name, wix);
  }
  return out;
}
