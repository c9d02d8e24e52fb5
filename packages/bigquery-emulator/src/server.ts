/**
 * The HTTP server. Routes answer both under `/bigquery/v2` (the client with
 * `apiEndpoint`) and at the root (the client with `BIGQUERY_EMULATOR_HOST`,
 * which it uses as the base URL itself; docs/engines.md §4).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { BigQueryError, badRequest } from './errors.ts';
import { datasetRoutes } from './routes/datasets.ts';
import { emulatorRoutes } from './routes/emulator.ts';
import { jobRoutes } from './routes/jobs.ts';
import { tabledataRoutes } from './routes/tabledata.ts';
import { tableRoutes } from './routes/tables.ts';
import { createState, type EmulatorState } from './state.ts';

export interface EmulatorOptions {
  /** Port to listen on; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to bind; default 127.0.0.1. */
  readonly host?: string;
  /** Log each request (Fastify's logger). */
  readonly log?: boolean;
}

export interface RunningEmulator {
  /** `http://host:port` — pass as `apiEndpoint`, or set as `BIGQUERY_EMULATOR_HOST`. */
  readonly url: string;
  /** Same as `url`: what `new BigQuery({ apiEndpoint })` takes. */
  readonly apiEndpoint: string;
  readonly port: number;
  readonly app: FastifyInstance;
  stop(): Promise<void>;
}

function errorReply(e: unknown): { status: number; body: unknown } {
  if (e instanceof BigQueryError) return { status: e.code, body: e.body() };
  const fastifyError = e as { statusCode?: number; message?: string };
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const err = badRequest(fastifyError.message ?? 'Bad request');
    return { status: 400, body: err.body() };
  }
  // A bug of the emulator. Reported as 400 (not 5xx, which the client would retry) and named as such.
  const err = new BigQueryError(
    400,
    'invalid',
    `BigQuery emulator internal error: ${(e as Error)?.message ?? String(e)}`,
  );
  return { status: 400, body: err.body() };
}

/** Longest path segment: a 1,024-byte table name, percent-encoded. */
export const MAX_PATH_PARAM_LENGTH = 3 * 1024;

/** A Fastify app serving the BigQuery v2 REST API over `state`. */
export async function createEmulatorApp(
  state: EmulatorState,
  options: { log?: boolean } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.log ?? false,
    bodyLimit: 64 * 1024 * 1024,
    // BigQuery table names may be 1,024 UTF-8 bytes, up to 3 × that once percent-encoded in a
    // path; Fastify's default (100 characters) answered 414 to legitimate names.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
  });
  app.setErrorHandler((error, _req, reply) => {
    const { status, body } = errorReply(error);
    void reply.code(status).type('application/json').send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    const err = new BigQueryError(
      404,
      'notFound',
      `Not found: ${req.method} ${req.url} is not a BigQuery emulator endpoint`,
    );
    void reply.code(404).type('application/json').send(err.body());
  });
  // DELETE requests from the client may carry a JSON content type and no body.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(badRequest('Invalid JSON payload received.'), undefined);
    }
  });
  const routes = async (scope: FastifyInstance) => {
    datasetRoutes(scope, state);
    tableRoutes(scope, state);
    tabledataRoutes(scope, state);
    jobRoutes(scope, state);
  };
  await app.register(routes, { prefix: '/bigquery/v2' });
  await app.register(routes);
  // Emulator administration (fault injection), outside the BigQuery API paths.
  await app.register(async (scope) => emulatorRoutes(scope, state), { prefix: '/emulator/v1' });
  app.get('/', async () => ({ ok: true, service: 'bigquery-emulator' }));
  return app;
}

/** Starts an emulator with its own in-memory DuckDB database. */
export async function startBigQueryEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const state = await createState();
  const app = await createEmulatorApp(state, options.log === undefined ? {} : { log: options.log });
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost}:${port}`;
  return {
    url,
    apiEndpoint: url,
    port,
    app,
    async stop() {
      await app.close();
      state.engine.close();
    },
  };
}
