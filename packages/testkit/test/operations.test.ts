/**
 * Operations over real HTTP: the access policy by caller identity, the Cloud
 * Logging fields of the request log line, and graceful shutdown (in-flight
 * calls finish, new ones are refused, the storage is closed).
 */
import { createLogger, parseAccessPolicy, type Storage } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryStorage, type Harness, plantsCollection, startHarness } from '../src/index.ts';

describe('access policy', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      storage: createMemoryStorage({ collections: [plantsCollection] }),
      policy: parseAccessPolicy(JSON.stringify({ '*': { ANONYMOUS_VISITOR: ['read'], WIX_USER: ['*'], '*': [] } })),
    });
  });
  afterAll(() => h.close());

  const as = (identity: Record<string, unknown>) => ({ metadata: { requestId: 'r', instanceId: 'i', identity } });

  test('anonymous visitors may read but not write', async () => {
    const visitor = as({ identityType: 'ANONYMOUS_VISITOR', anonymousVisitorId: 'v1' });
    const read = await h.client.call('items/query', { collectionId: 'plants', query: {} }, visitor);
    expect(read.status).toBe(200);
    const write = await h.client.call('items/insert', { collectionId: 'plants', items: [{ _id: 'x' }] }, visitor);
    expect(write.status).toBe(403);
    expect(write.body.errorCode).toBe('PERMISSION_DENIED');
    expect(write.body.errorMessage).toMatch(/ANONYMOUS_VISITOR/);
    expect(write.body.errorMessage).toMatch(/ACCESS_POLICY/);
  });

  test('the site owner may change the schema; unlisted identities may do nothing', async () => {
    const owner = as({ identityType: 'WIX_USER', wixUserId: 'u1' });
    expect((await h.client.call('collections/create', { collection: { id: 'notes', fields: [] } }, owner)).status).toBe(
      200,
    );
    const member = as({ identityType: 'MEMBER', memberId: 'm1' });
    expect((await h.client.call('items/query', { collectionId: 'plants', query: {} }, member)).status).toBe(403);
  });
});

describe('request log line', () => {
  let h: Harness;
  const lines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    h = await startHarness({
      storage: createMemoryStorage({ collections: [plantsCollection] }),
      logger: createLogger({ level: 'info', sink: { write: (line) => lines.push(JSON.parse(line)) } }),
    });
  });
  afterAll(() => h.close());

  test('carries Cloud Logging fields, Wix ids, and no item data', async () => {
    const token = await h.signer.sign(
      { collectionId: 'plants', items: [{ _id: 'p1', commonName: 'Secret Fern' }] },
      {
        metadata: { requestId: 'req-42', instanceId: 'inst-7', identity: { identityType: 'WIX_USER', wixUserId: 'u' } },
      },
    );
    const response = await fetch(`${h.url}/v3/items/insert`, {
      method: 'POST',
      body: token,
      headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    });
    expect(response.status).toBe(200);
    const line = lines.find((l) => l.requestId === 'req-42');
    expect(line).toMatchObject({
      severity: 'INFO',
      operation: 'items/insert',
      instanceId: 'inst-7',
      collectionId: 'plants',
      itemCount: 1,
      'logging.googleapis.com/trace': '0af7651916cd43dd8448eb211c80319c',
      httpRequest: { requestMethod: 'POST', status: 200 },
    });
    expect(typeof line?.durationMs).toBe('number');
    expect(JSON.stringify(lines)).not.toContain('Secret Fern');
  });

  test('a refused call logs its error code at WARNING', async () => {
    await h.client.query('missing', {}, {});
    expect(lines.some((l) => l.severity === 'WARNING' && l.errorCode === 'COLLECTION_NOT_FOUND')).toBe(true);
  });
});

test('closing drains in-flight calls, refuses new ones and closes the storage', async () => {
  const base = createMemoryStorage({ collections: [plantsCollection] });
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let closed = false;
  let entered: () => void = () => {};
  const inside = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const slow: Storage = Object.assign(Object.create(base) as Storage, {
    count: async (...args: Parameters<Storage['count']>) => {
      entered();
      await gate;
      return base.count(...args);
    },
    close: async () => {
      closed = true;
    },
  });
  const h = await startHarness({ storage: slow });
  const inFlight = h.client.count('plants');
  await inside; // the call is being served when the server starts closing
  const closing = h.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const refused = await fetch(`${h.url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.status,
    // fetch reports a refused connection as a TypeError ("fetch failed").
    (e: Error) => e.name,
  );
  expect([503, 'TypeError']).toContain(refused);
  release();
  expect((await inFlight).status).toBe(200);
  await closing;
  expect(closed).toBe(true);
});
