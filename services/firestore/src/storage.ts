/**
 * The Storage contract (packages/core/src/storage.ts) over Firestore. This
 * file only wires the parts together and translates errors at the boundary;
 * reads live in executor.ts / paged-reads.ts / reads.ts, writes in
 * writes.ts, schema in schema.ts, pairs in
 * references.ts, indexes in indexes.ts.
 */
import {
  type AggregateSpec,
  type BackfillHint,
  type Collection,
  currentDeadline,
  type DistinctSpec,
  decodeItem,
  encodeValue,
  errors,
  type Field,
  type Filter,
  type IndexDefinition,
  type IndexInfo,
  type Item,
  type ItemResult,
  KeyedLock,
  type Logger,
  newSchemaToken,
  type QuerySpec,
  type ReferencedSpec,
  type ReferencePair,
  refuseRemovingUnseenFields,
  SpiError,
  type Storage,
  type StorageCapabilities,
  type StorageDiagnostics,
  type StoredCollection,
  SYSTEM_FIELDS,
  silentLogger,
} from '@adaptors/core';
import { FieldPath, FieldValue, type Firestore, type Precondition } from '@google-cloud/firestore';
import { firestoreCapabilities } from './capabilities.ts';
import { guarded } from './errors.ts';
import { runItemsQuery } from './executor.ts';
import { FORMAT_KEY, markerOf, pendingFields } from './format.ts';
import { IndexAdvisor } from './index-advisor.ts';
import { FirestoreIndexes, type IndexAdminApi } from './indexes.ts';
import type { ReadContext } from './paged-reads.ts';
import { documentId, textFields } from './proto-documents.ts';
import { aggregateItems, countItems, distinctValues } from './reads.ts';
import { FirestoreReferences } from './references.ts';
import type { DocumentReader } from './run-query.ts';
import {
  DeletionPending,
  definitionTextsOf,
  FirestoreSchema,
  type PendingDrop,
  pendingDropsOf,
  type ReadMetadataTexts,
  retypingOf,
} from './schema.ts';
import { StatsStore } from './stats.ts';
import { aggregateFromStats, distinctFromStats } from './stats-read.ts';
import { afterTruncate, dropStats, startGeneration, statsAfterDefinition } from './stats-state.ts';
import { statsHook } from './stats-write.ts';
import { runQueryRequest } from './structured-query.ts';
import { sweep, unfinished } from './sweep.ts';
import { CollectionChanged, writeGuard } from './write-guard.ts';
import {
  insertItems,
  newOperationToken,
  removeItems,
  truncateItems,
  updateItems,
  type WriteContext,
  type WriteResult,
} from './writes.ts';

const SYSTEM_KEYS: ReadonlySet<string> = new Set(SYSTEM_FIELDS.map((f) => f.key));

export interface FirestoreStorageOptions {
  readonly metadataCollection?: string;
  readonly referencesCollection?: string;
  readonly scanLimit?: number;
  readonly inferSample?: number;
  readonly schemaCacheSeconds?: number;
  /** READ_ONLY_SCHEMA: no collection create/update/delete (capabilities report it). */
  readonly readOnlySchema?: boolean;
  /** How often the schema version document is read (changes made through other instances): packages/core/SCALING.md. */
  readonly schemaCheckMs?: number;
  readonly writeConcurrency?: number;
  /** The Admin API seam for composite indexes (production only: the emulator has no index API). */
  readonly indexAdmin?: IndexAdminApi;
  /** `projects/{p}/databases/{d}`, needed with `indexAdmin`. */
  readonly databasePath?: string;
  /** Project and database named in `gcloud` hints for missing indexes (unset: gcloud's defaults). */
  readonly project?: string;
  readonly database?: string;
  /** How often a query answered by the scan (missing composite index) tries its index again. */
  readonly indexRecheckSeconds?: number;
  /** Warnings about missing composite indexes go here. */
  readonly logger?: Logger;
  /** Values of one field the group statistics keep per shard before giving up on it (stats.ts; tests lower it). */
  readonly statsMaxValues?: number;
  /** Metadata documents read ahead at start (schema.ts PREFETCH_LIMIT unless set; tests lower it). */
  readonly prefetchLimit?: number;
  /**
   * Document reads through the client's gapic runQuery (run-query.ts), below its
   * Query layer; unset: every read goes through the client's Query. Closed with the storage.
   */
  readonly documentReader?: DocumentReader;
}

