/**
 * The OpenAPI 3.1 description of every service (`GET /openapi.json`,
 * committed as docs/openapi.json and checked against this code by
 * test/server/openapi.test.ts; regenerate with UPDATE_OPENAPI_DOCS=1).
 *
 * Request bodies come from the TypeBox wire schemas (wire/endpoints.ts
 * REQUEST_SCHEMAS), the same objects that validate each call, so the
 * description cannot say something the validation does not do. A v3 call's
 * HTTP body is a JWT signed by Wix; the schema describes the token's
 * `data.request`, and is referenced from the request body with
 * `x-signed-request`. Error bodies come from the error catalogue (errors.ts).
 *
 * Built on the first request to /openapi.json and kept (app.ts): nothing of
 * it runs at start. Written by hand instead of with @fastify/swagger, which
 * would need every route declared with Fastify schemas (ours route by
 * suffix through one handler) and is loaded at start.
 */
import { ERROR_STATUS, type ErrorCode } from '../errors.ts';
import { LEGACY_PATHS } from '../legacy/handlers.ts';
import { ENDPOINTS, type EndpointName, endpointPath, REQUEST_SCHEMAS } from '../wire/endpoints.ts';

type Json = Record<string, unknown>;

/** The top-level keys of each endpoint's answer (wire/responses.ts); testkit checks them against real answers. */
export const RESPONSE_KEYS: { readonly [E in EndpointName]: readonly string[] } = {
  'items/query': ['items', 'pagingMetadata'],
  'items/count': ['totalCount'],
  'items/aggregate': ['items', 'pagingMetadata'],
  'items/query-distinct-values': ['distinctValues', 'pagingMetadata'],
  'items/insert': ['results'],
  'items/update': ['results'],
  'items/remove': ['results'],
  'items/truncate': [],
  'items/query-referenced': ['items', 'pagingMetadata'],
  'items/insert-references': ['results'],
  'items/remove-references': ['results'],
  'collections/get': ['collections'],
  'collections/create': ['collection'],
  'collections/update': ['collection'],
  'collections/delete': [],
  'capabilities/get': ['supportsCollectionModifications', 'supportedFieldTypes', 'indexOptions'],
  'indexes/list': ['indexes'],
  'indexes/create': ['index'],
  'indexes/remove': [],
  provision: ['type', 'vendor', 'protocolVersion', 'adapterVersion'],
};

/** `items/query-distinct-values` → `ItemsQueryDistinctValuesRequest`. */
export function requestSchemaName(endpoint: EndpointName): string {
  const words = endpoint.split(/[/-]/).map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${words.join('')}Request`;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/**
 * A TypeBox schema as OpenAPI 3.1 JSON Schema: symbols dropped (JSON), a
 * recursive schema (`$id`) hoisted into components and referenced,
 * TypeBox's `errorMessage` keyword kept as the description it is.
 */
function toOpenApiSchema(schema: unknown, components: Record<string, Json>): Json {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$id') continue;
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) {
        out.$ref = `#/components/schemas/${value}`;
      } else if (key === 'errorMessage') {
        if (!('description' in node)) out.description = value;
      } else {
        out[key] = walk(value);
      }
    }
    const id = (node as Json).$id;
    if (typeof id === 'string') {
      components[id] ??= out;
      return ref(id);
    }
    return out;
  };
  return walk(JSON.parse(JSON.stringify(schema))) as Json;
}

function errorSchemas(): Record<string, Json> {
  const codes = Object.keys(ERROR_STATUS) as ErrorCode[];
  const data = { anyOf: [{ type: 'object' }, { type: 'null' }] };
  return {
    ErrorBody: {
      type: 'object',
      description:
        "Every error answer: Wix's documented fields and the SDK's `applicationError` with the same content. The message says what went wrong and what to do.",
      required: ['errorCode', 'errorMessage', 'data'],
      properties: {
        errorCode: ref('ErrorCode'),
        errorMessage: { type: 'string' },
        data,
        applicationError: {
          type: 'object',
          properties: { code: ref('ErrorCode'), description: { type: 'string' }, data },
        },
      },
    },
    ErrorCode: {
      type: 'string',
      enum: codes,
      description: codes.map((code) => `${code}: HTTP ${ERROR_STATUS[code]}`).join('; '),
    },
  };
}

/** One error response per status the catalogue uses, naming its codes (components.responses). */
function errorResponses(): Record<string, Json> {
  const byStatus = new Map<number, string[]>();
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[`Error${status}`] = {
      description: codes.join(', '),
      content: { 'application/json': { schema: ref('ErrorBody') } },
    };
  }
  return responses;
}

