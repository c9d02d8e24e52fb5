/**
 * A read-write transaction the storage ends without committing is rolled back (client-guards.ts
 * `readWrite`), not left open on the server: the emulator refuses every schema change while one is
 * open ("a concurrent schema change operation or read-write transaction is already in progress"),
 * for anything from milliseconds to seconds until it drops it. The instance that lost a concurrent
 * collections/update (schema.ts `writeMetadata` found the definition changed) left one open, so
 * the winner's ALTER TABLE was refused past its retries and both changes were refused (the
 * multi-instance suite, testkit conformance/suite-multi-instance.ts, on a loaded machine).
 *
 * The check is one schema change sent straight after, through the client with no retry, or the
 * winner's own ALTER TABLE held until the loser is answered (the race as it happened: the winner
 * was refused "concurrent schema change" past its retries). An open transaction does not always
 * outlive the check, so each case runs a few rounds.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { createSpannerStorage } from '../src/storage.ts';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

const ROUNDS = 4;

let a: SpannerHarness;
let b: Harness;
beforeAll(async () => {
  a = await startSpannerHarness();
  // A second instance on the same database.
  b = await startHarness({ storage: createSpannerStorage({ database: a.db.database }) });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** One schema change, sent once: refused while a read-write transaction is open on the emulator. */
async function schemaChangeAtOnce(statement: string): Promise<string> {
  try {
    const [operation] = await a.db.database.updateSchema([statement]);
    await operation.promise();
    return 'applied';
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

const fields = [{ key: 'name', type: 'TEXT' }];

test('the instance that loses a concurrent collections/update leaves no transaction open: the next DDL applies at once', async () => {
  const { database } = a.db;
  for (let round = 0; round < ROUNDS; round++) {
    const id = `raced${round}`;
    expect((await a.harness.client.createCollection({ id, fields })).status).toBe(200);
    // B plans its change, then A's whole change lands before B writes its definition: B is the loser.
    let winner: { status: number; body: unknown } | undefined;
    const runTransactionAsync = database.runTransactionAsync;
    const spy = vi.spyOn(database, 'runTransactionAsync').mockImplementationOnce(async (...args: unknown[]) => {
      winner = await a.harness.client.updateCollection({ id, fields: [...fields, { key: 'fromA', type: 'TEXT' }] });
      return (runTransactionAsync as (...a: unknown[]) => Promise<unknown>).apply(database, args);
    });
    let loser: { status: number; body: { errorCode?: string } };
    try {
      loser = await b.client.updateCollection({ id, fields: [...fields, { key: 'fromB', type: 'TEXT' }] });
    } finally {
      spy.mockRestore();
    }
    expect(winner?.status, JSON.stringify(winner?.body)).toBe(200);
    expect(loser.status, JSON.stringify(loser.body)).toBe(400);
    expect(loser.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    expect(await schemaChangeAtOnce(`ALTER TABLE ${id} ADD COLUMN after_loss STRING(MAX)`)).toBe('applied');
  }
});

test("the winner of two concurrent collections/updates applies its DDL right after the loser's refusal", async () => {
  const { database } = a.db;
  for (let round = 0; round < ROUNDS; round++) {
    const id = `interleaved${round}`;
    expect((await a.harness.client.createCollection({ id, fields })).status).toBe(200);
    // B has planned; A writes its definition and reaches its ALTER TABLE; B's write then finds A's
    // definition (B loses) and only after B's answer does A's ALTER TABLE go to the emulator.
    let reachedDdl: () => void = () => {};
    const atDdl = new Promise<void>((resolve) => {
      reachedDdl = resolve;
    });
    let loserDone: () => void = () => {};
    const afterLoser = new Promise<void>((resolve) => {
      loserDone = resolve;
    });
    const updateSchema = database.updateSchema;
    const ddlSpy = vi.spyOn(database, 'updateSchema').mockImplementationOnce((async (...args: unknown[]) => {
      reachedDdl();
      await afterLoser;
      return (updateSchema as (...a: unknown[]) => Promise<unknown>).apply(database, args);
    }) as typeof database.updateSchema);
    let winner: Promise<{ status: number; body: unknown }> | undefined;
    const runTransactionAsync = database.runTransactionAsync;
    const txSpy = vi.spyOn(database, 'runTransactionAsync').mockImplementationOnce(async (...args: unknown[]) => {
      winner = a.harness.client.updateCollection({ id, fields: [...fields, { key: 'fromA', type: 'TEXT' }] });
      await atDdl;
      return (runTransactionAsync as (...a: unknown[]) => Promise<unknown>).apply(database, args);
    });
    let loser: { status: number; body: { errorCode?: string } };
    try {
      loser = await b.client.updateCollection({ id, fields: [...fields, { key: 'fromB', type: 'TEXT' }] });
      loserDone();
      const won = await winner;
      expect(won?.status, JSON.stringify(won?.body)).toBe(200);
    } finally {
      loserDone();
      txSpy.mockRestore();
      ddlSpy.mockRestore();
    }
    expect(loser.status, JSON.stringify(loser.body)).toBe(400);
    expect(loser.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    const listed = await b.client.listCollections([id]);
    expect(listed.body.collections[0].fields.map((f: { key: string }) => f.key)).toContain('fromA');
  }
});

test('an items/remove that finds nothing to remove leaves no transaction open', async () => {
  expect((await a.harness.client.createCollection({ id: 'removed', fields })).status).toBe(200);
  for (let round = 0; round < ROUNDS; round++) {
    const removed = await b.client.remove('removed', [`absent${round}`]);
    expect(removed.body.results[0].error?.errorCode, JSON.stringify(removed.body)).toBe('ITEM_NOT_FOUND');
    expect(await schemaChangeAtOnce(`ALTER TABLE removed ADD COLUMN after_remove${round} STRING(MAX)`)).toBe('applied');
  }
});