/** The storage, and its read-ahead at start (open-storage.ts). */
export type FirestoreStorageHandle = Storage & { prefetch(): Promise<void> };

export function createFirestoreStorage(db: Firestore, options: FirestoreStorageOptions = {}): FirestoreStorageHandle {
  return new FirestoreStorage(db, options);
}

class FirestoreStorage implements Storage {
  readonly capabilities: StorageCapabilities;
  private readonly schema: FirestoreSchema;
  private readonly references: FirestoreReferences;
  private readonly scanLimit: number;
  private readonly concurrency: number;
  /** Updates and removes of one document from this instance, one at a time (writes.ts WriteContext). */
  private readonly documentLocks = new KeyedLock();
  private readonly indexes: FirestoreIndexes | undefined;
  private readonly advisor: IndexAdvisor;
  private readonly logger: Logger;
  private readonly reader: DocumentReader | undefined;
  /** Collections read by this instance that need a backfill, by id. */
  private readonly pending = new Map<string, BackfillHint>();
  /** Group statistics (stats.ts), under the metadata documents. */
  private readonly stats: StatsStore;

  constructor(
    private readonly db: Firestore,
    options: FirestoreStorageOptions,
  ) {
    const metadataCollection = options.metadataCollection ?? '_wix_collections';
    const referencesCollection = options.referencesCollection ?? '_wix_references';
    this.scanLimit = options.scanLimit ?? 20_000;
    this.reader = options.documentReader;
    this.concurrency = options.writeConcurrency ?? 32;
    this.schema = new FirestoreSchema(db, {
      metadataCollection,
      referencesCollection,
      inferSample: options.inferSample ?? 100,
      cacheMs: (options.schemaCacheSeconds ?? 5) * 1000,
      checkMs: options.schemaCheckMs ?? 200,
      ...(options.prefetchLimit === undefined ? {} : { prefetchLimit: options.prefetchLimit }),
    });
    this.stats = new StatsStore(db, metadataCollection, options.statsMaxValues);
    const schema = this.schema;
    this.indexes =
      options.indexAdmin && options.databasePath
        ? new FirestoreIndexes(
            options.indexAdmin,
            { read: (id) => schema.readIndexNames(id), write: (id, names) => schema.writeIndexNames(id, names) },
            options.databasePath,
          )
        : undefined;
    this.capabilities = firestoreCapabilities({
      supportsIndexes: this.indexes !== undefined,
      readOnlySchema: options.readOnlySchema ?? false,
    });
    this.logger = options.logger ?? silentLogger;
    const indexes = this.indexes;
    this.advisor = new IndexAdvisor({
      logger: options.logger ?? silentLogger,
      project: options.project ?? options.databasePath?.split('/')[1],
      database: options.database ?? options.databasePath?.split('/')[3],
      create: indexes ? (collectionId, fields) => indexes.createComposite(collectionId, fields) : undefined,
      recheckMs: (options.indexRecheckSeconds ?? 60) * 1000,
    });
    this.references = new FirestoreReferences(db, {
      collection: referencesCollection,
      scanLimit: this.scanLimit,
      concurrency: this.concurrency,
    });
  }

  private read(collection: StoredCollection): ReadContext {
    this.notePending(collection);
    return {
      ref: this.db.collection(collection.id),
      collection,
      scanLimit: this.scanLimit,
      advisor: this.advisor,
      reader: this.reader,
    };
  }

