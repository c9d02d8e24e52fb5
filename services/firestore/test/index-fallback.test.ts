/**
 * Queries production Firestore refuses for a missing composite index are
 * answered anyway (README.md "Indexes"): on the real emulator behind the
 * production index rule (production-index-rule.ts), answers equal the memory
 * storage's, a WARNING names the exact index once per query shape,
 * diagnostics() shows it, the scan bound still applies, the index the adaptor
 * names is the one production asks for, and with the Admin API the adaptor
 * creates it and switches to it once it is ready.
 */
import { createLogger, type Storage } from '@adaptors/core';
import { createMemoryStorage, type Harness, startHarness } from '@adaptors/testkit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFirestoreStorage, type FirestoreStorageOptions } from '../src/storage.ts';
import { type ProductionIndexRule, productionIndexRule } from './production-index-rule.ts';
import { emulatorClient } from './support.ts';

const FIELDS = [
  { key: 'family', type: 'TEXT' },
  { key: 'height', type: 'NUMBER' },
  { key: 'tags', type: 'ARRAY_STRING' },
];
const FAMILIES = ['rosa', 'iris', 'tulipa'];

function items(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    _id: `p-${String(i).padStart(3, '0')}`,
    family: FAMILIES[i % 3],
    height: (i * 7) % 20,
    tags: i % 2 === 0 ? ['red'] : ['blue', 'red'],
  }));
}

interface Setup {
  readonly harness: Harness;
  readonly storage: Storage;
  readonly rule: ProductionIndexRule;
  readonly logs: { severity: string; message: string; [key: string]: unknown }[];
}

const now = () => new Date('2025-01-01T00:00:00.000Z');
const open: Setup[] = [];

async function setup(options: FirestoreStorageOptions & { manage?: boolean } = {}, n = 60): Promise<Setup> {
  const db = emulatorClient();
  const rule = productionIndexRule(db);
  const logs: Setup['logs'] = [];
  const logger = createLogger({ level: 'info', sink: { write: (line) => logs.push(JSON.parse(line)) } });
  const storage = createFirestoreStorage(db, {
    logger,
    indexRecheckSeconds: 0,
    ...options,
    ...(options.manage ? { indexAdmin: rule.admin, databasePath: 'projects/demo-project/databases/(default)' } : {}),
  });
  const harness = await startHarness({ storage, now });
  const s = { harness, storage, rule, logs };
  open.push(s);
  expect((await harness.client.createCollection({ id: 'plants', fields: FIELDS })).status).toBe(200);
  expect((await harness.client.insert('plants', items(n))).status).toBe(200);
  return s;
}

let memory: Harness;

beforeAll(async () => {
  memory = await startHarness({ storage: createMemoryStorage(), now });
  await memory.client.createCollection({ id: 'plants', fields: FIELDS });
  await memory.client.insert('plants', items(60));
});

afterAll(async () => {
  await memory?.close();
  for (const s of open) {
    await s.harness.close();
    await s.storage.close();
  }
});

/** Equality on one field, range and sort on another: production needs (family ASC, height ASC). */
const NEEDS_INDEX = {
  filter: { $and: [{ family: 'rosa' }, { height: { $gt: 3 } }] },
  sort: [{ fieldName: 'height' }],
  paging: { limit: 5, offset: 1 },
};

const warnings = (s: Setup) => s.logs.filter((l) => l.severity === 'WARNING');

