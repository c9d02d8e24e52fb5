/**
 * `dataset.INFORMATION_SCHEMA.TABLES`, `.COLUMNS`, `.COLUMN_FIELD_PATHS` and
 * `.TABLE_OPTIONS` as inline tables built from the catalog (BigQuery
 * INFORMATION_SCHEMA views, the columns an adaptor needs to list tables).
 * Catalog names and descriptions enter the SQL as quoted literals; they are
 * metadata of this emulator, not request values.
 */
import type { Node } from 'sql-parser-cst';
import type { DatasetMeta } from '../catalog.ts';
import { notFound } from '../errors.ts';
import type { FieldSchema } from '../schema.ts';
import type { Emitter } from './emitter.ts';
import { duckString } from './literals.ts';

type Cell = string | number | null;

interface View {
  readonly columns: readonly (readonly [string, string])[];
  rows(d: DatasetMeta): Cell[][];
}

const STANDARD_NAME: Readonly<Record<string, string>> = {
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  BOOLEAN: 'BOOL',
};

/** INFORMATION_SCHEMA data_type text: INT64, ARRAY<STRING>, STRUCT<a INT64>. */
export function dataTypeText(f: FieldSchema): string {
  const scalar =
    f.type === 'RECORD'
      ? `STRUCT<${(f.fields ?? []).map((s) => `${s.name} ${dataTypeText(s)}`).join(', ')}>`
      : (STANDARD_NAME[f.type] ?? f.type);
  return f.mode === 'REPEATED' ? `ARRAY<${scalar}>` : scalar;
}

function fieldPaths(fields: readonly FieldSchema[], prefix: string): { path: string; f: FieldSchema }[] {
  return fields.flatMap((f) => {
    const path = prefix ? `${prefix}.${f.name}` : f.name;
    return [{ path, f }, ...fieldPaths(f.fields ?? [], path)];
  });
}

const VIEWS: Readonly<Record<string, View>> = {
  TABLES: {
    columns: [
      ['table_catalog', 'VARCHAR'],
      ['table_schema', 'VARCHAR'],
      ['table_name', 'VARCHAR'],
      ['table_type', 'VARCHAR'],
      ['is_insertable_into', 'VARCHAR'],
      ['is_typed', 'VARCHAR'],
      ['creation_time', 'TIMESTAMPTZ'],
    ],
    rows: (d) =>
      [...d.tables.values()].map((t) => [
        d.projectId,
        d.datasetId,
        t.tableId,
        'BASE TABLE',
        'YES',
        'NO',
        new Date(t.creationTime).toISOString(),
      ]),
  },
  COLUMNS: {
    columns: [
      ['table_catalog', 'VARCHAR'],
      ['table_schema', 'VARCHAR'],
      ['table_name', 'VARCHAR'],
      ['column_name', 'VARCHAR'],
      ['ordinal_position', 'BIGINT'],
      ['is_nullable', 'VARCHAR'],
      ['data_type', 'VARCHAR'],
      ['is_partitioning_column', 'VARCHAR'],
      ['clustering_ordinal_position', 'BIGINT'],
    ],
    rows: (d) =>
      [...d.tables.values()].flatMap((t) =>
        t.schema.map((f, i) => {
          const cluster = t.clustering?.fields.findIndex((c) => c.toLowerCase() === f.name.toLowerCase()) ?? -1;
          return [
            d.projectId,
            d.datasetId,
            t.tableId,
            f.name,
            i + 1,
            f.mode === 'REQUIRED' ? 'NO' : 'YES',
            dataTypeText(f),
            'NO',
            cluster >= 0 ? cluster + 1 : null,
          ];
        }),
      ),
  },
  COLUMN_FIELD_PATHS: {
    columns: [
      ['table_catalog', 'VARCHAR'],
      ['table_schema', 'VARCHAR'],
      ['table_name', 'VARCHAR'],
      ['column_name', 'VARCHAR'],
      ['field_path', 'VARCHAR'],
      ['data_type', 'VARCHAR'],
      ['description', 'VARCHAR'],
    ],
    rows: (d) =>
      [...d.tables.values()].flatMap((t) =>
        t.schema.flatMap((top) =>
          fieldPaths([top], '').map(({ path, f }) => [
            d.projectId,
            d.datasetId,
            t.tableId,
            top.name,
            path,
            dataTypeText(f),
            f.description ?? null,
          ]),
        ),
      ),
  },
  TABLE_OPTIONS: {
    columns: [
      ['table_catalog', 'VARCHAR'],
      ['table_schema', 'VARCHAR'],
      ['table_name', 'VARCHAR'],
      ['option_name', 'VARCHAR'],
      ['option_type', 'VARCHAR'],
      ['option_value', 'VARCHAR'],
    ],
    rows: (d) =>
      [...d.tables.values()].flatMap((t) =>
        t.description === undefined
          ? []
          : [[d.projectId, d.datasetId, t.tableId, 'description', 'STRING', JSON.stringify(t.description)]],
      ),
  },
};

function cellSql(v: Cell, type: string): string {
  if (v === null) return `CAST(NULL AS ${type})`;
  if (typeof v === 'number') return `CAST(${v} AS ${type})`;
  return `CAST(${duckString(v)} AS ${type})`;
}

export function informationSchema(e: Emitter, parts: readonly string[], at: number, node: Node): string {
  const before = parts.slice(0, at);
  const view = parts[at + 1]?.toUpperCase();
  if (before.length === 0 || before.length > 2 || parts.length !== at + 2 || !view) {
    throw e.unsupported(`INFORMATION_SCHEMA path ${parts.join('.')} (use dataset.INFORMATION_SCHEMA.VIEW)`, node);
  }
  const [projectId, datasetId] =
    before.length === 2 ? (before as [string, string]) : [e.ctx.projectId, before[0] as string];
  const d = e.ctx.catalog.findDataset(projectId, datasetId);
  if (!d) throw notFound(`Not found: Dataset ${projectId}:${datasetId} was not found in location US`);
  const spec = VIEWS[view];
  if (!spec) throw e.unsupported(`INFORMATION_SCHEMA.${view}`, node);
  const rows = spec.rows(d);
  const select = (row: readonly Cell[] | undefined) =>
    spec.columns.map(([name, type], i) => `${cellSql(row?.[i] ?? null, type)} AS "${name}"`).join(', ');
  if (rows.length === 0) return `(SELECT ${select(undefined)} WHERE FALSE)`;
  return `(${rows.map((r) => `SELECT ${select(r)}`).join(' UNION ALL ')})`;
}
