/**
 * The contract a service implements (DESIGN.md §3). Small on purpose: the core
 * does wire parsing, validation, system fields, codecs, paging metadata,
 * cursors, capability checks and error rendering; a storage only stores.
 *
 * Values crossing this boundary are internal values (query/ast.ts): DATETIME
 * instants are `Date`, everything else plain JSON. Errors a storage reports are
 * `SpiError`s (errors.ts); anything else it throws becomes a logged 500.
 *
 * Deadlines (deadline.ts): every method runs inside its call's deadline scope.
 * A storage gives each database call the time left — `remainingMs()` as the
 * client's timeout, or `currentDeadline()?.signal` where the client takes an
 * AbortSignal — so no call waits on the engine past the budget. The core
 * answers DEADLINE_EXCEEDED when the budget is spent even if a client keeps
 * waiting, and reports a write cut that way as having an unknown outcome; a
 * storage that itself sees its client's timeout fire throws it like any other
 * unavailability (after the deadline the core turns it into DEADLINE_EXCEEDED).
 * `ready()` runs in a scope of its own (the readiness probe's patience).
 */
import type { SpiError } from './errors.ts';
import type {
  Collection,
  DataOperation,
  Field,
  FieldCapabilities,
  FieldType,
  PagingMode,
  QueryOperator,
} from './model.ts';
import type { AggregateSpec, DistinctSpec, Filter, Item, QuerySpec, SortOrder, Value } from './query/ast.ts';

/** What a storage can do, reported through capabilities/get and the collection objects (spi-v3.md §13). */
export interface StorageCapabilities {
  /** Engine name, e.g. "spanner"; reported by /v3/provision as `type`. */
  readonly engine: string;
  readonly supportsCollectionModifications: boolean;
  /** Field types create/update collection accept. */
  readonly supportedFieldTypes: readonly FieldType[];
  readonly indexOptions: IndexOptions;
  /** Paging mode of collections this storage creates. */
  readonly defaultPagingMode: PagingMode;
  /** Operations a read-write collection allows; a read-only one keeps only the read ones. */
  readonly dataOperations: readonly DataOperation[];
  /** Sortability and filter operators of a top-level field, derived from its type. */
  fieldCapabilities(field: Field): FieldCapabilities;
  /** Operators allowed on a dotted path inside an OBJECT-like field (Wix has no per-path capability). */
  readonly nestedQueryOperators: readonly QueryOperator[];
  /** Whether `$matches` (no capability name of its own) is supported on fields that allow CONTAINS. */
  readonly supportsMatches: boolean;
}

export interface IndexOptions {
  readonly supportsIndexes: boolean;
  readonly maxNumberOfRegularIndexesPerCollection: number;
  readonly maxNumberOfUniqueIndexesPerCollection: number;
  readonly maxNumberOfIndexesPerCollection: number;
}

/** A collection as a storage knows it. Field capabilities are filled in by the core. */
export interface StoredCollection extends Collection {
  /** No item-level writes (e.g. an existing table without `_id`, or a view). */
  readonly readOnly?: boolean;
  /**
   * Strict collections reject fields they do not declare (in filters and in
   * written items). Non-strict ones (schemaless stores with inferred fields)
   * accept them as ANY.
   */
  readonly strict?: boolean;
}

export type ItemResult = { readonly item: Item } | { readonly error: SpiError };

export interface ReferencePair {
  readonly referringItemId: string;
  readonly referencedItemId: string;
}

export type ReferenceResult = { readonly reference: ReferencePair } | { readonly error: SpiError };

export interface ReferencedItem extends ReferencePair {
  readonly referencedItem?: Item;
}

/** query-referenced (spi-v3.md §4.9), resolved by the core. */
export interface ReferencedSpec {
  /** The MULTI_REFERENCE field of the referring collection. */
  readonly field: Field;
  readonly referringItemIds: readonly string[];
  readonly referencedItemIds: readonly string[];
  /** By the creation time of the reference, then by referencedItemId. */
  readonly order: SortOrder;
  readonly offset: number;
  readonly limit: number;
  readonly includeReferencedItems: boolean;
  /** Projection of the referenced items; undefined = all fields. */
  readonly projection: readonly string[] | undefined;
}

