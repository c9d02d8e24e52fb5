/**
 * Collection definitions (docs/protocol.md §5). Firestore has no schema, so each Wix
 * collection created through the adaptor has a metadata document
 * `<metadata collection>/<collectionId>` holding its definition (fields, types,
 * display names, paging mode, permissions) as JSON text — text, because a
 * definition may hold values Firestore maps cannot (nested arrays).
 *
 * A Firestore collection that has documents but no metadata document (written
 * by another program) is still listed: its fields are inferred from a sample
 * of documents, and it is marked `strict: false` (undeclared fields accepted
 * as ANY), which also tells the planner not to trust the inferred types. It
 * is writable only when its documents carry `_createdDate`, `_updatedDate`
 * and `_owner` (Wix's read-write rule, core `readWriteRule`); collections/update
 * adopts it (writes a definition with the system fields) and makes it writable.
 *
 * Definitions are cached per instance for FIRESTORE_SCHEMA_CACHE_SECONDS; the
 * core asks for the collection on every call.
 */
import {
  type Collection,
  errors,
  type Field,
  type FieldType,
  type IndexField,
  type Item,
  readWriteRule,
  type StoredCollection,
  SYSTEM_FIELDS,
  type SystemColumnTypes,
  type Value,
} from '@adaptors/core';
import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import { GRPC, grpcCode } from './firestore-errors.ts';
import { documentIdProblem, toItem } from './firestore-values.ts';

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
}

interface CacheEntry {
  readonly value: StoredCollection | undefined;
  readonly expires: number;
}

interface MetadataDocument {
  readonly definition: string;
  readonly updatedAt: unknown;
}

export class FirestoreSchema {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(
    private readonly db: Firestore,
    private readonly options: SchemaOptions,
  ) {}

  /** Collections the adaptor keeps for itself; never listed, never creatable. */
  isInternal(id: string): boolean {
    return id === this.options.metadataCollection || id === this.options.referencesCollection;
  }

  collectionRef(id: string): CollectionReference {
    return this.db.collection(id);
  }

  private metadataRef(id: string) {
    return this.db.collection(this.options.metadataCollection).doc(id);
  }

  invalidate(id: string): void {
    this.cache.delete(id);
  }

  async get(id: string): Promise<StoredCollection | undefined> {
    const cached = this.cache.get(id);
    if (cached && cached.expires > Date.now()) return cached.value;
    const value = await this.load(id);
    this.remember(id, value);
    return value;
  }

  private remember(id: string, value: StoredCollection | undefined): void {
    if (this.options.cacheMs > 0) this.cache.set(id, { value, expires: Date.now() + this.options.cacheMs });
  }

  private async load(id: string): Promise<StoredCollection | undefined> {
    if (documentIdProblem(id) !== undefined || this.isInternal(id)) return undefined;
    const meta = await this.metadataRef(id).get();
    // A metadata document holding only index names (inferred collection) has no definition.
    if (typeof meta.get('definition') === 'string') return parseDefinition(meta.data() as MetadataDocument);
    return this.infer(id);
  }

