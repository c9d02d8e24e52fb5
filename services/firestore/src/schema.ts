/**
 * Collection definitions (docs/protocol.md §5). Firestore has no schema, so each Wix
 * collection created through the adaptor has a metadata document
 * `<metadata collection>/<collectionId>` holding its definition (fields, types,
 * display names, paging mode, permissions) as JSON text — text, because a
 * definition may hold values Firestore maps cannot (nested arrays).
 *
 * A Firestore collection that has documents but no metadata document (written
 * by another program) is still listed: its fields are inferred from a sample
 * of documents (a key holding null counts as present) and from the reference
 * adaptor's `_descriptor/<id>` when there is one (reference-descriptor.ts: it
 * also lists such a collection before it has documents), and it is marked `strict: false` (undeclared fields accepted
 * as ANY), which also tells the planner not to trust the inferred types. It
 * is writable only when its documents carry `_createdDate`, `_updatedDate`
 * and `_owner` (Wix's read-write rule, core `readWriteRule`); collections/update
 * adopts it (writes a definition with the system fields) and makes it writable.
 *
 * Definitions are cached per instance (the core asks for the collection on
 * every call), stamped with the schema version document
 * `<metadata collection>/$schema-version` that every change made through the
 * adaptor replaces in the same batch: an entry is used while the version,
 * read at most once per SCHEMA_CHECK_MS, is unchanged and its
 * SCHEMA_CACHE_SECONDS (the bound for changes made outside the
 * adaptor) run. A miss (collection unknown here) re-reads the version first
 * (throttled, shared): a collection just created through another instance is
 * found at once (packages/core/SCALING.md).
 */
import {
  type Collection,
  errors,
  type Field,
  type FieldType,
  type IndexField,
  type Item,
  MISS_REREAD_GAP_MS,
  newSchemaToken,
  RereadThrottle,
  readWriteRule,
  reservedReferenceProblems,
  SchemaVersionGate,
  type StoredCollection,
  SYSTEM_FIELDS,
  type SystemColumnTypes,
  type Value,
} from '@adaptors/core';
import {
  type CollectionReference,
  type DocumentSnapshot,
  FieldValue,
  type Firestore,
  type WriteBatch,
} from '@google-cloud/firestore';
import { GRPC, grpcCode } from './errors.ts';
import {
  attachMarker,
  FORMAT_VERSION,
  type FormatMarker,
  formattedFields,
  parseMarker,
  serializeMarker,
} from './format.ts';
import { declaredFields, REFERENCE_DESCRIPTOR_COLLECTION } from './reference-descriptor.ts';
import { documentIdProblem, toItem } from './values.ts';

/** Firestore value types of the system fields, for the read-only hint. */
const SYSTEM_VALUE_TYPES: SystemColumnTypes = {
  _id: 'the document id',
  _createdDate: 'a timestamp',
  _updatedDate: 'a timestamp',
  _owner: 'a string',
};

export interface SchemaOptions {
  readonly metadataCollection: string;
  readonly referencesCollection: string;
  readonly inferSample: number;
  readonly cacheMs: number;
  /** How often, at most, the schema version document is read (SCHEMA_CHECK_MS). */
  readonly checkMs: number;
  /** Metadata documents `prefetch` reads at most (PREFETCH_LIMIT unless set). */
  readonly prefetchLimit?: number;
}

/** The metadata documents a read ahead got: each one's id and its text fields (all `prefetch` reads). */
export type MetadataTexts = readonly { readonly id: string; readonly texts: Readonly<Record<string, string>> }[];

/** Reads up to `limit` documents of the metadata collection `collectionId`, in one query (one snapshot). */
export type ReadMetadataTexts = (collectionId: string, limit: number) => Promise<MetadataTexts>;

/**
 * Metadata documents read ahead at start (`prefetch`), at most: a site's collections, far more
 * than most have; a definition beyond them is read when first asked for, as without a prefetch.
 */
const PREFETCH_LIMIT = 500;

interface CacheEntry {
  readonly value: StoredCollection | undefined;
  readonly expires: number;
  /** The schema version read before the definition was. */
  readonly version: string | undefined;
  /** Date.now() when it was stored (`refresh`'s `since`). */
  readonly storedAt: number;
}

/** The metadata collection's document holding the schema version (`$` starts no Wix collection id we create). */
export const SCHEMA_VERSION_DOC = '$schema-version';

/** Entries kept at most (a storm of distinct unknown ids must not grow the cache without bound). */
const MAX_ENTRIES = 10_000;

