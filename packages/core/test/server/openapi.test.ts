/**
 * The OpenAPI document (server/openapi.ts) is built from the wire schemas and
 * the error catalogue, and the committed copy, docs/openapi.json, is exactly
 * what the code builds: regenerate it with UPDATE_OPENAPI_DOCS=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ERROR_STATUS } from '../../src/errors.ts';
import { openApiDocument, renderOpenApi, requestSchemaName } from '../../src/server/openapi.ts';
import { ENDPOINTS, type EndpointName, endpointPath, REQUEST_SCHEMAS } from '../../src/wire/endpoints.ts';
import { INTERNAL_REFERENCE } from '../internal-references.ts';

const FILE = new URL('../../../../docs/openapi.json', import.meta.url).pathname;

type Json = Record<string, unknown>;
const doc = openApiDocument() as {
  openapi: string;
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Json> };
};

/** Every `$ref` in the document, with where it is. */
function refsOf(node: unknown, at = '#'): [string, string][] {
  if (Array.isArray(node)) return node.flatMap((child, i) => refsOf(child, `${at}/${i}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [[at, value] as [string, string]] : refsOf(value, `${at}/${key}`),
  );
}

describe('docs/openapi.json', () => {
  test('is what the code builds (UPDATE_OPENAPI_DOCS=1 rewrites it)', () => {
    const rendered = renderOpenApi();
    const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '';
    let same = false;
    try {
      same = JSON.stringify(JSON.parse(current)) === JSON.stringify(JSON.parse(rendered));
    } catch {
      same = false;
    }
    if (same) return;
    if (process.env.UPDATE_OPENAPI_DOCS === '1') {
      writeFileSync(FILE, rendered);
      return;
    }
    expect(current, `${FILE} is out of date: regenerate it with UPDATE_OPENAPI_DOCS=1`).toBe(rendered);
  });
});

describe('the OpenAPI document', () => {
  test('is valid OpenAPI 3.1 (checked against the published OpenAPI schema)', async () => {
    const result = await new Validator().validate(openApiDocument());
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  test('is OpenAPI 3.1 with one POST per v3 endpoint, its signed request a component', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const endpoint of ENDPOINTS) {
      const post = doc.paths[endpointPath(endpoint)]?.post as Json | undefined;
      expect(post, endpoint).toBeDefined();
      const body = post?.requestBody as Json;
      expect(body['x-signed-request']).toEqual({ $ref: `#/components/schemas/${requestSchemaName(endpoint)}` });
      expect(Object.keys(post?.responses as Json)).toEqual(
        expect.arrayContaining(['200', '400', '401', '404', '500', '503', '504']),
      );
    }
  });

  test('request schemas are the TypeBox schemas that validate the calls', () => {
    for (const endpoint of ENDPOINTS) {
      const typebox = JSON.parse(JSON.stringify(REQUEST_SCHEMAS[endpoint])) as Json;
      const described = doc.components.schemas[requestSchemaName(endpoint)] as Json;
      expect(described.type, endpoint).toBe(typebox.type);
      expect(described.required, endpoint).toEqual(typebox.required);
      expect(Object.keys(described.properties as Json), endpoint).toEqual(Object.keys(typebox.properties as Json));
    }
    // The recursive field definition is hoisted and referenced, not inlined with a relative $id.
    expect(doc.components.schemas.FieldInput).toMatchObject({ type: 'object', required: ['key', 'type'] });
    expect(JSON.stringify(doc)).not.toContain('"$id"');
  });

  test('every $ref resolves inside the document', () => {
    const refs = refsOf(doc);
    expect(refs.length).toBeGreaterThan(ENDPOINTS.length);
    for (const [at, target] of refs) {
      const match = /^#\/components\/(schemas|responses)\/(\w+)$/.exec(target);
      expect(match, at).not.toBeNull();
      const [, kind, name] = match as unknown as [string, 'schemas' | 'responses', string];
      expect(doc.components[kind][name], `${at} → ${target}`).toBeDefined();
    }
  });

  test('error codes are the catalogue, each under its status', () => {
    expect((doc.components.schemas.ErrorCode as { enum: string[] }).enum).toEqual(Object.keys(ERROR_STATUS));
    const responses = doc.paths['/v3/items/query']?.post?.responses as Record<string, { $ref: string }>;
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      const name = responses[String(status)]?.$ref.split('/').pop() as string;
      expect((doc.components.responses[name] as { description: string }).description, code).toContain(code);
    }
  });

  test('describes the operational routes and cites nothing internal', () => {
    for (const path of ['/healthz', '/readyz', '/', '/status.json', '/openapi.json']) {
      expect(doc.paths[path]?.get, path).toBeDefined();
    }
    expect(doc.paths['/openapi.json']?.get?.security).toBeUndefined();
    expect(JSON.stringify(doc)).not.toMatch(INTERNAL_REFERENCE);
  });

  test('every status route declares the 401 a refused STATUS_TOKEN gets (app.ts), and none a 403', () => {
    const routes: [string, string][] = [
      ['/', 'get'],
      ['/status.json', 'get'],
      ['/status', 'post'],
      ['/status/self-test', 'post'],
    ];
    for (const [path, method] of routes) {
      const responses = doc.paths[path]?.[method]?.responses as Json;
      expect(Object.keys(responses), `${method} ${path}`).toContain('401');
      expect(Object.keys(responses), `${method} ${path}`).not.toContain('403');
    }
    const json401 = ((doc.paths['/status.json']?.get?.responses ?? {}) as Record<string, Json>)['401'];
    expect(json401?.content).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } });
  });

  test('a bare /provision says it gives a v3 token the v3 answer (docs/protocol.md §8)', () => {
    const provision = doc.paths['/provision']?.post as Json;
    expect(provision.summary).toMatch(
      /v3 token, signed or not, or an empty body — gets the v3 answer of \/v3\/provision/,
    );
    expect((provision.requestBody as Json).required).toBe(false);
    expect(Object.keys((provision.requestBody as Json).content as Json)).toEqual(['text/plain', 'application/json']);
  });
});

