/**
 * jobs.query (POST /queries), jobs.getQueryResults (GET /queries/{jobId}),
 * jobs.insert / get / list / cancel / delete. Queries run to completion
 * before the reply, so every reply says `jobComplete: true` / `state: DONE`.
 */
import type { FastifyInstance } from 'fastify';
import { DEFAULT_LOCATION } from '../catalog.ts';
import type { EncodeOptions } from '../encode.ts';
import { BigQueryError, duplicate, fromEngineError, invalid, invalidQuery } from '../errors.ts';
import { type QueryRequest, runRequest, validate } from '../execute.ts';
import type { FaultRequest } from '../faults.ts';
import { type JobRecord, jobReference, jobResource, resultPage } from '../jobs.ts';
import { parseQueryParameters } from '../params.ts';
import type { EmulatorState } from '../state.ts';
import { parseStatements, translateStatement } from '../translate/index.ts';
import { type Body, bodyOf, intParam, type Params, type Query, queryValue, str } from './common.ts';

/** `formatOptions.useInt64Timestamp` from a query string (getQueryResults, tabledata.list). */
export function encodeOptionsOf(q: Query): EncodeOptions {
  const v = queryValue(q, 'formatOptions.useInt64Timestamp');
  const format = queryValue(q, 'formatOptions.timestampOutputFormat');
  return { int64Timestamp: format === 'INT64' || (format !== 'FLOAT64' && v === 'true') };
}

function encodeOptionsOfBody(formatOptions: unknown): EncodeOptions {
  const o = (formatOptions ?? {}) as { useInt64Timestamp?: unknown; timestampOutputFormat?: unknown };
  return {
    int64Timestamp:
      o.timestampOutputFormat === 'INT64' || (o.timestampOutputFormat !== 'FLOAT64' && o.useInt64Timestamp === true),
  };
}

function defaultDatasetOf(v: unknown, projectId: string): QueryRequest['defaultDataset'] {
  const o = (v ?? undefined) as { projectId?: unknown; datasetId?: unknown } | undefined;
  const datasetId = str(o?.datasetId);
  return datasetId ? { projectId: str(o?.projectId) ?? projectId, datasetId } : undefined;
}

/**
 * Standard SQL only. The REST default of `useLegacySql` is true; the Node
 * client always sends false, and legacy SQL is not emulated.
 */
function checkDialect(useLegacySql: unknown): void {
  if (useLegacySql !== false) {
    throw invalidQuery('Unsupported by the BigQuery emulator: legacy SQL (set useLegacySql: false)');
  }
}

/** Statements BigQuery counts as DML (DML reference: INSERT, UPDATE, DELETE, MERGE, TRUNCATE TABLE). */
const DML_STATEMENTS = new Set(['insert_stmt', 'update_stmt', 'delete_stmt', 'merge_stmt', 'truncate_stmt']);

