/** tables.insert / get / list / patch / update / delete (BigQuery v2 REST). */
import type { FastifyInstance } from 'fastify';
import { checkClustering, type TableOptions } from '../catalog.ts';
import type { EngineSession } from '../engine.ts';
import { invalid } from '../errors.ts';
import { tableListItem, tableResource } from '../resources.ts';
import { normaliseFields } from '../schema.ts';
import type { EmulatorState } from '../state.ts';
import { type Body, bodyOf, intParam, labelsOf, type Params, pathIds, type Query, queryValue, str } from './common.ts';

function clusteringOf(v: unknown): { fields: string[] } | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const fields = (v as { fields?: unknown }).fields;
  if (!Array.isArray(fields)) return undefined;
  return { fields: fields.filter((f): f is string => typeof f === 'string') };
}

/**
 * tables.get's `view` (TableMetadataView): BASIC leaves the storage statistics out; the others
 * (and none, which BigQuery reads as STORAGE_STATS) include them. Another value is refused as
 * BigQuery refuses an unknown enum value.
 */
function statisticsView(view: string | undefined): 'BASIC' | 'STORAGE_STATS' {
  if (view === 'BASIC') return 'BASIC';
  if (view === undefined || view === 'TABLE_METADATA_VIEW_UNSPECIFIED' || view === 'STORAGE_STATS' || view === 'FULL')
    return 'STORAGE_STATS';
  throw invalid(`Invalid value at 'view' (TableMetadataView), "${view}"`, 'view');
}

function optionsOf(body: Body): TableOptions {
  return {
    description: str(body.description),
    friendlyName: str(body.friendlyName),
    labels: labelsOf(body.labels),
    clustering: clusteringOf(body.clustering),
    timePartitioning:
      typeof body.timePartitioning === 'object' && body.timePartitioning !== null
        ? (body.timePartitioning as Record<string, unknown>)
        : undefined,
  };
}

export async function countRows(s: EngineSession, physical: string): Promise<number> {
  const r = await s.run(`SELECT count(*) FROM ${physical}`);
  return Number(r.rows[0]?.[0] ?? 0);
}

export function tableRoutes(app: FastifyInstance, state: EmulatorState): void {
  const { engine, catalog } = state;
  const base = '/projects/:projectId/datasets/:datasetId/tables';

  app.post<{ Params: Params }>(base, async (req) => {
    const body = bodyOf(req.body);
    const d = catalog.dataset(req.params.projectId as string, req.params.datasetId as string);
    const ref = (body.tableReference ?? {}) as Body;
    const tableId = str(ref.tableId);
    if (!tableId) throw invalid('Missing required field: tableReference.tableId');
    if (body.view || body.materializedView || body.externalDataConfiguration) {
      throw invalid('Unsupported by the BigQuery emulator: views and external tables');
    }
    const schemaBody = (body.schema ?? { fields: [] }) as Body;
    const fields = normaliseFields(schemaBody.fields ?? []);
    return engine.exclusive(async (s) => {
      const t = await catalog.createTable(s, d, tableId, fields, optionsOf(body));
      return tableResource(d, t, 0);
    });
  });

  app.get<{ Params: Params; Querystring: Query }>(base, async (req) => {
    const d = catalog.dataset(req.params.projectId as string, req.params.datasetId as string);
    const all = [...d.tables.values()].sort((a, b) => (a.tableId < b.tableId ? -1 : a.tableId > b.tableId ? 1 : 0));
    const max = intParam(req.query, 'maxResults');
    const token = queryValue(req.query, 'pageToken');
    const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
    const size = max && max > 0 ? max : all.length;
    const page = all.slice(start, start + size);
    return {
      kind: 'bigquery#tableList',
      etag: '"0"',
      tables: page.map((t) => tableListItem(d, t)),
      totalItems: all.length,
      ...(start + size < all.length ? { nextPageToken: Buffer.from(String(start + size)).toString('base64url') } : {}),
    };
  });

  app.get<{ Params: Params; Querystring: Query }>(`${base}/:tableId`, async (req) => {
    const { projectId, datasetId, tableId } = pathIds(req.params);
    const d = catalog.dataset(projectId, datasetId);
    const t = catalog.table(projectId, datasetId, tableId);
    // BASIC: no storage statistics, so no row count. Still in turn, so a patch is seen whole.
    const basic = statisticsView(queryValue(req.query, 'view')) === 'BASIC';
    return engine.exclusive(async (s) =>
      tableResource(d, t, basic ? undefined : await countRows(s, catalog.physicalName(d, t))),
    );
  });

  const patch = (replace: boolean) => async (req: { params: Params; body: unknown }) => {
    const { projectId, datasetId, tableId } = pathIds(req.params);
    const d = catalog.dataset(projectId, datasetId);
    const t = catalog.table(projectId, datasetId, tableId);
    const body = bodyOf(req.body);
    return engine.exclusive(async (s) => {
      if (body.schema !== undefined) {
        const next = normaliseFields((body.schema as Body).fields ?? []);
        await catalog.replaceSchema(s, d, t, next);
      }
      // PATCH changes only the fields sent; PUT (tables.update) replaces the resource.
      if (replace || 'description' in body) t.description = str(body.description);
      if (replace || 'friendlyName' in body) t.friendlyName = str(body.friendlyName);
      if (replace || 'labels' in body) t.labels = labelsOf(body.labels);
      if (replace || 'clustering' in body) {
        const clustering = clusteringOf(body.clustering);
        checkClustering(t.schema, clustering);
        t.clustering = clustering;
      }
      catalog.touch(t);
      return tableResource(d, t, await countRows(s, catalog.physicalName(d, t)));
    });
  };
  app.patch<{ Params: Params }>(`${base}/:tableId`, patch(false));
  app.put<{ Params: Params }>(`${base}/:tableId`, patch(true));

  app.delete<{ Params: Params }>(`${base}/:tableId`, async (req, reply) => {
    const { projectId, datasetId, tableId } = pathIds(req.params);
    const d = catalog.dataset(projectId, datasetId);
    await engine.exclusive((s) => catalog.dropTable(s, d, tableId));
    return reply.code(204).send();
  });
}
