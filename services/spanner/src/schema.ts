/**
 * Collections ⇄ Spanner tables (docs/protocol.md §5): the cached schema, and
 * create/update/delete through DDL (`updateSchema`, a long-running operation)
 * plus the metadata table that keeps what columns cannot say.
 *
 * Cache: one catalog read (4 INFORMATION_SCHEMA queries) serves every
 * request until the schema version row changes (any instance's change, seen
 * within SCHEMA_CHECK_MS), a miss re-read, a change made here, a "Table not
 * found" from Spanner, or the TTL (changes made by hand):
 * packages/core/SCALING.md.
 */
import {
  type Collection,
  currentDeadline,
  errors,
  type Field,
  fieldRef,
  GRPC,
  newSchemaToken,
  refuseRemovingUnseenFields,
  SpiError,
  type StoredCollection,
} from '@adaptors/core';
import { defaultColumnType, describeColumnType, NumberColumns, spanner } from '@adaptors/googlesql';
import {
  CachedSchema,
  type CollectionSnapshot,
  collectionSnapshot,
  isSystemKey,
  referencesStatements,
  type SqlReader,
} from '@adaptors/sql-storage';
import { type Database, Spanner, type Transaction } from '@google-cloud/spanner';
import { type Catalog, type CollectionMeta, readCatalog } from './catalog.ts';
import { readWrite } from './client-guards.ts';
import { buildCollections, fieldColumn, type SpannerCollection } from './collections.ts';
import {
  addColumnDdl,
  createTableDdl,
  dropColumnDdl,
  dropIndexDdl,
  dropTableDdl,
  loweredColumnName,
  METADATA_TABLE,
  metadataTableDdl,
  type NewColumn,
  REFERENCES_TABLE,
  referencesTableDdl,
  SCHEMA_VERSION_ROW,
} from './ddl.ts';
import { callOptions, STREAM_RETRY_OFF, streamOptions } from './deadline.ts';
import { grpcCode, isTableNotFound, missingColumn, spannerMessage, translateError } from './errors.ts';
import { checkDefinition, type FieldProblem } from './names.ts';
import type { SpannerRunner } from './runner.ts';
import { sameColumnType } from './types.ts';

interface Snapshot extends CollectionSnapshot<SpannerCollection> {
  readonly catalog: Catalog;
}

/**
 * How long a statement's meeting with a missing column waits for the core's refresh of its
 * collection (`refresh`): the core asks at once, so this only bounds what a call that never
 * asks (a schema change's own query) leaves behind.
 */
const COLUMN_MISS_TTL_MS = 30_000;

/** Spanner's refusal of a schema change begun while another one, or a read-write transaction, is under way. */
const CONCURRENT_SCHEMA_CHANGE = /concurrent schema change operation/i;
/** Attempts after the first (100, 200, 400, 800 ms apart), within the call's deadline. */
const DDL_RETRIES = 4;
/** Kept of the deadline for the DDL itself after a wait. */
const DDL_RETRY_RESERVE_MS = 1000;

export class SchemaStore extends CachedSchema<SpannerCollection, Snapshot> {
  private readonly database: Database;
  private readonly runner: SpannerRunner;
  private readonly reader: SqlReader;

  private readonly numberColumns: NumberColumns;
  /**
   * Statements that met a column gone from their table (errors.ts `missingColumn`), by
   * collection id, not yet answered by a `refresh`: one entry per failed call, so each is
   * retried once by the core.
   */
  private readonly columnMisses: { readonly id: string | undefined; readonly at: number }[] = [];

  constructor(
    database: Database,
    runner: SpannerRunner,
    reader: SqlReader,
    cache: { readonly ttlMs: number; readonly checkMs: number },
    numberColumns = new NumberColumns(),
  ) {
    super(cache);
    this.database = database;
    this.runner = runner;
    this.reader = reader;
    this.numberColumns = numberColumns;
  }

  /** The schema version row (one single-row strong read); none before the metadata table exists. */
  protected async readVersion(): Promise<string | undefined> {
    try {
      const [rows] = await this.database
        .table(METADATA_TABLE)
        .read({ keys: [SCHEMA_VERSION_ROW], columns: ['definition'], json: true, gaxOptions: STREAM_RETRY_OFF });
      const definition = (rows[0] as { definition?: { version?: unknown } } | undefined)?.definition;
      return typeof definition?.version === 'string' ? definition.version : undefined;
    } catch (error) {
      if (grpcCode(error) === GRPC.NOT_FOUND) return undefined; // no metadata table yet
      throw translateError(error);
    }
  }