function v3Operation(endpoint: EndpointName, errors: Record<string, Json>): Json {
  const errorRefs = Object.fromEntries(
    Object.keys(errors).map((name) => [name.slice('Error'.length), { $ref: `#/components/responses/${name}` }]),
  );
  const name = requestSchemaName(endpoint);
  const keys = RESPONSE_KEYS[endpoint];
  return {
    post: {
      operationId: endpoint.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase()),
      tags: [endpoint.split('/')[0] === endpoint ? 'service' : endpoint.split('/')[0]],
      summary: `${endpoint} (a signed call from Wix)`,
      requestBody: {
        required: true,
        description: `A JWT signed by Wix; its payload's \`data.request\` is a ${name} and \`data.metadata\` the caller's context.`,
        content: { 'text/plain': { schema: ref('SignedCall') } },
        'x-signed-request': ref(name),
      },
      responses: {
        '200': {
          description: `The answer to ${endpoint}.`,
          content: {
            'application/json': {
              schema: { type: 'object', ...(keys.length > 0 ? { required: [...keys] } : {}) },
            },
          },
        },
        ...errorRefs,
      },
    },
  };
}

const json = (schema: Json) => ({ 'application/json': { schema } });
const html = { 'text/html': { schema: { type: 'string' } } };
/** The 401 of every status route (server/app.ts, docs/protocol.md §8): a sent token is never silently ignored. */
const REFUSED_TOKEN = 'A token was sent that is not the STATUS_TOKEN, or the service has no STATUS_TOKEN setting.';

function operationalPaths(): Record<string, Json> {
  const statusObject = { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] };
  return {
    '/healthz': {
      get: {
        operationId: 'health',
        tags: ['operations'],
        summary: 'Liveness: the process answers.',
        responses: { '200': { description: '`{"status":"ok"}`', content: json(statusObject) } },
      },
    },
    '/readyz': {
      get: {
        operationId: 'ready',
        tags: ['operations'],
        summary: 'Readiness: the database answers and the configured database or dataset exists.',
        responses: {
          '200': { description: '`{"status":"ready"}`', content: json(statusObject) },
          '503': {
            description: 'Not ready: `reason` says why (never a raw client error), with the error body.',
            content: json({
              allOf: [
                ref('ErrorBody'),
                { type: 'object', properties: { status: { const: 'unavailable' }, reason: { type: 'string' } } },
              ],
            }),
          },
        },
      },
    },
    '/': {
      get: {
        operationId: 'statusPage',
        tags: ['operations'],
        summary:
          'The status page (HTML): publicly a health check (release, whether the database answers); details with STATUS_TOKEN.',
        security: [{}, { statusToken: [] }],
        responses: {
          '200': { description: 'The page.', content: html },
          '401': { description: `${REFUSED_TOKEN} The public page, with a notice saying so.`, content: html },
        },
      },
    },
    '/status.json': {
      get: {
        operationId: 'status',
        tags: ['operations'],
        summary: "The status page's content as JSON: the public health check, or the details with STATUS_TOKEN.",
        security: [{}, { statusToken: [] }],
        responses: {
          '200': { description: 'The status.', content: json({ type: 'object' }) },
          '401': { description: `${REFUSED_TOKEN} An UNAUTHORIZED error saying so.`, content: json(ref('ErrorBody')) },
        },
      },
    },
    '/status': {
      post: {
        operationId: 'statusForm',
        tags: ['operations'],
        summary: "The status page's form: the token travels in the body, never in a URL.",
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: { type: 'object', properties: { token: { type: 'string' } } },
            },
          },
        },
        responses: {
          '200': {
            description: 'The page, with the details when the token is the STATUS_TOKEN (or no token is sent).',
            content: html,
          },
          '401': { description: `${REFUSED_TOKEN} The public page, with a notice saying so.`, content: html },
        },
      },
    },
    '/status/self-test': {
      post: {
        operationId: 'selfTest',
        tags: ['operations'],
        summary:
          'Runs the self-test (a round trip on a throwaway collection, or a read-only check). Needs STATUS_TOKEN: as a form field (answers the page) or as a Bearer token (answers JSON).',
        security: [{ statusToken: [] }],
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: { type: 'object', properties: { token: { type: 'string' } } },
            },
          },
        },
        responses: {
          '200': {
            description: 'The report: each step with its status and time.',
            content: { ...json({ type: 'object' }), 'text/html': { schema: { type: 'string' } } },
          },
          '401': {
            description:
              'No token, a wrong one, or no STATUS_TOKEN setting on the service: nothing runs. An UNAUTHORIZED error saying which (Bearer), or the page with that message (form).',
            content: { ...json(ref('ErrorBody')), ...html },
          },
          '503': { description: 'A self-test is already running.' },
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        tags: ['operations'],
        summary: 'This document. Public: it describes the routes, not this deployment.',
        responses: { '200': { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
      },
    },
  };
}