/**
 * A JSON Schema 2020-12 validator (Ajv) reading the document's request schemas
 * agrees with the TypeBox check that validates the calls: the description says
 * what the validation does, on hand-picked requests and random ones.
 */
describe('request schemas as a generic validator reads them', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  ajv.addSchema({ ...openApiDocument(), $id: 'https://adaptor.invalid/openapi.json' });
  const described = (endpoint: EndpointName) => {
    const check = ajv.getSchema(
      `https://adaptor.invalid/openapi.json#/components/schemas/${requestSchemaName(endpoint)}`,
    );
    if (!check) throw new Error(`no schema for ${endpoint}`);
    return (value: unknown) => check(value) === true;
  };
  const typebox = (endpoint: EndpointName) => {
    const check = TypeCompiler.Compile(REQUEST_SCHEMAS[endpoint]);
    return (value: unknown) => check.Check(value);
  };

  const field = (extra: Record<string, unknown> = {}) => ({ key: 'height', type: 'NUMBER', ...extra });
  const SAMPLES: [EndpointName, unknown][] = [
    ['items/query', { collectionId: 'plants', query: {} }],
    ['items/query', { collectionId: 'plants', query: { filter: { a: 1 }, sort: [{ fieldName: 'a', order: 'ASC' }] } }],
    ['items/query', { collectionId: 'plants', query: { sort: [{ fieldName: 'a', order: 'UP' }] } }],
    ['items/query', { collectionId: 7, query: {} }],
    ['items/query', { query: {} }],
    ['items/query', { collectionId: '', query: {} }],
    ['items/query', { collectionId: 'plants', query: { paging: { limit: 'ten' } } }],
    ['items/insert', { collectionId: 'plants', items: [{ _id: 'a' }] }],
    ['items/insert', { collectionId: 'plants', items: {} }],
    ['items/remove', { collectionId: 'plants', itemIds: ['a', 'b'] }],
    ['items/remove', { collectionId: 'plants', itemIds: [1] }],
    ['items/aggregate', { collectionId: 'plants', aggregation: { operations: [{ resultFieldName: 'n', count: {} }] } }],
    ['collections/create', { collection: { id: 'notes', fields: [field()] } }],
    ['collections/create', { collection: { id: 'notes', fields: [field({ type: 'NOPE' })] } }],
    [
      'collections/create',
      { collection: { id: 'notes', fields: [field({ type: 'OBJECT', objectOptions: { fields: [field()] } })] } },
    ],
    [
      'collections/create',
      { collection: { id: 'notes', fields: [field({ type: 'OBJECT', objectOptions: { fields: [{ key: 'x' }] } })] } },
    ],
    ['collections/create', { collection: { id: 'notes', fields: [field({ key: '$bad' })] } }],
    ['collections/update', { collection: { id: 'notes' } }],
    ['indexes/create', { collectionId: 'plants', index: { name: 'i', fields: [{ path: 'a' }] } }],
    ['indexes/create', { collectionId: 'plants', index: { name: 'i' } }],
    ['capabilities/get', {}],
    ['provision', {}],
  ];

  test.each(SAMPLES)('%s %j: the same verdict', (endpoint, request) => {
    expect(described(endpoint)(request)).toBe(typebox(endpoint)(request));
  });

  test('hand-picked samples include accepted and refused requests', () => {
    const verdicts = SAMPLES.map(([endpoint, request]) => typebox(endpoint)(request));
    expect(verdicts).toContain(true);
    expect(verdicts).toContain(false);
  });

  test('random requests: the same verdict on every endpoint', () => {
    const request = fc.oneof(
      fc.jsonValue(),
      fc.record({ collectionId: fc.oneof(fc.string(), fc.integer()), query: fc.jsonValue() }, { requiredKeys: [] }),
      fc.record({ collectionId: fc.string(), items: fc.array(fc.dictionary(fc.string(), fc.jsonValue())) }),
    );
    for (const endpoint of ENDPOINTS) {
      const [ours, theirs] = [typebox(endpoint), described(endpoint)];
      fc.assert(
        fc.property(request, (value) => ours(value) === theirs(value)),
        { numRuns: 100 },
      );
    }
  });
});