  /** The version row as a mutation: written with every metadata change, so both commit together. */
  private versionRow(version: string) {
    return {
      collection_id: SCHEMA_VERSION_ROW,
      definition: JSON.stringify({ version }),
      updated_at: Spanner.COMMIT_TIMESTAMP,
    };
  }

  /**
   * Tells every instance the schema changed (after the change is complete).
   * Without a metadata table (nothing was ever created through the adaptor)
   * there is no row to bump: other instances then learn it from a miss, a
   * "Table not found" or the TTL.
   */
  async schemaChanged(): Promise<void> {
    const version = newSchemaToken();
    try {
      await this.database.table(METADATA_TABLE).upsert([this.versionRow(version)]);
      this.changed(version);
    } catch (error) {
      this.invalidate();
      if (grpcCode(error) !== GRPC.NOT_FOUND) throw translateError(error);
    }
  }

  /**
   * Every statement error passes here before it is translated (runner.ts, writes.ts). A table
   * Spanner says is gone: the cached schema is dropped. A column it says is gone (dropped by
   * another instance a moment ago, before this one's version check saw it): the call is answered
   * with a VALIDATION_ERROR (sql-storage `schemaChangedMeanwhile`, via errors.ts) and noted here, so the core's
   * refresh of the collection re-reads the catalog and has the call run once more.
   */
  noticeStale(error: unknown, collectionId: string | undefined): void {
    if (isTableNotFound(error)) this.invalidate();
    else if (missingColumn(error) !== undefined) {
      this.columnMisses.push({ id: collectionId, at: Date.now() });
      if (this.columnMisses.length > 1000) this.columnMisses.shift();
    }
  }

  /**
   * The core's re-read before it retries a call refused with VALIDATION_ERROR (packages/core
   * src/adaptor/adaptor.ts, sql-storage schema-cache.ts). After a statement met a missing
   * column, the call ran on a definition older than the database: the catalog is read again
   * (a read that starts now, shared with other misses) and the answer is "changed", whatever
   * this instance's snapshot held meanwhile (its version check may have reloaded it already,
   * so comparing the two would say "unchanged" and the call would not be retried).
   */
  override async refresh(id: string, callBegan?: number): Promise<boolean> {
    const since = Date.now() - COLUMN_MISS_TTL_MS;
    while (this.columnMisses.length > 0 && (this.columnMisses[0]?.at ?? 0) < since) this.columnMisses.shift();
    // This collection's miss; else another's (a call also reads referenced collections).
    let miss = this.columnMisses.findIndex((m) => m.id === id);
    if (miss < 0 && this.columnMisses.length > 0) miss = 0;
    if (miss >= 0) this.columnMisses.splice(miss, 1);
    const changed = await super.refresh(id, callBegan);
    return changed || miss >= 0;
  }

  protected hasTable(snapshot: Snapshot, name: string): boolean {
    return snapshot.catalog.tables.has(name);
  }

  protected async load(): Promise<Snapshot> {
    let catalog: Catalog;
    try {
      catalog = await readCatalog(this.database);
    } catch (error) {
      throw translateError(error);
    }
    return collectionSnapshot(buildCollections(catalog, this.numberColumns), { catalog });
  }

  async create(collection: Collection): Promise<StoredCollection> {
    checkDefinition(collection);
    await this.checkNameFree(collection.id);
    const columns: NewColumn[] = [];
    for (const field of collection.fields) {
      const type = defaultColumnType(field.type);
      if (type) columns.push({ name: field.key, type, ...(field.key === '_id' ? { notNull: true } : {}) });
    }
    const statements = [...(await this.systemTables(collection.fields)), createTableDdl(collection.id, columns)];
    const taken = errors.collectionAlreadyExists(collection.id);
    try {
      await this.ddl(collection.id, statements, (error) =>
        /Duplicate name/i.test(spannerMessage(error)) ? taken : undefined,
      );
    } catch (error) {
      // Made meanwhile by another instance: the cause, read afresh (another case, an index), else the same id.
      if (error === taken) await this.checkNameFree(collection.id);
      throw error;
    }
    await this.writeMetadata(collection);
    return this.reloaded(collection.id);
  }

