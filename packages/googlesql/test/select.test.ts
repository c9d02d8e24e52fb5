import type { QuerySpec } from '@adaptors/core';
import { describe, expect, test } from 'vitest';

import { bigquery, spanner } from '../src/index.ts';
import { both, cmp, DIALECTS, f, plants } from './fixtures.ts';

const base: QuerySpec = {
  filter: { kind: 'true' },
  sort: [{ field: f('_id'), order: 'asc' }],
  projection: undefined,
  offset: 0,
  limit: 50,
  after: undefined,
};
const EPOCH = new Date(0);
const AFTER_EPOCH = new Date(1);
/** A TIMESTAMP compared at the millisecond (src/target.ts millisecondOf). */
const MS = 'TIMESTAMP_MILLIS(UNIX_MILLIS(`planted`))';

const CASES: readonly {
  name: string;
  spec: QuerySpec;
  expected: Record<'spanner' | 'bigquery', { sql: string; params: Record<string, unknown> }>;
}[] = [
  {
    name: 'projection: only needed columns, _id always, unknown keys absent; no WHERE for TRUE',
    spec: { ...base, projection: ['title', 'nothing'] },
    expected: both({
      sql: 'SELECT `_id` AS `c0`, `title` AS `c1` FROM `plants` ORDER BY `_id` ASC LIMIT @p0',
      params: { p0: 50 },
    }),
  },
  {
    name: 'a TIMESTAMP is answered as the engine reads instants (Spanner: UNIX_MILLIS); filtered as ranges of the column, sorted at the millisecond',
    spec: {
      ...base,
      filter: cmp('planted', 'gt', EPOCH),
      sort: [
        { field: f('planted'), order: 'asc' },
        { field: f('_id'), order: 'asc' },
      ],
      projection: ['planted'],
    },
    expected: {
      spanner: {
        sql:
          'SELECT `_id` AS `c0`, UNIX_MILLIS(`planted`) AS `c1` FROM `plants` WHERE COALESCE(`planted` >= @p0, FALSE)' +
          ' ORDER BY TIMESTAMP_MILLIS(UNIX_MILLIS(`planted`)) ASC, `_id` ASC LIMIT @p1',
        params: { p0: AFTER_EPOCH, p1: 50 },
      },
      bigquery: {
        sql:
          'SELECT `_id` AS `c0`, `planted` AS `c1` FROM `plants` WHERE COALESCE(`planted` >= @p0, FALSE)' +
          ' ORDER BY TIMESTAMP_MILLIS(UNIX_MILLIS(`planted`)) ASC, `_id` ASC LIMIT @p1',
        params: { p0: AFTER_EPOCH, p1: 50 },
      },
    },
  },
  {
    name: 'filter, mixed ASC/DESC keyset ending on _id, offset',
    spec: {
      ...base,
      filter: cmp('title', 'eq', 'a'),
      sort: [
        { field: f('title'), order: 'asc' },
        { field: f('planted'), order: 'desc' },
        { field: f('_id'), order: 'asc' },
      ],
      projection: ['_id'],
      offset: 20,
      limit: 10,
      after: { values: ['t', EPOCH, 'id9'] },
    },
    expected: both({
      sql:
        'SELECT `_id` AS `c0` FROM `plants` WHERE (COALESCE(`title` = @p0, FALSE) AND (COALESCE(`title` > @p1, FALSE)' +
        ` OR (COALESCE(\`title\` = @p2, FALSE) AND (${MS} IS NULL OR ${MS} < @p3))` +
        ` OR (COALESCE(\`title\` = @p2, FALSE) AND COALESCE(${MS} = @p4, FALSE) AND COALESCE(\`_id\` > @p5, FALSE))))` +
        ` ORDER BY \`title\` ASC, ${MS} DESC, \`_id\` ASC LIMIT @p6 OFFSET @p7`,
      params: { p0: 'a', p1: 't', p2: 't', p3: EPOCH, p4: EPOCH, p5: 'id9', p6: 10, p7: 20 },
    }),
  },
  {
    name: 'keyset on a null boundary in ASC: every non-null is after',
    spec: {
      ...base,
      sort: [
        { field: f('title'), order: 'asc' },
        { field: f('_id'), order: 'asc' },
      ],
      projection: ['_id'],
      after: { values: [null, 'id9'] },
    },
    expected: both({
      sql:
        'SELECT `_id` AS `c0` FROM `plants` WHERE ((`title` IS NOT NULL) OR ((`title` IS NULL) AND COALESCE(`_id` > @p0, FALSE)))' +
        ' ORDER BY `title` ASC, `_id` ASC LIMIT @p1',
      params: { p0: 'id9', p1: 50 },
    }),
  },
  {
    name: 'keyset on a null boundary in DESC: nothing but ties can follow',
    spec: {
      ...base,
      sort: [
        { field: f('height'), order: 'desc' },
        { field: f('_id'), order: 'desc' },
      ],
      projection: ['_id'],
      after: { values: [null, 'id9'] },
    },
    expected: both({
      sql:
        'SELECT `_id` AS `c0` FROM `plants` WHERE ((`height` IS NULL) AND (`_id` IS NULL OR `_id` < @p0))' +
        ' ORDER BY `height` DESC, `_id` DESC LIMIT @p1',
      params: { p0: 'id9', p1: 50 },
    }),
  },
  {
    name: 'keyset boundary of another type than the column (cross-type order: number < string)',
    spec: {
      ...base,
      sort: [
        { field: f('height'), order: 'asc' },
        { field: f('_id'), order: 'asc' },
      ],
      projection: ['_id'],
      after: { values: ['x', 'id9'] },
    },
    expected: both({
      sql: 'SELECT `_id` AS `c0` FROM `plants` WHERE FALSE ORDER BY `height` ASC, `_id` ASC LIMIT @p0',
      params: { p0: 50 },
    }),
  },
  {
    name: 'sort by a missing column is constant (no ORDER BY term); its null boundary ties',
    spec: {
      ...base,
      sort: [
        { field: f('nothing'), order: 'asc' },
        { field: f('_id'), order: 'asc' },
      ],
      projection: ['_id'],
      after: { values: [null, 'id9'] },
    },
    expected: both({
      sql: 'SELECT `_id` AS `c0` FROM `plants` WHERE COALESCE(`_id` > @p0, FALSE) ORDER BY `_id` ASC LIMIT @p1',
      params: { p0: 'id9', p1: 50 },
    }),
  },
];

