/**
 * The memory storage: a complete reference implementation of the storage
 * contract over the core's evaluator. Used by `npm start`, by the core's route
 * tests and as the oracle the conformance suite compares databases with.
 * Values are cloned on the way in and out so callers can never alias stored state.
 */
import {
  type AggregateSpec,
  type Collection,
  countMatching,
  type DistinctSpec,
  errors,
  type Field,
  type Filter,
  type IndexDefinition,
  type IndexInfo,
  type IndexOptions,
  type Item,
  type ItemResult,
  project,
  type QuerySpec,
  type ReferencedItem,
  type ReferencedSpec,
  type ReferencePair,
  type ReferenceResult,
  runAggregate,
  runDistinct,
  runQuery,
  type Storage,
  type StoredCollection,
  type Value,
} from '@adaptors/core';
import { memoryCapabilities } from './capabilities.ts';
import { duplicateKey, uniqueClash } from './unique-indexes.ts';

interface Pair {
  readonly from: string;
  readonly to: string;
  readonly seq: number;
}

interface Table {
  def: StoredCollection;
  readonly items: Map<string, Item>;
  /** MULTI_REFERENCE field key → pairs, in creation order. */
  readonly refs: Map<string, Pair[]>;
  readonly indexes: Map<string, IndexInfo>;
}

export interface MemoryStorageOptions {
  readonly collections?: readonly StoredCollection[];
}

export function createMemoryStorage(options: MemoryStorageOptions = {}): Storage {
  return new MemoryStorage(options);
}

const clone = <T>(value: T): T => structuredClone(value);

class MemoryStorage implements Storage {
  readonly capabilities = memoryCapabilities;
  private readonly tables = new Map<string, Table>();
  private seq = 0;

  constructor(options: MemoryStorageOptions) {
    for (const def of options.collections ?? []) this.tables.set(def.id, newTable(def));
  }

  async listCollections(): Promise<readonly StoredCollection[]> {
    return [...this.tables.values()].map((t) => t.def);
  }

  async getCollection(id: string): Promise<StoredCollection | undefined> {
    return this.tables.get(id)?.def;
  }

  async createCollection(collection: Collection): Promise<StoredCollection> {
    if (this.tables.has(collection.id)) throw errors.collectionAlreadyExists(collection.id);
    const def = freezeDef(collection);
    this.tables.set(def.id, newTable(def));
    return def;
  }

  async updateCollection(collection: Collection): Promise<StoredCollection> {
    const table = this.table(collection.id);
    const before = new Map(table.def.fields.map((f) => [f.key, f]));
    const after = new Map(collection.fields.map((f) => [f.key, f]));
    const problems: { fieldKey: string; message: string }[] = [];
    for (const [key, field] of after) {
      const old = before.get(key);
      if (!old || old.type === field.type) continue;
      if ([...table.items.values()].some((item) => item[key] != null)) {
        problems.push({
          fieldKey: key,
          message: `cannot convert ${old.type} to ${field.type} while items hold values`,
        });
      }
      // A MULTI_REFERENCE field's values are its pairs: the same rule holds for them (docs/protocol.md §5.3).
      if (old.type === 'MULTI_REFERENCE' && (table.refs.get(key)?.length ?? 0) > 0) {
        problems.push({
          fieldKey: key,
          message: `cannot convert MULTI_REFERENCE to ${field.type} while items hold references; remove them first (items/remove-references) or add a new field`,
        });
      }
    }
    // An index over a removed field is refused, as Spanner refuses to drop an indexed column: dropping the
    // index silently would lose a unique constraint the owner made, and keeping it would apply it to a
    // field re-added under the same key (docs/protocol.md §5.3).
    for (const key of before.keys()) {
      if (after.has(key)) continue;
      const covering = [...table.indexes.values()].filter((index) =>
        index.fields.some((f) => (f.path.split('.')[0] ?? f.path) === key),
      );
      if (covering.length === 0) continue;
      const names = covering.map((index) => `'${index.name}'`).join(', ');
      problems.push({
        fieldKey: key,
        message: `remove the ${covering.length === 1 ? 'index' : 'indexes'} ${names} first (indexes/remove): a field an index covers cannot be removed`,
      });
    }
    if (problems.length > 0) throw errors.collectionChangeNotSupported(collection.id, problems);
    for (const [key, field] of after) {
      if (before.get(key)?.type === 'MULTI_REFERENCE' && field.type !== 'MULTI_REFERENCE') table.refs.delete(key);
    }
    for (const key of before.keys()) {
      if (after.has(key)) continue;
      for (const [id, item] of table.items) {
        if (key in item) {
          const { [key]: _removed, ...rest } = item;
          table.items.set(id, rest);
        }
      }
      table.refs.delete(key);
    }
    table.def = freezeDef({ ...table.def, ...collection });
    return table.def;
  }

