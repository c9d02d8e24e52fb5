/** REST resource bodies for datasets and tables (BigQuery v2 `Dataset` and `Table`). */
import type { DatasetMeta, TableMeta } from './catalog.ts';
import { fieldJson } from './schema.ts';

export function datasetResource(d: DatasetMeta): Record<string, unknown> {
  return {
    kind: 'bigquery#dataset',
    etag: `"${d.etag}"`,
    id: `${d.projectId}:${d.datasetId}`,
    selfLink: `/bigquery/v2/projects/${d.projectId}/datasets/${d.datasetId}`,
    datasetReference: { projectId: d.projectId, datasetId: d.datasetId },
    location: d.location,
    creationTime: String(d.creationTime),
    lastModifiedTime: String(d.lastModifiedTime),
    type: 'DEFAULT',
    ...(d.description !== undefined ? { description: d.description } : {}),
    ...(d.friendlyName !== undefined ? { friendlyName: d.friendlyName } : {}),
    ...(d.labels ? { labels: d.labels } : {}),
  };
}

export function datasetListItem(d: DatasetMeta): Record<string, unknown> {
  return {
    kind: 'bigquery#dataset',
    id: `${d.projectId}:${d.datasetId}`,
    datasetReference: { projectId: d.projectId, datasetId: d.datasetId },
    location: d.location,
    ...(d.friendlyName !== undefined ? { friendlyName: d.friendlyName } : {}),
    ...(d.labels ? { labels: d.labels } : {}),
  };
}

/**
 * A table resource. `numRows` undefined: tables.get's `view=BASIC`, which leaves out the storage
 * statistics (numBytes, numLongTermBytes, numRows, lastModifiedTime) as BigQuery's does.
 */
export function tableResource(d: DatasetMeta, t: TableMeta, numRows: number | undefined): Record<string, unknown> {
  return {
    kind: 'bigquery#table',
    etag: `"${t.etag}"`,
    id: `${d.projectId}:${d.datasetId}.${t.tableId}`,
    selfLink: `/bigquery/v2/projects/${d.projectId}/datasets/${d.datasetId}/tables/${encodeURIComponent(t.tableId)}`,
    tableReference: { projectId: d.projectId, datasetId: d.datasetId, tableId: t.tableId },
    schema: { fields: t.schema.map(fieldJson) },
    ...(numRows === undefined
      ? {}
      : {
          numBytes: '0',
          numLongTermBytes: '0',
          numRows: String(numRows),
          lastModifiedTime: String(t.lastModifiedTime),
        }),
    creationTime: String(t.creationTime),
    type: 'TABLE',
    location: d.location,
    ...(t.description !== undefined ? { description: t.description } : {}),
    ...(t.friendlyName !== undefined ? { friendlyName: t.friendlyName } : {}),
    ...(t.labels ? { labels: t.labels } : {}),
    ...(t.clustering ? { clustering: t.clustering } : {}),
    ...(t.timePartitioning ? { timePartitioning: t.timePartitioning } : {}),
  };
}

export function tableListItem(d: DatasetMeta, t: TableMeta): Record<string, unknown> {
  return {
    kind: 'bigquery#table',
    id: `${d.projectId}:${d.datasetId}.${t.tableId}`,
    tableReference: { projectId: d.projectId, datasetId: d.datasetId, tableId: t.tableId },
    type: 'TABLE',
    creationTime: String(t.creationTime),
    ...(t.friendlyName !== undefined ? { friendlyName: t.friendlyName } : {}),
    ...(t.labels ? { labels: t.labels } : {}),
    ...(t.clustering ? { clustering: t.clustering } : {}),
  };
}