  /**
   * The new definition and schema version are written first, then the DDL runs, then the version
   * is replaced again when the DDL changed the tables. Other instances so learn of a removed field
   * at their next version check after the first write, while its column may still be there,
   * instead of only after the whole DDL (seconds on Spanner) during which their statements naming
   * it would fail (packages/core/SCALING.md); a statement that still meets the column gone is
   * refreshed and retried (`noticeStale`). Added columns are listed once they exist: a definition
   * whose column does not exist yet lists no field for it (collections.ts).
   */
  /**
   * Spanner's table names ignore case and share one namespace with indexes (an index the adaptor
   * makes is `<collection>__<name>`: indexes.ts). A new collection whose id only another object
   * holds is refused with that cause, before the DDL's bare "Duplicate name in schema" would
   * answer COLLECTION_ALREADY_EXISTS for a collection collections/get does not list.
   */
  private async checkNameFree(id: string): Promise<void> {
    const { catalog } = await this.snapshot();
    const lower = id.toLowerCase();
    const table = [...catalog.tables.keys()].find((name) => name !== id && name.toLowerCase() === lower);
    if (table) {
      throw new SpiError(
        'COLLECTION_ALREADY_EXISTS',
        `A collection named '${table}' already exists, and Spanner table names ignore case, so '${id}' cannot be created beside it. Choose another id, or change '${table}' with collections/update.`,
        { collectionId: table },
      );
    }
    for (const physical of catalog.tables.values()) {
      const index = physical.indexes.find((i) => !i.primary && i.name.toLowerCase() === lower);
      if (!index) continue;
      const prefix = `${physical.name}__`;
      const named = index.name.startsWith(prefix)
        ? `the index '${index.name.slice(prefix.length)}' of the collection '${physical.name}'`
        : `the index '${index.name}' of the table '${physical.name}'`;
      throw errors.violation(
        'collection.id',
        id,
        `collection id is the name of ${named} (Spanner gives tables and indexes one namespace); choose another id, or remove that index first`,
      );
    }
  }

  async update(collection: Collection): Promise<StoredCollection> {
    checkDefinition(collection);
    const known = await this.byId(collection.id); // what this instance served until now
    this.invalidate(); // decide on the current schema, not a cached one
    const current = await this.byId(collection.id);
    if (!current) throw errors.collectionNotFound(collection.id);
    refuseRemovingUnseenFields(collection, known?.stored, current.stored);
    // The definition this plan starts from: the metadata write below refuses to replace another one.
    const planned = (await this.snapshot()).catalog.metadata.get(collection.id) ?? null;
    const plan = await this.planUpdate(current, collection);
    if (plan.problems.length > 0) throw errors.collectionChangeNotSupported(collection.id, plan.problems);
    // The metadata table (on an owner's table changed for the first time) before anything is written to it.
    await this.ddl(collection.id, await this.systemTables(collection.fields));
    const written = await this.writeMetadata(collection, { planned });
    try {
      await this.ddl(collection.id, plan.statements);
    } catch (error) {
      await this.restoreMetadata(collection.id, written, planned);
      throw error;
    }
    for (const key of plan.removedReferenceFields)
      await this.runner.execute(referencesStatements(spanner).deleteOfField(collection.id, key));
    if (plan.statements.length > 0) await this.schemaChanged(); // the tables as the DDL left them
    return this.reloaded(collection.id);
  }

  async delete(id: string): Promise<void> {
    const current = await this.byId(id);
    if (!current) throw errors.collectionNotFound(id);
    // Spanner drops a table only after its secondary indexes.
    const drops = current.physical.indexes.filter((i) => !i.primary).map((i) => dropIndexDdl(i.name));
    await this.ddl(id, [...drops, dropTableDdl(id)]);
    const snapshot = await this.snapshot();
    if (snapshot.catalog.metadata.has(id)) {
      await this.database.table(METADATA_TABLE).deleteRows([id], { gaxOptions: callOptions() });
    }
    if (snapshot.catalog.tables.has(REFERENCES_TABLE))
      await this.runner.execute(referencesStatements(spanner).deleteOfCollection(id));
    await this.schemaChanged();
  }

  /** Runs DDL and waits for it; a refusal becomes COLLECTION_CHANGE_NOT_SUPPORTED with Spanner's reason. */
  async ddl(collectionId: string, statements: readonly string[], special?: (error: unknown) => unknown): Promise<void> {
    if (statements.length === 0) return;
    try {
      await this.updateSchema(statements);
    } catch (error) {
      const mapped = special?.(error);
      if (mapped) throw mapped;
      if (grpcCode(error) === undefined) throw error;
      // Unreachable / not permitted / gone stay what they are; any other refusal is the change itself.
      const translated = translateError(error, collectionId);
      if (translated instanceof SpiError && ['SERVICE_UNAVAILABLE', 'COLLECTION_NOT_FOUND'].includes(translated.code)) {
        throw translated;
      }
      throw errors.collectionChangeNotSupported(collectionId, [{ fieldKey: '', message: spannerMessage(error) }]);
    } finally {
      this.invalidate();
    }
  }