  /** The collection goes with every pair that involves it, those other collections hold into it too (docs/semantics.md §8). */
  async deleteCollection(id: string): Promise<void> {
    this.table(id);
    this.tables.delete(id);
    for (const table of this.tables.values()) {
      for (const field of table.def.fields) {
        if (field.type === 'MULTI_REFERENCE' && field.multiReferenceOptions?.referencedCollectionId === id) {
          table.refs.delete(field.key);
        }
      }
    }
  }

  async query(collection: StoredCollection, spec: QuerySpec): Promise<readonly Item[]> {
    return clone(runQuery(this.table(collection.id).items.values(), spec));
  }

  async count(collection: StoredCollection, filter: Filter): Promise<number> {
    return countMatching(this.table(collection.id).items.values(), filter);
  }

  async aggregate(collection: StoredCollection, spec: AggregateSpec, options: { countTotal: boolean }) {
    return clone(runAggregate(this.table(collection.id).items.values(), spec, options.countTotal));
  }

  async distinct(collection: StoredCollection, spec: DistinctSpec, options: { countTotal: boolean }) {
    return clone(runDistinct(this.table(collection.id).items.values(), spec, options.countTotal));
  }

  async insert(collection: StoredCollection, items: readonly Item[], options: { overwrite: boolean }) {
    const table = this.table(collection.id);
    return items.map((item): ItemResult => {
      const id = item._id as string;
      const existing = table.items.get(id);
      if (existing && !options.overwrite) return { error: errors.itemAlreadyExists(collection.id, id) };
      // An upsert of an existing item keeps when it was created (docs/semantics.md §7.3).
      const stored = existing ? { ...item, _createdDate: existing._createdDate ?? null } : item;
      const clash = uniqueClash(stored, table.indexes.values(), table.items);
      if (clash) return { error: clash };
      table.items.set(id, clone(stored));
      return { item: clone(stored) };
    });
  }

  async update(collection: StoredCollection, items: readonly Item[]) {
    const table = this.table(collection.id);
    return items.map((item): ItemResult => {
      const id = item._id as string;
      const existing = table.items.get(id);
      if (!existing) return { error: errors.itemNotFound(collection.id, id) };
      const next: Item = { ...clone(item), _createdDate: existing._createdDate ?? (item._updatedDate as Value) };
      const clash = uniqueClash(next, table.indexes.values(), table.items);
      if (clash) return { error: clash };
      table.items.set(id, next);
      return { item: clone(next) };
    });
  }

  async remove(collection: StoredCollection, itemIds: readonly string[]) {
    const table = this.table(collection.id);
    return itemIds.map((id): ItemResult => {
      const existing = table.items.get(id);
      if (!existing) return { error: errors.itemNotFound(collection.id, id) };
      table.items.delete(id);
      this.dropPairsOf(collection.id, new Set([id]));
      return { item: existing };
    });
  }

  async truncate(collection: StoredCollection): Promise<void> {
    const table = this.table(collection.id);
    const ids = new Set(table.items.keys());
    table.items.clear();
    this.dropPairsOf(collection.id, ids);
  }

  async queryReferenced(collection: StoredCollection, spec: ReferencedSpec, options: { countTotal: boolean }) {
    const table = this.table(collection.id);
    const target = this.targetOf(spec.field);
    const from = new Set(spec.referringItemIds);
    const to = new Set(spec.referencedItemIds);
    let pairs = (table.refs.get(spec.field.key) ?? []).filter(
      (p) => (from.size === 0 || from.has(p.from)) && (to.size === 0 || to.has(p.to)),
    );
    if (spec.order === 'desc') pairs = [...pairs].reverse();
    const page = pairs.slice(spec.offset, spec.offset + spec.limit);
    const items = page.map((p): ReferencedItem => {
      const referenced = spec.includeReferencedItems ? target?.items.get(p.to) : undefined;
      return {
        referringItemId: p.from,
        referencedItemId: p.to,
        ...(referenced ? { referencedItem: clone(project(referenced, spec.projection)) } : {}),
      };
    });
    return options.countTotal ? { items, total: pairs.length } : { items };
  }

  async insertReferences(collection: StoredCollection, field: Field, references: readonly ReferencePair[]) {
    const table = this.table(collection.id);
    const target = this.targetOf(field);
    const pairs = table.refs.get(field.key) ?? [];
    table.refs.set(field.key, pairs);
    return references.map((ref): ReferenceResult => {
      if (!table.items.has(ref.referringItemId)) {
        return { error: errors.itemNotFound(collection.id, ref.referringItemId) };
      }
      if (!target?.items.has(ref.referencedItemId)) {
        return { error: errors.itemNotFound(target?.def.id ?? '?', ref.referencedItemId) };
      }
      if (pairs.some((p) => p.from === ref.referringItemId && p.to === ref.referencedItemId)) {
        return { error: errors.referenceAlreadyExists(field.key, ref.referringItemId, ref.referencedItemId) };
      }
      pairs.push({ from: ref.referringItemId, to: ref.referencedItemId, seq: ++this.seq });
      return { reference: { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId } };
    });
  }

