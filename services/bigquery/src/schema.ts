/**
 * Collections ⇄ BigQuery tables (docs/protocol.md §5): the cached schema, and
 * create/update/delete through the tables API (insert, patch, delete) plus
 * `ALTER TABLE … DROP COLUMN`. Wix metadata lives in the descriptions
 * (metadata.ts). Tables the adaptor creates are clustered on `_id`
 * (reads and DML by `_id` scan only the blocks holding those ids).
 *
 * Cache: one catalog read (tables.list, no bytes billed) serves every request
 * until the schema version label of the dataset changes (any instance's change,
 * seen within SCHEMA_CHECK_MS: one datasets.get), a miss re-read, a change made
 * here, a "Not found: Table" from BigQuery, or the TTL (changes made by hand):
 * packages/core/SCALING.md. A table's definition (tables.get) is read when a call
 * first needs its collection, so the calls before an answer do not grow with the
 * dataset's table count; a reload reads ahead the tables this instance has served.
 */
import {
  type Collection,
  errors,
  type Field,
  fieldsChangedMeanwhile,
  type Logger,
  newSchemaToken,
  SpiError,
  type StoredCollection,
} from '@adaptors/core';
import { bigquery, describeColumnType, doubleOfDecimal, NumberColumns } from '@adaptors/googlesql';
import {
  CachedSchema,
  isInternalTable,
  isSystemKey,
  type LazyCollectionSnapshot,
  lazyCollectionSnapshot,
  REFERENCES_TABLE,
  referencesStatements,
} from '@adaptors/sql-storage';
import { isTableRefused, listTables, PARALLEL_GETS, readDataset, readTable, type TableMetadata } from './catalog.ts';
import type { BigQueryClient } from './client.ts';
import { type BigQueryCollection, buildCollection } from './collections.ts';
import { anyValue, badIds, dropColumns, REFERENCES_SCHEMA, valuesBeyondDouble } from './dml.ts';
import { errorShape, isDuplicate, isPermissionDenied, isRetryable, isTableNotFound, translateError } from './errors.ts';
import {
  encodeColumnDescription,
  encodeTableDescription,
  MAX_COLUMN_DESCRIPTION,
  MAX_TABLE_DESCRIPTION,
} from './metadata.ts';
import { checkCollectionId, type FieldProblem, keyProblems } from './names.ts';
import { restCall } from './rest.ts';
import { type RetryPolicy, withRetry } from './retry.ts';
import type { BigQueryRunner } from './runner.ts';
import { type ColumnShape, columnForField, sameShape } from './types.ts';

type Snapshot = LazyCollectionSnapshot<BigQueryCollection>;

interface SchemaField {
  name: string;
  type: string;
  mode: string;
  description?: string;
  defaultValueExpression?: string;
}

/**
 * The dataset label holding the schema version (a label, not a table: reading
 * it is one datasets.get, no query job, no bytes billed).
 */
export const SCHEMA_VERSION_LABEL = 'wix-adaptor-schema';

/** Up to this many tables, `warm` reads every definition at start (a few rounds of PARALLEL_GETS). */
export const WARM_TABLES = 48;

/**
 * A table a call asked for within this long is read ahead at each schema read; one asked for
 * less often pays one tables.get on its next call. Bounds the background reads of a site that
 * touched many collections once.
 */
export const READ_AHEAD_MS = 10 * 60_000;

/**
 * How long a statement's meeting with a missing column waits for the core's refresh
 * (`refresh`): the core asks at once, so this only bounds what a call that never asks leaves.
 */
const COLUMN_MISS_TTL_MS = 30_000;

/**
 * Distinct values of 16+ digits a collections/update making an INT64/NUMERIC column NUMBER checks
 * one by one (`numberProblem`); more are refused rather than left unchecked. Wix's reference
 * adaptor wrote doubles, so its NUMERIC columns hold hardly any.
 */
const NUMBER_CHECK_VALUES = 1000;

