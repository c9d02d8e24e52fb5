/**
 * The legacy router (legacy/README.md): POST /provision, /schemas/*, /data/*
 * with JSON bodies authenticated by `requestContext.settings.secretKey`.
 * Registered by `build()` (server/app.ts) in one of two modes:
 *
 * - on (secret keys configured): every endpoint of legacy/handlers.ts;
 * - off: the same paths answer 404 with a message saying this service speaks
 *   the v3 service-plugin protocol and how to turn legacy mode on or reconnect,
 *   instead of a bare "unknown endpoint".
 *
 * In both modes a bare `/provision` that is not a legacy call (no `requestContext`:
 * a v3 token, signed or not, or an empty body) is answered as `/v3/provision`, the
 * v3 handshake (docs/protocol.md §8), through the app's own v3 path.
 *
 * The signed /v3/ routes are untouched in both modes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Adaptor } from '../adaptor/adaptor.ts';
import { newCallContext } from '../adaptor/context.ts';
import type { RequestMetadata } from '../auth/metadata.ts';
import { newDeadline } from '../deadline.ts';
import { errors, SpiError } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';
import type { InstanceField } from '../server/instances.ts';
import { pickRequestId } from '../server/request-id.ts';
import { LegacyError, NOT_AUTHORIZED } from './errors.ts';
import { LEGACY_HANDLERS, LEGACY_PATHS } from './handlers.ts';
import { legacyMessage } from './paths.ts';
import { parseRequestContext } from './request-context.ts';
import { createSecretChecker } from './secret.ts';

export interface LegacyOptions {
  /** The accepted secret keys (`LEGACY_SECRET_KEYS`); empty or absent = legacy mode off. */
  readonly secretKeys?: readonly string[];
}

/** An error as answered: its status, a code (the catalogue's, or a legacy refusal's) and the message sent. */
export interface ErrorAnswer {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** What the app (server/app.ts) lends the legacy router. */
export interface LegacyHooks {
  /**
   * Notes an error answer the way the app notes its own: the request's log line reports
   * `cause`, the status page counts it (errors by code, recent errors, the last 401).
   */
  readonly noteError: (request: FastifyRequest, answer: ErrorAnswer, cause: unknown) => void;
  /** Answers a bare /provision that is not a legacy call as the v3 handshake (`/v3/provision`). */
  readonly v3Provision: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
  /**
   * The site check of an authenticated call (WIX_INSTANCE_IDS, server/instances.ts), shared with
   * v3: notes the call's site for the status page; undefined when the site may call, else the 403.
   * Called only with the right secret: never for a /provision sent without one.
   */
  readonly admitSite: (metadata: RequestMetadata, field: InstanceField) => SpiError | undefined;
}

/** Where the docs explain both ways out. */
const HOW_TO = 'docs/legacy.md in the adaptor repository';

export const LEGACY_OFF_MESSAGE =
  'This adaptor speaks the Wix External Database service plugin protocol (v3: signed calls to /v3/…), ' +
  'but this call uses the legacy External Database Collections protocol (STANDALONE connection). ' +
  "Either turn legacy mode on by setting LEGACY_SECRET_KEYS to the connection's configuration.secretKey and redeploying, " +
  `or reconnect the site with a WIX_SERVICE_PLUGIN connection. See ${HOW_TO}.`;

export const V3_TOKEN_ON_LEGACY_PATH =
  'This path belongs to the legacy External Database Collections protocol (JSON body with requestContext.settings.secretKey), ' +
  'but the call is a signed v3 service-plugin token. v3 calls go to /v3/… paths: check the endpoint of the ' +
  `WIX_SERVICE_PLUGIN connection (the service base URL, without a path). See ${HOW_TO}.`;

const JWT = /^"?[\w-]+\.[\w-]+\.[\w-]*"?$/;

// Only the request-state fields the router sets (server/app.ts declares the full type).
interface LogState {
  operation: string;
  ctx: ReturnType<typeof newCallContext> | undefined;
}

function stateOf(request: FastifyRequest): LogState | undefined {
  return (request as unknown as { callState: LogState | null }).callState ?? undefined;
}

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type('application/json').send(body);
}

