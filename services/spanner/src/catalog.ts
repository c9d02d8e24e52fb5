/**
 * Reads the database's physical schema from INFORMATION_SCHEMA (tables,
 * views, columns, primary keys, secondary indexes) and the adaptor's metadata
 * rows. Fixed catalog queries: no identifier and no value in their text.
 */
import type { Collection } from '@adaptors/core';
import type { ColumnType } from '@adaptors/googlesql';
import type { Database } from '@google-cloud/spanner';
import { METADATA_TABLE, q, SCHEMA_VERSION_ROW } from './ddl.ts';
import { streamOptions } from './deadline.ts';
import { parseSpannerType } from './types.ts';

export interface PhysicalColumn {
  readonly name: string;
  /** undefined: a type the adaptor does not expose (FLOAT32, PROTO, TOKENLIST …). */
  readonly type: ColumnType | undefined;
  readonly spannerType: string;
  readonly nullable: boolean;
  /** A generated column (`AS (expr)`): Spanner computes it and refuses a value for it (collections.ts). */
  readonly generated: boolean;
  /** Spanner fills it when an insert leaves it out: a DEFAULT expression, or an identity column. */
  readonly hasDefault: boolean;
}

export interface PhysicalIndex {
  readonly name: string;
  readonly primary: boolean;
  readonly unique: boolean;
  /** INDEX_STATE: null for the primary key, READ_WRITE when built. */
  readonly state: string | null;
  readonly keys: readonly { readonly column: string; readonly order: 'ASC' | 'DESC' }[];
  /** Key and STORING columns: what a row write costs in this index (mutation budget). */
  readonly columnCount: number;
}

export interface PhysicalTable {
  readonly name: string;
  readonly view: boolean;
  readonly columns: ReadonlyMap<string, PhysicalColumn>;
  readonly primaryKey: readonly string[];
  readonly indexes: readonly PhysicalIndex[];
}

/** What the metadata table keeps for a collection (ddl.ts `metadataTableDdl`). */
export type CollectionMeta = Omit<Collection, 'id' | 'capabilities' | 'pagingMode'>;

export interface Catalog {
  readonly tables: ReadonlyMap<string, PhysicalTable>;
  /** Collection id → definition kept in the metadata table. */
  readonly metadata: ReadonlyMap<string, CollectionMeta>;
}

const TABLES_SQL =
  "SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '' ORDER BY TABLE_NAME";
const COLUMNS_SQL =
  'SELECT TABLE_NAME, COLUMN_NAME, SPANNER_TYPE, IS_NULLABLE, IS_GENERATED, COLUMN_DEFAULT, IS_IDENTITY ' +
  'FROM INFORMATION_SCHEMA.COLUMNS ' +
  "WHERE TABLE_SCHEMA = '' ORDER BY TABLE_NAME, ORDINAL_POSITION";
const INDEXES_SQL =
  'SELECT TABLE_NAME, INDEX_NAME, INDEX_TYPE, IS_UNIQUE, INDEX_STATE FROM INFORMATION_SCHEMA.INDEXES ' +
  "WHERE TABLE_SCHEMA = '' ORDER BY TABLE_NAME, INDEX_NAME";
const INDEX_COLUMNS_SQL =
  'SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_ORDERING FROM INFORMATION_SCHEMA.INDEX_COLUMNS ' +
  "WHERE TABLE_SCHEMA = '' ORDER BY TABLE_NAME, INDEX_NAME, ORDINAL_POSITION";
const METADATA_SQL = `SELECT ${q('collection_id')}, ${q('definition')} FROM ${q(METADATA_TABLE)}`;

type CatalogRow = Record<string, unknown>;

async function rows(database: Database, sql: string): Promise<CatalogRow[]> {
  const [result] = await database.run({ sql, json: true, gaxOptions: streamOptions() });
  return result as CatalogRow[];
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export async function readCatalog(database: Database): Promise<Catalog> {
  const [tableRows, columnRows, indexRows, indexColumnRows] = await Promise.all([
    rows(database, TABLES_SQL),
    rows(database, COLUMNS_SQL),
    rows(database, INDEXES_SQL),
    rows(database, INDEX_COLUMNS_SQL),
  ]);
  const columns = new Map<string, Map<string, PhysicalColumn>>();
  for (const row of columnRows) {
    const table = text(row.TABLE_NAME);
    const spannerType = text(row.SPANNER_TYPE);
    const byName = columns.get(table) ?? new Map<string, PhysicalColumn>();
    columns.set(table, byName);
    byName.set(text(row.COLUMN_NAME), {
      name: text(row.COLUMN_NAME),
      type: parseSpannerType(spannerType),
      spannerType,
      nullable: row.IS_NULLABLE === 'YES',
      generated: row.IS_GENERATED === 'ALWAYS',
      hasDefault: (row.COLUMN_DEFAULT !== null && row.COLUMN_DEFAULT !== undefined) || row.IS_IDENTITY === 'YES',
    });
  }
  const indexColumns = new Map<string, { keys: PhysicalIndex['keys'][number][]; count: number }>();
  for (const row of indexColumnRows) {
    const id = `${text(row.TABLE_NAME)}\u0000${text(row.INDEX_NAME)}`;
    const entry = indexColumns.get(id) ?? { keys: [], count: 0 };
    indexColumns.set(id, entry);
    entry.count += 1;
    // STORING columns have no ordinal position: stored, not part of the key.
    if (row.ORDINAL_POSITION !== null && row.ORDINAL_POSITION !== undefined) {
      entry.keys.push({ column: text(row.COLUMN_NAME), order: row.COLUMN_ORDERING === 'DESC' ? 'DESC' : 'ASC' });
    }
  }
  const indexes = new Map<string, PhysicalIndex[]>();
  for (const row of indexRows) {
    const table = text(row.TABLE_NAME);
    const entry = indexColumns.get(`${table}\u0000${text(row.INDEX_NAME)}`) ?? { keys: [], count: 0 };
    const list = indexes.get(table) ?? [];
    indexes.set(table, list);
    list.push({
      name: text(row.INDEX_NAME),
      primary: row.INDEX_TYPE === 'PRIMARY_KEY',
      unique: row.IS_UNIQUE === true,
      state: typeof row.INDEX_STATE === 'string' ? row.INDEX_STATE : null,
      keys: entry.keys,
      columnCount: entry.count,
    });
  }
  const tables = new Map<string, PhysicalTable>();
  for (const row of tableRows) {
    const name = text(row.TABLE_NAME);
    const tableIndexes = indexes.get(name) ?? [];
    tables.set(name, {
      name,
      view: row.TABLE_TYPE === 'VIEW',
      columns: columns.get(name) ?? new Map(),
      primaryKey: tableIndexes.find((i) => i.primary)?.keys.map((k) => k.column) ?? [],
      indexes: tableIndexes,
    });
  }
  const metadata = new Map<string, CollectionMeta>();
  if (tables.has(METADATA_TABLE)) {
    for (const row of await rows(database, METADATA_SQL)) {
      const definition = row.definition;
      if (
        typeof row.collection_id === 'string' &&
        row.collection_id !== SCHEMA_VERSION_ROW &&
        definition &&
        typeof definition === 'object'
      ) {
        metadata.set(row.collection_id, definition as CollectionMeta);
      }
    }
  }
  return { tables, metadata };
}