export class SchemaStore extends CachedSchema<BigQueryCollection, Snapshot> {
  private readonly bq: BigQueryClient;
  private readonly datasetId: string;
  private readonly executor: BigQueryRunner;
  private readonly retry: Partial<RetryPolicy> | undefined;
  private readonly numberColumns: NumberColumns;
  /** Tables whose collection a call asked for, and when last (not `list`): a reload reads the recent ones ahead. */
  private readonly used = new Map<string, number>();
  /** The errors of table reads BigQuery refused (readCollection): a listing leaves those tables out. */
  private readonly refused = new WeakSet<object>();
  /**
   * When statements met a column gone from their table (runner.ts `onMissingColumn`), not yet
   * answered by a `refresh`: one entry per failed call, so each is retried once by the core.
   */
  private readonly columnMisses: number[] = [];
  private readonly logger: Logger | undefined;
  private readonly ttlSeconds: number;
  /** The kinds of label-write failure already logged (each once per process: schemaChanged). */
  private readonly labelFailuresLogged = new Set<'permission' | 'other'>();

  constructor(options: {
    bq: BigQueryClient;
    datasetId: string;
    executor: BigQueryRunner;
    ttlMs: number;
    numberColumns?: NumberColumns;
    checkMs: number;
    retry?: Partial<RetryPolicy>;
    /** Where a failed schema-change label write is reported (once per kind): schemaChanged. */
    logger?: Logger;
  }) {
    super(options);
    this.logger = options.logger;
    this.ttlSeconds = Math.round(options.ttlMs / 1000);
    this.numberColumns = options.numberColumns ?? new NumberColumns();
    this.bq = options.bq;
    this.datasetId = options.datasetId;
    this.executor = options.executor;
    this.retry = options.retry;
  }

  protected async readVersion(): Promise<string | undefined> {
    try {
      // datasets.get through rest.ts: this read runs once per SCHEMA_CHECK_MS on the hot path.
      const metadata = await withRetry(() => readDataset(this.bq, this.datasetId), isRetryable, this.retry);
      const version = metadata.labels?.[SCHEMA_VERSION_LABEL];
      return typeof version === 'string' ? version : undefined;
    } catch (error) {
      throw translateError(error);
    }
  }

  /**
   * Tells every instance the schema changed (after the change is complete):
   * a new label value (datasets.patch merges labels: the owner's stay).
   * BigQuery allows about 5 dataset metadata updates per 10 s per dataset:
   * rate limits are retried; if the label still cannot be written, the change
   * stands and other instances learn it from a miss or the TTL. Writing the label
   * is datasets.patch, which needs bigquery.datasets.update on the dataset: not in
   * roles/bigquery.dataEditor (only dataOwner and admin have it), so infra/bigquery
   * grants it by a custom role. A failure is logged once (WARNING) with its fix.
   */
  async schemaChanged(): Promise<void> {
    this.invalidate();
    const version = newSchemaToken();
    try {
      await withRetry(
        async () =>
          (await this.bq.library())
            .dataset(this.datasetId)
            .setMetadata({ labels: { [SCHEMA_VERSION_LABEL]: version } }),
        isRetryable,
        this.retry,
      );
      this.changed(version);
    } catch (error) {
      this.invalidate();
      this.labelNotWritten(error);
    }
  }

