/**
 * The adaptor as a library, usable without HTTP (like postgres-meta's library
 * under its `build()` app): one `call(endpoint, request)` that validates the
 * request, applies the access policy and runs the endpoint on the storage.
 * The Fastify layer (server/) only adds transport, signing and logging.
 */
import { AbandonedWork } from '../abandoned-work.ts';
import { type AccessKind, type AccessPolicy, checkAccess } from '../auth/policy.ts';
import { runWithDeadline } from '../deadline.ts';
import { errors, SpiError } from '../errors.ts';
import type { Storage } from '../storage.ts';
import { type EndpointName, type RequestOf, validateRequest } from '../wire/validate.ts';
import type { CallContext } from './context.ts';
import { aggregateItems, countItems, distinctValues, queryItems } from './items-read.ts';
import { insertItems, removeItems, truncateItems, updateItems } from './items-write.ts';
import { insertReferences, queryReferenced, removeReferences } from './references.ts';
import {
  createCollection,
  createIndex,
  deleteCollection,
  getCapabilities,
  listCollections,
  listIndexes,
  provision,
  removeIndex,
  updateCollection,
} from './schema.ts';

export interface AdaptorOptions {
  readonly storage: Storage;
  /** HMAC key for cursors (query/cursor.ts). */
  readonly cursorSecret: string;
  readonly policy?: AccessPolicy;
  readonly now?: () => Date;
}

export interface Adaptor {
  readonly storage: Storage;
  /** Storage work its calls gave up on at their deadline and that still runs (abandoned-work.ts). */
  readonly abandoned: AbandonedWork;
  call(endpoint: EndpointName, request: unknown, ctx: CallContext): Promise<unknown>;
  /**
   * The ACCESS_POLICY check `call(endpoint, …)` makes on `collectionId` before anything is read:
   * throws its 403 when the caller may not. For a call that reads before it makes that v3 call
   * (a legacy schema change reads the definition it edits: legacy/handlers.ts), so it needs
   * exactly what the v3 call needs, refused the same way.
   */
  authorize(endpoint: EndpointName, collectionId: string, ctx: CallContext): void;
}

interface Deps {
  readonly storage: Storage;
  readonly cursorSecret: string;
  readonly now: () => Date;
  /** For the collections a call reaches besides its own (references, listings): auth/README.md. */
  readonly policy: AccessPolicy | undefined;
}

type Handler<E extends EndpointName> = (deps: Deps, req: RequestOf[E], ctx: CallContext) => Promise<unknown> | unknown;

/** Endpoint → (access kind, handler). One table: adding an endpoint is one line. */
const ENDPOINT_TABLE: { [E in EndpointName]: readonly [AccessKind, Handler<E>] } = {
  'items/query': ['read', queryItems],
  'items/count': ['read', countItems],
  'items/aggregate': ['read', aggregateItems],
  'items/query-distinct-values': ['read', distinctValues],
  'items/insert': ['write', insertItems],
  'items/update': ['write', updateItems],
  'items/remove': ['write', removeItems],
  'items/truncate': ['write', truncateItems],
  'items/query-referenced': ['read', queryReferenced],
  'items/insert-references': ['write', insertReferences],
  'items/remove-references': ['write', removeReferences],
  'collections/get': ['read', (d, r, c) => listCollections(d.storage, r, c, d.policy)],
  'collections/create': ['schema', (d, r, c) => createCollection(d.storage, r, c)],
  'collections/update': ['schema', (d, r, c) => updateCollection(d.storage, r, c)],
  'collections/delete': ['schema', (d, r, c) => deleteCollection(d.storage, r, c)],
  'capabilities/get': ['read', (d) => getCapabilities(d.storage)],
  'indexes/list': ['read', (d, r, c) => listIndexes(d.storage, r, c)],
  'indexes/create': ['schema', (d, r, c) => createIndex(d.storage, r, c)],
  'indexes/remove': ['schema', (d, r, c) => removeIndex(d.storage, r, c)],
  provision: ['read', (d) => provision(d.storage)],
};

/** Endpoints whose handler applies the policy to each collection it touches instead of once up front. */
const PER_COLLECTION: ReadonlySet<EndpointName> = new Set(['collections/get']);

/** When the call began (Date.now()): its deadline's start. */
function callStart(ctx: CallContext): number {
  return ctx.deadline.expiresAt - ctx.deadline.budgetMs;
}

export function createAdaptor(options: AdaptorOptions): Adaptor {
  const deps: Deps = {
    storage: options.storage,
    cursorSecret: options.cursorSecret,
    now: options.now ?? (() => new Date()),
    policy: options.policy,
  };
  const abandoned = new AbandonedWork();
  return {
    storage: options.storage,
    abandoned,
    authorize(endpoint, collectionId, ctx) {
      if (options.policy) checkAccess(options.policy, ctx.metadata, collectionId, ENDPOINT_TABLE[endpoint][0]);
    },
    async call(endpoint, raw, ctx) {
      const request = validateRequest(endpoint, raw);
      const [kind, handler] = ENDPOINT_TABLE[endpoint] as readonly [AccessKind, Handler<typeof endpoint>];
      const collectionId = collectionIdOf(request);
      // A listing of collections is judged per collection it would show (schema.ts listCollections), not
      // by the "*" rules: a collection the caller may not read is left out (auth/README.md).
      if (options.policy && !PER_COLLECTION.has(endpoint))
        checkAccess(options.policy, ctx.metadata, collectionId, kind);
      const effect = kind === 'read' ? 'read' : 'write';
      const run = async () => {
        try {
          return await handler(deps, request, ctx);
        } catch (error) {
          // A field unknown to the cached schema may have just been added by another instance
          // (packages/core/SCALING.md): when a fresh read changes the definition, run the call once more.
          if (
            kind === 'schema' ||
            collectionId === undefined ||
            !(error instanceof SpiError && error.code === 'VALIDATION_ERROR') ||
            !(await options.storage.refreshCollection?.(collectionId, callStart(ctx)))
          ) {
            throw error;
          }
          return handler(deps, request, ctx);
        }
      };
      try {
        return await runWithDeadline(ctx.deadline, effect, run, abandoned);
      } catch (error) {
        // A write cut by the deadline or by an unavailable database may still
        // have been applied: say so in the answer and the log (deadline.ts). One the database
        // refused outright (missing, credentials, quota: SpiError.notApplied) was not.
        if (effect === 'write' && error instanceof SpiError && error.status >= 503 && !error.notApplied) {
          ctx.info.writeOutcome = 'UNKNOWN';
          if (error.data?.writeOutcome !== 'UNKNOWN') throw errors.writeOutcomeUnknown(error);
        }
        throw error;
      }
    },
  };
}

function collectionIdOf(request: unknown): string | undefined {
  const r = request as { collectionId?: unknown; collection?: { id?: unknown } };
  if (typeof r.collectionId === 'string') return r.collectionId;
  if (typeof r.collection?.id === 'string') return r.collection.id;
  return undefined;
}