  /**
   * Runs DDL and waits for it. A refusal before it began (nothing applied) because another schema
   * change or a read-write transaction was under way — another instance's change of the same
   * database, or this instance's own metadata write (the emulator refuses DDL beside any read-write
   * transaction) — is sent again a few times while the call's deadline allows.
   */
  private async updateSchema(statements: readonly string[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const [operation] = await this.database.updateSchema([...statements], callOptions());
        await operation.promise();
        return;
      } catch (error) {
        const delayMs = 100 * 2 ** attempt;
        const deadline = currentDeadline();
        const room = deadline ? deadline.expiresAt - Date.now() > delayMs + DDL_RETRY_RESERVE_MS : true;
        const concurrent = CONCURRENT_SCHEMA_CHANGE.test(error instanceof Error ? error.message : String(error));
        if (attempt >= DDL_RETRIES || !room || !concurrent) throw error;
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async reloaded(id: string): Promise<StoredCollection> {
    this.invalidate();
    const stored = await this.get(id);
    if (!stored) throw errors.collectionNotFound(id);
    return stored;
  }

  /** Creates the metadata table (and the references table when a MULTI_REFERENCE field needs it) once. */
  private async systemTables(fields: readonly Field[]): Promise<string[]> {
    const tables = (await this.snapshot()).catalog.tables;
    const out: string[] = [];
    if (!tables.has(METADATA_TABLE)) out.push(metadataTableDdl());
    if (fields.some((f) => f.type === 'MULTI_REFERENCE') && !tables.has(REFERENCES_TABLE)) {
      out.push(...referencesTableDdl());
    }
    return out;
  }

  /**
   * Writes the collection's definition with a new schema version, and returns it. With
   * `planned`, only if the stored definition is still the one the change was planned from:
   * of two instances changing one collection at once, the second to get here is refused with
   * a clear error, before its DDL runs, instead of silently replacing the first one's
   * definition (packages/core/SCALING.md).
   */
  private async writeMetadata(collection: Collection, check?: { readonly planned: unknown }): Promise<CollectionMeta> {
    const meta: CollectionMeta = {
      ...(collection.displayName != null ? { displayName: collection.displayName } : {}),
      fields: collection.fields.map(({ capabilities: _derived, ...field }) => field),
      ...(collection.permissions ? { permissions: collection.permissions } : {}),
    };
    const version = newSchemaToken();
    const rows = [
      { collection_id: collection.id, definition: JSON.stringify(meta), updated_at: Spanner.COMMIT_TIMESTAMP },
      this.versionRow(version),
    ];
    let conflict = false;
    try {
      if (!check) await this.database.table(METADATA_TABLE).upsert(rows);
      else {
        await readWrite(this.database, async (tx) => {
          const stored = await storedDefinition(tx, collection.id);
          conflict = canonical(stored) !== canonical(check.planned);
          if (conflict) return; // rolled back by readWrite (client-guards.ts): no DDL may meet it open
          tx.upsert(METADATA_TABLE, rows);
          await tx.commit();
        });
      }
    } catch (error) {
      throw translateError(error, collection.id);
    } finally {
      this.invalidate();
    }
    if (conflict) {
      throw errors.collectionChangeNotSupported(collection.id, [
        {
          fieldKey: '',
          message:
            'another instance changed this collection at the same time and its definition was kept; read the collection again and repeat your change',
        },
      ]);
    }
    this.changed(version);
    return meta;
  }

  /**
   * After the DDL of an update failed: the definition it replaced goes back (none: the row is
   * removed), with a new version, unless another change has replaced `written` meanwhile.
   * Best effort: the DDL's own error is what the caller is answered.
   */
  private async restoreMetadata(id: string, written: CollectionMeta, planned: unknown): Promise<void> {
    try {
      await readWrite(this.database, async (tx) => {
        if (canonical(await storedDefinition(tx, id)) !== canonical(written)) return; // rolled back by readWrite
        if (planned === null) tx.deleteRows(METADATA_TABLE, [id]);
        else
          tx.upsert(METADATA_TABLE, [
            { collection_id: id, definition: JSON.stringify(planned), updated_at: Spanner.COMMIT_TIMESTAMP },
          ]);
        tx.upsert(METADATA_TABLE, [this.versionRow(newSchemaToken())]);
        await tx.commit();
      });
    } catch {
      // The version check and the TTL still bring every instance to the database's state.
    } finally {
      this.invalidate();
    }
  }

  /**
   * The DDL for a full desired field list (docs/protocol.md §5.3). A type change is
   * refused per field while an item holds a value for it (one query per changed field).
   * Otherwise one that keeps the column type (TEXT → IMAGE) only changes metadata, and
   * another one (NUMBER → TEXT) drops and re-adds the column — Spanner cannot convert
   * FLOAT64 to STRING in place.
   */
  private async planUpdate(current: SpannerCollection, desired: Collection) {
    const problems: FieldProblem[] = [];
    const statements: string[] = [];
    const removedReferenceFields: string[] = [];
    const table = current.physical;
    const wanted = new Map(desired.fields.map((f) => [f.key, f]));
    const indexedBy = (column: string) =>
      table.indexes.find((i) => !i.primary && i.keys.some((k) => k.column === column))?.name;
    // A field's column: `x_<name>` for `_<name>` in a table of the reference adaptor (collections.ts).
    const columnOf = (key: string) => fieldColumn(table, key);
    const dropColumn = async (key: string, why: string): Promise<boolean> => {
      if (isSystemKey(key)) {
        problems.push({ fieldKey: key, message: `system field ${key} cannot be ${why}` });
        return false;
      }
      const name = columnOf(key);
      // A case-insensitive index on the column keys its LOWER column (indexes.ts).
      const index = indexedBy(name) ?? indexedBy(loweredColumnName(name));
      if (index) {
        problems.push({
          fieldKey: key,
          message: `remove the index '${index}' first: Spanner cannot drop an indexed column`,
        });
        return false;
      }
      // A LOWER column left without index still depends on the column: it goes first.
      if (table.columns.has(loweredColumnName(name)))
        statements.push(dropColumnDdl(table.name, loweredColumnName(name)));
      statements.push(dropColumnDdl(table.name, name));
      return true;
    };

    for (const field of desired.fields) {
      const column = table.columns.get(columnOf(field.key));
      const before = current.fields.get(field.key);
      const type = defaultColumnType(field.type);
      if (!type) {
        // MULTI_REFERENCE: pairs live in the references table; a former column goes away if empty.
        if (column && (await this.guardValues(current, field, before, problems)))
          await dropColumn(field.key, 'replaced');
        continue;
      }
      if (!column) {
        statements.push(addColumnDdl(table.name, { name: columnOf(field.key), type }));
        continue;
      }
      if (before?.type === field.type) continue;
      if (column.type && sameColumnType(column.type, type)) {
        // Only the declared type changes (TEXT → DATE: both STRING): the stored values are not
        // converted nor checked, so the change waits until no item holds one, as on every engine
        // (packages/testkit/src/memory/memory-storage.ts `updateCollection`).
        await this.guardValues(current, field, before, problems);
        continue;
      }
      if (!(await this.guardValues(current, field, before, problems))) continue;
      if (await dropColumn(field.key, `changed to ${field.type}`))
        statements.push(addColumnDdl(table.name, { name: columnOf(field.key), type }));
    }
    for (const [key, field] of current.fields) {
      if (wanted.has(key)) continue;
      if (field.type === 'MULTI_REFERENCE') removedReferenceFields.push(key);
      else if (table.columns.has(columnOf(key)) && !isSystemKey(key)) await dropColumn(key, 'removed');
    }
    return { problems, statements, removedReferenceFields };
  }

  /** True when the column holds no value (so it can be replaced); otherwise records the problem. */
  private async guardValues(
    current: SpannerCollection,
    field: Field,
    before: Field | undefined,
    problems: FieldProblem[],
  ): Promise<boolean> {
    const column = current.physical.columns.get(fieldColumn(current.physical, field.key));
    const ref = fieldRef(field.key, before?.type);
    const [row] = await this.reader.query(current, {
      filter: { kind: 'exists', field: ref, exists: true },
      sort: [],
      projection: ['_id'],
      offset: 0,
      limit: 1,
      after: undefined,
    });
    if (!row) return true;
    const from = before?.type ?? (column?.type ? describeColumnType(column.type) : (column?.spannerType ?? '?'));
    problems.push({
      fieldKey: field.key,
      message: `cannot convert ${from} to ${field.type} in Spanner while items hold values; clear the field first or add a new field`,
    });
    return false;
  }
}

/** A collection's stored definition (null when it has no metadata row), read in `tx`. */
async function storedDefinition(tx: Transaction, id: string): Promise<unknown> {
  const [found] = await tx.read(METADATA_TABLE, {
    keys: [id],
    columns: ['definition'],
    json: true,
    gaxOptions: streamOptions(),
  });
  return (found[0] as { definition?: unknown } | undefined)?.definition ?? null;
}

/** JSON text with object keys sorted: Spanner's JSON column keeps its own key order, not the writer's. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