  /** One WARNING per kind of failure: the change stands, only its propagation to other instances is slower. */
  private labelNotWritten(error: unknown): void {
    const kind = isPermissionDenied(error) ? 'permission' : 'other';
    if (!this.logger || this.labelFailuresLogged.has(kind)) return;
    this.labelFailuresLogged.add(kind);
    const consequence =
      `The collection change itself is done, but other instances of this service see it only when their schema cache expires ` +
      `(SCHEMA_CACHE_SECONDS, ${this.ttlSeconds} s) or a call meets a changed table, not at their next label check (SCHEMA_CHECK_MS).`;
    const message =
      kind === 'permission'
        ? `BigQuery refused to write the schema-change label '${SCHEMA_VERSION_LABEL}' on dataset '${this.datasetId}': ` +
          `the service account lacks the permission bigquery.datasets.update on it (roles/bigquery.dataEditor does not include it). ${consequence} ` +
          'Fix: grant bigquery.datasets.update on this dataset to the service account: infra/bigquery does so with a custom role ' +
          '(the gcloud lines of services/bigquery/DEPLOY.md step 2b do the same); roles/bigquery.dataOwner on the dataset also has it, with more. Logged once.'
        : `The schema-change label '${SCHEMA_VERSION_LABEL}' could not be written on dataset '${this.datasetId}' (${errorShape(error).message}). ${consequence} Logged once.`;
    this.logger.log('WARNING', message, { datasetId: this.datasetId, permission: 'bigquery.datasets.update' });
  }

  /**
   * A statement named a column its table no longer has (dropped by another instance a moment
   * ago, before this one's label check saw it): the call is answered with a VALIDATION_ERROR
   * (sql-storage `schemaChangedMeanwhile`, via errors.ts), and the core's refresh then has it run once more.
   */
  columnMissed(): void {
    this.columnMisses.push(Date.now());
    if (this.columnMisses.length > 1000) this.columnMisses.shift();
  }

  /**
   * The core's re-read before it retries a call refused with VALIDATION_ERROR (packages/core
   * src/adaptor/adaptor.ts, sql-storage schema-cache.ts). After a statement met a missing
   * column, the call ran on a definition older than the table: the catalog is read again (a
   * read that starts now, shared with other misses) and the answer is "changed", whatever this
   * instance's snapshot held meanwhile (its label check may have reloaded it already, so
   * comparing the two would say "unchanged" and the call would not be retried).
   */
  override async refresh(id: string, callBegan?: number): Promise<boolean> {
    const since = Date.now() - COLUMN_MISS_TTL_MS;
    while (this.columnMisses.length > 0 && (this.columnMisses[0] ?? 0) < since) this.columnMisses.shift();
    const missed = this.columnMisses.shift() !== undefined;
    const changed = await super.refresh(id, callBegan);
    return changed || missed;
  }

  protected hasTable(snapshot: Snapshot, name: string): boolean {
    return snapshot.names.has(name);
  }

  protected async load(): Promise<Snapshot> {
    let names: string[];
    try {
      // Reads only, so safe to repeat: the same backoff as statements (the client's own retry is off).
      names = await withRetry(() => listTables(this.bq, this.datasetId), isRetryable, this.retry);
    } catch (error) {
      throw translateError(error);
    }
    const snapshot = lazyCollectionSnapshot<BigQueryCollection, object>(
      {
        names,
        read: (name) => this.readCollection(name),
        parallel: PARALLEL_GETS,
        onUse: (name) => this.used.set(name, Date.now()),
        leaveOutOfListing: (error) => this.refused.has(error as object),
      },
      {},
    );
    // What this instance serves is read ahead, so a reload (TTL, a change) does not make those calls wait.
    const since = Date.now() - READ_AHEAD_MS;
    for (const [name, at] of this.used) if (at < since) this.used.delete(name);
    await snapshot.readAhead(this.used.keys());
    return snapshot;
  }

  /**
   * Reads the schema ahead of the first call (main.ts starts it while the server starts): the
   * listing, and every table's definition when the dataset has at most WARM_TABLES of them (a
   * dataset the adaptor's own collections fill); a larger one's tables are read as calls need them.
   */
  async warm(): Promise<void> {
    // The version label and the listing read at once (sql-storage schema-cache.ts `warm`): the
    // listing is not held back a round trip behind the label at every start.
    const snapshot = await this.warmSnapshot();
    if (snapshot.names.size <= WARM_TABLES) await snapshot.all();
  }