describe('a query whose composite index is missing', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup();
  });

  test('is answered exactly by the bounded scan, warning once per query shape with the exact index', async () => {
    const got = await s.harness.client.query('plants', NEEDS_INDEX, { returnTotalCount: true });
    const want = await memory.client.query('plants', NEEDS_INDEX, { returnTotalCount: true });
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(got.body).toEqual(want.body);
    expect(got.body.items.length).toBe(5);
    // Production refused the pushed query; the index the adaptor names is the one the rule asked for.
    expect(s.rule.refused[0]).toBe('family ASCENDING, height ASCENDING, __name__ ASCENDING');
    const [warning, ...more] = warnings(s);
    expect(more).toEqual([]);
    expect(warning?.message).toContain("query on 'plants'");
    expect(warning?.message).toContain('(family ASC, height ASC)');
    expect(warning?.gcloud).toBe(
      'gcloud firestore indexes composite create --collection-group=plants --query-scope=COLLECTION ' +
        '--field-config=field-path=family,order=ascending --field-config=field-path=height,order=ascending',
    );
    expect(warning?.consoleLink).toMatch(/^https:\/\/console\.firebase\.google\.com\/v1\/r\/project\/demo-project\//);

    // Same shape, other values: answered, no second warning.
    const other = { ...NEEDS_INDEX, filter: { $and: [{ family: 'iris' }, { height: { $lte: 12 } }] } };
    const again = await s.harness.client.query('plants', other);
    expect(again.body.items).toEqual((await memory.client.query('plants', other)).body.items);
    expect(warnings(s)).toHaveLength(1);

    const hints = s.storage.diagnostics?.().indexHints ?? [];
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatchObject({
      collectionId: 'plants',
      state: 'MISSING',
      // The first query and its total count, then the second query: one index for all three.
      fallbacks: 3,
      fields: 'family ASC, height ASC',
    });
  });

  test('count, aggregate and distinct fall back too, equal to the evaluator', async () => {
    const filter = { $and: [{ tags: 'blue' }, { height: { $gte: 5 } }] };
    const count = await s.harness.client.count('plants', filter);
    expect(count.body).toEqual((await memory.client.count('plants', filter)).body);
    const body = {
      initialFilter: filter,
      aggregation: {
        groupingFields: [],
        operations: [
          { resultFieldName: 'n', itemCount: {} },
          { resultFieldName: 's', sum: { itemFieldName: 'height' } },
        ],
      },
      returnTotalCount: true,
    };
    const aggregate = await s.harness.client.aggregate('plants', body);
    expect(aggregate.status, JSON.stringify(aggregate.body)).toBe(200);
    expect(aggregate.body).toEqual((await memory.client.aggregate('plants', body)).body);
    const distinct = await s.harness.client.distinct('plants', 'family', { filter, returnTotalCount: true });
    expect(distinct.body).toEqual(
      (await memory.client.distinct('plants', 'family', { filter, returnTotalCount: true })).body,
    );
    // (tags CONTAINS, height ASC): an array-contains field is indexed as CONTAINS.
    expect(s.rule.refused).toContain('tags CONTAINS, height ASCENDING, __name__ ASCENDING');
    expect(warnings(s).at(-1)?.gcloud).toContain(
      '--field-config=field-path=tags,array-config=contains --field-config=field-path=height,order=ascending',
    );
  });

  test('once the owner creates the index it names, the query is pushed down again', async () => {
    const hint = s.storage.diagnostics?.().indexHints.find((h) => h.fields === 'family ASC, height ASC');
    expect(hint?.state).toBe('MISSING');
    s.rule.declare('plants', [
      { fieldPath: 'family', mode: 'ASCENDING' },
      { fieldPath: 'height', mode: 'ASCENDING' },
    ]);
    const passed = s.rule.passed.count;
    const got = await s.harness.client.query('plants', NEEDS_INDEX);
    expect(got.body.items).toEqual((await memory.client.query('plants', NEEDS_INDEX)).body.items);
    expect(s.rule.passed.count).toBe(passed + 1); // one pushed query, no scan
    expect(s.storage.diagnostics?.().indexHints.find((h) => h.fields === 'family ASC, height ASC')?.state).toBe(
      'IN_USE',
    );
    expect(s.logs.some((l) => l.severity === 'NOTICE' && String(l.message).includes('now answers'))).toBe(true);
  });
});

describe('between rechecks', () => {
  test('a known-missing shape goes straight to the scan', async () => {
    const s = await setup({ indexRecheckSeconds: 3600 });
    const first = await s.harness.client.query('plants', NEEDS_INDEX);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    await s.harness.client.query('plants', NEEDS_INDEX);
    expect(s.rule.refused, JSON.stringify(s.logs)).toHaveLength(1);
  });
});

