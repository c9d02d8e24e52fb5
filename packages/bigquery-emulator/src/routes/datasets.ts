/** datasets.insert / get / list / patch / update / delete (BigQuery v2 REST). */
import type { FastifyInstance } from 'fastify';
import { invalid } from '../errors.ts';
import { datasetListItem, datasetResource } from '../resources.ts';
import type { EmulatorState } from '../state.ts';
import { type Body, bodyOf, boolParam, labelsOf, type Params, type Query, str } from './common.ts';

export function datasetRoutes(app: FastifyInstance, state: EmulatorState): void {
  const { engine, catalog } = state;

  app.post<{ Params: Params }>('/projects/:projectId/datasets', async (req) => {
    const body = bodyOf(req.body);
    const ref = (body.datasetReference ?? {}) as Body;
    const datasetId = str(ref.datasetId);
    if (!datasetId) throw invalid('Missing required field: datasetReference.datasetId');
    const projectId = str(ref.projectId) ?? (req.params.projectId as string);
    const d = await engine.exclusive((s) =>
      catalog.createDataset(s, projectId, datasetId, {
        ...(str(body.location) ? { location: str(body.location) as string } : {}),
        ...(str(body.description) !== undefined ? { description: str(body.description) as string } : {}),
        ...(str(body.friendlyName) !== undefined ? { friendlyName: str(body.friendlyName) as string } : {}),
        ...(labelsOf(body.labels) ? { labels: labelsOf(body.labels) as Record<string, string> } : {}),
      }),
    );
    return datasetResource(d);
  });

  app.get<{ Params: Params }>('/projects/:projectId/datasets', async (req) => {
    const datasets = catalog.datasets(req.params.projectId as string);
    return { kind: 'bigquery#datasetList', etag: '"0"', datasets: datasets.map(datasetListItem) };
  });

  app.get<{ Params: Params }>('/projects/:projectId/datasets/:datasetId', async (req) =>
    datasetResource(catalog.dataset(req.params.projectId as string, req.params.datasetId as string)),
  );

  // datasets.patch merges labels (a null value removes one); datasets.update replaces them all.
  const change = (merge: boolean) => async (req: { params: Params; body: unknown }) => {
    const d = catalog.dataset(req.params.projectId as string, req.params.datasetId as string);
    const body = bodyOf(req.body);
    if ('description' in body) d.description = str(body.description);
    if ('friendlyName' in body) d.friendlyName = str(body.friendlyName);
    if ('labels' in body) d.labels = merge ? mergeLabels(d.labels, body.labels) : labelsOf(body.labels);
    d.lastModifiedTime = Date.now();
    d.etag++;
    return datasetResource(d);
  };
  app.patch<{ Params: Params }>('/projects/:projectId/datasets/:datasetId', change(true));
  app.put<{ Params: Params }>('/projects/:projectId/datasets/:datasetId', change(false));

  app.delete<{ Params: Params; Querystring: Query }>('/projects/:projectId/datasets/:datasetId', async (req, reply) => {
    const deleteContents = boolParam(req.query, 'deleteContents') ?? false;
    await engine.exclusive((s) =>
      catalog.deleteDataset(s, req.params.projectId as string, req.params.datasetId as string, deleteContents),
    );
    return reply.code(204).send();
  });
}

function mergeLabels(current: Record<string, string> | undefined, patch: unknown): Record<string, string> | undefined {
  if (patch === null || typeof patch !== 'object') return labelsOf(patch);
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
    if (value === null) delete merged[key];
    else if (typeof value === 'string') merged[key] = value;
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}