  /**
   * One table's collection (tables.get); undefined for a table gone since it was listed, or an
   * internal one. A call on a table BigQuery refuses to describe (a 4xx other than 404: no
   * permission on that table, a name some proxy cannot pass) meets the refusal, translated; a
   * listing of every collection leaves that table out instead (catalog.ts `isTableRefused`).
   */
  private async readCollection(name: string): Promise<BigQueryCollection | undefined> {
    if (isInternalTable(name)) return undefined;
    try {
      const table = await withRetry(() => readTable(this.bq, this.datasetId, name), isRetryable, this.retry);
      return table ? buildCollection(table, this.numberColumns) : undefined;
    } catch (error) {
      const translated = translateError(error, name);
      if (isTableRefused(error) && typeof translated === 'object' && translated !== null) this.refused.add(translated);
      throw translated;
    }
  }

  async create(collection: Collection): Promise<StoredCollection> {
    checkCollectionId(collection.id);
    const problems = keyProblems(collection.fields);
    const schema: SchemaField[] = [];
    for (const field of collection.fields) {
      const shape = columnForField(field.type);
      if (shape) schema.push(schemaField(field, shape, problems));
    }
    const description = tableDescription(collection, problems);
    if (problems.length > 0) throw errors.collectionChangeNotSupported(collection.id, problems);
    await this.referencesTable(collection.fields);
    try {
      // tables.insert as JSON text (rest.ts): a display name or description may hold `{{projectId}}`.
      await restCall(this.bq, {
        method: 'POST',
        uri: `/datasets/${encodeURIComponent(this.datasetId)}/tables`,
        json: {
          tableReference: {
            projectId: await this.bq.getProjectId(),
            datasetId: this.datasetId,
            tableId: collection.id,
          },
          schema: { fields: schema },
          description,
          // Clustering on _id: reads and DML by _id touch only the blocks that hold those ids.
          clustering: { fields: ['_id'] },
        },
      });
    } catch (error) {
      this.invalidate();
      if (isDuplicate(error)) throw errors.collectionAlreadyExists(collection.id);
      throw this.changeError(collection.id, error);
    }
    await this.schemaChanged();
    return this.reloaded(collection.id);
  }