  async removeReferences(collection: StoredCollection, field: Field, references: readonly ReferencePair[]) {
    const table = this.table(collection.id);
    const pairs = table.refs.get(field.key) ?? [];
    return references.map((ref): ReferenceResult => {
      const at = pairs.findIndex((p) => p.from === ref.referringItemId && p.to === ref.referencedItemId);
      if (at === -1) return { error: errors.referenceNotFound(field.key, ref.referringItemId, ref.referencedItemId) };
      pairs.splice(at, 1);
      return { reference: { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId } };
    });
  }

  async listIndexes(collection: StoredCollection): Promise<readonly IndexInfo[]> {
    const primary: IndexInfo = {
      name: '_id_',
      fields: [{ path: '_id', order: 'ASC' }],
      unique: true,
      caseInsensitive: false,
      status: 'ACTIVE',
    };
    return [primary, ...this.table(collection.id).indexes.values()];
  }

  async createIndex(collection: StoredCollection, index: IndexDefinition): Promise<IndexInfo> {
    const table = this.table(collection.id);
    if (table.indexes.has(index.name) || index.name === '_id_') {
      throw errors.violation('index.name', index.name, `an index named '${index.name}' already exists`);
    }
    const over = overIndexLimit(this.capabilities.indexOptions, table.indexes.values(), index.unique);
    if (over) throw errors.violation('index', index.name, over);
    const info: IndexInfo = { ...index, status: 'ACTIVE' };
    const duplicate = info.unique ? duplicateKey(info, table.items) : undefined;
    if (duplicate) {
      throw errors.badRequest(
        `The unique index '${index.name}' cannot be created: items '${duplicate[0]}' and '${duplicate[1]}' have the same value in its fields. Change or remove one of them first.`,
      );
    }
    table.indexes.set(index.name, info);
    return info;
  }

  async removeIndex(collection: StoredCollection, indexName: string): Promise<void> {
    if (!this.table(collection.id).indexes.delete(indexName)) {
      throw errors.violation('indexName', indexName, `no index named '${indexName}'`);
    }
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}

  private table(id: string): Table {
    const table = this.tables.get(id);
    if (!table) throw errors.collectionNotFound(id);
    return table;
  }

  private targetOf(field: Field): Table | undefined {
    const id = field.multiReferenceOptions?.referencedCollectionId;
    return id ? this.tables.get(id) : undefined;
  }

  /** Removing items removes the pairs they take part in, on both sides (docs/semantics.md §8). */
  private dropPairsOf(collectionId: string, ids: ReadonlySet<string>): void {
    for (const table of this.tables.values()) {
      for (const field of table.def.fields) {
        if (field.type !== 'MULTI_REFERENCE') continue;
        const pairs = table.refs.get(field.key);
        if (!pairs) continue;
        const fromHere = table.def.id === collectionId;
        const toHere = field.multiReferenceOptions?.referencedCollectionId === collectionId;
        const kept = pairs.filter((p) => !((fromHere && ids.has(p.from)) || (toHere && ids.has(p.to))));
        table.refs.set(field.key, kept);
      }
    }
  }
}

/**
 * Which declared limit (capabilities/get `indexOptions`, docs/protocol.md §6) one more index of this kind
 * would pass, as the refusal's message; undefined when none. The primary key on `_id` counts in none.
 */
function overIndexLimit(limits: IndexOptions, existing: Iterable<IndexInfo>, unique: boolean): string | undefined {
  const all = [...existing];
  const sameKind = all.filter((index) => index.unique === unique).length;
  if (unique && sameKind >= limits.maxNumberOfUniqueIndexesPerCollection) {
    return `at most ${limits.maxNumberOfUniqueIndexesPerCollection} unique indexes per collection`;
  }
  if (!unique && sameKind >= limits.maxNumberOfRegularIndexesPerCollection) {
    return `at most ${limits.maxNumberOfRegularIndexesPerCollection} regular (non-unique) indexes per collection`;
  }
  if (all.length >= limits.maxNumberOfIndexesPerCollection) {
    return `at most ${limits.maxNumberOfIndexesPerCollection} indexes per collection`;
  }
  return undefined;
}

function newTable(def: StoredCollection): Table {
  return { def: freezeDef(def), items: new Map(), refs: new Map(), indexes: new Map() };
}

/** Stored definitions are immutable snapshots (the core memoises per object). */
function freezeDef(def: StoredCollection): StoredCollection {
  return Object.freeze({ ...def, fields: Object.freeze(def.fields.map((f) => Object.freeze({ ...f }))) });
}