export function jobRoutes(app: FastifyInstance, state: EmulatorState): void {
  const { engine, catalog, jobs, faults } = state;

  /** What a fault may match on (faults.ts): whether the SQL holds DML, and its first target table. */
  function faultRequest(req: QueryRequest): FaultRequest {
    const base = { kind: 'query' as const, projectId: req.projectId, datasetId: req.defaultDataset?.datasetId };
    let statements: ReturnType<typeof parseStatements>;
    try {
      statements = parseStatements(req.sql);
    } catch {
      return { ...base, dml: undefined }; // a syntax error: the request fails on its own
    }
    const node = statements.find((s) => DML_STATEMENTS.has(s.type));
    if (!node) return { ...base, dml: undefined };
    try {
      const plan = translateStatement(node, { ...req, catalog, source: req.sql });
      if (plan.kind === 'dml') {
        const { dataset, table } = plan.target;
        return { ...base, dml: { projectId: dataset.projectId, datasetId: dataset.datasetId, tableId: table.tableId } };
      }
    } catch {
      // A target that does not exist yet (a script creating it first): DML all the same.
    }
    return { ...base, dml: { projectId: req.projectId, datasetId: base.datasetId ?? '', tableId: '' } };
  }

  async function run(
    projectId: string,
    jobId: string,
    location: string,
    config: Body,
    dryRun: boolean,
  ): Promise<JobRecord> {
    const creationTime = Date.now();
    const query = str(config.query);
    if (query === undefined) throw invalid('Missing required field: query');
    const req: QueryRequest = {
      sql: query,
      projectId,
      defaultDataset: defaultDatasetOf(config.defaultDataset, projectId),
      params: parseQueryParameters(config.queryParameters, config.parameterMode),
    };
    if (config.destinationTable) throw invalidQuery('Unsupported by the BigQuery emulator: destinationTable');
    const record = (result: JobRecord['result'], error: JobRecord['error']): JobRecord => ({
      projectId,
      jobId,
      location,
      configuration: { query: config, jobType: 'QUERY', ...(dryRun ? { dryRun: true } : {}) },
      creationTime,
      endTime: Date.now(),
      result,
      error,
    });
    if (dryRun) {
      const statementType = validate(catalog, req);
      return record(
        {
          statementType,
          schema: undefined,
          rows: [],
          numDmlAffectedRows: undefined,
          dmlStats: undefined,
          ddl: undefined,
          childStatements: 0,
        },
        undefined,
      );
    }
    if (faults.active) {
      const fault = faults.check(faultRequest(req));
      if (fault) throw fault;
    }
    const result = await engine.exclusive((s) => runRequest(s, catalog, req));
    return record(result, undefined);
  }

  // jobs.query: one round trip; the reply carries the first page.
  app.post<{ Params: Params }>('/projects/:projectId/queries', async (req) => {
    const projectId = req.params.projectId as string;
    const body = bodyOf(req.body);
    checkDialect(body.useLegacySql);
    const jobId = jobs.newJobId();
    const location = str(body.location) ?? DEFAULT_LOCATION;
    const job = await run(projectId, jobId, location, body, body.dryRun === true);
    jobs.add(job);
    const maxResults = typeof body.maxResults === 'number' ? body.maxResults : undefined;
    return {
      kind: 'bigquery#queryResponse',
      ...resultPage(job, {
        maxResults,
        pageToken: undefined,
        startIndex: undefined,
        encode: encodeOptionsOfBody(body.formatOptions),
      }),
    };
  });

  app.get<{ Params: Params; Querystring: Query }>('/projects/:projectId/queries/:jobId', async (req) => {
    const job = jobs.get(req.params.projectId as string, req.params.jobId as string);
    if (job.error) throw job.error;
    return {
      kind: 'bigquery#getQueryResultsResponse',
      etag: `"${job.jobId}"`,
      ...resultPage(job, {
        maxResults: intParam(req.query, 'maxResults'),
        pageToken: queryValue(req.query, 'pageToken'),
        startIndex: intParam(req.query, 'startIndex'),
        encode: encodeOptionsOf(req.query),
      }),
    };
  });

  // jobs.insert: a failing query still creates a job, DONE with errorResult (the client raises it).
  app.post<{ Params: Params }>('/projects/:projectId/jobs', async (req) => {
    const projectId = req.params.projectId as string;
    const body = bodyOf(req.body);
    const ref = (body.jobReference ?? {}) as Body;
    const configuration = (body.configuration ?? {}) as Body;
    const query = configuration.query as Body | undefined;
    if (!query) throw invalid('Unsupported by the BigQuery emulator: only query jobs');
    const jobId = str(ref.jobId) ?? jobs.newJobId();
    const location = str(ref.location) ?? DEFAULT_LOCATION;
    if (jobs.has(projectId, jobId)) throw duplicate(`Already Exists: Job ${projectId}:${location}.${jobId}`);
    let job: JobRecord;
    try {
      checkDialect(query.useLegacySql);
      job = await run(projectId, jobId, location, query, configuration.dryRun === true);
    } catch (e) {
      const error = e instanceof BigQueryError ? e : fromEngineError(e);
      job = {
        projectId,
        jobId,
        location,
        configuration: { query, jobType: 'QUERY' },
        creationTime: Date.now(),
        endTime: Date.now(),
        result: undefined,
        error,
      };
    }
    jobs.add(job);
    return jobResource(job);
  });

  app.get<{ Params: Params }>('/projects/:projectId/jobs/:jobId', async (req) =>
    jobResource(jobs.get(req.params.projectId as string, req.params.jobId as string)),
  );

  app.get<{ Params: Params }>('/projects/:projectId/jobs', async (req) => ({
    kind: 'bigquery#jobList',
    etag: '"0"',
    jobs: jobs.list(req.params.projectId as string).map((j) => {
      const r = jobResource(j);
      return { ...r, state: 'DONE', jobReference: jobReference(j) };
    }),
  }));

  app.post<{ Params: Params }>('/projects/:projectId/jobs/:jobId/cancel', async (req) => ({
    kind: 'bigquery#jobCancelResponse',
    job: jobResource(jobs.get(req.params.projectId as string, req.params.jobId as string)),
  }));

  app.delete<{ Params: Params }>('/projects/:projectId/jobs/:jobId/delete', async (req, reply) => {
    jobs.delete(req.params.projectId as string, req.params.jobId as string);
    return reply.code(204).send();
  });
}
