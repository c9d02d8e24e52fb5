/**
 * The contract a service implements (docs/design.md §3). Small on purpose: the core
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
import type { EngineLimits } from './wire/limits.ts';

/** What a storage can do, reported through capabilities/get and the collection objects (docs/protocol.md §13). */
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
  /**
   * Shorter collection ids / field keys than the core's (wire/limits.ts), when
   * the engine cannot name a table or column that long. The core refuses
   * longer ones with a 400 before the storage sees them.
   */
  readonly limits?: EngineLimits;
}

export interface IndexOptions {
  readonly supportsIndexes: boolean;
  readonly maxNumberOfRegularIndexesPerCollection: number;
  readonly maxNumberOfUniqueIndexesPerCollection: number;
  readonly maxNumberOfIndexesPerCollection: number;
}

/** A collection as a storage knows it. Field capabilities are filled in by the core. */
export interface StoredCollection extends Collection {
  /**
   * No item-level writes: a view, or a table without all four system fields
   * (Wix's read-write rule, read-write-rule.ts).
   */
  readonly readOnly?: boolean;
  /** Why it is read-only and how to fix it, for the site owner (`readWriteRule().reason`). */
  readonly readOnlyReason?: string;
  /** Read-only only for missing system fields: collections/update may add them and make it writable. */
  readonly writableAfterUpdate?: boolean;
  /**
   * Strict collections reject fields they do not declare (in filters and in
   * written items). Non-strict ones (schemaless stores with inferred fields)
   * accept them as ANY.
   */
  readonly strict?: boolean;
  /**
   * What identifies an item when `_id` does not (docs/semantics.md §2 "Rule"): an owner's table
   * whose primary key is other columns lists those fields, and sorts end with them instead of
   * `_id`, so offset and cursor pages neither overlap nor skip. `[]`: nothing identifies a row (a
   * view, a table without any key): sorts end with every sortable field, and cursor paging, which
   * could not tell two equal rows apart, is refused. Absent: `_id` (every collection the adaptor
   * creates).
   */
  readonly rowKey?: readonly string[];
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

/** query-referenced (docs/protocol.md §4.9), resolved by the core. */
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

/**
 * A composite index the database asked for while answering queries (the
 * adaptor answers such queries by a bounded scan meanwhile): what to create
 * and how. Shown by a status page; the service also logs it once.
 */
export interface IndexHint {
  readonly collectionId: string;
  /** The index's fields, e.g. `a ASC, tags CONTAINS, b DESC`. */
  readonly fields: string;
  /** A command that creates it. */
  readonly command: string;
  /** The database console's link that creates it, when the database gave one. */
  readonly link?: string;
  /** MISSING: queries needing it are answered by scan; CREATING: the adaptor asked for it; IN_USE: it answers them now. */
  readonly state: 'MISSING' | 'CREATING' | 'IN_USE';
  readonly firstSeen: string;
  /** Queries answered by the bounded scan instead (this instance). */
  readonly fallbacks: number;
  /** Why the adaptor could not create it (missing permission …). */
  readonly problem?: string;
}

/**
 * A collection whose stored documents lack part of the storage's format
 * (Firestore: services/firestore/README.md "Storage format"): requests on
 * those fields are answered by the bounded scan until `command` has run.
 */
export interface BackfillHint {
  readonly collectionId: string;
  readonly fields: readonly string[];
  /** The command that brings the documents into the format. */
  readonly command: string;
}

/** What the site owner should know about the storage, for a status page (per instance, in memory). */
export interface StorageDiagnostics {
  readonly indexHints: readonly IndexHint[];
  /** Collections seen by this instance that need a backfill (absent: the storage has no such format). */
  readonly backfills?: readonly BackfillHint[];
}

export interface Storage {
  readonly capabilities: StorageCapabilities;

  // Schema
  listCollections(): Promise<readonly StoredCollection[]>;
  getCollection(id: string): Promise<StoredCollection | undefined>;
  /**
   * Optional: re-reads the schema now, because a request named a field the
   * cached collection lacks (another instance may have just added it). True
   * when the collection's definition changed, so the core runs the request
   * again once. The storage bounds how often this reads the database
   * (packages/core/src/schema-version.ts, packages/core/SCALING.md).
   * `since` (Date.now() when the call began): a storage whose cached schema was replaced after
   * it may answer true without comparing, as the call may have run on the schema before.
   */
  refreshCollection?(id: string, since?: number): Promise<boolean>;
  /** The collection is complete (system fields added by the core); throw COLLECTION_ALREADY_EXISTS if it exists. */
  createCollection(collection: Collection): Promise<StoredCollection>;
  /** Full desired field list (docs/protocol.md §5.3); throw COLLECTION_CHANGE_NOT_SUPPORTED for impossible changes. */
  updateCollection(collection: Collection): Promise<StoredCollection>;
  deleteCollection(id: string): Promise<void>;
  /**
   * Optional: finishes a delete of collection `id` that an earlier collections/delete left
   * unfinished at its deadline (its 504 said to send the same call again), and says whether
   * there was one. Such a collection is gone for every call meanwhile, so without this the
   * call sent again answered COLLECTION_NOT_FOUND while doing what it was asked.
   */
  finishDelete?(id: string): Promise<boolean>;

  // Reads
  /**
   * A new array per call: it is the caller's, and the core empties it once the answer is
   * encoded (release.ts). The items themselves are not changed.
   */
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

  /** Optional: what the owner should act on (missing indexes …), for a status page. */
  diagnostics?(): StorageDiagnostics;

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