  /**
   * Two instances changing one collection at once must not silently undo each other
   * (packages/core/SCALING.md): each update sends the full field list, so one planned from a
   * table another instance has just changed would drop the column that change added (ALTER
   * TABLE … DROP COLUMN) and still answer 200. Refused instead, naming the field, with a
   * message to read the collection again:
   * - a column this update would remove that this instance's definition (its cached one, at
   *   most SCHEMA_CHECK_MS old while it serves) did not have: another change added it a moment
   *   ago, and the caller, who did not list it, cannot have meant to remove it;
   * - the table's columns changed between this plan's read and its writes (read again just
   *   before them). A patch dropping a column is refused by BigQuery itself.
   */
  async update(collection: Collection): Promise<StoredCollection> {
    const known = await this.byId(collection.id); // what this instance served until now
    this.invalidate(); // decide on the current schema, not a cached one
    const current = await this.byId(collection.id);
    if (!current) throw errors.collectionNotFound(collection.id);
    if (current.stored.readOnly) await this.checkIds(current);
    const problems = keyProblems(collection.fields);
    const drops: string[] = [];
    const removedReferenceFields: string[] = [];
    const wanted = new Map(collection.fields.map((f) => [f.key, f]));
    const columns = current.physical.columns;

    for (const field of collection.fields) {
      const column = columns.get(field.key);
      const before = current.fields.get(field.key);
      const shape = columnForField(field.type);
      const now = current.writeColumns.find((w) => w.key === field.key)?.shape;
      if (!column) continue; // added by the patch below
      if (shape && now && before?.type === field.type) continue; // metadata only
      if (shape && now && sameShape(now, shape)) {
        // Only the declared type changes (TEXT → DATE: both STRING), in the column's description:
        // the stored values are not converted nor checked, so the change waits until no item holds
        // one, as on every engine (packages/testkit/src/memory/memory-storage.ts `updateCollection`).
        if (await this.holdsValues(current, field.key)) {
          problems.push({
            fieldKey: field.key,
            message: `cannot convert ${before?.type ?? describeColumnType(now.type)} to ${field.type} in BigQuery while items hold values; clear the field first or add a new field`,
          });
        }
        continue;
      }
      // An INT64/NUMERIC column holding values keeps its type under TEXT (its exact decimal text) and
      // under NUMBER once every stored value is exactly a double (`numberProblem`): nothing to convert,
      // nothing rounded (googlesql exact-numbers.ts). Wix's reference adaptor kept Wix numbers in
      // NUMERIC columns, so a migrated site saves them as NUMBER (docs/migrating.md §2.3).
      if (
        (field.type === 'NUMBER' || field.type === 'TEXT') &&
        (now?.type === 'INT64' || now?.type === 'NUMERIC') &&
        (await this.holdsValues(current, field.key))
      ) {
        const problem = field.type === 'NUMBER' ? await this.numberProblem(current, field.key, now.type) : undefined;
        if (problem) problems.push({ fieldKey: field.key, message: problem });
        continue;
      }
      // Another column type (or a field becoming MULTI_REFERENCE): BigQuery cannot convert FLOAT64 to STRING
      // in place, so the column is replaced — only when no item holds a value.
      if (isSystemKey(field.key)) {
        problems.push({ fieldKey: field.key, message: `system field ${field.key} cannot change its type` });
      } else if (await this.holdsValues(current, field.key)) {
        const from = before?.type ?? (column.type ? describeColumnType(column.type) : column.schemaType);
        problems.push({
          fieldKey: field.key,
          message: `cannot convert ${from} to ${field.type} in BigQuery while items hold values; clear the field first or add a new field`,
        });
      } else drops.push(field.key);
    }
    for (const [key, field] of current.fields) {
      if (wanted.has(key)) continue;
      if (field.type === 'MULTI_REFERENCE') removedReferenceFields.push(key);
      else if (columns.has(key)) {
        if (isSystemKey(key)) problems.push({ fieldKey: key, message: `system field ${key} cannot be removed` });
        else drops.push(key);
      }
    }
    const kept = [...columns.values()].filter((c) => !drops.includes(c.name));
    const schema: SchemaField[] = kept.map((c) => {
      const field = wanted.get(c.name);
      // tables.patch replaces the schema: a column's default not sent back would be dropped.
      const base: SchemaField = {
        name: c.name,
        type: c.schemaType,
        mode: c.mode,
        ...(c.defaultValueExpression !== undefined ? { defaultValueExpression: c.defaultValueExpression } : {}),
      };
      if (field) {
        const description = encodeColumnDescription(field);
        if (description.length > MAX_COLUMN_DESCRIPTION) problems.push(tooLong(field));
        base.description = description;
      } else if (c.description !== undefined) base.description = c.description;
      return base;
    });
    const present = new Set(kept.map((c) => c.name));
    for (const field of collection.fields) {
      const shape = columnForField(field.type);
      if (shape && !present.has(field.key)) schema.push(schemaField(field, shape, problems, false));
    }
    const description = tableDescription(collection, problems);
    if (problems.length > 0) throw errors.collectionChangeNotSupported(collection.id, problems);
    const addedMeanwhile = drops.filter((key) => !wanted.has(key) && known && !known.physical.columns.has(key));
    if (addedMeanwhile.length > 0) throw fieldsChangedMeanwhile(collection.id, addedMeanwhile, 'added');
    await this.referencesTable(collection.fields);
    await this.unchangedSince(current);
    try {
      if (drops.length > 0)
        await this.executor.runRaw({ sql: dropColumns(collection.id, drops), params: {}, types: {} });
      // tables.patch as JSON text (rest.ts), like tables.insert in create().
      await restCall(this.bq, {
        method: 'PATCH',
        uri: `/datasets/${encodeURIComponent(this.datasetId)}/tables/${encodeURIComponent(collection.id)}`,
        json: { schema: { fields: schema }, description },
      });
    } catch (error) {
      // A dropped column may have gone before the patch failed: the others must re-read too.
      if (drops.length > 0) await this.schemaChanged();
      this.invalidate();
      throw this.changeError(collection.id, error);
    }
    await this.schemaChanged();
    for (const key of removedReferenceFields)
      await this.executor.execute(referencesStatements(bigquery).deleteOfField(collection.id, key));
    return this.reloaded(collection.id);
  }

