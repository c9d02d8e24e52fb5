/**
 * Differential test: every query the googlesql compiler emits for the
 * BigQuery dialect runs on the emulator through the real client and must
 * return what the core evaluator returns on the same items (the evaluator is
 * the law, docs/design.md §1). fast-check prints the seed and the counterexample
 * on failure.
 */
import {
  type AggregateSpec,
  countMatching,
  fieldRef,
  type Item,
  keysetOf,
  runAggregate,
  runDistinct,
  runQuery,
  type Value,
} from '@adaptors/core';
import { bigquery } from '@adaptors/googlesql';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  aggregateArb,
  DATASET,
  distinctArb,
  itemsArb,
  normalise,
  querySpecArb,
  rowOf,
  runCompiled,
  SCHEMA,
  tableInfo,
  toItem,
  toValue,
} from './corpus.ts';
import { type Harness, startHarness } from './helpers.ts';

let h: Harness;
let items: Item[];
const fixed = tableInfo('fixed');
const JSON_KEYS = new Set(['care']);

/** googlesql refuses some specs with a 400 (errors.unsupported): those are not differential cases. */
function compiles<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch (e) {
    if ((e as { status?: number }).status === 400 || /unsupported|not supported/i.test(String(e))) return undefined;
    throw e;
  }
}

async function load(tableId: string, rows: readonly Item[]): Promise<void> {
  const table = h.bq.dataset(DATASET).table(tableId);
  await h.bq.query(`DELETE FROM \`${DATASET}.${tableId}\` WHERE TRUE`);
  if (rows.length > 0) await table.insert(rows.map(rowOf));
}

