/**
 * Single-use queries (src/single-use.ts) go to the client's own gapic SpannerClient once it
 * exists, past `database.request`'s per-call copies; `request` stays the path where it does
 * more than send (built-in metrics on, a project id not yet known). Both
 * paths answer the same rows, against the emulator through the real client.
 */
import { Spanner } from '@google-cloud/spanner';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { callOptions } from '../src/deadline.ts';
import type { ProtoResult } from '../src/result-decoder.ts';
import { gapicClient, querySingleUse } from '../src/single-use.ts';
import { openTestDatabase, type TestDatabase } from './emulator-database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase([
    'CREATE TABLE plants (_id STRING(MAX) NOT NULL, name STRING(MAX), n INT64) PRIMARY KEY (_id)',
  ]);
  await db.database.table('plants').insert([
    { _id: 'a', name: 'fern', n: '1' },
    { _id: 'b', name: '{{projectId}}', n: '2' },
    { _id: 'c', name: 'moss', n: '3' },
  ]);
});
afterAll(async () => {
  await db?.close();
});

const statement = {
  sql: 'SELECT _id, name, n FROM plants WHERE n >= @min ORDER BY _id',
  params: { min: 2 },
  types: { min: 'int64' as const },
};

/** The rows `statement` matches, as the text of each cell. */
const MATCHING = [
  ['b', '{{projectId}}', '2'],
  ['c', 'moss', '3'],
];

/** A result's cells (every column of `statement` is sent as a string value). */
function texts(result: ProtoResult | undefined): unknown[][] | undefined {
  return result?.rows.map((row) => [...row]);
}

/** Counts ExecuteSql calls made through `database.request` (the real method, called on). */
function countRequests(): { readonly count: () => number; restore(): void } {
  const database = db.database;
  const original = database.request;
  let calls = 0;
  database.request = ((config: { method?: string }, ...rest: unknown[]) => {
    if (config.method === 'executeSql') calls++;
    return (original as (...args: unknown[]) => unknown).call(database, config, ...rest);
  }) as typeof database.request;
  return { count: () => calls, restore: () => (database.request = original) };
}

test('a query goes to the gapic client directly once the client has one, and answers what database.request answers', async () => {
  const requests = countRequests();
  try {
    // The pool's sessions are made through `request`, which builds the gapic client.
    const viaClient = await querySingleUse(db.database, statement, callOptions());
    const gapic = gapicClient(db.database);
    expect(gapic).toBeDefined();
    expect(requests.count()).toBe(0);
    expect(texts(viaClient)).toEqual(MATCHING);
    expect(viaClient?.fields.map((f) => [f.name, f.type.code])).toEqual([
      ['_id', 'STRING'],
      ['name', 'STRING'],
      ['n', 'INT64'],
    ]);

    // With built-in metrics on, `request` is the path (the next test runs a query through it).
    const spanner = db.spanner as unknown as { _metricsEnabled: boolean };
    spanner._metricsEnabled = true;
    try {
      expect(gapicClient(db.database)).toBeUndefined();
    } finally {
      spanner._metricsEnabled = false;
    }
  } finally {
    requests.restore();
  }
});

test('database.request answers a query the same way where it is the path', async () => {
  const requests = countRequests();
  const clients = (db.spanner as unknown as { clients_: Map<string, unknown> }).clients_;
  const gapic = clients.get('SpannerClient');
  // As before the client's first call: no gapic client kept yet.
  clients.delete('SpannerClient');
  try {
    expect(gapicClient(db.database)).toBeUndefined();
    const viaRequest = await querySingleUse(db.database, statement, callOptions());
    expect(requests.count()).toBe(1);
    expect(texts(viaRequest)).toEqual(MATCHING);
  } finally {
    requests.restore();
    // `request` built and kept a gapic client of its own: closed, and the first one put back.
    const built = clients.get('SpannerClient') as { close?: () => Promise<void> } | undefined;
    if (built && built !== gapic) await built.close?.();
    if (gapic) clients.set('SpannerClient', gapic);
  }
});

test('request stays the path before the project id is known', () => {
  const unknownProject = new Spanner({});
  try {
    // No sessions made at open (min 0): nothing is sent for a project that does not exist.
    const database = unknownProject.instance(db.database.parent.id).database('d', { min: 0 });
    expect(database.formattedName_).toContain('{{projectId}}');
    const clients = (unknownProject as unknown as { clients_: Map<string, unknown> }).clients_;
    clients.set(
      'SpannerClient',
      (db.spanner as unknown as { clients_: Map<string, unknown> }).clients_.get('SpannerClient'),
    );
    expect(gapicClient(database)).toBeUndefined();
    clients.delete('SpannerClient');
  } finally {
    unknownProject.close();
  }
});