interface MetadataDocument {
  readonly definition: string;
  readonly updatedAt: unknown;
  /** The storage format marker (format.ts), JSON text; absent on collections written before it. */
  readonly format?: unknown;
  /** Removed fields whose values are still being deleted (`PendingDrop[]`, JSON text); absent when none. */
  readonly dropping?: unknown;
  /** Fields whose type is being changed (`Retyping`, JSON text); absent when none. */
  readonly retyping?: unknown;
}

/**
 * A collection delete under way (storage.ts `deleteCollection`), JSON text in the metadata
 * document's `deleting`: from then on the collection is gone for every call and every write
 * (write-guard.ts), while its documents are swept. `until` is when the deleting call's deadline
 * ends: past it, the next call that meets the collection finishes the sweep.
 */
export interface Deletion {
  readonly token: string;
  readonly until: number;
}

/**
 * A removed field whose values are still being deleted (storage.ts `updateCollection`): the next
 * change of the collection finishes the sweep first, so a field re-added never meets them.
 */
export interface PendingDrop {
  readonly token: string;
  readonly field: Field;
}

/**
 * Fields whose type a collections/update is changing (storage.ts `updateCollection`): until
 * `until`, a write with a value for one of them is refused (write-guard.ts), so none of the
 * old type lands between the check that none is stored and the new definition.
 */
export interface Retyping {
  readonly fields: readonly string[];
  readonly until: number;
}

/** The metadata texts a definition was parsed from, compared by write transactions (write-guard.ts). */
export interface DefinitionTexts {
  readonly definition: string | undefined;
  readonly retyping: string | undefined;
}

const definitionTexts = new WeakMap<StoredCollection, DefinitionTexts>();
const pendingDrops = new WeakMap<StoredCollection, readonly PendingDrop[]>();

/** What `collection` was parsed from (undefined texts: inferred, or not read from a metadata document). */
export function definitionTextsOf(collection: StoredCollection): DefinitionTexts {
  return definitionTexts.get(collection) ?? { definition: undefined, retyping: undefined };
}

/** Fields removed from `collection` whose values were still being deleted when it was read. */
export function pendingDropsOf(collection: StoredCollection): readonly PendingDrop[] {
  return pendingDrops.get(collection) ?? [];
}

/**
 * How much longer than its `until` a retyping mark holds for writers: `until` is read on the clock
 * of the instance that set it, and the instances' clocks differ (the change itself is saved before
 * its own `until`, storage.ts). A mark a call left behind (it crashed between its two writes)
 * lets writes through again after it, and the next collections/update clears it.
 */
export const RETYPE_GRACE_MS = 10_000;

/** The fields being retyped, while their mark holds. */
export function retypingOf(collection: StoredCollection, now = Date.now()): ReadonlySet<string> {
  const retyping = parseRetyping(definitionTextsOf(collection).retyping);
  return new Set(retyping && retyping.until + RETYPE_GRACE_MS > now ? retyping.fields : []);
}

export function parseRetyping(raw: unknown): Retyping | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<Retyping>;
    return Array.isArray(parsed.fields) && typeof parsed.until === 'number'
      ? { fields: parsed.fields.filter((f): f is string => typeof f === 'string'), until: parsed.until }
      : undefined;
  } catch {
    return undefined;
  }
}

export function deletionIn(snapshot: DocumentSnapshot | undefined): Deletion | undefined {
  return parseDeletion(snapshot?.get('deleting'));
}

function parseDeletion(raw: unknown): Deletion | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as Partial<Deletion>;
    return typeof parsed.token === 'string' && typeof parsed.until === 'number'
      ? { token: parsed.token, until: parsed.until }
      : undefined;
  } catch {
    return undefined;
  }
}

