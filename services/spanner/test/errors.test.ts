/**
 * Spanner errors reach Wix as SPI errors (docs/design.md §3): a table dropped
 * behind the adaptor's back is COLLECTION_NOT_FOUND (and the cached schema is
 * refreshed), an unreachable database is SERVICE_UNAVAILABLE, and gRPC codes
 * map as documented in src/errors.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newDeadline, runWithDeadline, SpiError } from '@adaptors/core';
import { Spanner } from '@google-cloud/spanner';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { itemError, translateError, uniqueIndexMessage } from '../src/errors.ts';
import { createSpannerStorage } from '../src/storage.ts';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

describe('error translation on the emulator', () => {
  let h: SpannerHarness;
  beforeAll(async () => {
    h = await startSpannerHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  test('a table dropped outside the adaptor answers COLLECTION_NOT_FOUND, then disappears from listings', async () => {
    const { client } = h.harness;
    expect((await client.createCollection({ id: 'gone', fields: [{ key: 'x', type: 'TEXT' }] })).status).toBe(200);
    await client.insert('gone', [{ _id: '1', x: 'a' }]);
    const [operation] = await h.db.database.updateSchema(['DROP TABLE gone']);
    await operation.promise();
    const result = await client.query('gone', {});
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ errorCode: 'COLLECTION_NOT_FOUND', data: { collectionId: 'gone' } });
    expect((await client.listCollections(['gone'])).body.collections).toEqual([]);
  });

  test('a read Spanner refuses says "query", never "the change"; a write keeps its wording', async () => {
    // A real OUT_OF_RANGE on a read, from the emulator.
    const refused = await h.db.database
      .run({ sql: "SELECT TIMESTAMP_ADD(TIMESTAMP '9999-12-31T00:00:00Z', INTERVAL 2 DAY) AS t" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((refused as { code?: number }).code).toBe(11);
    const read = translateError(refused, 'plants', 'read') as SpiError;
    expect(read).toBeInstanceOf(SpiError);
    expect(read.code).toBe('BAD_REQUEST');
    expect(read.message).toMatch(/^Cloud Spanner refused the query for this request: /);
    expect(read.message).not.toContain('change:');
    expect((translateError(refused, 'plants') as SpiError).message).toMatch(/^Cloud Spanner refused the change: /);
  }, 60_000);

  test('a SUM past the double range ("double overflow", which quotes the operands) is the shared 400', async () => {
    const overflow = await h.db.database.run({ sql: 'SELECT SUM(x) AS s FROM UNNEST([1.7e308, 1.7e308]) AS x' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const translated = translateError(overflow, 'plants', 'read') as SpiError;
    expect(translated).toBeInstanceOf(SpiError);
    expect(translated.code).toBe('BAD_REQUEST');
    expect(translated.data).toMatchObject({ outOfRange: 'sum' });
    expect(translated.message).toMatch(/beyond the range of a NUMBER/);
    expect(translated.message).not.toMatch(/1\.7e/);
  }, 60_000);

  test('an unreachable database: ready() under the readiness deadline rejects with an SpiError', async () => {
    const saved = process.env.SPANNER_EMULATOR_HOST;
    process.env.SPANNER_EMULATOR_HOST = '127.0.0.1:9'; // nothing listens on the discard port
    const spanner = new Spanner({ projectId: 'nowhere' });
    process.env.SPANNER_EMULATOR_HOST = saved;
    const storage = createSpannerStorage({
      database: spanner.instance('none').database('none'),
      close: () => spanner.close(),
    });
    try {
      // As the core's readiness check runs it (packages/core/src/server/readiness.ts): no timer in the storage.
      const error = await runWithDeadline(newDeadline(1000), 'read', () => storage.ready()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SpiError);
      expect(['SERVICE_UNAVAILABLE', 'DEADLINE_EXCEEDED']).toContain((error as SpiError).code);
    } finally {
      await storage.close();
    }
  });
});

describe('gRPC status → SPI error', () => {
  const grpc = (code: number, details: string) => Object.assign(new Error(`${code} X: ${details}`), { code, details });

  test.each([
    [grpc(3, 'Table not found: plants [at 1:15]'), 'COLLECTION_NOT_FOUND'],
    [grpc(14, 'connection refused'), 'SERVICE_UNAVAILABLE'],
    [grpc(4, 'deadline'), 'SERVICE_UNAVAILABLE'],
    [grpc(7, 'permission denied on database'), 'SERVICE_UNAVAILABLE'],
    [grpc(5, 'Database not found: projects/p/instances/i/databases/d'), 'SERVICE_UNAVAILABLE'],
    [grpc(9, 'Column x is NOT NULL'), 'BAD_REQUEST'],
  ])('%s → %s', (error, code) => {
    const translated = translateError(error, 'plants');
    expect(translated).toBeInstanceOf(SpiError);
    expect((translated as SpiError).code).toBe(code);
    expect((translated as SpiError).message).not.toMatch(/\n\s+at /);
  });

  test('messages come from the catalogue: what to do, in one sentence each', () => {
    const message = (error: Error) => (translateError(error, 'plants') as SpiError).message;
    expect(message(grpc(7, 'permission denied on database'))).toBe(
      "Cloud Spanner refused the adaptor's credentials; grant its service account roles/spanner.databaseUser (and roles/spanner.databaseAdmin for schema changes).",
    );
    expect(message(grpc(14, 'connection refused'))).toMatch(
      /^Cloud Spanner is not reachable right now; retry shortly\./,
    );
    // A missing database is a setting to fix, not an outage to wait out.
    expect(message(grpc(5, 'Database not found: projects/p/instances/i/databases/d'))).toBe(
      'The Spanner database or its instance does not exist: create it, or fix SPANNER_PROJECT, SPANNER_INSTANCE and SPANNER_DATABASE (on an emulator, SPANNER_EMULATOR_CREATE=true creates it again).',
    );
  });

  test("no Google credentials at all: the real client's refusal is a 503 saying how to give the adaptor some", () => {
    // In a process of its own, without the emulator or any credentials (the client's session pool
    // also meets the refusal in the background, where this test process would count it).
    const script = `
      process.on('unhandledRejection', () => {});
      const { Spanner } = await import('@google-cloud/spanner');
      const { translateError } = await import(${JSON.stringify(join(import.meta.dirname, '..', 'src', 'errors.ts'))});
      const database = new Spanner({ projectId: 'p' }).instance('i').database('d');
      try { await database.run('SELECT 1'); } catch (error) {
        const answer = translateError(error, 'plants');
        console.log(JSON.stringify({ code: answer.code, message: answer.message }));
      }
      process.exit(0);
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..'),
      encoding: 'utf8',
      env: noCredentialsEnv(),
    });
    const answer = JSON.parse(out) as { code: string; message: string };
    expect(answer.code).toBe('SERVICE_UNAVAILABLE');
    expect(answer.message).toContain('no usable Google credentials to call Cloud Spanner');
    expect(answer.message).toContain('roles/spanner.databaseUser');
  });

  test('an error that is a bug stays an error (logged as a 500 by the core)', () => {
    const bug = grpc(3, 'Syntax error: Unexpected identifier');
    expect(translateError(bug, 'plants')).toBe(bug);
    expect(translateError(new TypeError('x'))).toBeInstanceOf(TypeError);
  });

  test('per-item errors of bulk writes', () => {
    expect(itemError(grpc(6, 'Row {String("a")} already exists'), 'plants', 'a')?.code).toBe('ITEM_ALREADY_EXISTS');
    expect(itemError(grpc(6, 'UNIQUE violation on index plants__by_code'), 'plants', 'a')?.code).toBe(
      'VALIDATION_ERROR',
    );
    expect(itemError(grpc(9, 'Cannot specify a null value for column: plants.name'), 'plants', 'a')?.code).toBe(
      'VALIDATION_ERROR',
    );
    expect(itemError(grpc(14, 'unavailable'), 'plants', 'a')).toBeUndefined();
  });
});

describe('a unique index refusing an item', () => {
  test.each([
    // The emulator's words, and production's (the index named `<collection>__<name>` by indexes.ts).
    ['UNIQUE violation on index bulk__by_code,  duplicate key: {String("taken")} in this transaction.'],
    [
      'Unique index violation on index bulk__by_code at index key [taken,u0]. It conflicts with row [u0] in table bulk.',
    ],
  ])('names the index as Wix named it: %s', (message) => {
    expect(uniqueIndexMessage(message, 'bulk')).toBe(
      "another item already has this item's value in the unique index 'by_code'; change the value, or update or remove the other item first",
    );
  });

  test('an index name it cannot find is left out', () => {
    expect(uniqueIndexMessage('ALREADY_EXISTS: unique index', 'bulk')).toMatch(/^another item .* unique index; change/);
  });
});

/** The environment of a machine with no Google credentials: none set, no gcloud folder, no metadata server. */
function noCredentialsEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, METADATA_SERVER_DETECTION: 'none' };
  for (const name of ['GOOGLE_APPLICATION_CREDENTIALS', 'SPANNER_EMULATOR_HOST', 'FIRESTORE_EMULATOR_HOST'])
    delete env[name];
  env.CLOUDSDK_CONFIG = mkdtempSync(join(tmpdir(), 'no-gcloud-'));
  return env;
}
