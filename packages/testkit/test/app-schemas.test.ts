/**
 * The app builds no JSON-schema compilers (packages/core/src/server/app.ts `schemaController`):
 * Fastify's defaults (ajv, fast-json-stringify) are never loaded, and a route given a schema
 * fails to register with a message saying where to validate instead.
 */
import { createAdaptor } from '@adaptors/core';
import { build } from '@adaptors/core/server';
import { expect, test } from 'vitest';
import { createMemoryStorage } from '../src/index.ts';

function app() {
  return build({
    adaptor: createAdaptor({ storage: createMemoryStorage(), cursorSecret: 'schema-test-secret-schema-test-secret' }),
    verify: async () => {
      throw new Error('not called');
    },
  });
}

test('a route with a body schema is refused when the app starts, naming the rule', async () => {
  const server = app();
  server.post('/with-schema', { schema: { body: { type: 'object' } } }, async () => ({}));
  await expect(server.ready()).rejects.toThrow(/route schemas are not compiled by this server/);
  await server.close();
});

test('a route with a response schema is refused too', async () => {
  const server = app();
  server.get('/with-response', { schema: { response: { 200: { type: 'object' } } } }, async () => ({}));
  await expect(server.ready()).rejects.toThrow(/route schemas are not compiled by this server/);
  await server.close();
});

test('the routes of the app itself start and answer', async () => {
  const server = app();
  expect((await server.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  expect((await server.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(200);
  await server.close();
});