function parseDrops(raw: unknown): PendingDrop[] {
  if (typeof raw !== 'string') return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed)
      ? parsed.filter(
          (d): d is PendingDrop =>
            typeof d?.token === 'string' && typeof d?.field?.key === 'string' && typeof d?.field?.type === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

/** The create of a collection whose earlier delete is not finished (storage.ts finishes it, then creates). */
export class DeletionPending extends Error {
  constructor(readonly deletion: Deletion) {
    super('the collection is still being deleted');
    this.name = 'DeletionPending';
  }
}

export class FirestoreSchema {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly gate: SchemaVersionGate;
  private readonly throttle = new RereadThrottle(MISS_REREAD_GAP_MS);
  private missCheck: { readonly startedAt: number; readonly promise: Promise<string | undefined> } | undefined;
  /** The start's read-ahead while it runs (prefetch): calls wait for it rather than read the same. */
  private prefetching: Promise<void> | undefined;
  /** Deletes under way as last read, by collection id (`pendingDeletion`). */
  private readonly deletions = new Map<string, Deletion>();

  constructor(
    private readonly db: Firestore,
    private readonly options: SchemaOptions,
  ) {
    this.gate = new SchemaVersionGate(() => this.readVersion(), options.checkMs);
  }

  private versionRef() {
    return this.db.collection(this.options.metadataCollection).doc(SCHEMA_VERSION_DOC);
  }

  private async readVersion(): Promise<string | undefined> {
    return versionIn(await this.versionRef().get());
  }

  /**
   * The schema version as any call checks it (read unless confirmed within SCHEMA_CHECK_MS), after
   * the start's read ahead if one runs: that query reads the version too, so the readiness probe
   * of a starting instance (Cloud Run's startup probe) waits for it instead of reading again
   * through the client's own gRPC client, which only writes then need.
   */
  async confirmVersion(): Promise<void> {
    if (this.prefetching) await this.prefetching;
    await this.gate.current();
  }

  /**
   * At start (open-storage.ts): the schema version and the collections' definitions, in one
   * query of the metadata collection. A query reads one snapshot, so each definition holds every
   * change whose bump produced that version (the order rule of packages/core/src/schema-version.ts),
   * and is cached with it: the first call on a collection then reads neither its definition nor
   * the version (a round trip, on a cold start the first visitor's), and calls arriving while the
   * query runs wait for it. When the version document is beyond the limit, nothing is cached.
   */
  prefetch(read: ReadMetadataTexts = (collectionId, limit) => this.metadataTexts(collectionId, limit)): Promise<void> {
    const startedAt = performance.now();
    const limit = this.options.prefetchLimit ?? PREFETCH_LIMIT;
    const done = (async () => {
      const documents = await read(this.options.metadataCollection, limit);
      const versionDoc = documents.find((doc) => doc.id === SCHEMA_VERSION_DOC);
      // Not read: it may exist beyond the limit, and then the definitions would have no version.
      if (!versionDoc && documents.length >= limit) return;
      const version = versionDoc?.texts.version;
      this.gate.observe(startedAt, version);
      for (const { id, texts } of documents) {
        if (!this.loadable(id)) continue;
        const deletion = parseDeletion(texts.deleting);
        if (deletion) {
          this.deletions.set(id, deletion);
          this.remember(id, undefined, version);
          continue;
        }
        if (texts.definition === undefined) continue;
        this.remember(
          id,
          parseDefinition({
            definition: texts.definition,
            format: texts.format,
            dropping: texts.dropping,
            retyping: texts.retyping,
            updatedAt: undefined,
          }),
          version,
        );
      }
    })();
    const settled: Promise<void> = done
      .catch(() => {})
      .finally(() => {
        if (this.prefetching === settled) this.prefetching = undefined;
      });
    this.prefetching = settled;
    return done;
  }

  /** The read ahead's query through the client (a storage without a gapic reader). */
  private async metadataTexts(collectionId: string, limit: number): Promise<MetadataTexts> {
    const snapshot = await this.db.collection(collectionId).limit(limit).get();
    return snapshot.docs.map((doc) => {
      const texts: Record<string, string> = {};
      for (const [key, value] of Object.entries(doc.data())) if (typeof value === 'string') texts[key] = value;
      return { id: doc.id, texts };
    });
  }

  /** The version as of after this call began, for a miss; concurrent misses share one throttled read. */
  private async versionAfterMiss(): Promise<string | undefined> {
    const calledAt = performance.now();
    const shared = () => (this.missCheck && this.missCheck.startedAt >= calledAt ? this.missCheck.promise : undefined);
    const already = shared();
    if (already) return already;
    await this.throttle.turn();
    const joined = shared();
    if (joined) return joined;
    const promise = this.gate.check();
    this.missCheck = { startedAt: performance.now(), promise };
    return promise;
  }

  /**
   * Collections the adaptor keeps for itself, and the reference adaptor's metadata collection
   * (reference-descriptor.ts), which a migrated site still holds: never listed, never creatable.
   */
  /**
   * An id no collection may have and no reference may name: the adaptor's own collections and
   * the document holding the schema version (create, refuseReservedKeys).
   */
  isReserved(id: string): boolean {
    return this.isInternal(id) || id === SCHEMA_VERSION_DOC;
  }

  isInternal(id: string): boolean {
    return (
      id === this.options.metadataCollection ||
      id === this.options.referencesCollection ||
      id === REFERENCE_DESCRIPTOR_COLLECTION
    );
  }

  /** The reference adaptor's metadata document of collection `id` (reference-descriptor.ts). */
  private descriptorRef(id: string) {
    return this.db.collection(REFERENCE_DESCRIPTOR_COLLECTION).doc(id);
  }

  collectionRef(id: string): CollectionReference {
    return this.db.collection(id);
  }

  /** The metadata document of collection `id` (write transactions read it: write-guard.ts). */
  metadataRef(id: string) {
    return this.db.collection(this.options.metadataCollection).doc(id);
  }

  invalidate(id: string): void {
    this.cache.delete(id);
  }

  /** The definition; `fresh` reads it from Firestore whatever is cached (a change is planned on it). */
  async get(id: string, options: { readonly fresh?: boolean } = {}): Promise<StoredCollection | undefined> {
    if (this.prefetching) await this.prefetching;
    const cached = this.cache.get(id);
    const due = options.fresh || !cached || cached.expires <= Date.now();
    if (due && this.loadable(id) && this.gate.recent() === undefined) {
      // Both the version and the definition are due: one batch read, one round trip instead of two.
      // A batch read is one snapshot, so the definition holds every change whose bump produced that
      // version (the order rule of packages/core/src/schema-version.ts).
      const startedAt = performance.now();
      const [versionDoc, meta] = await this.db.getAll(this.versionRef(), this.metadataRef(id));
      const version = versionIn(versionDoc as DocumentSnapshot);
      this.gate.observe(startedAt, version);
      const value = await this.fromMetadata(id, meta as DocumentSnapshot);
      this.remember(id, value, version);
      return value;
    }
    let version = await this.gate.current();
    if (!options.fresh && cached && cached.version === version && cached.expires > Date.now()) {
      if (cached.value) return cached.value;
      // Unknown here: created through another instance since? The version says so.
      version = await this.versionAfterMiss();
      if (version === cached.version) return undefined;
    }
    const value = await this.load(id);
    this.remember(id, value, version);
    return value;
  }

  /**
   * A miss re-read for the core (an unknown field): true when the definition changed. "Changed"
   * compares with the cached definition, which a version check may have replaced after the call
   * that missed had read the one before: replaced after `since` (when that call began), the answer
   * is true without comparing (Storage.refreshCollection; sql-storage schema-cache.ts `refresh`).
   */
  async refresh(id: string, since?: number): Promise<boolean> {
    const replacedDuringCall =
      since !== undefined && (this.cache.get(id)?.storedAt ?? Number.NEGATIVE_INFINITY) >= since;
    const before = await this.get(id);
    const version = await this.versionAfterMiss();
    const cached = this.cache.get(id);
    if (cached && cached.version === version && cached.expires > Date.now()) return replacedDuringCall;
    const after = await this.load(id);
    this.remember(id, after, version);
    return replacedDuringCall || JSON.stringify(before) !== JSON.stringify(after);
  }

  private remember(id: string, value: StoredCollection | undefined, version: string | undefined): void {
    if (this.options.cacheMs <= 0) return;
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    const now = Date.now();
    this.cache.set(id, { value, expires: now + this.options.cacheMs, version, storedAt: now });
  }

  /** A batch that also replaces the schema version: every instance sees the change on its next check. */
  private async commitWithVersion(write: (batch: WriteBatch) => void): Promise<void> {
    const version = newSchemaToken();
    const batch = this.db.batch();
    write(batch);
    batch.set(this.versionRef(), { version, updatedAt: new Date() });
    await batch.commit();
    this.gate.remember(version);
  }

  /** Whether `id` can name a collection of items (not an id Firestore refuses, nor the adaptor's own). */
  private loadable(id: string): boolean {
    return documentIdProblem(id) === undefined && !this.isInternal(id) && id !== SCHEMA_VERSION_DOC;
  }

  private async load(id: string): Promise<StoredCollection | undefined> {
    return this.loadable(id) ? this.fromMetadata(id, await this.metadataRef(id).get()) : undefined;
  }

  private async fromMetadata(id: string, meta: DocumentSnapshot): Promise<StoredCollection | undefined> {
    // Being deleted: gone for every call, whatever its documents still hold.
    const deletion = deletionIn(meta);
    if (deletion) {
      this.deletions.set(id, deletion);
      return undefined;
    }
    this.deletions.delete(id);
    // A metadata document holding only index names (inferred collection) has no definition.
    if (typeof meta.get('definition') === 'string') return parseDefinition(meta.data() as MetadataDocument);
    return this.infer(id);
  }

  async list(): Promise<StoredCollection[]> {
    const version = await this.gate.current();
    const [metas, roots, descriptors] = await Promise.all([
      this.db.collection(this.options.metadataCollection).get(),
      this.db.listCollections(),
      this.db.collection(REFERENCE_DESCRIPTOR_COLLECTION).get(),
    ]);
    const out = new Map<string, StoredCollection>();
    const deleting = new Set<string>();
    for (const doc of metas.docs) {
      const deletion = deletionIn(doc);
      if (deletion) {
        this.deletions.set(doc.id, deletion);
        deleting.add(doc.id);
        continue;
      }
      if (typeof doc.get('definition') === 'string') out.set(doc.id, parseDefinition(doc.data() as MetadataDocument));
    }
    // The reference adaptor's declared collections, with documents or not yet (reference-descriptor.ts).
    const declared = new Map(descriptors.docs.map((doc) => [doc.id, declaredFields(doc.data())]));
    const rootIds = new Set(roots.map((ref) => ref.id));
    const inferred = await Promise.all(
      [...new Set([...rootIds, ...declared.keys()])]
        .filter((id) => !out.has(id) && !deleting.has(id) && !this.isInternal(id))
        .filter((id) => rootIds.has(id) || this.loadable(id))
        .map((id) => this.infer(id, declared.get(id) ?? null)),
    );
    for (const c of inferred) if (c) out.set(c.id, c);
    for (const [id, c] of out) this.remember(id, c, version);
    return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * Fields of a collection without metadata, from the first `inferSample` documents and the
   * reference adaptor's `_descriptor/<id>` (reference-descriptor.ts; `declared`: already read,
   * null when there is none). A collection the descriptor declares exists without documents.
   */
  private async infer(
    id: string,
    declared?: ReadonlyMap<string, FieldType> | null,
  ): Promise<StoredCollection | undefined> {
    const [sample, descriptor] = await Promise.all([
      this.collectionRef(id).limit(this.options.inferSample).get(),
      declared === undefined ? this.descriptorRef(id).get() : undefined,
    ]);
    const declaredTypes = declared ?? (descriptor?.exists ? declaredFields(descriptor.data()) : undefined);
    if (sample.empty && !declaredTypes) return undefined;
    const types = new Map<string, Set<FieldType>>();
    // A key a document holds as null: present (the reference writes every declared field, null when
    // it has no value, `_owner` included), typed by the other documents or the descriptor.
    const nulls = new Set<string>();
    for (const doc of sample.docs) {
      const item: Item = toItem(doc.id, doc.data());
      for (const [key, value] of Object.entries(item)) {
        if (key === '_id') continue;
        if (value === null) {
          nulls.add(key);
          continue;
        }
        const set = types.get(key) ?? new Set<FieldType>();
        types.set(key, set);
        set.add(inferType(value));
      }
    }
    const systemTypes = new Map(SYSTEM_FIELDS.map((f) => [f.key, f.type]));
    // The values' types come first: they are what the documents hold and answer (the reference
    // stored a DATE as a Timestamp, which is answered as DATETIME). The descriptor types a key no
    // sampled document holds a value of. A key null everywhere that no descriptor names: a system
    // field has its own type (`_owner: null` on every document is still TEXT, and the collection
    // stays writable); any other is ANY: nothing tells its type, and a non-strict collection
    // accepts any value there anyway, where a guess such as TEXT would refuse the owner's numbers.
    for (const key of [...nulls, ...(declaredTypes?.keys() ?? [])]) {
      if (key === '_id' || types.has(key)) continue;
      types.set(key, new Set([declaredTypes?.get(key) ?? systemTypes.get(key) ?? 'ANY']));
    }
    const system = new Set(systemTypes.keys());
    const typeOf = (set: ReadonlySet<FieldType>): FieldType => (set.size === 1 ? ([...set][0] as FieldType) : 'ANY');
    const fields: Field[] = [
      // The system fields its documents carry, as Spanner and BigQuery list only the columns a
      // table has: one the documents lack would be listed, yet match no filter and make the
      // collection read-only (readWriteRule below). collections/update adds them (core schema.ts).
      // Typed by what the documents hold, like any other field: a `_createdDate` holding a string
      // in one document is ANY (the collection is then read-only), not DATETIME, which would
      // promise every value answered as a date ({"$date"}) while that string is answered as is.
      ...SYSTEM_FIELDS.flatMap((f): Field[] => {
        if (f.key === '_id') return [f]; // the document id
        const set = types.get(f.key);
        return set ? [{ ...f, type: typeOf(set) }] : [];
      }),
      ...[...types.entries()]
        .filter(([key]) => !system.has(key))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, set]): Field => ({ key, type: typeOf(set) })),
    ];
    // Wix's read-write rule: writable only when the documents carry the system fields.
    const access = readWriteRule(
      new Map<string, FieldType | undefined>([
        ['_id', 'TEXT'], // the document id
        ...[...types.entries()].map(([key, set]): [string, FieldType] => [key, typeOf(set)]),
      ]),
      undefined,
      SYSTEM_VALUE_TYPES,
    );
    return freeze({
      id,
      fields,
      strict: false,
      ...(access.writable
        ? {}
        : { readOnly: true, readOnlyReason: access.reason, writableAfterUpdate: access.fixableByUpdate }),
    });
  }

  async create(collection: Collection): Promise<StoredCollection> {
    refuseReservedKeys(collection, (id) => this.isReserved(id));
    const problem = documentIdProblem(collection.id);
    if (problem !== undefined || this.isReserved(collection.id)) {
      throw errors.violation(
        'collection.id',
        collection.id,
        `cannot be used as a Firestore collection id (${problem ?? 'reserved by the adaptor'})`,
      );
    }
    const stored = freeze({ ...collection, strict: true });
    // A new, empty collection holds every field in the storage format; documents already there
    // (written by another program) need a backfill first (README.md "Storage format").
    const complete = (await this.isEmpty(collection.id)) ? formattedFields(stored.fields).map((f) => f.key) : [];
    const marker: FormatMarker = { version: FORMAT_VERSION, complete };
    const metadata = toMetadata(stored);
    try {
      await this.commitWithVersion((batch) =>
        batch.create(this.metadataRef(collection.id), { ...metadata, format: serializeMarker(marker) }),
      );
    } catch (error) {
      if (grpcCode(error) !== GRPC.ALREADY_EXISTS) throw error;
      // The metadata document of a delete not finished yet: the storage finishes it, then creates.
      const deletion = deletionIn(await this.metadataRef(collection.id).get());
      if (deletion) throw new DeletionPending(deletion);
      throw errors.collectionAlreadyExists(collection.id);
    }
    this.invalidate(collection.id);
    definitionTexts.set(stored, { definition: metadata.definition, retyping: undefined });
    return attachMarker(stored, marker);
  }

  private async isEmpty(id: string): Promise<boolean> {
    return (await this.collectionRef(id).select().limit(1).get()).empty;
  }

  /**
   * Writes the definition (adopting an inferred collection makes it strict),
   * only if the stored one is still `planned` (read with `get(id, { fresh })`):
   * of two instances changing one collection at once, the second is refused
   * with a clear error instead of silently replacing the first one's change.
   */
  async save(
    collection: Collection,
    planned: StoredCollection | undefined,
    pending: {
      /** The removed fields whose values are still to delete once it is saved (replaces the stored list). */
      readonly dropping?: readonly PendingDrop[];
      /** Fields being retyped (the first step of a type change), or undefined: none. */
      readonly retyping?: Retyping;
    } = {},
  ): Promise<StoredCollection> {
    refuseReservedKeys(collection, (id) => this.isReserved(id));
    // A saved definition has every system field (the core completes it), so the read-only marks of an inferred one go.
    const {
      readOnly: _r,
      readOnlyReason: _why,
      writableAfterUpdate: _w,
      ...definition
    } = collection as StoredCollection;
    const stored = freeze({ ...definition, strict: true });
    const ref = this.metadataRef(collection.id);
    const version = newSchemaToken();
    const empty = await this.isEmpty(collection.id);
    // Optimistic, not a read-write transaction: the write carries the read document's update time
    // (or that it is absent) as its precondition, so a change another instance made in between
    // fails it. Saves made at once then take no locks to contend for: in a transaction each held
    // the document's read lock the other's write waited on, and their ABORTED retries took seconds
    // (ten instances at once on the emulator, three rounds: 8–11 s, ~1 s now; on a busy machine two
    // such saves both outlasted the 5 s deadline, so neither was kept nor told why:
    // test/schema-save.test.ts).
    const now = await ref.get();
    const current = typeof now.get('definition') === 'string' ? (now.get('definition') as string) : undefined;
    const expected = planned?.strict === true ? toMetadata(planned).definition : undefined;
    let marker: FormatMarker | undefined;
    // A delete under way: the collection is gone (its definition no longer counts).
    let conflict = current !== expected || deletionIn(now) !== undefined;
    const metadata = toMetadata(stored);
    const dropping = pending.dropping && pending.dropping.length > 0 ? JSON.stringify(pending.dropping) : undefined;
    const retyping = pending.retyping ? JSON.stringify(pending.retyping) : undefined;
    if (!conflict) {
      marker = nextMarker(current === undefined ? undefined : parseMarker(now.get('format')), stored, empty);
      const data = { ...metadata, format: serializeMarker(marker) };
      const batch = this.db.batch();
      // update() keeps the index names stored beside the definition, as a merge does.
      if (now.exists && now.updateTime) {
        batch.update(
          ref,
          {
            ...data,
            ...(pending.dropping ? { dropping: dropping ?? FieldValue.delete() } : {}),
            retyping: retyping ?? FieldValue.delete(),
          },
          { lastUpdateTime: now.updateTime },
        );
      } else {
        batch.create(ref, { ...data, ...(dropping ? { dropping } : {}), ...(retyping ? { retyping } : {}) });
      }
      batch.set(this.versionRef(), { version, updatedAt: new Date() });
      conflict = !(await committedUnlessChanged(batch));
    }
    this.invalidate(collection.id);
    if (conflict) {
      throw errors.collectionChangeNotSupported(collection.id, [
        {
          fieldKey: '',
          message:
            'another instance changed this collection at the same time and its change was kept; read the collection again and repeat your change',
        },
      ]);
    }
    this.gate.remember(version);
    definitionTexts.set(stored, { definition: metadata.definition, retyping });
    if (pending.dropping) pendingDrops.set(stored, pending.dropping);
    return attachMarker(stored, marker);
  }

  /** Replaces the format marker (the backfill, once every document holds `complete`). */
  async writeMarker(id: string, marker: FormatMarker): Promise<void> {
    await this.commitWithVersion((batch) =>
      batch.set(this.metadataRef(id), { format: serializeMarker(marker) }, { merge: true }),
    );
    this.invalidate(id);
  }

  get metadataCollectionId(): string {
    return this.options.metadataCollection;
  }

  /** SPI index names ↔ fields (indexes.ts), kept in the metadata document. */
  async readIndexNames(id: string): Promise<Record<string, readonly IndexField[]>> {
    const indexes = (await this.metadataRef(id).get()).get('indexes') as unknown;
    return typeof indexes === 'string' ? (JSON.parse(indexes) as Record<string, readonly IndexField[]>) : {};
  }

  async writeIndexNames(id: string, names: Record<string, readonly IndexField[]>): Promise<void> {
    await this.metadataRef(id).set({ indexes: JSON.stringify(names) }, { merge: true });
  }

  /**
   * The first step of a delete: marks the collection as being deleted (and replaces the schema
   * version), so every instance's next call and every write transaction from then on finds it gone
   * (write-guard.ts). The write waits for the write transactions that read the metadata document
   * before it, so every document the sweep must delete is committed once this returns.
   */
  async markDeleting(id: string, until: number): Promise<Deletion> {
    const deletion: Deletion = { token: newSchemaToken(), until };
    await this.commitWithVersion((batch) =>
      batch.set(this.metadataRef(id), { deleting: JSON.stringify(deletion) }, { merge: true }),
    );
    this.invalidate(id);
    this.deletions.set(id, deletion);
    return deletion;
  }

  /**
   * A delete that stopped at its call's deadline gives up its turn at once (`until` now), so the
   * call sent again right after its 504 finishes it rather than waiting for that deadline.
   */
  async releaseDeletion(id: string, token: string): Promise<void> {
    const ref = this.metadataRef(id);
    const released: Deletion = { token, until: 0 };
    await this.db.runTransaction(async (tx) => {
      const [meta] = await tx.getAll(ref);
      if (deletionIn(meta)?.token === token) tx.update(ref, { deleting: JSON.stringify(released) });
    });
    this.deletions.set(id, released);
  }

  /** The delete under way of collection `id` as last read here (no read). */
  pendingDeletion(id: string): Deletion | undefined {
    return this.deletions.get(id);
  }

  /** Whether the delete `token` is still the one under way (one document read: the sweep's fence). */
  async isDeleting(id: string, token: string): Promise<boolean> {
    const deletion = deletionIn(await this.metadataRef(id).get());
    if (deletion?.token !== token) this.deletions.delete(id);
    return deletion?.token === token;
  }

  /** The last step of a delete: removes the metadata document, if the delete `token` is still the one under way. */
  async endDeletion(id: string, token: string): Promise<void> {
    const ref = this.metadataRef(id);
    const version = newSchemaToken();
    const ended = await this.db.runTransaction(async (tx) => {
      const [meta] = await tx.getAll(ref);
      if (deletionIn(meta)?.token !== token) return false;
      tx.delete(ref);
      // The reference adaptor's declaration too: it would list the deleted collection again, empty.
      tx.delete(this.descriptorRef(id));
      tx.set(this.versionRef(), { version, updatedAt: new Date() });
      return true;
    });
    if (ended) this.gate.remember(version);
    this.deletions.delete(id);
    this.invalidate(id);
  }

  /** Whether the removal `token` of a field still has values to delete (one document read: the sweep's fence). */
  async dropPending(id: string, token: string): Promise<boolean> {
    const meta = await this.metadataRef(id).get();
    return deletionIn(meta) === undefined && parseDrops(meta.get('dropping')).some((d) => d.token === token);
  }

  /** Field removals whose values are all deleted: their entries go (no version change: no call reads them but a change). */
  async endDrops(id: string, tokens: readonly string[]): Promise<void> {
    if (tokens.length === 0) return;
    const ref = this.metadataRef(id);
    await this.db.runTransaction(async (tx) => {
      const [meta] = await tx.getAll(ref);
      const before = parseDrops(meta?.get('dropping'));
      const after = before.filter((d) => !tokens.includes(d.token));
      if (!meta?.exists || after.length === before.length) return;
      tx.update(ref, { dropping: after.length > 0 ? JSON.stringify(after) : FieldValue.delete() });
    });
    this.invalidate(id);
  }
}