describe('select', () => {
  for (const dialect of DIALECTS) {
    test.each(CASES.map((c) => [c.name, c] as const))(`${dialect.name}: %s`, (_n, c) => {
      const q = dialect.select(plants, c.spec);
      expect({ sql: q.sql, params: q.params }).toEqual(c.expected[dialect.name]);
      // Every parameter is typed, LIMIT/OFFSET as INT64.
      expect(Object.keys(q.types).sort()).toEqual(Object.keys(q.params).sort());
    });
  }

  test('types: Date → TIMESTAMP, LIMIT/OFFSET → INT64', () => {
    const q = DIALECTS[0]!.select(plants, CASES[2]!.spec);
    expect(q.types.p3).toEqual({ type: 'TIMESTAMP' });
    expect(q.types.p6).toEqual({ type: 'INT64' });
    expect(q.types.p7).toEqual({ type: 'INT64' });
    expect(q.columns).toEqual([{ alias: 'c0', key: '_id' }]);
  });

  test('the output column of a TIMESTAMP read as UNIX_MILLIS says so (Spanner only)', () => {
    const spec = { ...base, projection: ['planted'] };
    expect(spanner.select(plants, spec).columns).toEqual([
      { alias: 'c0', key: '_id' },
      { alias: 'c1', key: 'planted', millis: true },
    ]);
    expect(bigquery.select(plants, spec).columns).toEqual([
      { alias: 'c0', key: '_id' },
      { alias: 'c1', key: 'planted' },
    ]);
  });

  test('all columns when projection is undefined', () => {
    const q = DIALECTS[0]!.select(plants, base);
    expect(q.columns?.map((c) => c.key)).toEqual([...plants.columns.keys()]);
  });

  test('refuses sorting by arrays', () => {
    expect(() => DIALECTS[0]!.select(plants, { ...base, sort: [{ field: f('tags'), order: 'asc' }] })).toThrow(
      /not supported/,
    );
  });

  // A nested value may be a {"$date"} object (a date for the evaluator), an object or an array,
  // which a JSON sort key cannot order as core compare.ts does: refused with a 400, never a wrong
  // order (dates used to come back in _id order). Offset pages and cursor pages alike.
  for (const dialect of DIALECTS) {
    test.each([
      ['ASC, offset page', { ...base, sort: [{ field: f('care.sun'), order: 'asc' as const }, base.sort[0]!] }],
      ['DESC, offset page', { ...base, sort: [{ field: f('care.sun'), order: 'desc' as const }, base.sort[0]!] }],
      [
        'cursor page on a scalar',
        {
          ...base,
          sort: [{ field: f('care.sun'), order: 'asc' as const }, base.sort[0]!],
          after: { values: [3, 'id9'] },
        },
      ],
      [
        'cursor page on an object',
        {
          ...base,
          sort: [{ field: f('care.x'), order: 'asc' as const }, base.sort[0]!],
          after: { values: [{ a: 1 }, 'x'] },
        },
      ],
    ])(`${dialect.name}: refuses sorting by a nested JSON path (%s)`, (_n, spec) => {
      let error: unknown;
      try {
        dialect.select(plants, spec);
      } catch (e) {
        error = e;
      }
      expect(error).toMatchObject({ code: 'BAD_REQUEST' });
      expect((error as Error).message).toMatch(/Sorting by the nested path 'care\.(sun|x)' is not supported/);
      expect((error as Error).message).toMatch(/dates, objects or arrays/);
    });
  }

  test('a nested path in the filter still compiles while the sort is on a column', () => {
    const q = DIALECTS[0]!.select(plants, { ...base, filter: cmp('care.sun', 'gt', 3) });
    expect(q.sql).toContain("JSON_QUERY(`care`, '$.sun')");
  });

  test('negative paging clamps to 0 like the evaluator; fractions are refused', () => {
    expect(DIALECTS[0]!.select(plants, { ...base, limit: -1, offset: -5 }).params).toEqual({ p0: 0 });
    expect(() => DIALECTS[0]!.select(plants, { ...base, limit: 1.5 })).toThrow(/integer/);
  });
});

describe('count', () => {
  for (const dialect of DIALECTS) {
    test(`${dialect.name}: separate COUNT(*), no window function`, () => {
      expect(dialect.count(plants, cmp('height', 'gte', 2))).toEqual({
        sql: 'SELECT COUNT(*) AS `n` FROM `plants` WHERE COALESCE(`height` >= @p0, FALSE)',
        params: { p0: 2 },
        types: { p0: { type: 'FLOAT64' } },
        columns: [{ alias: 'n', key: 'count' }],
      });
      expect(dialect.count(plants, { kind: 'true' }).sql).toBe('SELECT COUNT(*) AS `n` FROM `plants`');
    });
  }
});