  /**
   * A strict collection whose documents lack part of the storage format
   * (README.md "Storage format"): answered through the bounded path, listed
   * for the status page, and logged once per collection and field set.
   */
  private notePending(collection: StoredCollection): void {
    if (collection.strict === false) return;
    const fields = pendingFields(collection, markerOf(collection));
    const known = this.pending.get(collection.id);
    if (fields.length === 0) {
      if (known) this.pending.delete(collection.id);
      return;
    }
    if (known && known.fields.join() === fields.join()) return;
    if (this.pending.size >= 1000 && !known) return;
    const hint: BackfillHint = {
      collectionId: collection.id,
      fields,
      command: `adaptors firestore backfill ${collection.id}`,
    };
    this.pending.set(collection.id, hint);
    this.logger.log(
      'WARNING',
      `Documents of '${collection.id}' predate the storage format for ${fields.join(', ')}: queries on them are answered by the bounded scan until \`${hint.command}\` runs`,
      { collectionId: collection.id, fields, command: hint.command },
    );
  }

  private write(collection: StoredCollection): WriteContext {
    return {
      db: this.db,
      ref: this.db.collection(collection.id),
      collectionId: collection.id,
      concurrency: this.concurrency,
      documentLocks: this.documentLocks,
      collection,
      // Statistics are kept for strict collections (written in the storage format) only.
      ...(collection.strict !== false ? { stats: statsHook(this.stats, collection.id) } : {}),
      guard: writeGuard(this.schema.metadataRef(collection.id), collection, definitionTextsOf(collection)),
    };
  }

  /**
   * Runs a write, then again for the items whose transaction found the collection's definition
   * changed since the call checked them (write-guard.ts): those are checked again against the
   * stored definition (`recheck`), as the core checked them against the one it had, so a value
   * of a field removed or retyped meanwhile is refused per item instead of stored. A collection
   * deleted meanwhile fails the call (COLLECTION_NOT_FOUND); what was written before the delete
   * goes with the collection.
   */
  private async checkedWrite<T>(
    collection: StoredCollection,
    inputs: readonly T[],
    run: (ctx: WriteContext, inputs: readonly T[]) => Promise<WriteResult[]>,
    recheck: (from: StoredCollection, to: StoredCollection, input: T) => T,
  ): Promise<ItemResult[]> {
    const results: ItemResult[] = new Array(inputs.length);
    let current = collection;
    let pending: { readonly input: T; readonly index: number }[] = [];
    const screen = (entries: readonly { readonly input: T; readonly index: number }[], from: StoredCollection) => {
      pending = [];
      for (const entry of entries) {
        try {
          pending.push({ index: entry.index, input: recheck(from, current, entry.input) });
        } catch (error) {
          if (!(error instanceof SpiError)) throw error;
          results[entry.index] = { error };
        }
      }
    };
    screen(
      inputs.map((input, index) => ({ input, index })),
      collection,
    );
    for (let round = 0; pending.length > 0; round++) {
      const out = await run(
        this.write(current),
        pending.map((p) => p.input),
      );
      const again: { readonly input: T; readonly index: number }[] = [];
      let gone = false;
      out.forEach((result, i) => {
        const entry = pending[i] as { readonly input: T; readonly index: number };
        if (result instanceof CollectionChanged) {
          if (result.gone) gone = true;
          else again.push(entry);
        } else {
          results[entry.index] = result;
        }
      });
      if (gone) throw errors.collectionNotFound(collection.id);
      if (again.length === 0) break;
      // Changed again and again while this call wrote: the caller tries later.
      if (round >= MAX_RECHECKS)
        throw errors.unavailable('Firestore', 'the collection kept changing while it was written');
      const fresh = await this.schema.get(collection.id, { fresh: true });
      if (!fresh) throw errors.collectionNotFound(collection.id);
      const from = current;
      current = fresh;
      screen(again, from);
    }
    return results;
  }

  // Schema

  listCollections() {
    return guarded(async () => {
      const all = await this.schema.list();
      for (const collection of all) this.notePending(collection);
      return all;
    });
  }