function legacyPaths(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const path of LEGACY_PATHS) {
    // A bare /provision is shared with v3: only a body with a requestContext is a legacy call;
    // anything else gets the v3 handshake (docs/protocol.md §8, docs/legacy.md "Run legacy mode").
    const shared = path === '/provision';
    paths[path] = {
      post: {
        operationId: `legacy${path.replace(/[/-](\w)/g, (_, c: string) => c.toUpperCase())}`,
        tags: shared ? ['legacy', 'service'] : ['legacy'],
        summary: shared
          ? '/provision, shared by both protocols: a body with a requestContext is a legacy call (on when LEGACY_SECRET_KEYS is set; otherwise 404 saying how to turn it on); anything else — a v3 token, signed or not, or an empty body — gets the v3 answer of /v3/provision, in either mode.'
          : `${path} of the legacy protocol (on when LEGACY_SECRET_KEYS is set; otherwise 404 saying how to turn it on).`,
        requestBody: {
          required: !shared,
          content: {
            ...(shared ? { 'text/plain': { schema: ref('SignedCall') } } : {}),
            ...json({
              type: 'object',
              required: ['requestContext'],
              properties: {
                requestContext: {
                  type: 'object',
                  description: '`settings.secretKey` must be one of LEGACY_SECRET_KEYS.',
                },
              },
            }),
          },
        },
        responses: {
          '200': {
            description: shared
              ? 'A legacy call: `{ type, vendor, protocolVersion: 2 }`. Anything else: the answer of /v3/provision.'
              : 'The answer.',
            content: json({ type: 'object' }),
          },
          default: {
            description: 'An error: its status and a message.',
            content: json({ type: 'object', required: ['message'], properties: { message: { type: 'string' } } }),
          },
        },
      },
    };
  }
  return paths;
}

export function openApiDocument(): Json {
  const components: Record<string, Json> = {};
  const requests: Record<string, Json> = {};
  for (const endpoint of ENDPOINTS) {
    requests[requestSchemaName(endpoint)] = toOpenApiSchema(REQUEST_SCHEMAS[endpoint], components);
  }
  const errors = errorResponses();
  const paths: Record<string, Json> = {};
  for (const endpoint of ENDPOINTS) paths[endpointPath(endpoint)] = v3Operation(endpoint, errors);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Wix external database adaptor',
      version: '3',
      description:
        "The routes every adaptor service answers: Wix's External Database service plugin (v3) calls, " +
        'each a POST whose body is a JWT that Wix signs (the adaptor verifies it against WIX_PUBLIC_KEYS), ' +
        'the legacy External Database Collections protocol (when LEGACY_SECRET_KEYS is set), and the operational ' +
        'routes (health, readiness, status page, this document).',
    },
    tags: [
      { name: 'items', description: 'Item reads and writes' },
      { name: 'collections', description: 'Collection (table) management' },
      { name: 'indexes', description: 'Index management, where the database supports it' },
      { name: 'capabilities', description: 'What this database supports' },
      { name: 'service', description: 'The provisioning handshake' },
      { name: 'operations', description: 'Health, readiness, status' },
      { name: 'legacy', description: 'The legacy protocol' },
    ],
    paths: { ...paths, ...operationalPaths(), ...legacyPaths() },
    components: {
      schemas: {
        SignedCall: {
          type: 'string',
          description:
            'A compact JWS (RS256 or ES256) with `iss` "wix.com", `aud` the app id, `iat`, `exp`, and ' +
            '`data: { request, metadata }`; sent as the raw body (a JSON-quoted token is accepted too).',
          pattern: '^"?[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*"?$',
        },
        ...requests,
        ...components,
        ...errorSchemas(),
      },
      responses: errors,
      securitySchemes: {
        statusToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'STATUS_TOKEN: unlocks the details of the status page.',
        },
      },
    },
  };
}

/** The committed form (docs/openapi.json): two-space JSON and a final newline. */
export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
