/**
 * A collection changed through instance A while instance B still has the old definition cached:
 * the shared suite (testkit conformance/suite-schema-race.ts; on Spanner B's statements naming a
 * dropped column fail, and B re-reads the schema: schema.ts `noticeStale`, `refresh`), then what
 * only Spanner has: a DDL it refuses, and indexes.
 */
import { type Harness, startHarness } from '@adaptors/testkit';
import { concurrentUpdateSuite, removedFieldRaceSuite } from '@adaptors/testkit/conformance';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSpannerStorage } from '../src/storage.ts';
import { type SpannerHarness, startSpannerHarness } from './storage-harness.ts';

describe('a collection changed on another instance', () => {
  let a: SpannerHarness;
  let b: Harness;
  let closeB: () => Promise<void>;
  beforeAll(async () => {
    a = await startSpannerHarness();
    const storage = createSpannerStorage({ database: a.db.database, schemaCheckMs: 60_000 });
    b = await startHarness({ storage });
    closeB = async () => {
      await b.close();
    };
  });
  afterAll(async () => {
    await closeB?.();
    await a?.close();
  });

  removedFieldRaceSuite(() => ({ a: a.harness.client, b: b.client }));
  concurrentUpdateSuite(() => ({ a: a.harness.client, b: b.client }));

  let n = 0;
  test('an update whose DDL Spanner refuses keeps the definition it would have replaced', async () => {
    const { client } = a.harness;
    const fields = [
      { key: 'name', type: 'TEXT' },
      { key: 'kept', type: 'TEXT', displayName: 'Kept' },
    ];
    expect((await client.createCollection({ id: 'guarded', displayName: 'Guarded', fields })).status).toBe(200);
    // An owner's constraint on the column: the plan cannot see it, Spanner refuses the DROP.
    const [operation] = await a.db.database.updateSchema([
      "ALTER TABLE guarded ADD CONSTRAINT kept_not_x CHECK (kept IS NULL OR kept != 'x')",
    ]);
    await operation.promise();
    const refused = await client.updateCollection({ id: 'guarded', displayName: 'Renamed', fields: [fields[0]] });
    expect(refused.status, JSON.stringify(refused.body)).toBe(400);
    expect(refused.body.errorCode).toBe('COLLECTION_CHANGE_NOT_SUPPORTED');
    const cold = createSpannerStorage({ database: a.db.database });
    const stored = await cold.getCollection('guarded');
    expect(stored?.displayName).toBe('Guarded');
    expect(stored?.fields.find((f) => f.key === 'kept')).toMatchObject({ type: 'TEXT', displayName: 'Kept' });
  });

  test('an index removed on A meanwhile is, on B, the 400 of an unknown index name at once', async () => {
    const id = `idx${++n}`;
    expect((await a.harness.client.createCollection({ id, fields: [{ key: 'name', type: 'TEXT' }] })).status).toBe(200);
    const index = { name: 'i1', fields: [{ path: 'name', order: 'ASC' }] };
    expect((await a.harness.client.createIndex(id, index)).status).toBe(200);
    // B reads the indexes (its cached collection now lists i1), then A removes it.
    expect((await b.client.listIndexes(id)).body.indexes.map((i: { name: string }) => i.name)).toContain('i1');
    expect((await a.harness.client.removeIndex(id, 'i1')).status).toBe(200);
    const removed = await b.client.removeIndex(id, 'i1');
    expect(removed.status, JSON.stringify(removed.body)).toBe(400);
    expect(removed.body).toMatchObject({
      errorCode: 'VALIDATION_ERROR',
      errorMessage: expect.stringContaining("no index named 'i1'"),
    });
  });
});