  async list(): Promise<StoredCollection[]> {
    const [metas, roots] = await Promise.all([
      this.db.collection(this.options.metadataCollection).get(),
      this.db.listCollections(),
    ]);
    const out = new Map<string, StoredCollection>();
    for (const doc of metas.docs) {
      if (typeof doc.get('definition') === 'string') out.set(doc.id, parseDefinition(doc.data() as MetadataDocument));
    }
    const inferred = await Promise.all(
      roots
        .map((ref) => ref.id)
        .filter((id) => !out.has(id) && !this.isInternal(id))
        .map((id) => this.infer(id)),
    );
    for (const c of inferred) if (c) out.set(c.id, c);
    for (const [id, c] of out) this.remember(id, c);
    return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Fields of a collection without metadata, from the first `inferSample` documents. */
  private async infer(id: string): Promise<StoredCollection | undefined> {
    const sample = await this.collectionRef(id).limit(this.options.inferSample).get();
    if (sample.empty) return undefined;
    const types = new Map<string, Set<FieldType>>();
    for (const doc of sample.docs) {
      const item: Item = toItem(doc.id, doc.data());
      for (const [key, value] of Object.entries(item)) {
        if (key === '_id' || value === null) continue;
        const set = types.get(key) ?? new Set<FieldType>();
        types.set(key, set);
        set.add(inferType(value));
      }
    }
    const system = new Set(SYSTEM_FIELDS.map((f) => f.key));
    const fields: Field[] = [
      ...SYSTEM_FIELDS,
      ...[...types.entries()]
        .filter(([key]) => !system.has(key))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, set]): Field => ({ key, type: set.size === 1 ? ([...set][0] as FieldType) : 'ANY' })),
    ];
    // Wix's read-write rule: writable only when the documents carry the system fields.
    const access = readWriteRule(
      new Map<string, FieldType | undefined>([
        ['_id', 'TEXT'], // the document id
        ...[...types.entries()].map(([key, set]): [string, FieldType] => [
          key,
          set.size === 1 ? ([...set][0] as FieldType) : 'ANY',
        ]),
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
    const problem = documentIdProblem(collection.id);
    if (problem !== undefined || this.isInternal(collection.id)) {
      throw errors.violation(
        'collection.id',
        collection.id,
        `cannot be used as a Firestore collection id (${problem ?? 'reserved by the adaptor'})`,
      );
    }
    const stored = freeze({ ...collection, strict: true });
    try {
      await this.metadataRef(collection.id).create(toMetadata(stored));
    } catch (error) {
      if (grpcCode(error) === GRPC.ALREADY_EXISTS) throw errors.collectionAlreadyExists(collection.id);
      throw error;
    }
    this.invalidate(collection.id);
    return stored;
  }

  /** Writes the definition (adopting an inferred collection makes it strict). */
  async save(collection: Collection): Promise<StoredCollection> {
    // A saved definition has every system field (the core completes it), so the read-only marks of an inferred one go.
    const {
      readOnly: _r,
      readOnlyReason: _why,
      writableAfterUpdate: _w,
      ...definition
    } = collection as StoredCollection;
    const stored = freeze({ ...definition, strict: true });
    // merge: keeps the index names stored beside the definition.
    await this.metadataRef(collection.id).set(toMetadata(stored), { merge: true });
    this.invalidate(collection.id);
    return stored;
  }

  get metadataCollectionId(): string {
    return this.options.metadataCollection;
  }

  /** SPI index names ↔ fields (firestore-indexes.ts), kept in the metadata document. */
  async readIndexNames(id: string): Promise<Record<string, readonly IndexField[]>> {
    const indexes = (await this.metadataRef(id).get()).get('indexes') as unknown;
    return typeof indexes === 'string' ? (JSON.parse(indexes) as Record<string, readonly IndexField[]>) : {};
  }

  async writeIndexNames(id: string, names: Record<string, readonly IndexField[]>): Promise<void> {
    await this.metadataRef(id).set({ indexes: JSON.stringify(names) }, { merge: true });
  }

  async deleteMetadata(id: string): Promise<void> {
    await this.metadataRef(id).delete();
    this.invalidate(id);
  }
}

/** Wix type of a sampled value of a collection without metadata (mixed types → ANY); TYPES.md is rendered from it. */
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

function toMetadata(stored: StoredCollection): MetadataDocument {
  const { strict: _strict, ...definition } = stored;
  return { definition: JSON.stringify(definition), updatedAt: new Date() };
}

function parseDefinition(doc: MetadataDocument): StoredCollection {
  return freeze({ ...(JSON.parse(doc.definition) as Collection), strict: true });
}

/** Stored definitions are immutable snapshots (the core memoises per object). */
function freeze(def: StoredCollection): StoredCollection {
  return Object.freeze({ ...def, fields: Object.freeze(def.fields.map((f) => Object.freeze({ ...f }))) });
}
