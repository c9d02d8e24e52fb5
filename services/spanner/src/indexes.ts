/**
 * Indexes (docs/protocol.md §7) as Spanner secondary indexes. Spanner index names are
 * per database while Wix names are per collection, so an index the adaptor
 * creates is named `<table>__<name>` and listed back as `<name>`; indexes
 * made outside the adaptor are listed under their own names. The primary key
 * is listed as `PRIMARY_KEY` (§7.1: the `_id` index is always included).
 *
 * A case-insensitive index keys its text fields on a stored generated column
 * `wix_adaptor_lower__<field>` = LOWER(<field>) (ddl.ts), added with the
 * index and dropped with the last index using it; listed and removed as one
 * index. Case-insensitive filters ($contains, $startsWith, $endsWith …) read
 * that column (googlesql ColumnInfo.lowered), so Spanner can use the index.
 */
import { errors, GRPC, type IndexDefinition, type IndexInfo, type IndexStatus } from '@adaptors/core';
import type { Database } from '@google-cloud/spanner';
import type { PhysicalIndex } from './catalog.ts';
import { columnField, type SpannerCollection } from './collections.ts';
import {
  addLoweredColumnDdl,
  createIndexDdl,
  dropColumnDdl,
  dropIndexDdl,
  loweredColumnName,
  loweredSource,
} from './ddl.ts';
import { callOptions } from './deadline.ts';
import { grpcCode, spannerMessage, translateError, withoutItemData } from './errors.ts';
import type { SchemaStore } from './schema.ts';

/** An adaptor limit (Spanner allows more), so one collection cannot exhaust the database's index quota. */
export const MAX_INDEXES_PER_COLLECTION = 20;
/** docs/protocol.md §7.2: answer BUILDING when the index is not ready after about a second. */
const WAIT_FOR_INDEX_MS = 1000;

export class Indexes {
  private readonly database: Database;
  private readonly schema: SchemaStore;

  constructor(database: Database, schema: SchemaStore) {
    this.database = database;
    this.schema = schema;
  }

  async list(c: SpannerCollection): Promise<IndexInfo[]> {
    this.schema.invalidate(); // INDEX_STATE moves on while an index builds
    const fresh = (await this.schema.byId(c.stored.id)) ?? c;
    return fresh.physical.indexes.map((index) => describe(fresh, index));
  }

  async create(c: SpannerCollection, index: IndexDefinition): Promise<IndexInfo> {
    // The primary key is listed under this name (describe below): a second index of the same
    // name could not be told from it, nor removed by it.
    if (index.name === 'PRIMARY_KEY') {
      throw errors.violation(
        'index.name',
        index.name,
        "'PRIMARY_KEY' names the primary key on _id; choose another name",
      );
    }
    const physicalName = `${c.stored.id}__${index.name}`;
    const added: string[] = [];
    const columns = index.fields.map((f, i) => {
      if (f.path.includes('.'))
        throw errors.unsupported(`Indexing the nested path '${f.path}'`, 'Spanner indexes whole columns');
      const column = c.table.columns.get(f.path);
      if (!column || typeof column.type === 'object' || column.type === 'JSON') {
        throw errors.violation(
          `index.fields[${i}].path`,
          f.path,
          `'${f.path}' cannot be indexed: Spanner indexes only plain columns (not JSON, arrays or MULTI_REFERENCE fields)`,
        );
      }
      if (!index.caseInsensitive || column.type !== 'STRING') return { name: column.name, order: f.order };
      // Case-insensitive: index LOWER(column), kept in a stored generated column (one per column, shared).
      if (!c.physical.columns.has(loweredColumnName(column.name))) added.push(column.name);
      return { name: loweredColumnName(column.name), order: f.order };
    });
    if (index.caseInsensitive && !columns.some((col) => loweredSource(col.name) !== undefined)) {
      throw errors.violation(
        'index.caseInsensitive',
        true,
        'a case-insensitive index needs at least one text field (other types have no case)',
      );
    }
    // Spanner gives tables and indexes one namespace, ignoring case: a table of that name is another collection.
    const table = (await this.schema.snapshot()).catalog.tables.keys();
    const clash = [...table].find((name) => name.toLowerCase() === physicalName.toLowerCase());
    if (clash) {
      throw errors.violation(
        'index.name',
        index.name,
        `the index would be named '${physicalName}' in Spanner, which is the name of the table '${clash}' (Spanner gives tables and indexes one namespace); choose another index name`,
      );
    }
    const secondary = c.physical.indexes.filter((i) => !i.primary);
    if (secondary.some((i) => i.name === physicalName || i.name === index.name)) {
      throw errors.violation('index.name', index.name, `an index named '${index.name}' already exists`);
    }
    if (secondary.length >= MAX_INDEXES_PER_COLLECTION) {
      throw errors.violation('index', index.name, `at most ${MAX_INDEXES_PER_COLLECTION} indexes per collection`);
    }
    const ddl: string[] = [];
    for (const column of added) {
      try {
        ddl.push(addLoweredColumnDdl(c.stored.id, column));
      } catch {
        throw errors.violation(
          'index.fields',
          column,
          `'${column}' is too long a name for a case-insensitive index (its LOWER column would pass Spanner's name limit)`,
        );
      }
    }
    try {
      ddl.push(createIndexDdl(physicalName, c.stored.id, columns, index.unique));
    } catch {
      throw errors.violation(
        'index.name',
        index.name,
        'index names are letters, digits and underscores, and with the collection id at most 126 characters',
      );
    }
    const outcome = await this.startDdl(c, ddl, index);
    return { ...index, status: outcome };
  }

