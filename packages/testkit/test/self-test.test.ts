/**
 * The status page's self-test (packages/core/src/self-test.ts behind
 * POST /status/self-test): a round trip on a throwaway collection that is
 * deleted whatever failed, a read-only check when the service takes no schema
 * changes, and nothing at all without the STATUS_TOKEN.
 */
import { errors, type ServiceInfo, type Storage } from '@adaptors/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../src/harness.ts';
import { createMemoryStorage } from '../src/memory/memory-storage.ts';
import { plantsCollection } from '../src/sample-data.ts';

const TOKEN = 'self-test-token-0123456789abcdef';
const info: ServiceInfo = { name: 'memory', version: '9.9.9', keys: [], advice: [], detailsToken: TOKEN };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The memory storage with some of its methods or capabilities replaced (the rest is the real storage). */
function altered(storage: Storage, overrides: Partial<Record<keyof Storage, unknown>>): Storage {
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof Storage];
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function selfTest(url: string, headers: Record<string, string>, body?: string) {
  const response = await fetch(`${url}/status/self-test`, { method: 'POST', headers, ...(body ? { body } : {}) });
  return { status: response.status, text: await response.text() };
}

const collectionIds = async (harness: Harness): Promise<string[]> =>
  ((await harness.client.listCollections()).body.collections as { id: string }[]).map((c) => c.id);

describe('self-test', () => {
  it('runs the round trip step by step and leaves no collection behind', async () => {
    h = await startHarness({ storage: createMemoryStorage({ collections: [plantsCollection] }), info });
    const answer = await selfTest(h.url, { authorization: `Bearer ${TOKEN}` });
    expect(answer.status).toBe(200);
    const report = JSON.parse(answer.text);
    expect(report).toMatchObject({ mode: 'round-trip', ok: true });
    expect(report.collectionId).toMatch(/^adaptors_self_test_/);
    expect(report.steps.map((s: { step: string }) => s.step)).toEqual([
      'capabilities',
      'create collection',
      'insert',
      'query',
      'update',
      'remove',
      'delete collection',
    ]);
    for (const step of report.steps) {
      expect(step).toMatchObject({ ok: true, status: 200 });
      expect(typeof step.ms).toBe('number');
    }
    expect(await collectionIds(h)).toEqual(['plants']);
  });

  it('a failing step is reported with its error, the rest is skipped, and the collection is still deleted', async () => {
    const storage = createMemoryStorage({ collections: [plantsCollection] });
    const update = async () => {
      throw errors.unavailable('The memory database');
    };
    h = await startHarness({ storage: altered(storage, { update }), info });
    const report = JSON.parse((await selfTest(h.url, { authorization: `Bearer ${TOKEN}` })).text);
    expect(report.ok).toBe(false);
    const steps = report.steps.map((s: { step: string; ok: boolean }) => `${s.step}:${s.ok}`);
    expect(steps).toEqual([
      'capabilities:true',
      'create collection:true',
      'insert:true',
      'query:true',
      'update:false',
      'delete collection:true',
    ]);
    const failed = report.steps.find((s: { ok: boolean }) => !s.ok);
    expect(failed).toMatchObject({ endpoint: 'items/update', status: 503 });
    expect(failed.message).toMatch(/^HTTP 503 SERVICE_UNAVAILABLE: The memory database/);
    expect(await collectionIds(h)).toEqual(['plants']);
  });

  it('a service without schema changes gets a read-only check that writes nothing', async () => {
    const storage = createMemoryStorage({ collections: [plantsCollection] });
    const capabilities = { ...storage.capabilities, supportsCollectionModifications: false };
    const createCollection = async () => {
      throw new Error('the read-only check must not create a collection');
    };
    h = await startHarness({ storage: altered(storage, { capabilities, createCollection }), info });
    const report = JSON.parse((await selfTest(h.url, { authorization: `Bearer ${TOKEN}` })).text);
    expect(report).toMatchObject({ mode: 'read-only', ok: true, collectionId: 'plants' });
    expect(report.steps.map((s: { endpoint: string }) => s.endpoint)).toEqual([
      'capabilities/get',
      'collections/get',
      'items/query',
    ]);
  });

  it('without the STATUS_TOKEN nothing runs: 401 as the other status routes answer, as JSON or as the page', async () => {
    const storage = createMemoryStorage({ collections: [plantsCollection] });
    const createCollection = async () => {
      throw new Error('a refused self-test must not write');
    };
    h = await startHarness({ storage: altered(storage, { createCollection }), info });
    const wrong = await selfTest(h.url, { authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(401);
    // The error body of a wrong token on /status.json: errorCode, errorMessage, applicationError.
    const statusJson = await fetch(`${h.url}/status.json`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(statusJson.status).toBe(401);
    const body = JSON.parse(wrong.text);
    expect(Object.keys(body)).toEqual(Object.keys((await statusJson.json()) as object));
    expect(body).toMatchObject({
      errorCode: 'UNAUTHORIZED',
      errorMessage: expect.stringContaining('The self-test needs the STATUS_TOKEN; the one sent does not match.'),
      applicationError: { code: 'UNAUTHORIZED' },
    });
    expect(wrong.text).not.toContain('not-the-token');
    const form = await selfTest(h.url, { 'content-type': 'application/x-www-form-urlencoded' }, 'token=nope');
    expect(form.status).toBe(401);
    expect(form.text).toContain('The self-test needs the STATUS_TOKEN; the one sent does not match.');
    expect(form.text).not.toContain('plants');
    const none = await selfTest(h.url, {});
    expect(none.status).toBe(401);
    expect(none.text).toContain('none was sent');
    await h.close();

    // A service without STATUS_TOKEN: no button, and the route refuses whatever is sent.
    h = await startHarness({ storage, info: { ...info, detailsToken: undefined } });
    const page = await (await fetch(`${h.url}/`)).text();
    expect(page).not.toContain('self-test');
    const unset = await selfTest(h.url, { authorization: `Bearer ${TOKEN}` });
    expect(unset.status).toBe(401);
    expect(JSON.parse(unset.text)).toMatchObject({ errorCode: 'UNAUTHORIZED' });
    expect(JSON.parse(unset.text).errorMessage).toContain('Set STATUS_TOKEN on the service');
  });

  it('the form renders the report into the page', async () => {
    h = await startHarness({ storage: createMemoryStorage({ collections: [plantsCollection] }), info });
    const page = await selfTest(
      h.url,
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ token: TOKEN }).toString(),
    );
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<p id="self-test-result"><span class="ok">passed<\/span>: a round trip/);
    for (const endpoint of ['collections/create', 'items/insert', 'items/remove', 'collections/delete']) {
      expect(page.text).toContain(`<code>${endpoint}</code>`);
    }
  });
});