  getCollection(id: string) {
    return guarded(async () => {
      const collection = await this.schema.get(id);
      if (collection) {
        this.notePending(collection);
        return collection;
      }
      await this.finishPendingDeletion(id);
      return undefined;
    });
  }

  finishDelete(id: string) {
    return guarded(async () => (await this.schema.get(id)) === undefined && this.finishPendingDeletion(id), {
      collectionId: id,
    });
  }

  /**
   * A delete whose call ended (its deadline) before it finished: this call finishes it, whatever
   * the call (schema.get noted the mark). False when there is none, or when its call is still
   * within its deadline (that call is finishing it).
   */
  private async finishPendingDeletion(id: string): Promise<boolean> {
    const deletion = this.schema.pendingDeletion(id);
    if (!deletion || deletion.until > Date.now()) return false;
    await this.finishDeletion(id, deletion.token);
    return true;
  }

  refreshCollection(id: string, since?: number) {
    return guarded(() => this.schema.refresh(id, since));
  }

  createCollection(collection: Collection) {
    return guarded(
      async () => {
        const stored = await this.schema.create(collection).catch(async (error: unknown) => {
          // The id of a collection whose delete has not finished: finished first, then created.
          if (!(error instanceof DeletionPending)) throw error;
          await this.finishDeletion(collection.id, error.deletion.token);
          return this.schema.create(collection);
        });
        await statsAfterDefinition(this.stats, stored);
        return stored;
      },
      { collectionId: collection.id },
    );
  }

  updateCollection(collection: Collection) {
    return guarded(
      async () => {
        const known = await this.schema.get(collection.id); // what this instance served until now
        // Planned on the stored definition, not a cached one (save refuses to replace another change).
        const current = await this.schema.get(collection.id, { fresh: true });
        if (!current) throw errors.collectionNotFound(collection.id);
        refuseRemovingUnseenFields(collection, known, current);
        // Removals an earlier call left unfinished (at its deadline) end first: a field added back
        // then meets none of its old values, and the same call sent again finishes what it began.
        for (const drop of pendingDropsOf(current)) await this.sweepField(collection.id, drop);
        const before = new Map(current.fields.map((f) => [f.key, f]));
        const after = new Map(collection.fields.map((f) => [f.key, f]));
        const retyped = [...after].filter(([key, f]) => before.has(key) && before.get(key)?.type !== f.type);
        const holding = async () => {
          const problems: { fieldKey: string; message: string }[] = [];
          for (const [key, field] of retyped) {
            // Pushdown trusts declared types (planner.ts): never relabel stored values.
            if (await this.holdsValues(collection.id, key)) {
              problems.push({
                fieldKey: key,
                message: `cannot convert ${before.get(key)?.type} to ${field.type} while items hold values`,
              });
            }
          }
          if (problems.length > 0) throw errors.collectionChangeNotSupported(collection.id, problems);
        };
        await holding();
        let planned = current;
        // Writes to a collection without a definition are not checked against one (write-guard.ts).
        if (retyped.length > 0 && current.strict !== false) {
          // Between the check above and the new definition, a write checked against the old one
          // (another instance's cache) could still store a value of the old type. So first the
          // fields are marked as being retyped: that write (a definition write waits for every write
          // transaction that read it before, write-guard.ts) lands before the mark, and a write
          // after it with a value for them is refused; then they are checked again.
          const until = currentDeadline()?.expiresAt ?? Date.now() + RETYPE_MS;
          planned = await this.schema.save(current, current, {
            retyping: { fields: retyped.map(([key]) => key), until },
          });
          try {
            await holding();
            // Saved past its mark (the writers' clocks and schema.ts RETYPE_GRACE_MS): not at all.
            if (Date.now() >= until) throw errors.deadlineExceeded(currentDeadline()?.budgetMs ?? RETYPE_MS, 'write');
          } catch (error) {
            await this.schema.save(current, planned).catch(() => undefined);
            throw error;
          }
        }
        const removed = [...before.values()].filter((f) => !after.has(f.key) && !SYSTEM_KEYS.has(f.key));
        const drops: PendingDrop[] = removed.map((field) => ({ token: newSchemaToken(), field }));
        const stored = await this.schema.save({ ...current, ...collection }, planned, { dropping: drops });
        // Before the values go: the statistics stop answering for a removed or retyped field.
        await statsAfterDefinition(this.stats, stored);
        for (const drop of drops) await this.sweepField(collection.id, drop);
        await this.schema.endDrops(
          collection.id,
          drops.map((d) => d.token),
        );
        return stored;
      },
      { collectionId: collection.id },
    );
  }