  async delete(id: string): Promise<void> {
    const current = await this.byId(id);
    if (!current) throw errors.collectionNotFound(id);
    try {
      await (await this.bq.library()).dataset(this.datasetId).table(id).delete();
    } catch (error) {
      this.invalidate();
      if (isTableNotFound(error)) throw errors.collectionNotFound(id);
      throw this.changeError(id, error);
    }
    await this.schemaChanged();
    if (await this.hasReferencesTable())
      await this.executor.execute(referencesStatements(bigquery).deleteOfCollection(id));
  }

  /**
   * Before collections/update makes an owner's table writable (it adds the missing system
   * columns; core read-write-rule.ts): every row must have an `_id`, and no two the same one.
   * BigQuery has no unique keys, and writes go by `_id`: an update would change every row that
   * holds its id, and a row without one could never be reached. One query; refused otherwise.
   */
  private async checkIds(current: BigQueryCollection): Promise<void> {
    if (!current.physical.columns.has('_id')) return;
    const { rows } = await this.executor.run(badIds(current.stored.id), current.stored.id);
    if (rows.length === 0) return;
    const found = rows.map((row) => {
      const n = Number(row.get('n'));
      const id = row.get('id');
      return id === null || id === undefined
        ? `${n} row${n === 1 ? ' has' : 's have'} no _id`
        : `_id '${String(id)}' is held by ${n} rows`;
    });
    throw errors.collectionChangeNotSupported(current.stored.id, [
      {
        fieldKey: '_id',
        message: `_id must hold a unique text id for every existing row, and ${found.join(', ')}${rows.length === 3 ? ' (and maybe more)' : ''}: give those rows unique ids in BigQuery, then save the collection's fields again`,
      },
    ]);
  }

  /** The table's columns as `planned` read them, just before an update writes (else refused). */
  private async unchangedSince(planned: BigQueryCollection): Promise<void> {
    let table: Awaited<ReturnType<typeof readTable>>;
    try {
      table = await withRetry(() => readTable(this.bq, this.datasetId, planned.stored.id), isRetryable, this.retry);
    } catch (error) {
      throw translateError(error, planned.stored.id);
    }
    if (!table) throw errors.collectionNotFound(planned.stored.id);
    const shape = (c: { schemaType: string; mode: string }) => `${c.schemaType} ${c.mode}`;
    const before = planned.physical.columns;
    const changed = [
      ...[...table.columns.values()].filter((c) => before.get(c.name) === undefined),
      ...[...before.values()].filter((c) => {
        const now = table.columns.get(c.name);
        return now === undefined || shape(now) !== shape(c);
      }),
    ].map((c) => c.name);
    if (changed.length > 0) throw fieldsChangedMeanwhile(planned.stored.id, [...new Set(changed)], 'changed');
  }