function closeTo(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameRows(actual: readonly Item[], expected: readonly Item[]): boolean {
  if (actual.length !== expected.length) return false;
  return actual.every((row, i) => {
    const other = expected[i] as Item;
    const keys = new Set([...Object.keys(row), ...Object.keys(other)]);
    return [...keys].every((k) => closeTo(row[k], other[k]));
  });
}

beforeAll(async () => {
  h = await startHarness();
  const [ds] = await h.bq.createDataset(DATASET);
  await ds.createTable('fixed', { schema: SCHEMA });
  await ds.createTable('random', { schema: SCHEMA });
  // A fixed, varied item set: three generated batches, renumbered.
  items = fc
    .sample(itemsArb, { numRuns: 3, seed: 20251126 })
    .flat()
    .map((item, i) => ({ ...item, _id: `id${String(i).padStart(2, '0')}` }));
  await load('fixed', items);
});

afterAll(async () => {
  await h.emulator.stop();
});

describe('googlesql (bigquery dialect) on the emulator = core evaluator', () => {
  test('the fixed items read back unchanged', async () => {
    const q = bigquery.select(fixed, {
      filter: { kind: 'true' },
      sort: [{ field: { key: '_id', field: '_id', path: [], type: undefined }, order: 'asc' }],
      projection: undefined,
      offset: 0,
      limit: 1000,
      after: undefined,
    });
    const rows = (await runCompiled(h.bq, q)).map((r) => toItem(r, JSON_KEYS));
    expect(rows).toEqual(items.map(normalise));
  });

  test('queries (filter, sort, keyset, offset/limit, projection) and counts', async () => {
    await fc.assert(
      fc.asyncProperty(querySpecArb, async ({ afterIndex, ...rest }) => {
        const boundary = afterIndex !== undefined && items.length > 0 ? items[afterIndex % items.length] : undefined;
        const spec = { ...rest, after: boundary ? keysetOf(boundary, rest.sort) : undefined };
        const q = compiles(() => bigquery.select(fixed, spec));
        if (!q) return;
        const actual = (await runCompiled(h.bq, q)).map((r) => toItem(r, JSON_KEYS));
        const expected = runQuery(items, spec).map(normalise);
        expect(actual).toEqual(expected);
        const c = bigquery.count(fixed, spec.filter);
        const [row] = await runCompiled(h.bq, c);
        expect(row?.count).toBe(countMatching(items, spec.filter));
      }),
      { numRuns: 250, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  test('aggregations (group, sum/avg/min/max/count, having, sort, paging, total)', async () => {
    await fc.assert(
      fc.asyncProperty(aggregateArb, async (raw) => {
        // Ties are ordered by the grouping values on both sides (the compiler adds them; here explicitly).
        const spec = { ...raw, sort: [...raw.sort, ...raw.groupBy.map((field) => ({ field, order: 'asc' as const }))] };
        const compiled = compiles(() => bigquery.aggregate(fixed, spec, { countTotal: true }));
        if (!compiled) return;
        const actual = (await runCompiled(h.bq, compiled.rows)).map((r) => normalise(toItem(r, new Set())));
        const expected = runAggregate(items, spec, true);
        const ok = sameRows(actual, expected.rows.map(normalise));
        if (!ok) expect(actual).toEqual(expected.rows.map(normalise));
        const [total] = await runCompiled(h.bq, compiled.total as NonNullable<typeof compiled.total>);
        expect(total?.total).toBe(expected.total);
      }),
      { numRuns: 120, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  test('distinct values (arrays unwound, order, keyset, paging, total)', async () => {
    await fc.assert(
      fc.asyncProperty(distinctArb, async ({ afterIndex, ...rest }) => {
        const all = runDistinct(items, { ...rest, offset: 0, limit: 10_000, after: undefined }, false).values;
        const pick = afterIndex !== undefined && all.length > 0 ? all[afterIndex % all.length] : undefined;
        const spec = { ...rest, after: pick === undefined ? undefined : { value: pick as Value } };
        const compiled = compiles(() => bigquery.distinct(fixed, spec, { countTotal: true }));
        if (!compiled) return;
        const actual = (await runCompiled(h.bq, compiled.values)).map((r) => toValue(r[spec.field.key]));
        const expected = runDistinct(items, spec, true);
        expect(actual).toEqual(expected.values);
        const [total] = await runCompiled(h.bq, compiled.total as NonNullable<typeof compiled.total>);
        expect(total?.total).toBe(expected.total);
      }),
      { numRuns: 120, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  test('generated item sets: one query each', async () => {
    const table = tableInfo('random');
    await fc.assert(
      fc.asyncProperty(itemsArb, querySpecArb, async (data, { afterIndex, ...rest }) => {
        await load('random', data);
        const boundary = afterIndex !== undefined && data.length > 0 ? data[afterIndex % data.length] : undefined;
        const spec = { ...rest, after: boundary ? keysetOf(boundary, rest.sort) : undefined };
        const q = compiles(() => bigquery.select(table, spec));
        if (!q) return;
        const actual = (await runCompiled(h.bq, q)).map((r) => toItem(r, JSON_KEYS));
        expect(actual).toEqual(runQuery(data, spec).map(normalise));
      }),
      { numRuns: 30, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });

  // Regressions for two googlesql bugs this suite found (fixed: constant results are aggregates; SAFE_OFFSET).
  test('aggregate with only constant operations and no grouping returns one row', async () => {
    const spec: AggregateSpec = {
      filter: { kind: 'true' },
      groupBy: [],
      operations: [{ name: 's', op: 'sum', field: fieldRef('title', undefined) }],
      having: { kind: 'true' },
      sort: [],
      offset: 0,
      limit: 100,
    };
    const compiled = bigquery.aggregate(fixed, spec, { countTotal: true });
    const rows = await runCompiled(h.bq, compiled.rows);
    expect(rows).toHaveLength(runAggregate(items, spec, true).rows.length);
  });

  test('whole-array equality with a shorter operand than a stored array (AND is not short-circuit)', async () => {
    const spec = {
      filter: { kind: 'compare' as const, field: fieldRef('tags', undefined), op: 'eq' as const, value: [] },
      sort: [{ field: fieldRef('_id', undefined), order: 'asc' as const }],
      projection: ['_id'],
      offset: 0,
      limit: 100,
      after: undefined,
    };
    const rows = await runCompiled(h.bq, bigquery.select(fixed, spec));
    expect(rows.map((r) => r._id)).toEqual(runQuery(items, spec).map((i) => i._id));
  });
});