/** Wix type of a sampled value of a collection without metadata (mixed types → ANY); TYPES.md is rendered from it. */
/** Field names Firestore reserves ("Limits": names matching `__.*__`, such as `__name__`). */
const RESERVED_FIELD_KEY = /^__.*__$/;

/**
 * A field Firestore reserves would make the collection unusable: every write refused ("the name is
 * reserved"), and filters on it read as filters on the document key (500s). Refused up front.
 */
function refuseReservedKeys(collection: Collection, reserved: (collectionId: string) => boolean): void {
  const problems = collection.fields
    .filter((f) => RESERVED_FIELD_KEY.test(f.key))
    .map((f) => ({
      fieldKey: f.key,
      message: 'Firestore reserves field names that begin and end with two underscores; rename the field',
    }));
  // No reference may lead to the adaptor's own collections either (core adaptor/fields.ts).
  problems.push(...reservedReferenceProblems(collection.fields, reserved));
  if (problems.length > 0) throw errors.collectionChangeNotSupported(collection.id, problems);
}

export function inferType(value: Value): FieldType {
  if (value instanceof Date) return 'DATETIME';
  if (Array.isArray(value)) return 'ARRAY';
  switch (typeof value) {
    case 'string':
      return 'TEXT';
    case 'number':
      return 'NUMBER';
    case 'boolean':
      return 'BOOLEAN';
    default:
      return 'OBJECT';
  }
}

