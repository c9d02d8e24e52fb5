/**
 * `build()` — the Fastify app over the adaptor library (adaptor/adaptor.ts).
 * Not listening: tests inject or listen on port 0, main.ts listens on $PORT.
 *
 * Transport rules (docs/protocol.md §2): the raw body is the signed token whatever
 * its Content-Type, so every JSON parser is removed and one catch-all parser
 * hands the text to the verifier. Every answer is JSON, errors included.
 */
import { randomUUID } from 'node:crypto';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Adaptor } from '../adaptor/adaptor.ts';
import { newCallContext } from '../adaptor/context.ts';
import type { VerifiedCall } from '../auth/verify.ts';
import { DEFAULT_REQUEST_DEADLINE_MS, newDeadline } from '../deadline.ts';
import { errors, SpiError } from '../errors.ts';
import { type LegacyHooks, type LegacyOptions, registerLegacyRoutes } from '../legacy/routes.ts';
import { runSelfTest, type SelfTestCall } from '../self-test.ts';
import type { EndpointName } from '../wire/validate.ts';
import { admitBodies } from './admission.ts';
import { createInstanceCheck, INSTANCE_IDS_ADVICE, shownInstanceId } from './instances.ts';
import { type Logger, silentLogger } from './log.ts';
import { openApiDocument } from './openapi.ts';
import { checkReadiness } from './readiness.ts';
import { pickRequestId } from './request-id.ts';
import { type CallState, logRequest } from './request-log.ts';
import { endpointForPath } from './routes.ts';
import {
  collectStatus,
  detailsAccess,
  refusedTokenMessage,
  type ServiceInfo,
  type ServiceStatus,
  StatusRecorder,
} from './status.ts';
import { type PageExtras, renderStatusPage } from './status-page.ts';

export interface BuildOptions {
  readonly adaptor: Adaptor;
  /** Verifies the raw body (auth/verify.ts `createVerifier`). */
  readonly verify: (body: string) => Promise<VerifiedCall>;
  readonly logger?: Logger;
  /**
   * Spec minimum 6 MB of request (docs/protocol.md §2.1); the token carries it base64url-encoded
   * (×4/3), so the default is 16 MB.
   */
  readonly bodyLimitBytes?: number;
  /** Google Cloud project, to format Cloud Logging trace ids. */
  readonly projectId?: string;
  /** How long the readiness probe waits for the database. */
  readonly readyTimeoutMs?: number;
  /** What the status page (`GET /`, `/status.json`) says about the service (server/status.ts). */
  readonly info?: ServiceInfo;
  /** Shared with the verifier's audience hook (runService); one is made when absent. */
  readonly recorder?: StatusRecorder;
  /** The legacy protocol (legacy/routes.ts): on when secret keys are given. */
  readonly legacy?: LegacyOptions;
  /**
   * WIX_INSTANCE_IDS (server/instances.ts): the only sites whose calls are served, v3 and legacy;
   * undefined: every site whose calls verify, and the status page advises setting it.
   */
  readonly instanceIds?: readonly string[];
  /** Budget of one plugin call (REQUEST_DEADLINE_MS, deadline.ts). */
  readonly requestDeadlineMs?: number;
  /**
   * How long closing waits for storage work abandoned at a deadline before it closes the
   * storage (abandoned-work.ts); one call's budget by default.
   */
  readonly closeDrainMs?: number;
  /**
   * Request-body bytes processed at once (admission.ts): a call that would pass it waits up to
   * `admissionWaitMs` for room, then is answered 503. Default: a quarter of V8's heap limit.
   */
  readonly bodyBytesInFlight?: number;
  /** How long a call waits for room in that budget; default a fifth of the call's budget, at most 1 s. */
  readonly admissionWaitMs?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    callState: CallState | null;
  }
}

const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/** The schema compilers of the app: none is needed (see `schemaController` in build()). */
function noRouteSchemas(): never {
  throw new Error(
    'route schemas are not compiled by this server (packages/core/src/server/app.ts): validate the decoded call in the handler instead',
  );
}