  private async holdsValues(collectionId: string, key: string): Promise<boolean> {
    const holder = await this.db.collection(collectionId).where(new FieldPath(key), '!=', null).select().limit(1).get();
    return !holder.empty;
  }

  /**
   * A removed field's values go too (the storage format's nulls and shadows with them, format.ts),
   * so re-adding it, with another type or not, cannot meet stale values. The removal is recorded in
   * the metadata document (`dropping`) before the sweep, which stops at the call's deadline and is
   * finished by the next change of the collection; fenced by the removal's token (sweep.ts), a sweep
   * made moot by such a change (the field added back) writes nothing stored after it.
   */
  private async sweepField(collectionId: string, drop: PendingDrop): Promise<void> {
    const key = drop.field.key;
    if (drop.field.type === 'MULTI_REFERENCE') return this.references.dropField(collectionId, key);
    const path = new FieldPath(key);
    const shadows = ['lc', 'tri', 'long'].flatMap((part) => [
      new FieldPath(FORMAT_KEY, part, key),
      FieldValue.delete(),
    ]);
    let written = 0;
    for (const op of ['!=', '=='] as const) {
      const swept = await sweep(this.db, {
        query: this.db.collection(collectionId).where(path, op, null),
        fence: () => this.schema.dropPending(collectionId, drop.token),
        write: (writer, doc, precondition) =>
          writer.update(doc.ref, path, FieldValue.delete(), ...shadows, precondition as Precondition),
      });
      written += swept.written;
      if (swept.fenced) return;
      if (!swept.done) {
        this.logger.log(
          'WARNING',
          `Removing field '${key}' of '${collectionId}' stopped at the call's deadline with values left: the next collections/update of the collection deletes them first`,
          { collectionId, fieldKey: key, written },
        );
        throw unfinished(
          `Deleting the values of the removed field '${key}'`,
          'the field is removed from the collection, its remaining values are deleted by the next collections/update of it before anything else',
          written,
        );
      }
    }
  }

  deleteCollection(id: string) {
    return guarded(
      async () => {
        // First the mark (every call and write finds the collection gone from then on), then the sweep.
        const deletion = await this.schema.markDeleting(id, currentDeadline()?.expiresAt ?? Date.now());
        await this.finishDeletion(id, deletion.token);
      },
      { collectionId: id },
    );
  }

  /**
   * The rest of a delete once the collection is marked (schema.ts `markDeleting`): its documents,
   * reference pairs and statistics, then the metadata document. Fenced by the delete's token
   * (sweep.ts), so a delete finished by another call, or a collection created again since, is
   * left alone; at the deadline it stops, recorded by the mark, and the next call meeting the
   * collection (collections/delete or /create again, or any other) finishes it.
   */
  private async finishDeletion(id: string, token: string): Promise<void> {
    const fence = () => this.schema.isDeleting(id, token);
    const swept = await sweep(this.db, {
      query: this.db.collection(id),
      fence,
      write: (writer, doc, precondition) => writer.delete(doc.ref, precondition),
    });
    if (swept.fenced) return;
    if (!swept.done) {
      this.logger.log(
        'WARNING',
        `Deleting collection '${id}' stopped at the call's deadline with documents left: the next call naming it finishes the delete`,
        { collectionId: id, deleted: swept.written },
      );
      await this.schema.releaseDeletion(id, token).catch(() => undefined);
      throw unfinished(
        `Deleting collection '${id}'`,
        'the collection is gone for every call while its remaining documents wait to be deleted',
        swept.written,
      );
    }
    if (!(await fence())) return;
    await this.references.dropPairsOf(id, undefined);
    await dropStats(this.stats, id);
    await this.schema.endDeletion(id, token);
  }