describe('a field exempted from automatic indexing', () => {
  test('the fallback drops its condition too and still answers exactly', async () => {
    const s = await setup();
    s.rule.exempt.add('family');
    const got = await s.harness.client.query('plants', NEEDS_INDEX);
    expect(got.status, JSON.stringify(got.body)).toBe(200);
    expect(got.body.items).toEqual((await memory.client.query('plants', NEEDS_INDEX)).body.items);
    // The composite index, then the single-field condition the first fallback kept.
    expect(s.rule.refused).toEqual([
      'family ASCENDING, height ASCENDING, __name__ ASCENDING',
      'family ASCENDING, __name__ ASCENDING',
    ]);
  });
});

describe('the scan bound', () => {
  test('still applies, and its error names the missing index and how to create it', async () => {
    const s = await setup({ scanLimit: 30 }, 120);
    const result = await s.harness.client.query('plants', NEEDS_INDEX);
    expect(result.status).toBe(400);
    expect(result.body.errorCode).toBe('BAD_REQUEST');
    expect(result.body.errorMessage).toContain('more than 30 documents');
    expect(result.body.errorMessage).toContain('composite index (family ASC, height ASC)');
    expect(result.body.errorMessage).toContain('gcloud firestore indexes composite create');
    expect(result.body.errorMessage).toContain('FIRESTORE_SCAN_LIMIT');
  });
});

describe('with FIRESTORE_MANAGE_INDEXES=true', () => {
  test('the adaptor creates the missing index through the Admin API and switches to it when ready', async () => {
    const s = await setup({ manage: true });
    const body = { ...NEEDS_INDEX, sort: [{ fieldName: 'height', order: 'DESC' }] };
    const want = (await memory.client.query('plants', body)).body.items;
    expect((await s.harness.client.query('plants', body)).body.items).toEqual(want);
    expect(s.rule.admin.created).toEqual([
      {
        queryScope: 'COLLECTION',
        fields: [
          { fieldPath: 'family', order: 'ASCENDING' },
          { fieldPath: 'height', order: 'DESCENDING' },
          // The sort's tie-breaker (_id ascending) runs against the height order: spelled out.
          { fieldPath: '__name__', order: 'ASCENDING' },
        ],
      },
    ]);
    expect(s.storage.diagnostics?.().indexHints[0]?.state).toBe('CREATING');
    expect(warnings(s)[0]?.message).toContain('creating it through the Admin API');
    // While it builds, production still refuses ("currently building"): answered by the scan, created once.
    expect((await s.harness.client.query('plants', body)).body.items).toEqual(want);
    expect(s.rule.admin.created).toHaveLength(1);
    expect(s.storage.diagnostics?.().indexHints[0]?.state).toBe('CREATING');

    s.rule.markReady();
    const passed = s.rule.passed.count;
    expect((await s.harness.client.query('plants', body)).body.items).toEqual(want);
    expect(s.rule.passed.count).toBe(passed + 1);
    expect(s.storage.diagnostics?.().indexHints[0]?.state).toBe('IN_USE');
    // The created index is listed by indexes/list.
    const listed = await s.harness.client.listIndexes('plants');
    expect(JSON.stringify(listed.body)).toContain('height');
  });

  test('without the permission, the hint says why and the query is still answered', async () => {
    const s = await setup({ manage: true });
    s.rule.admin.createIndex = async () => {
      throw Object.assign(new Error('7 PERMISSION_DENIED: Missing permission datastore.indexes.create'), { code: 7 });
    };
    const got = await s.harness.client.query('plants', NEEDS_INDEX);
    expect(got.status).toBe(200);
    const hint = s.storage.diagnostics?.().indexHints[0];
    expect(hint?.state).toBe('MISSING');
    expect(hint?.problem).toContain('PERMISSION_DENIED');
    expect(warnings(s).at(-1)?.message).toContain('roles/datastore.indexAdmin');
  });
});
