/**
 * The collection model of SPI v3 (docs/protocol.md §9): field types, operator and
 * operation enums, collections and fields exactly as they travel on the wire
 * (wire key `id`, type options flat on the field).
 */

/** Plugin `FieldType` enum (§9.2). Never emit PAGE_LINK, TIMESTAMP, JSON, LONG_TEXT, SINGLE_REFERENCE. */
export const FIELD_TYPES = [
  'TEXT',
  'NUMBER',
  'DATE',
  'DATETIME',
  'IMAGE',
  'BOOLEAN',
  'DOCUMENT',
  'URL',
  'RICH_TEXT',
  'VIDEO',
  'ANY',
  'ARRAY_STRING',
  'ARRAY_DOCUMENT',
  'AUDIO',
  'TIME',
  'LANGUAGE',
  'RICH_CONTENT',
  'MEDIA_GALLERY',
  'ADDRESS',
  'REFERENCE',
  'MULTI_REFERENCE',
  'OBJECT',
  'ARRAY',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Field `capabilities.queryOperators` values (§9.3). */
export const QUERY_OPERATORS = [
  'EQ',
  'LT',
  'GT',
  'NE',
  'LTE',
  'GTE',
  'STARTS_WITH',
  'ENDS_WITH',
  'CONTAINS',
  'HAS_SOME',
  'HAS_ALL',
  'EXISTS',
  'URLIZED',
] as const;
export type QueryOperator = (typeof QUERY_OPERATORS)[number];

/** Collection `capabilities.dataOperations` values (§9.3). */
export const DATA_OPERATIONS = [
  'QUERY',
  'COUNT',
  'QUERY_REFERENCED',
  'AGGREGATE',
  'DISTINCT',
  'INSERT',
  'UPDATE',
  'REMOVE',
  'TRUNCATE',
  'INSERT_REFERENCES',
  'REMOVE_REFERENCES',
] as const;
export type DataOperation = (typeof DATA_OPERATIONS)[number];

export const PAGING_MODES = ['OFFSET', 'CURSOR'] as const;
export type PagingMode = (typeof PAGING_MODES)[number];

export const ROLES = ['ADMIN', 'SITE_MEMBER_AUTHOR', 'SITE_MEMBER', 'ANYONE'] as const;
export type Role = (typeof ROLES)[number];

export interface FieldCapabilities {
  readonly sortable: boolean;
  readonly queryOperators: readonly QueryOperator[];
}

export interface SingleReferenceOptions {
  readonly referencedCollectionId: string;
}

export interface MultiReferenceOptions {
  readonly referencedCollectionId: string;
  readonly referencedCollectionFieldKey?: string;
  readonly referencedCollectionFieldDisplayName?: string;
}

export interface ArrayOptions {
  readonly elementType: FieldType;
  readonly [option: string]: unknown;
}

export interface ObjectOptions {
  readonly fields: readonly Field[];
}

export interface Field {
  readonly key: string;
  readonly type: FieldType;
  readonly displayName?: string | null;
  readonly description?: string | null;
  readonly encrypted?: boolean;
  readonly capabilities?: FieldCapabilities;
  readonly singleReferenceOptions?: SingleReferenceOptions;
  readonly multiReferenceOptions?: MultiReferenceOptions;
  readonly arrayOptions?: ArrayOptions;
  readonly objectOptions?: ObjectOptions;
}

export interface CollectionPermissions {
  readonly read?: Role;
  readonly insert?: Role;
  readonly update?: Role;
  readonly remove?: Role;
}

export interface Collection {
  readonly id: string;
  readonly displayName?: string | null;
  readonly fields: readonly Field[];
  readonly capabilities?: { readonly dataOperations: readonly DataOperation[] };
  readonly pagingMode?: PagingMode;
  readonly permissions?: CollectionPermissions;
}

/** System fields every read-write collection has (docs/semantics.md §7.3). */
export const SYSTEM_FIELDS: readonly Field[] = [
  { key: '_id', type: 'TEXT', displayName: 'ID' },
  { key: '_createdDate', type: 'DATETIME', displayName: 'Created Date' },
  { key: '_updatedDate', type: 'DATETIME', displayName: 'Updated Date' },
  { key: '_owner', type: 'TEXT', displayName: 'Owner' },
];

export const ID_FIELD = '_id';
