/**
 * The OpenAPI document (server/openapi.ts) is built from the wire schemas and
 * the error catalogue, and the committed copy, docs/openapi.json, is exactly
 * what the code builds: regenerate it with UPDATE_OPENAPI_DOCS=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ERROR_STATUS } from '../../src/errors.ts';
import { openApiDocument, renderOpenApi, requestSchemaName } from '../../src/server/openapi.ts';
import { ENDPOINTS, endpointPath, REQUEST_SCHEMAS } from '../../src/wire/endpoints.ts';
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
});
