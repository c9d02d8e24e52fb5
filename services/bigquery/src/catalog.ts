/**
 * Reads the dataset's tables through the REST API (tables.list for the names, tables.get for a
 * table's definition when it is first needed: schema.ts): exact schema types, modes, column and
 * table descriptions, table type and clustering, and no bytes billed (INFORMATION_SCHEMA
 * queries bill at least 10 MB each).
 */

import type { ColumnType } from '@adaptors/googlesql';
import { errorShape, isTableNotFound } from './errors.ts';
import { type RestClient, restCall } from './rest.ts';
import { parseSchemaType } from './types.ts';

export interface PhysicalColumn {
  readonly name: string;
  /** undefined: a type the adaptor does not expose (RECORD, DATETIME, TIME, GEOGRAPHY …). */
  readonly type: ColumnType | undefined;
  /** As BigQuery reports it, e.g. "FLOAT" / "REPEATED". */
  readonly schemaType: string;
  readonly mode: string;
  readonly description: string | undefined;
  /** BigQuery fills it when an insert leaves it out (`defaultValueExpression`). */
  readonly hasDefault: boolean;
  /** The default's GoogleSQL text, sent back by a tables.patch (schema.ts) so a collection change keeps it. */
  readonly defaultValueExpression?: string;
}

export interface PhysicalTable {
  readonly name: string;
  /** TABLE, VIEW, MATERIALIZED_VIEW, EXTERNAL, SNAPSHOT … */
  readonly kind: string;
  readonly columns: ReadonlyMap<string, PhysicalColumn>;
  readonly description: string | undefined;
  readonly clustering: readonly string[];
}

interface SchemaField {
  name?: string;
  type?: string;
  mode?: string;
  description?: string;
  defaultValueExpression?: string;
}

export interface TableMetadata {
  type?: string;
  description?: string;
  schema?: { fields?: SchemaField[] };
  clustering?: { fields?: string[] };
}

/** Table definitions read at a time when every collection is needed (BigQuery's API allows ~100 calls/s per method and user). */
export const PARALLEL_GETS = 8;

export function physicalTable(name: string, meta: TableMetadata): PhysicalTable {
  const columns = new Map<string, PhysicalColumn>();
  for (const f of meta.schema?.fields ?? []) {
    if (typeof f.name !== 'string' || typeof f.type !== 'string') continue;
    const mode = (f.mode ?? 'NULLABLE').toUpperCase();
    columns.set(f.name, {
      name: f.name,
      type: parseSchemaType(f.type, mode),
      schemaType: f.type.toUpperCase(),
      mode,
      description: typeof f.description === 'string' ? f.description : undefined,
      hasDefault: typeof f.defaultValueExpression === 'string' && f.defaultValueExpression !== '',
      ...(typeof f.defaultValueExpression === 'string' && f.defaultValueExpression !== ''
        ? { defaultValueExpression: f.defaultValueExpression }
        : {}),
    });
  }
  return {
    name,
    kind: (meta.type ?? 'TABLE').toUpperCase(),
    columns,
    description: typeof meta.description === 'string' ? meta.description : undefined,
    clustering: meta.clustering?.fields ?? [],
  };
}

/** datasets.get: the dataset's metadata (its labels hold the schema version, schema.ts). */
export function readDataset(bq: RestClient, datasetId: string): Promise<{ labels?: Record<string, unknown> }> {
  return restCall(bq, { method: 'GET', uri: `/datasets/${encodeURIComponent(datasetId)}` });
}

/**
 * tables.get (REST `GET /datasets/{d}/tables/{t}`) through rest.ts, as every read on the way to a
 * first answer. `view=BASIC`: the schema, descriptions, type and clustering without the storage
 * statistics (row and byte counts), which nothing here reads; BigQuery documents that view as
 * "significantly more efficient" and the one for high request rates (TableMetadataView).
 */
export async function readTable(bq: RestClient, datasetId: string, name: string): Promise<PhysicalTable | undefined> {
  try {
    const meta = await restCall<TableMetadata>(bq, {
      method: 'GET',
      uri: `/datasets/${encodeURIComponent(datasetId)}/tables/${encodeURIComponent(name)}`,
      qs: { view: 'BASIC' },
    });
    return physicalTable(name, meta);
  } catch (error) {
    if (isTableNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * BigQuery refused to describe a table it listed: a 4xx other than 404 (no permission on that
 * table, a name some proxy cannot pass). One such table must not make every other collection
 * unreachable, so a listing leaves it out (schema.ts); server and network errors still fail it.
 */
export function isTableRefused(error: unknown): boolean {
  const status = errorShape(error).status;
  return status !== undefined && status >= 400 && status < 500 && status !== 404;
}

/**
 * tables.list (REST `GET /datasets/{d}/tables`), every page: the dataset's table names, sorted.
 * `pageSize`: tables per page; unset, BigQuery's own (tests set it to walk the pages).
 */
export async function listTables(bq: RestClient, datasetId: string, pageSize?: number): Promise<string[]> {
  const names: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await restCall<{ tables?: { tableReference?: { tableId?: unknown } }[]; nextPageToken?: string }>(bq, {
      method: 'GET',
      uri: `/datasets/${encodeURIComponent(datasetId)}/tables`,
      qs: { ...(pageToken ? { pageToken } : {}), ...(pageSize ? { maxResults: pageSize } : {}) },
    });
    for (const table of page.tables ?? []) {
      const id = table.tableReference?.tableId;
      if (typeof id === 'string') names.push(id);
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