  /** Drops the index, and the LOWER(col) columns only it used (README.md "Indexes"). */
  async remove(c: SpannerCollection, name: string): Promise<void> {
    const found = c.physical.indexes.find(
      (i) => !i.primary && (i.name === `${c.stored.id}__${name}` || i.name === name),
    );
    if (!found) throw errors.violation('indexName', name, `no index named '${name}'`);
    const stillUsed = new Set(
      c.physical.indexes.filter((i) => i !== found).flatMap((i) => i.keys.map((k) => k.column)),
    );
    const lowered = found.keys.map((k) => k.column).filter((col) => loweredSource(col) && !stillUsed.has(col));
    try {
      const [operation] = await this.database.updateSchema(
        [dropIndexDdl(found.name), ...lowered.map((col) => dropColumnDdl(c.stored.id, col))],
        callOptions(),
      );
      await operation.promise();
    } catch (error) {
      // Removed meanwhile (by another instance, whose change this one's cached schema did not
      // show yet): the same answer as for a name the fresh schema lacks.
      if (grpcCode(error) === GRPC.NOT_FOUND && /Index not found/i.test(spannerMessage(error))) {
        throw errors.violation('indexName', name, `no index named '${name}'`);
      }
      throw translateError(error, c.stored.id);
    } finally {
      this.schema.invalidate();
    }
  }

  /** Starts the DDL; ACTIVE if it finishes within a second, BUILDING otherwise (the build goes on). */
  private async startDdl(c: SpannerCollection, ddl: readonly string[], index: IndexDefinition): Promise<IndexStatus> {
    try {
      const [operation] = await this.database.updateSchema([...ddl], callOptions());
      const done = operation.promise().then(
        () => ({ ok: true as const }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      void done.finally(() => this.schema.invalidate());
      const outcome = await Promise.race([
        done,
        new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), WAIT_FOR_INDEX_MS).unref()),
      ]);
      if (outcome === 'pending') return 'BUILDING';
      if (!outcome.ok) throw outcome.error;
      return 'ACTIVE';
    } catch (error) {
      // Items already sharing a key (Spanner: "Found uniqueness violation on index …, duplicate key:
      // {…}"): said without the key, which is a site's data.
      if (index.unique && /uniqueness violation|UNIQUE violation|duplicate key/i.test(spannerMessage(error))) {
        throw errors.violation(
          'index.unique',
          true,
          `items already share a value of ${index.fields.map((f) => `'${f.path}'`).join(', ')}, so the index '${index.name}' cannot be unique; make those values unique (or clear them), then create the index again`,
        );
      }
      const translated = translateError(error, c.stored.id);
      if (translated !== error) throw translated;
      throw errors.violation(
        'index',
        c.stored.id,
        `Spanner refused the index: ${withoutItemData(spannerMessage(error))}`,
      );
    } finally {
      this.schema.invalidate();
    }
  }
}

function describe(c: SpannerCollection, index: PhysicalIndex): IndexInfo {
  const prefix = `${c.stored.id}__`;
  // A key on a LOWER(col) column is the field col, compared case-insensitively.
  const caseInsensitive = index.keys.some((k) => loweredSource(k.column) !== undefined);
  return {
    name: index.primary ? 'PRIMARY_KEY' : index.name.startsWith(prefix) ? index.name.slice(prefix.length) : index.name,
    fields: index.keys.map((k) => ({
      path: columnField(c.physical, loweredSource(k.column) ?? k.column),
      order: k.order,
    })),
    unique: index.primary || index.unique,
    caseInsensitive,
    status: statusOf(index),
  };
}

/** INFORMATION_SCHEMA.INDEXES.INDEX_STATE: PREPARE, WRITE_ONLY (backfilling), READ_WRITE (usable); null for the primary key. */
function statusOf(index: PhysicalIndex): IndexStatus {
  if (index.primary || index.state === 'READ_WRITE') return 'ACTIVE';
  return 'BUILDING';
}