/**
 * Commits `batch`; false when its preconditions found the document changed (FAILED_PRECONDITION),
 * created (ALREADY_EXISTS) or deleted (NOT_FOUND) since it was read.
 */
async function committedUnlessChanged(batch: WriteBatch): Promise<boolean> {
  try {
    await batch.commit();
    return true;
  } catch (error) {
    const code = grpcCode(error);
    if (code === GRPC.FAILED_PRECONDITION || code === GRPC.ALREADY_EXISTS || code === GRPC.NOT_FOUND) return false;
    throw error;
  }
}

function versionIn(snapshot: DocumentSnapshot): string | undefined {
  const version = snapshot.get('version') as unknown;
  return typeof version === 'string' ? version : undefined;
}

function toMetadata(stored: StoredCollection): MetadataDocument {
  const { strict: _strict, ...definition } = stored;
  return { definition: JSON.stringify(definition), updatedAt: new Date() };
}

function parseDefinition(doc: MetadataDocument): StoredCollection {
  const stored = attachMarker(
    freeze({ ...(JSON.parse(doc.definition) as Collection), strict: true }),
    parseMarker(doc.format),
  );
  definitionTexts.set(stored, {
    definition: doc.definition,
    retyping: typeof doc.retyping === 'string' ? doc.retyping : undefined,
  });
  const drops = parseDrops(doc.dropping);
  if (drops.length > 0) pendingDrops.set(stored, drops);
  return stored;
}

/**
 * The marker after a definition change: a field stays complete while it stays
 * declared (a type change is allowed only while no document holds a value, so
 * its nulls still stand); a new field is complete only when the collection has
 * no documents yet — otherwise the documents lack it until a backfill.
 */
function nextMarker(before: FormatMarker | undefined, stored: StoredCollection, empty: boolean): FormatMarker {
  const kept = new Set(before?.complete ?? []);
  const complete = formattedFields(stored.fields)
    .map((f) => f.key)
    .filter((key) => empty || kept.has(key));
  return { version: FORMAT_VERSION, complete };
}

/** Stored definitions are immutable snapshots (the core memoises per object). */
function freeze(def: StoredCollection): StoredCollection {
  return Object.freeze({ ...def, fields: Object.freeze(def.fields.map((f) => Object.freeze({ ...f }))) });
}
