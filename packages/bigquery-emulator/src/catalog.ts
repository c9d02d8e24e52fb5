/**
 * Datasets and tables: BigQuery metadata (schemas with modes and column
 * descriptions, table descriptions, clustering, labels) kept here, data in
 * DuckDB. Each dataset is a DuckDB schema and each table a DuckDB table with
 * a generated physical name, because BigQuery dataset and table names are
 * case-sensitive while DuckDB identifiers are not (and because a name like
 * `a.b` or `x-y` must never be re-parsed).
 */

import type { EngineSession } from './engine.ts';
import { duplicate, invalid, notFound, resourceInUse } from './errors.ts';
import { duckColumnType, type FieldSchema, quoteDuck } from './schema.ts';
import { defaultSql } from './translate/default-value.ts';

export const DEFAULT_LOCATION = 'US';

export interface TableMeta {
  readonly tableId: string;
  readonly physical: string;
  schema: FieldSchema[];
  description: string | undefined;
  friendlyName: string | undefined;
  labels: Record<string, string> | undefined;
  clustering: { fields: string[] } | undefined;
  timePartitioning: Record<string, unknown> | undefined;
  readonly creationTime: number;
  lastModifiedTime: number;
  etag: number;
}

export interface DatasetMeta {
  readonly projectId: string;
  readonly datasetId: string;
  readonly physical: string;
  readonly location: string;
  description: string | undefined;
  friendlyName: string | undefined;
  labels: Record<string, string> | undefined;
  readonly creationTime: number;
  lastModifiedTime: number;
  etag: number;
  readonly tables: Map<string, TableMeta>;
}

const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;
const TABLE_ID = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]{1,1024}$/u;

export interface TableOptions {
  readonly description?: string | undefined;
  readonly friendlyName?: string | undefined;
  readonly labels?: Record<string, string> | undefined;
  readonly clustering?: { fields: string[] } | undefined;
  readonly timePartitioning?: Record<string, unknown> | undefined;
}

export class Catalog {
  readonly #datasets = new Map<string, DatasetMeta>();
  #next = 0;