export interface IndexField {
  readonly path: string;
  readonly order: 'ASC' | 'DESC';
}

export type IndexStatus = 'BUILDING' | 'ACTIVE' | 'DROPPING' | 'DROPPED' | 'FAILED' | 'INVALID';

export interface IndexDefinition {
  readonly name: string;
  readonly fields: readonly IndexField[];
  readonly unique: boolean;
  readonly caseInsensitive: boolean;
}

export interface IndexInfo extends IndexDefinition {
  readonly status: IndexStatus;
  readonly failure?: { errorCode: string; errorMessage: string; data: Record<string, unknown> | null };
}

export interface Storage {
  readonly capabilities: StorageCapabilities;

  // Schema
  listCollections(): Promise<readonly StoredCollection[]>;
  getCollection(id: string): Promise<StoredCollection | undefined>;
  /** The collection is complete (system fields added by the core); throw COLLECTION_ALREADY_EXISTS if it exists. */
  createCollection(collection: Collection): Promise<StoredCollection>;
  /** Full desired field list (spi-v3.md §5.3); throw COLLECTION_CHANGE_NOT_SUPPORTED for impossible changes. */
  updateCollection(collection: Collection): Promise<StoredCollection>;
  deleteCollection(id: string): Promise<void>;

  // Reads
  query(collection: StoredCollection, spec: QuerySpec): Promise<readonly Item[]>;
  count(collection: StoredCollection, filter: Filter): Promise<number>;
  aggregate(
    collection: StoredCollection,
    spec: AggregateSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ readonly rows: readonly Item[]; readonly total?: number }>;
  distinct(
    collection: StoredCollection,
    spec: DistinctSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ readonly values: readonly Value[]; readonly total?: number }>;

  // Writes: one positional result per input; one bad item never fails the rest.
  /** Items are complete (`_id`, `_createdDate`, `_updatedDate` set by the core). */
  insert(
    collection: StoredCollection,
    items: readonly Item[],
    options: { readonly overwrite: boolean },
  ): Promise<readonly ItemResult[]>;
  /** Full replacement; keep the stored `_createdDate`; return the item as stored. */
  update(collection: StoredCollection, items: readonly Item[]): Promise<readonly ItemResult[]>;
  /** Returns each removed item as it was; also removes its reference pairs. */
  remove(collection: StoredCollection, itemIds: readonly string[]): Promise<readonly ItemResult[]>;
  /** Removes every item (any number) and the collection's reference pairs. */
  truncate(collection: StoredCollection): Promise<void>;

  // References (optional: declare QUERY_REFERENCED / *_REFERENCES only when implemented)
  queryReferenced?(
    collection: StoredCollection,
    spec: ReferencedSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ readonly items: readonly ReferencedItem[]; readonly total?: number }>;
  insertReferences?(
    collection: StoredCollection,
    field: Field,
    references: readonly ReferencePair[],
  ): Promise<readonly ReferenceResult[]>;
  removeReferences?(
    collection: StoredCollection,
    field: Field,
    references: readonly ReferencePair[],
  ): Promise<readonly ReferenceResult[]>;

  // Indexes (optional: declare indexOptions.supportsIndexes only when implemented)
  listIndexes?(collection: StoredCollection): Promise<readonly IndexInfo[]>;
  createIndex?(collection: StoredCollection, index: IndexDefinition): Promise<IndexInfo>;
  removeIndex?(collection: StoredCollection, indexName: string): Promise<void>;

  /**
   * Resolves when the engine answers and the configured database (or dataset)
   * exists; rejects otherwise with an SpiError whose message says why
   * (readiness probe, answered in /readyz's body — no secrets in it). Must
   * recover by itself once the engine is back: no state cached from a failure.
   */
  ready(): Promise<void>;
  /** Releases connections; called once on shutdown. */
  close(): Promise<void>;
}
