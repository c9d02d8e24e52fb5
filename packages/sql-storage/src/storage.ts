/**
 * The one SQL storage (packages/core/src/storage.ts) over an engine's seam
 * (engine.ts): every contract method is written once here. Reads are
 * compiled by the engine's compiler and run by its runner; writes,
 * references and schema changes go to the engine; readiness is the engine's
 * ping under the core's readiness deadline.
 */
import type {
  AggregateSpec,
  Collection,
  DistinctSpec,
  Field,
  Filter,
  IndexDefinition,
  Item,
  QuerySpec,
  ReferencedSpec,
  ReferencePair,
  Storage,
  StorageCapabilities,
  StoredCollection,
} from '@adaptors/core';
import type { IndexManager, SqlCollection, SqlEngine } from './engine.ts';
import { SqlReader } from './reads.ts';
import { itemsById, itemsByIdQuery, queryReferenced, referencesStatements } from './references.ts';

export function createSqlStorage<C extends SqlCollection>(engine: SqlEngine<C>): Storage {
  // Index endpoints exist only where the engine manages indexes (core storage.ts: absent = not supported).
  return engine.indexes ? new IndexedSqlStorage(engine, engine.indexes) : new SqlStorage(engine);
}

class SqlStorage<C extends SqlCollection> implements Storage {
  readonly capabilities: StorageCapabilities;
  private readonly engine: SqlEngine<C>;
  private readonly reader: SqlReader;
  private closed = false;

  constructor(engine: SqlEngine<C>) {
    this.engine = engine;
    this.capabilities = engine.capabilities;
    this.reader = new SqlReader(engine.compiler, engine.runner);
  }

  listCollections() {
    return this.engine.schema.list();
  }

  getCollection(id: string) {
    return this.engine.schema.get(id);
  }

  refreshCollection(id: string, since?: number) {
    return this.engine.schema.refresh(id, since);
  }

  createCollection(collection: Collection) {
    return this.engine.schema.create(collection);
  }

  updateCollection(collection: Collection) {
    return this.engine.schema.update(collection);
  }

  deleteCollection(id: string) {
    return this.engine.schema.delete(id);
  }

  async query(collection: StoredCollection, spec: QuerySpec) {
    return this.reader.query(await this.resolve(collection), spec);
  }

  async count(collection: StoredCollection, filter: Filter) {
    return this.reader.count(await this.resolve(collection), filter);
  }

  async aggregate(collection: StoredCollection, spec: AggregateSpec, options: { readonly countTotal: boolean }) {
    return this.reader.aggregate(await this.resolve(collection), spec, options);
  }

  async distinct(collection: StoredCollection, spec: DistinctSpec, options: { readonly countTotal: boolean }) {
    return this.reader.distinct(await this.resolve(collection), spec, options);
  }

  async insert(collection: StoredCollection, items: readonly Item[], options: { readonly overwrite: boolean }) {
    return this.engine.writer.insert(await this.resolve(collection), items, options.overwrite);
  }

  async update(collection: StoredCollection, items: readonly Item[]) {
    return this.engine.writer.update(await this.resolve(collection), items);
  }

  async remove(collection: StoredCollection, itemIds: readonly string[]) {
    return this.engine.writer.remove(await this.resolve(collection), itemIds);
  }

  async truncate(collection: StoredCollection) {
    return this.engine.writer.truncate(await this.resolve(collection));
  }

  /** A page of pairs from the references table, with the referenced items read like any item read. */
  async queryReferenced(collection: StoredCollection, spec: ReferencedSpec, options: { readonly countTotal: boolean }) {
    const c = await this.resolve(collection);
    const dml = referencesStatements(this.engine.compiler);
    const { runner } = this.engine;
    return queryReferenced(c.stored.id, spec, options, {
      pairs: async (query) =>
        (await runner.rows(dml.selectPairs(query), c.stored.id)).map((row) => ({
          referringItemId: String(row.get('a')),
          referencedItemId: String(row.get('b')),
        })),
      count: async (query) => {
        const n = (await runner.rows(dml.countPairs(query), c.stored.id))[0]?.get('n');
        return typeof n === 'number' ? n : 0;
      },
      referencedItems: async (referenced, ids) => {
        const target = await this.target(referenced.field);
        return target
          ? itemsById(await this.reader.query(target, itemsByIdQuery(ids, referenced.projection)))
          : new Map<string, Item>();
      },
    });
  }

  async insertReferences(collection: StoredCollection, field: Field, references: readonly ReferencePair[]) {
    const c = await this.resolve(collection);
    return this.engine.references.insert(c, field, references, await this.target(field));
  }

  async removeReferences(collection: StoredCollection, field: Field, references: readonly ReferencePair[]) {
    return this.engine.references.remove(await this.resolve(collection), field, references);
  }

  async ready(): Promise<void> {
    try {
      await this.engine.ping();
    } catch (error) {
      // The database may change while it is out of reach (restored, recreated):
      // read the schema afresh once it answers again.
      this.engine.schema.invalidate();
      throw this.engine.errors.translate(error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.engine.close();
  }

  protected resolve(collection: StoredCollection): Promise<C> {
    return this.engine.schema.resolve(collection);
  }

  private target(field: Field): Promise<C | undefined> {
    const id = field.multiReferenceOptions?.referencedCollectionId;
    return id ? this.engine.schema.byId(id) : Promise.resolve(undefined);
  }
}

class IndexedSqlStorage<C extends SqlCollection> extends SqlStorage<C> {
  private readonly indexes: IndexManager<C>;

  constructor(engine: SqlEngine<C>, indexes: IndexManager<C>) {
    super(engine);
    this.indexes = indexes;
  }

  async listIndexes(collection: StoredCollection) {
    return this.indexes.list(await this.resolve(collection));
  }

  async createIndex(collection: StoredCollection, index: IndexDefinition) {
    return this.indexes.create(await this.resolve(collection), index);
  }

  async removeIndex(collection: StoredCollection, indexName: string) {
    return this.indexes.remove(await this.resolve(collection), indexName);
  }
}