/** `deadlineMs`: REQUEST_DEADLINE_MS, the budget of every call, legacy ones included (deadline.ts). */
export function registerLegacyRoutes(
  app: FastifyInstance,
  adaptor: Adaptor,
  options: LegacyOptions | undefined,
  deadlineMs: number,
  hooks: LegacyHooks,
): void {
  const keys = options?.secretKeys ?? [];
  if (keys.length === 0) {
    for (const path of LEGACY_PATHS) {
      app.post(path, async (request, reply) => {
        if (path === '/provision' && !isLegacyCall(jsonObjectOf(request))) return hooks.v3Provision(request, reply);
        const state = stateOf(request);
        const spi = new SpiError('NOT_FOUND', LEGACY_OFF_MESSAGE, null);
        if (state) state.operation = `legacy-off:${path.slice(1)}`;
        // Counted on the status page too: a site still calling the legacy protocol shows there.
        hooks.noteError(request, { status: 404, code: spi.code, message: spi.message }, spi);
        // Both shapes: a legacy caller reads `message`, a v3 one `errorMessage`.
        return send(reply, 404, { message: LEGACY_OFF_MESSAGE, ...spi.toBody() });
      });
    }
    return;
  }
  const check = createSecretChecker(keys);
  for (const path of LEGACY_PATHS) {
    const handler = LEGACY_HANDLERS[path];
    if (!handler) continue;
    app.post(path, async (request, reply) => {
      const body = jsonObjectOf(request);
      if (path === '/provision' && !isLegacyCall(body)) return hooks.v3Provision(request, reply);
      const state = stateOf(request);
      const operation = `legacy:${path.slice(1)}`;
      if (state) state.operation = operation;
      // `error` is what the request's log line reports (server/request-log.ts): the
      // unexpected error behind a 500, or the refusal answered.
      const fail = (status: number, message: string, code: string, error?: unknown) => {
        hooks.noteError(request, { status, code, message }, error ?? new LegacyError(status, message));
        return send(reply, status, { message });
      };
      if (body === undefined) {
        if (JWT.test(rawText(request))) return fail(401, V3_TOKEN_ON_LEGACY_PATH, 'V3_TOKEN_ON_LEGACY_PATH');
        return fail(400, 'The request body must be a JSON object with a requestContext.', 'BAD_REQUEST');
      }
      const context = parseRequestContext(body);
      const verdict = check(context.secretKey);
      // /provision is exempt from requiring the key (as in the reference adaptor), but a
      // key that is sent and wrong fails there too, so a mistyped secret shows when the site connects.
      if (verdict === 'wrong' || (verdict === 'missing' && path !== '/provision')) {
        return fail(401, NOT_AUTHORIZED, verdict === 'wrong' ? 'WRONG_SECRET' : 'MISSING_SECRET');
      }
      const requestId = pickRequestId(request.headers['x-request-id']);
      const ctx = newCallContext(requestId, context.metadata, newDeadline(deadlineMs));
      if (state) state.ctx = ctx;
      void reply.header('x-request-id', requestId);
      // The site check only once the secret is right, so only a holder of the secret is noted on
      // the status page (and logged) or told which site it called from: a /provision without a
      // secret, which is answered, is neither, or anyone could fill the list of sites seen with
      // ids of their choosing for the owner to allowlist. requestContext.instanceId is not signed:
      // it tells a second site that got the same secret (a duplicated site, a reused secret) from
      // the owner's, not a holder of the secret who writes another site's id (docs/legacy.md
      // "Sites allowed"). /provision touches no data, as v3's (server/app.ts), so it is never refused.
      if (verdict === 'ok') {
        const refusal = hooks.admitSite(context.metadata, 'requestContext.instanceId');
        if (refusal && path !== '/provision') return fail(refusal.status, refusal.message, refusal.code, refusal);
      }
      try {
        return send(reply, 200, await handler(adaptor, body, ctx));
      } catch (error) {
        if (error instanceof LegacyError) return fail(error.status, error.message, `HTTP_${error.status}`, error);
        if (error instanceof SpiError) {
          return fail(error.status, legacyMessage(error.message, path), error.code, error);
        }
        const internal = errors.internal(requestId);
        return fail(internal.status, internal.message, internal.code, error);
      }
    });
  }
}

function rawText(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body.trim() : '';
}

/** The body as a JSON object, or undefined when it is not one (a token, form text, an array…). */
function jsonObjectOf(request: FastifyRequest): Record<string, unknown> | undefined {
  try {
    const body: unknown = JSON.parse(rawText(request));
    return isPlainObject(body) ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every legacy call carries a `requestContext` (legacy/README.md "requestContext"); a bare
 * /provision without one — a v3 token, signed or not, or an empty body — is the v3 handshake
 * (docs/protocol.md §8), whatever the legacy mode.
 */
function isLegacyCall(body: Record<string, unknown> | undefined): boolean {
  return body !== undefined && 'requestContext' in body;
}