  #key(projectId: string, datasetId: string): string {
    return `${projectId}\u0000${datasetId}`;
  }

  datasets(projectId: string): DatasetMeta[] {
    return [...this.#datasets.values()].filter((d) => d.projectId === projectId);
  }

  findDataset(projectId: string, datasetId: string): DatasetMeta | undefined {
    return this.#datasets.get(this.#key(projectId, datasetId));
  }

  dataset(projectId: string, datasetId: string): DatasetMeta {
    const d = this.findDataset(projectId, datasetId);
    if (!d) throw notFound(`Not found: Dataset ${projectId}:${datasetId}`);
    return d;
  }

  table(projectId: string, datasetId: string, tableId: string): TableMeta {
    const d = this.findDataset(projectId, datasetId);
    const t = d?.tables.get(tableId);
    if (!t) throw notFound(`Not found: Table ${projectId}:${datasetId}.${tableId}`);
    return t;
  }

  /** `"schema"."table"` of a table, for DuckDB SQL. */
  physicalName(d: DatasetMeta, t: TableMeta): string {
    return `${quoteDuck(d.physical)}.${quoteDuck(t.physical)}`;
  }

  async createDataset(
    s: EngineSession,
    projectId: string,
    datasetId: string,
    options: { location?: string; description?: string; friendlyName?: string; labels?: Record<string, string> },
  ): Promise<DatasetMeta> {
    if (!DATASET_ID.test(datasetId)) {
      throw invalid(
        `Invalid dataset ID "${datasetId}". Dataset IDs must be alphanumeric (plus underscores) and must be at most 1024 characters long.`,
      );
    }
    if (this.findDataset(projectId, datasetId)) throw duplicate(`Already Exists: Dataset ${projectId}:${datasetId}`);
    const physical = `ds_${this.#next++}`;
    await s.run(`CREATE SCHEMA ${quoteDuck(physical)}`);
    const now = Date.now();
    const d: DatasetMeta = {
      projectId,
      datasetId,
      physical,
      location: options.location ?? DEFAULT_LOCATION,
      description: options.description,
      friendlyName: options.friendlyName,
      labels: options.labels,
      creationTime: now,
      lastModifiedTime: now,
      etag: 1,
      tables: new Map(),
    };
    this.#datasets.set(this.#key(projectId, datasetId), d);
    return d;
  }

  async deleteDataset(s: EngineSession, projectId: string, datasetId: string, deleteContents: boolean): Promise<void> {
    const d = this.dataset(projectId, datasetId);
    if (d.tables.size > 0 && !deleteContents) {
      throw resourceInUse(`Dataset ${projectId}:${datasetId} is still in use`);
    }
    await s.run(`DROP SCHEMA ${quoteDuck(d.physical)} CASCADE`);
    this.#datasets.delete(this.#key(projectId, datasetId));
  }

  async createTable(
    s: EngineSession,
    d: DatasetMeta,
    tableId: string,
    schema: FieldSchema[],
    options: TableOptions,
    replace = false,
  ): Promise<TableMeta> {
    if (!TABLE_ID.test(tableId)) throw invalid(`Invalid table ID "${tableId}".`);
    const existing = d.tables.get(tableId);
    if (existing && !replace) throw duplicate(`Already Exists: Table ${d.projectId}:${d.datasetId}.${tableId}`);
    if (existing) await this.dropTable(s, d, tableId);
    checkClustering(schema, options.clustering);
    const physical = `tb_${this.#next++}`;
    // A defaultValueExpression is the column's DuckDB DEFAULT, so an INSERT or MERGE that leaves
    // the column out (or writes DEFAULT) stores it, as BigQuery does (translate/default-value.ts).
    const columns = schema.map((f) => {
      const fallback = defaultSql(this, f);
      return `${quoteDuck(f.name)} ${duckColumnType(f)}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}${fallback ? ` DEFAULT ${fallback}` : ''}`;
    });
    // A table with no columns is legal in BigQuery's API; DuckDB needs one, so a hidden placeholder is kept out of every schema.
    const body = columns.length > 0 ? columns.join(', ') : '"__no_columns" BOOLEAN';
    await s.run(`CREATE TABLE ${quoteDuck(d.physical)}.${quoteDuck(physical)} (${body})`);
    const now = Date.now();
    const t: TableMeta = {
      tableId,
      physical,
      schema,
      description: options.description,
      friendlyName: options.friendlyName,
      labels: options.labels,
      clustering: options.clustering,
      timePartitioning: options.timePartitioning,
      creationTime: now,
      lastModifiedTime: now,
      etag: 1,
    };
    d.tables.set(tableId, t);
    return t;
  }

  async dropTable(s: EngineSession, d: DatasetMeta, tableId: string): Promise<void> {
    const t = d.tables.get(tableId);
    if (!t) throw notFound(`Not found: Table ${d.projectId}:${d.datasetId}.${tableId}`);
    await s.run(`DROP TABLE ${this.physicalName(d, t)}`);
    d.tables.delete(tableId);
  }

  /**
   * Applies a new schema the way tables.patch/update do: fields may be added
   * (NULLABLE or REPEATED), REQUIRED may be relaxed to NULLABLE, descriptions
   * may change, and so may default values (the new schema's `defaultValueExpression` is the
   * column's default from now on; rows already stored keep their values, a column added with a
   * default included); removing a field or changing its type or mode otherwise is refused
   * ("Provided Schema does not match Table").
   */
  async replaceSchema(s: EngineSession, d: DatasetMeta, t: TableMeta, next: FieldSchema[]): Promise<void> {
    const name = `${d.projectId}:${d.datasetId}.${t.tableId}`;
    const byName = new Map(next.map((f) => [f.name.toLowerCase(), f]));
    for (const old of t.schema) {
      const f = byName.get(old.name.toLowerCase());
      if (!f) throw invalid(`Provided Schema does not match Table ${name}. Field ${old.name} is missing in new schema`);
      if (f.type !== old.type || duckColumnType(f) !== duckColumnType(old)) {
        throw invalid(
          `Provided Schema does not match Table ${name}. Field ${old.name} has changed type from ${old.type} to ${f.type}`,
        );
      }
      if (f.mode !== old.mode && !(old.mode === 'REQUIRED' && f.mode === 'NULLABLE')) {
        throw invalid(
          `Provided Schema does not match Table ${name}. Field ${old.name} has changed mode from ${old.mode} to ${f.mode}`,
        );
      }
    }
    const table = this.physicalName(d, t);
    // Checked before any column changes, so a bad expression leaves the table as it was.
    const defaults = new Map(next.map((f) => [f, defaultSql(this, f)]));
    for (const f of next) {
      const old = t.schema.find((o) => o.name.toLowerCase() === f.name.toLowerCase());
      if (!old) {
        if (f.mode === 'REQUIRED')
          throw invalid(
            `Provided Schema does not match Table ${name}. Cannot add required fields to an existing schema. (field: ${f.name})`,
          );
        await s.run(`ALTER TABLE ${table} ADD COLUMN ${quoteDuck(f.name)} ${duckColumnType(f)}`);
        if (f.mode === 'REPEATED') await s.run(`UPDATE ${table} SET ${quoteDuck(f.name)} = []`);
      } else if (old.mode === 'REQUIRED' && f.mode === 'NULLABLE') {
        await s.run(`ALTER TABLE ${table} ALTER COLUMN ${quoteDuck(f.name)} DROP NOT NULL`);
      }
      const fallback = defaults.get(f);
      if (fallback !== undefined && fallback !== (old ? defaultSql(this, old) : undefined))
        await s.run(`ALTER TABLE ${table} ALTER COLUMN ${quoteDuck(old?.name ?? f.name)} SET DEFAULT ${fallback}`);
      else if (fallback === undefined && old?.defaultValueExpression !== undefined)
        await s.run(`ALTER TABLE ${table} ALTER COLUMN ${quoteDuck(old.name)} DROP DEFAULT`);
    }
    t.schema = next.map((f) => {
      const old = t.schema.find((o) => o.name.toLowerCase() === f.name.toLowerCase());
      // Column names keep their original spelling (names are case-insensitive).
      return old ? { ...f, name: old.name } : f;
    });
    this.touch(t);
  }

  async dropColumn(s: EngineSession, d: DatasetMeta, t: TableMeta, column: string): Promise<void> {
    const f = t.schema.find((o) => o.name.toLowerCase() === column.toLowerCase());
    if (!f) throw invalid(`Column not found: ${column} in table ${d.datasetId}.${t.tableId}`);
    if (t.schema.length === 1) throw invalid(`Cannot drop the only column of table ${d.datasetId}.${t.tableId}`);
    if (t.clustering?.fields.some((c) => c.toLowerCase() === column.toLowerCase())) {
      throw invalid(`Cannot drop clustering column ${column}`);
    }
    await s.run(`ALTER TABLE ${this.physicalName(d, t)} DROP COLUMN ${quoteDuck(f.name)}`);
    t.schema = t.schema.filter((o) => o !== f);
    this.touch(t);
  }

  touch(t: TableMeta): void {
    t.lastModifiedTime = Date.now();
    t.etag++;
  }
}

/** Clustering: up to four top-level columns of clusterable types (BigQuery "Clustered tables"). */
export function checkClustering(schema: readonly FieldSchema[], clustering: { fields: string[] } | undefined): void {
  if (!clustering) return;
  if (clustering.fields.length > 4) throw invalid('Too many clustering fields: at most 4 are allowed');
  for (const c of clustering.fields) {
    const f = schema.find((o) => o.name.toLowerCase() === c.toLowerCase());
    if (!f) throw invalid(`The field specified for clustering cannot be found in the schema.  Invalid field: ${c}.`);
    if (f.mode === 'REPEATED' || f.type === 'RECORD' || f.type === 'JSON' || f.type === 'FLOAT') {
      throw invalid(
        `Field ${c} is of type ${f.mode === 'REPEATED' ? 'ARRAY' : f.type} which is not supported for clustering`,
      );
    }
  }
}