  // Reads

  query(collection: StoredCollection, spec: QuerySpec) {
    return guarded(() => runItemsQuery(this.read(collection), spec), { collectionId: collection.id });
  }

  count(collection: StoredCollection, filter: Filter) {
    return guarded(() => countItems(this.read(collection), filter), { collectionId: collection.id });
  }

  aggregate(collection: StoredCollection, spec: AggregateSpec, options: { readonly countTotal: boolean }) {
    // Unfiltered, grouped by one field: the group statistics when they answer exactly (stats-read.ts).
    return guarded(
      async () =>
        (await aggregateFromStats(this.stats, collection, spec, options.countTotal)) ??
        aggregateItems(this.read(collection), spec, options.countTotal),
      { collectionId: collection.id },
    );
  }

  distinct(collection: StoredCollection, spec: DistinctSpec, options: { readonly countTotal: boolean }) {
    return guarded(
      async () =>
        (await distinctFromStats(this.stats, collection, spec, options.countTotal)) ??
        distinctValues(this.read(collection), spec, options.countTotal),
      { collectionId: collection.id },
    );
  }

  // Writes

  insert(collection: StoredCollection, items: readonly Item[], options: { readonly overwrite: boolean }) {
    // One token for every run of the call: a retried transaction finds its own documents (writes.ts).
    const op = newOperationToken();
    return guarded(
      () =>
        this.checkedWrite(collection, items, (ctx, some) => insertItems(ctx, some, options.overwrite, op), recheckItem),
      { collectionId: collection.id },
    );
  }

  update(collection: StoredCollection, items: readonly Item[]) {
    return guarded(() => this.checkedWrite(collection, items, updateItems, recheckItem), {
      collectionId: collection.id,
    });
  }

  remove(collection: StoredCollection, itemIds: readonly string[]) {
    return guarded(
      async () => {
        const results: readonly ItemResult[] = await this.checkedWrite(
          collection,
          itemIds,
          removeItems,
          (_from, _to, id) => id,
        );
        const removed = results.flatMap((r) => ('item' in r ? [r.item._id as string] : []));
        if (removed.length > 0) await this.references.dropPairsOf(collection.id, removed);
        return results;
      },
      { collectionId: collection.id },
    );
  }

  truncate(collection: StoredCollection) {
    return guarded(
      async () => {
        // Statistics: not answered while documents go, then a fresh generation (stats-state.ts).
        const strict = collection.strict !== false;
        if (strict) await startGeneration(this.stats, collection);
        const swept = await truncateItems(this.write(collection));
        if (!swept.done) {
          this.logger.log(
            'WARNING',
            `Truncating '${collection.id}' stopped at the call's deadline with documents left: the same call again deletes the rest`,
            { collectionId: collection.id, deleted: swept.written },
          );
          throw unfinished(
            `Truncating '${collection.id}'`,
            'the collection still holds the items not deleted yet',
            swept.written,
          );
        }
        await this.references.dropPairsOf(collection.id, undefined);
        if (strict) await afterTruncate(this.stats, collection);
      },
      { collectionId: collection.id },
    );
  }

  // References

  private async targetOf(field: Field): Promise<StoredCollection | undefined> {
    const id = field.multiReferenceOptions?.referencedCollectionId;
    return id ? this.schema.get(id) : undefined;
  }

  queryReferenced(collection: StoredCollection, spec: ReferencedSpec, options: { readonly countTotal: boolean }) {
    return guarded(
      async () => this.references.query(collection, spec, await this.targetOf(spec.field), options.countTotal),
      {
        collectionId: collection.id,
      },
    );
  }