  /**
   * Why an INT64/NUMERIC column cannot be a NUMBER field, or undefined when every stored value is
   * exactly a double (its decimal text is the double's shortest text: googlesql exact-numbers.ts
   * `doubleOfDecimal`, the rule every read of the field applies). One query reads the few values a
   * double may not hold (dml.ts `valuesBeyondDouble`); each is checked here. The message names
   * no value (answers carry no data).
   */
  private async numberProblem(
    current: BigQueryCollection,
    column: string,
    type: 'INT64' | 'NUMERIC',
  ): Promise<string | undefined> {
    const statement = valuesBeyondDouble(current.stored.id, column, type, NUMBER_CHECK_VALUES + 1);
    const { rows } = await this.executor.run(statement, current.stored.id);
    const texts = rows.map((row) => String(row.get('v')));
    const inexact = texts.filter((text) => {
      try {
        doubleOfDecimal(column, text);
        return false;
      } catch {
        return true;
      }
    });
    const keep = 'keep the field TEXT (its exact decimal text), or change those values in BigQuery';
    if (inexact.length > 0) {
      return `cannot change ${type} to NUMBER: some items hold values a Wix number (a double) cannot hold exactly (such as whole numbers past 2^53 or decimals of 16 or more digits), and the adaptor never rounds; ${keep}`;
    }
    if (texts.length > NUMBER_CHECK_VALUES) {
      return `cannot change ${type} to NUMBER: more than ${NUMBER_CHECK_VALUES} distinct values of 16 or more digits would each need a check; ${keep}, or list the column in NUMBER_COLUMNS (a value no double holds is then answered as an error naming the field, never rounded)`;
    }
    return undefined;
  }

  private async holdsValues(current: BigQueryCollection, column: string): Promise<boolean> {
    const { rows } = await this.executor.run(anyValue(current.stored.id, column), current.stored.id);
    return rows.length > 0;
  }

  private async reloaded(id: string): Promise<StoredCollection> {
    this.invalidate();
    const stored = await this.get(id);
    if (!stored) throw errors.collectionNotFound(id);
    return stored;
  }

  /** Creates the references table the first time a MULTI_REFERENCE field needs it. */
  private async referencesTable(fields: readonly Field[]): Promise<void> {
    if (!fields.some((f) => f.type === 'MULTI_REFERENCE') || (await this.hasReferencesTable())) return;
    try {
      await (await this.bq.library()).dataset(this.datasetId).createTable(REFERENCES_TABLE, {
        schema: { fields: REFERENCES_SCHEMA.map((f) => ({ ...f })) },
        description: 'MULTI_REFERENCE pairs of the Wix adaptor (one row per pair); do not edit.',
        clustering: { fields: ['collection_id', 'field_key', 'referring_id'] },
      } as TableMetadata);
    } catch (error) {
      if (!isDuplicate(error)) throw translateError(error);
    } finally {
      this.invalidate();
    }
  }

  /** Unreachable / not permitted / gone stay what they are; any other refusal is the change itself. */
  private changeError(collectionId: string, error: unknown): unknown {
    const translated = translateError(error, collectionId);
    if (translated instanceof SpiError) return translated;
    return errors.collectionChangeNotSupported(collectionId, [
      { fieldKey: '', message: `BigQuery refused the change: ${errorShape(error).message}` },
    ]);
  }
}

function schemaField(field: Field, shape: ColumnShape, problems: FieldProblem[], allowRequired = true): SchemaField {
  const description = encodeColumnDescription(field);
  if (description.length > MAX_COLUMN_DESCRIPTION) problems.push(tooLong(field));
  const type = typeof shape.type === 'object' ? shape.type.array : shape.type;
  // REQUIRED only at creation: BigQuery cannot add a REQUIRED column to an existing table.
  const mode =
    typeof shape.type === 'object' ? 'REPEATED' : field.key === '_id' && allowRequired ? 'REQUIRED' : 'NULLABLE';
  return { name: field.key, type, mode, description };
}

function tableDescription(collection: Collection, problems: FieldProblem[]): string {
  const description = encodeTableDescription(collection);
  if (description.length > MAX_TABLE_DESCRIPTION) {
    problems.push({
      fieldKey: '',
      message: `the collection's metadata needs ${description.length} characters; BigQuery table descriptions hold ${MAX_TABLE_DESCRIPTION}`,
    });
  }
  return description;
}

function tooLong(field: Field): FieldProblem {
  return {
    fieldKey: field.key,
    message: `the field's description and options exceed BigQuery's ${MAX_COLUMN_DESCRIPTION}-character column description; shorten them`,
  };
}