export function build(options: BuildOptions): FastifyInstance {
  const logger = options.logger ?? silentLogger;
  const { adaptor, verify } = options;
  // REQUEST_DEADLINE_MS: the budget of every call (v3, legacy, the self-test's) and the default wait for abandoned work.
  const deadlineMs = options.requestDeadlineMs ?? DEFAULT_REQUEST_DEADLINE_MS;
  const app = Fastify({
    // Fastify writes its own rare lines (a reply sent twice, a failed hook) through our logger
    // (log.ts `fastify`), shared by every request instead of a child each; its per-request lines
    // are off, since ours (request-log.ts) replace them. `logger: false` keeps Fastify from loading
    // pino, which it does for any logger given as `loggerInstance`; its server-wide lines (the
    // addresses it listens on) are then not written: runService writes one startup line instead.
    logger: false,
    ...(logger.fastify
      ? {
          logController: new LogController({ disableRequestLogging: true }),
          childLoggerFactory: () => logger.fastify as FastifyBaseLogger,
        }
      : {}),
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    // Paths are matched as tolerantly as the v3 routing (server/routes.ts: one trailing slash
    // dropped, and `//v3/…` found by its suffix), so a base URL configured in Wix with a
    // trailing slash reaches the legacy routes too (`//schemas/list`, legacy/README.md).
    routerOptions: { ignoreDuplicateSlashes: true, ignoreTrailingSlash: true },
    // Request ids are Wix's (metadata.requestId); Fastify's own are not used.
    genReqId: () => '',
    // While closing (serve.ts), a call that reaches an open connection is answered like any other,
    // not with Fastify's own 503 body (which is no SPI error).
    return503OnClosing: false,
    // No route declares a JSON schema (calls arrive as signed text, answers are encoded by
    // the codec), so Fastify's default compilers (ajv and fast-json-stringify, evaluated when
    // the server is built: part of every cold start, packages/bench/RESULTS.md) are never
    // loaded; a route given a schema fails to register with this message instead.
    schemaController: { compilersFactory: { buildValidator: noRouteSchemas, buildSerializer: noRouteSchemas } },
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  app.decorateRequest('callState', null);

  app.addHook('onRequest', async (request) => {
    request.callState = {
      operation: 'unknown',
      ctx: undefined,
      errorCode: undefined,
      error: undefined,
      started: process.hrtime.bigint(),
    };
  });

  // Admission by body bytes in flight (admission.ts): by Content-Length before the body is read,
  // a chunked body as it arrives. The bytes go back when the answer is sent or the connection closes.
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  admitBodies(app, {
    bodyLimitBytes: bodyLimit,
    budgetBytes: options.bodyBytesInFlight,
    waitMs: options.admissionWaitMs ?? Math.min(1000, Math.floor(deadlineMs / 5)),
    onRefused: (request) => {
      if (request.callState) request.callState.operation = endpointForPath(request.url) ?? 'unknown';
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    request.releaseBody?.();
    const state = request.callState;
    if (!state || state.operation === 'health') return;
    logRequest(logger, request, reply.statusCode, state, options.projectId);
  });

  const recorder = options.recorder ?? new StatusRecorder();
  const given: ServiceInfo = options.info ?? {
    name: adaptor.storage.capabilities.engine,
    version: 'unknown',
    keys: [],
    advice: [],
  };
  // The site allowlist is enforced here, so the status page learns it here too (runService only
  // passes the setting on): configured ids, or the advice to set them.
  const info: ServiceInfo = {
    ...given,
    ...(options.instanceIds ? { instanceIds: options.instanceIds } : {}),
    advice: options.instanceIds ? given.advice : [...given.advice, INSTANCE_IDS_ADVICE],
  };
  const checkInstance = createInstanceCheck(options.instanceIds);
  /**
   * Once per authenticated call, before any storage work — a verified token (answerV3) or the right
   * legacy secret (legacy/routes.ts), never an unsigned provision: notes its site for the status page
   * (logged once per new site while any site may call, as WIX_AUDIENCE's audiences are by
   * runService) and, with WIX_INSTANCE_IDS, refuses a site not listed (a Set lookup).
   */
  const admitSite: LegacyHooks['admitSite'] = (metadata, field) => {
    if (recorder.recordInstance(metadata.instanceId) && !checkInstance) {
      logger.log('NOTICE', 'WIX_INSTANCE_IDS is not set; accepted a call from a Wix site', {
        instanceId: metadata.instanceId === undefined ? null : shownInstanceId(metadata.instanceId),
      });
    }
    return checkInstance?.(metadata.instanceId, field);
  };

  /**
   * Every error answer of a call, v3 or legacy, goes through here: the request's log line
   * (request-log.ts) reports `cause` (the SpiError answered, or the unexpected error behind a
   * 500), and the status page (status.ts) counts the code and keeps the message the caller was
   * answered — never a raw error's message.
   */
  const noteError: LegacyHooks['noteError'] = (request, answer, cause) => {
    if (request.callState) {
      request.callState.errorCode = answer.code;
      request.callState.error = cause;
    }
    recorder.recordError(request.callState?.operation ?? 'unknown', answer.status, answer.code, answer.message);
  };

  /**
   * The SPI error body; a path no route serves gets both shapes, as the legacy routes answer
   * (legacy/routes.ts): a legacy caller of a path its protocol does not have reads `message`, a v3
   * one `errorMessage`.
   */
  const bodyOf = (spi: SpiError, notFound: boolean) =>
    notFound ? { message: spi.message, ...spi.toBody() } : spi.toBody();

  app.setErrorHandler((error, request, reply) => {
    const spi = toSpiError(error, request.callState?.ctx?.requestId);
    // An unexpected error is logged as itself (its stack), the SpiError answered otherwise.
    const cause = spi.code === 'UNKNOWN_ERROR' && !(error instanceof SpiError) ? error : spi;
    noteError(request, { status: spi.status, code: spi.code, message: spi.message }, cause);
    void reply
      .code(spi.status)
      .type('application/json')
      .send(bodyOf(spi, request.callState?.operation === 'not-found'));
  });

  app.setNotFoundHandler((request, reply) => {
    const spi = errors.routeNotFound(request.method, request.url.split('?')[0] ?? '');
    if (request.callState) {
      request.callState.operation = 'not-found';
      request.callState.errorCode = spi.code;
      request.callState.error = spi;
    }
    void reply.code(404).type('application/json').send(bodyOf(spi, true));
  });

  // The API description (server/openapi.ts): public, since it describes the routes and
  // nothing of this deployment (no settings, keys or collections). Built on first request.
  let openapi: string | undefined;
  app.get('/openapi.json', async (request, reply) => {
    if (request.callState) request.callState.operation = 'openapi';
    openapi ??= JSON.stringify(openApiDocument());
    return reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=3600').send(openapi);
  });

  app.get('/healthz', async (request) => {
    if (request.callState) request.callState.operation = 'health';
    return { status: 'ok' };
  });

  // Ready means the engine and the database (or dataset) answer now; a
  // storage's ready() says why not with an SpiError, and that reason (never a
  // raw client error, which may hold paths or request details) is the answer.
  app.get('/readyz', async (request, reply) => {
    if (request.callState) request.callState.operation = 'ready';
    const check = await checkReadiness(adaptor.storage, options.readyTimeoutMs ?? 5000, adaptor.abandoned);
    if (check.ready) return { status: 'ready' };
    logger.log('WARNING', 'readiness check failed', { reason: check.reason, err: check.error });
    // The storage's own SERVICE_UNAVAILABLE says what to do (a database that does not exist is a
    // setting to fix, not something to retry); any other failure is the generic advice.
    const spi =
      check.error instanceof SpiError && check.error.code === 'SERVICE_UNAVAILABLE'
        ? check.error
        : errors.unavailable(`The ${adaptor.storage.capabilities.engine} database`);
    return reply.code(503).send({ status: 'unavailable', reason: check.reason, ...spi.toBody() });
  });

  // The status page: a public summary (what a health check shows); details with STATUS_TOKEN
  // (server/status.ts). A token that is sent and does not match is answered 401 with the public
  // summary and why (refusedTokenMessage), never silently.
  const statusOf = async (request: FastifyRequest, offered: string | undefined) => {
    if (request.callState) request.callState.operation = 'status';
    const access = detailsAccess(info, offered);
    const status = await collectStatus(adaptor, info, recorder, {
      details: access === 'granted',
      timeoutMs: options.readyTimeoutMs ?? 5000,
      legacyMode: (options.legacy?.secretKeys?.length ?? 0) > 0 ? 'on' : 'off',
    });
    return { status, refused: access === 'refused' ? refusedTokenMessage(info) : undefined };
  };
  const sendPage = async (reply: FastifyReply, status: ServiceStatus, extras: PageExtras = {}) =>
    reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
      .header('x-frame-options', 'DENY')
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(renderStatusPage(status, extras));
  const answerPage = async (request: FastifyRequest, reply: FastifyReply, offered: string | undefined) => {
    const { status, refused } = await statusOf(request, offered);
    return sendPage(refused ? reply.code(401) : reply, status, refused ? { refused } : {});
  };

  app.get('/', async (request, reply) => answerPage(request, reply, bearer(request)));
  app.get('/status.json', async (request, reply) => {
    const { status, refused } = await statusOf(request, bearer(request));
    void reply.header('cache-control', 'no-store');
    if (refused) return reply.code(401).send(new SpiError('UNAUTHORIZED', refused, null).toBody());
    return reply.send(status);
  });
  // The page's form: the token travels in the body, never in a URL (Cloud Run logs URLs).
  app.post('/status', async (request, reply) => answerPage(request, reply, formToken(request)));

  // The self-test (self-test.ts) writes a throwaway collection, so it needs the
  // STATUS_TOKEN like the details do, and runs one at a time. The page's button
  // posts the token as a form and gets the page back with the report;
  // `Authorization: Bearer` gets the report as JSON.
  let selfTestRunning = false;
  app.post('/status/self-test', async (request, reply) => {
    const asJson = bearer(request) !== undefined;
    const token = bearer(request) ?? formToken(request);
    const { status } = await statusOf(request, token);
    if (request.callState) request.callState.operation = 'self-test';
    const refuse = (spi: SpiError) =>
      asJson
        ? reply.code(spi.status).send(spi.toBody())
        : sendPage(reply.code(spi.status), status, { selfTest: { error: spi.message } });
    // No token, a wrong one, or no STATUS_TOKEN setting: 401 UNAUTHORIZED as the other status
    // routes answer a refused token (docs/protocol.md §8), never 403, which this service keeps for
    // ACCESS_POLICY and WIX_INSTANCE_IDS refusals (docs/protocol.md §12).
    if (!status.details) {
      return refuse(
        new SpiError(
          'UNAUTHORIZED',
          info.detailsToken
            ? token === undefined
              ? "The self-test needs the STATUS_TOKEN and none was sent. Enter the value of the STATUS_TOKEN setting (Cloud Run: the service's variables and secrets) and press the button again."
              : "The self-test needs the STATUS_TOKEN; the one sent does not match. Enter the value of the STATUS_TOKEN setting exactly (Cloud Run: the service's variables and secrets) and press the button again."
            : 'The self-test needs the STATUS_TOKEN setting, and this service has none. Set STATUS_TOKEN on the service (at least 16 characters) and redeploy to use this button.',
          null,
        ),
      );
    }
    if (selfTestRunning) return refuse(errors.selfTestBusy());
    selfTestRunning = true;
    try {
      const report = await runSelfTest(inProcessCall());
      return asJson
        ? reply.header('cache-control', 'no-store').send(report)
        : sendPage(reply, status, { selfTest: report });
    } finally {
      selfTestRunning = false;
    }
  });
  /**
   * The self-test's calls from the page go through the adaptor library as a
   * verified call would (validation, ACCESS_POLICY, storage), as the site
   * owner's identity (WIX_USER); the signature is what `adaptors doctor` adds.
   */
  const inProcessCall = (): SelfTestCall => async (endpoint, body) => {
    const ctx = newCallContext(
      `self-test-${randomUUID()}`,
      { languages: [], identity: { identityType: 'WIX_USER' } },
      newDeadline(deadlineMs),
    );
    try {
      return { status: 200, body: await adaptor.call(endpoint, body, ctx) };
    } catch (error) {
      const spi = toSpiError(error, ctx.requestId);
      if (!(error instanceof SpiError)) logger.log('ERROR', 'self-test step failed', { err: error });
      return { status: spi.status, body: spi.toBody() };
    }
  };

  /** One verified v3 call: the token checked, the call run by the adaptor library. */
  const answerV3 = async (request: FastifyRequest, reply: FastifyReply, endpoint: EndpointName) => {
    const state = request.callState as CallState;
    state.operation = endpoint;
    // The budget starts when the call arrives: verifying the token counts against it.
    const deadline = newDeadline(deadlineMs);
    const body = typeof request.body === 'string' ? request.body : '';
    let call: VerifiedCall;
    let verified = true;
    try {
      call = await verify(body);
    } catch (error) {
      // provision is the legacy handshake and may arrive unsigned (docs/protocol.md §2.6, §8).
      if (endpoint !== 'provision') throw error;
      call = { request: {}, metadata: { languages: [] }, claims: { iss: '' } };
      verified = false;
    }
    const requestId = pickRequestId(call.metadata.requestId, request.headers['x-request-id']);
    const ctx = newCallContext(requestId, call.metadata, deadline);
    state.ctx = ctx;
    void reply.header('x-request-id', requestId);
    if (verified) {
      const refusal = admitSite(call.metadata, 'metadata.instanceId');
      // provision answers a fixed handshake, signed or not, and touches no data (docs/protocol.md
      // §8): a site is told it is not listed by its first data call, not while it connects.
      if (refusal && endpoint !== 'provision') throw refusal;
    }
    return adaptor.call(endpoint, call.request, ctx);
  };

  // A bare /provision that is not a legacy call (no requestContext: a v3 token, signed or not)
  // is the v3 handshake, as /v3/provision (docs/protocol.md §8).
  registerLegacyRoutes(app, adaptor, options.legacy, deadlineMs, {
    noteError,
    admitSite,
    v3Provision: (request, reply) => answerV3(request, reply, 'provision'),
  });

  app.post('/*', async (request: FastifyRequest, reply: FastifyReply) => {
    const endpoint = endpointForPath(request.url);
    if (!endpoint) {
      (request.callState as CallState).operation = 'not-found';
      throw errors.routeNotFound('POST', request.url.split('?')[0] ?? '');
    }
    return answerV3(request, reply, endpoint);
  });

  // Draining (SIGTERM): answers to in-flight calls close their keep-alive
  // connection, so the server can finish closing as soon as they are done
  // instead of waiting out the keep-alive timeout.
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (draining) void reply.header('connection', 'close');
  });
  // Work abandoned at a deadline may still be running in the client library (its own retries):
  // let it end before the client is closed under it, for at most closeDrainMs (abandoned-work.ts).
  app.addHook('onClose', async () => {
    const drainMs = options.closeDrainMs ?? deadlineMs;
    if (!(await adaptor.abandoned.settled(drainMs))) {
      logger.log('NOTICE', 'closing the database client under work abandoned at its deadline', {
        running: adaptor.abandoned.size,
        waitedMs: drainMs,
      });
    }
    await adaptor.storage.close();
  });

  return app;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

function formToken(request: FastifyRequest): string | undefined {
  return new URLSearchParams(typeof request.body === 'string' ? request.body : '').get('token') ?? undefined;
}

/**
 * Every failure leaves as an SpiError. An unexpected one is answered with its
 * request id only; its message and stack go to the request's log line.
 */
function toSpiError(error: unknown, requestId?: string): SpiError {
  if (error instanceof SpiError) return error;
  const code = (error as { code?: unknown }).code;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return errors.payloadTooLarge();
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return errors.badRequest(
      `The request could not be read: ${(error as Error).message}. Send the call as Wix does: its signed token as the raw body.`,
    );
  }
  return errors.internal(requestId);
}