  insertReferences(collection: StoredCollection, field: Field, references: readonly ReferencePair[]) {
    return guarded(async () => this.references.insert(collection, field, await this.targetOf(field), references), {
      collectionId: collection.id,
    });
  }

  removeReferences(collection: StoredCollection, field: Field, references: readonly ReferencePair[]) {
    return guarded(() => this.references.remove(collection, field, references), { collectionId: collection.id });
  }

  // Indexes

  listIndexes(collection: StoredCollection): Promise<readonly IndexInfo[]> {
    return guarded(() => this.requireIndexes().list(collection), { collectionId: collection.id });
  }

  createIndex(collection: StoredCollection, index: IndexDefinition): Promise<IndexInfo> {
    return guarded(() => this.requireIndexes().create(collection, index), { collectionId: collection.id });
  }

  removeIndex(collection: StoredCollection, indexName: string): Promise<void> {
    return guarded(() => this.requireIndexes().remove(collection, indexName), { collectionId: collection.id });
  }

  private requireIndexes(): FirestoreIndexes {
    if (!this.indexes) {
      throw errors.unsupported(
        'Managing indexes',
        'this deployment has no access to the Firestore Admin API (emulator, or FIRESTORE_MANAGE_INDEXES=false)',
      );
    }
    return this.indexes;
  }

  // Lifecycle

  /** Composite indexes production Firestore asked for (README.md "Indexes"), for a status page. */
  diagnostics(): StorageDiagnostics {
    return { indexHints: this.advisor.hints(), backfills: [...this.pending.values()] };
  }

  /**
   * At start (open-storage.ts): the schema version and the collections' definitions read ahead
   * in one query (FirestoreSchema.prefetch), so the first Wix call reads neither.
   */
  async prefetch(): Promise<void> {
    const reader = this.reader;
    // Through the gapic reader when there is one: the first read then builds only the gRPC client
    // every read goes through, not the client's own as well (that one is built on the first write).
    const read: ReadMetadataTexts | undefined = reader
      ? async (collectionId, limit) => {
          const request = runQueryRequest({ ...(await reader.database()), collectionId }, { filters: [], limit });
          const documents = await reader.runQuery(request);
          return documents.map((document) => ({ id: documentId(document.name), texts: textFields(document) }));
        }
      : undefined;
    await guarded(() => this.schema.prefetch(read));
  }

  async ready(): Promise<void> {
    // A cheap read, and the one every call needs first: the schema version (one small document),
    // unless the start's read ahead has just read it (schema.ts confirmVersion).
    await guarded(() => this.schema.confirmVersion());
  }

  async close(): Promise<void> {
    await Promise.all([this.db.terminate(), this.reader?.close()]);
  }
}

/** Runs of one write that found the definition changed, at most (storage.ts `checkedWrite`). */
const MAX_RECHECKS = 5;

/** How long a type change marks its fields when the call has no deadline (scripts). */
const RETYPE_MS = 30_000;

/**
 * An item the core checked against `from`, checked against `to` (write-guard.ts): its values back
 * to the wire form and through the core's codec again, so a field `to` lacks (in a strict
 * collection) or a value of another type is refused as the core refuses it; and no value for a
 * field being retyped (schema.ts `Retyping`).
 */
function recheckItem(from: StoredCollection, to: StoredCollection, item: Item): Item {
  const id = String(item._id);
  let checked = item;
  if (from !== to) {
    const wire: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) if (value !== undefined) wire[key] = encodeValue(value);
    checked = decodeItem(to, wire, `items.${id}`);
  }
  const violations = [...retypingOf(to)]
    .filter((key) => checked[key] !== undefined && checked[key] !== null)
    .map((key) => ({
      fieldPath: `items.${id}.${key}`,
      rejectedValue: key,
      message: `the type of ${key} is being changed (collections/update); send this item again once the change is done`,
    }));
  if (violations.length > 0) throw errors.validation(violations);
  return checked;
}
