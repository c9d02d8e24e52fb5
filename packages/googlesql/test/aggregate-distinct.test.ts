import type { AggregateSpec, DistinctSpec } from '@adaptors/core';
import { describe, expect, test } from 'vitest';

import { cmp, DIALECTS, f, plants } from './fixtures.ts';

const agg: AggregateSpec = {
  filter: { kind: 'true' },
  groupBy: [f('title'), f('born')],
  operations: [
    { name: 'max h', op: 'max', field: f('height') },
    { name: 'title', op: 'count', field: undefined }, // clashes with a grouping key: the key wins
    { name: 'avg sun', op: 'avg', field: f('care.sun') },
  ],
  having: cmp('max h', 'gt', 10),
  sort: [{ field: f('max h'), order: 'desc' }],
  offset: 0,
  limit: 20,
};

describe('compileAggregate', () => {
  for (const dialect of DIALECTS) {
    test(`${dialect.name}: GROUP BY, safe aliases, having over aliases, sort with grouping tie-breakers`, () => {
      const { rows, total } = dialect.aggregate(plants, agg, { countTotal: true });
      const sun =
        "CASE WHEN JSON_TYPE(JSON_QUERY(`care`, '$.sun')) = 'number' THEN LAX_FLOAT64(JSON_QUERY(`care`, '$.sun')) END";
      // An average whose plain sum overflows is taken again over the values scaled by 2^-64 (aggregate.ts `average`).
      const avg = `CASE WHEN IS_INF(AVG(${sun})) THEN AVG(${sun} * 5.421010862427522e-20) * 1.8446744073709552e19 ELSE AVG(${sun}) END`;
      const inner =
        `SELECT \`title\` AS \`g0\`, \`born\` AS \`g1\`, MAX(\`height\`) AS \`a0\`, ${avg} AS \`a1\`` +
        ' FROM `plants` GROUP BY `title`, `born`';
      expect(rows).toEqual({
        sql: `SELECT \`g0\`, \`g1\`, \`a0\`, \`a1\` FROM (${inner}) WHERE COALESCE(\`a0\` > @p0, FALSE) ORDER BY \`a0\` DESC, \`g0\` ASC, \`g1\` ASC LIMIT @p1`,
        params: { p0: 10, p1: 20 },
        types: { p0: { type: 'FLOAT64' }, p1: { type: 'INT64' } },
        columns: [
          { alias: 'g0', key: 'title' },
          { alias: 'g1', key: 'born' },
          { alias: 'a0', key: 'max h' },
          { alias: 'a1', key: 'avg sun' },
        ],
      });
      // total = rows after finalFilter, not items.
      expect(total).toEqual({
        sql: `SELECT COUNT(*) AS \`n\` FROM (${inner}) WHERE COALESCE(\`a0\` > @p0, FALSE)`,
        params: { p0: 10 },
        types: { p0: { type: 'FLOAT64' } },
        columns: [{ alias: 'n', key: 'total' }],
      });
    });

    test(`${dialect.name}: no grouping fields → one row even over zero items (no GROUP BY)`, () => {
      const { rows, total } = dialect.aggregate(
        plants,
        {
          ...agg,
          filter: cmp('active', 'eq', true),
          groupBy: [],
          operations: [
            { name: 'sum', op: 'sum', field: f('weight') },
            { name: 'n', op: 'count', field: undefined },
            { name: 'nothing', op: 'sum', field: f('title') },
            { name: 'mean', op: 'avg', field: f('weight') },
            { name: 'mean int', op: 'avg', field: f('height') },
          ],
          having: { kind: 'true' },
          sort: [],
          limit: 50,
        },
        { countTotal: false },
      );
      expect(rows.sql).toBe(
        'SELECT `a0`, `a1`, `a2`, `a3`, `a4` FROM (SELECT ' +
          // A FLOAT64 sum is ±inf past the double range, never an engine error; values of at least
          // 2^-900 are summed scaled down by 2^-64, smaller ones as they are.
          'CASE WHEN ABS(SUM(CASE WHEN ABS(`weight`) >= 1.1830521861667747e-271 THEN `weight` * 5.421010862427522e-20 END)) > 9.745314011399998e288 ' +
          'THEN IEEE_DIVIDE(SIGN(SUM(CASE WHEN ABS(`weight`) >= 1.1830521861667747e-271 THEN `weight` * 5.421010862427522e-20 END)), CAST(0 AS FLOAT64)) ' +
          'WHEN SUM(CASE WHEN ABS(`weight`) < 1.1830521861667747e-271 THEN `weight` END) IS NULL ' +
          'THEN SUM(CASE WHEN ABS(`weight`) >= 1.1830521861667747e-271 THEN `weight` * 5.421010862427522e-20 END) * 1.8446744073709552e19 ' +
          'WHEN SUM(CASE WHEN ABS(`weight`) >= 1.1830521861667747e-271 THEN `weight` * 5.421010862427522e-20 END) IS NULL ' +
          'THEN SUM(CASE WHEN ABS(`weight`) < 1.1830521861667747e-271 THEN `weight` END) ' +
          'ELSE SUM(CASE WHEN ABS(`weight`) >= 1.1830521861667747e-271 THEN `weight` * 5.421010862427522e-20 END) * 1.8446744073709552e19 + SUM(CASE WHEN ABS(`weight`) < 1.1830521861667747e-271 THEN `weight` END) END AS `a0`, ' +
          'COUNT(*) AS `a1`, MAX(CAST(NULL AS FLOAT64)) AS `a2`, ' +
          // A FLOAT64 average stays finite where its plain sum overflows; an INT64 one cannot overflow.
          'CASE WHEN IS_INF(AVG(`weight`)) THEN AVG(`weight` * 5.421010862427522e-20) * 1.8446744073709552e19 ELSE AVG(`weight`) END AS `a3`, ' +
          'AVG(`height`) AS `a4` FROM `plants` WHERE COALESCE(`active` = @p0, FALSE)) LIMIT @p1',
      );
      expect(total).toBeUndefined();
    });
  }

  test('TIMESTAMP group keys and MIN/MAX: compared at the millisecond, answered as UNIX_MILLIS on Spanner only', () => {
    const spec: AggregateSpec = {
      ...agg,
      groupBy: [f('planted')],
      operations: [
        { name: 'first', op: 'min', field: f('planted') },
        { name: 'n', op: 'count', field: undefined },
      ],
      having: cmp('first', 'gt', new Date(0)),
      sort: [{ field: f('planted'), order: 'desc' }],
    };
    // Grouped and compared at the millisecond (src/target.ts millisecondOf); the outputs already are.
    const ms = 'TIMESTAMP_MILLIS(UNIX_MILLIS(`planted`))';
    const inner = `SELECT ${ms} AS \`g0\`, MIN(${ms}) AS \`a0\`, COUNT(*) AS \`a1\` FROM \`plants\` GROUP BY ${ms}`;
    const tail = ` FROM (${inner}) WHERE COALESCE(\`a0\` > @p0, FALSE) ORDER BY \`g0\` DESC LIMIT @p1`;
    const expected = {
      spanner: {
        sql: `SELECT UNIX_MILLIS(\`g0\`) AS \`g0\`, UNIX_MILLIS(\`a0\`) AS \`a0\`, \`a1\`${tail}`,
        columns: [
          { alias: 'g0', key: 'planted', millis: true },
          { alias: 'a0', key: 'first', millis: true },
          { alias: 'a1', key: 'n' },
        ],
      },
      bigquery: {
        sql: `SELECT \`g0\`, \`a0\`, \`a1\`${tail}`,
        columns: [
          { alias: 'g0', key: 'planted' },
          { alias: 'a0', key: 'first' },
          { alias: 'a1', key: 'n' },
        ],
      },
    };
    for (const dialect of DIALECTS) {
      const { rows, total } = dialect.aggregate(plants, spec, { countTotal: true });
      expect({ sql: rows.sql, columns: rows.columns }, dialect.name).toEqual(expected[dialect.name]);
      expect(rows.types.p0).toEqual({ type: 'TIMESTAMP' });
      // The total counts rows: nothing is answered, so nothing is converted.
      expect(total?.sql).toBe(`SELECT COUNT(*) AS \`n\` FROM (${inner}) WHERE COALESCE(\`a0\` > @p0, FALSE)`);
    }
  });

  test('result names are never SQL text', () => {
    const hostile = 'x` FROM t; DROP TABLE plants --';
    const { rows } = DIALECTS[0]!.aggregate(
      plants,
      {
        ...agg,
        operations: [{ name: hostile, op: 'count', field: undefined }],
        having: cmp(hostile, 'gte', 1),
        sort: [],
      },
      { countTotal: false },
    );
    expect(rows.sql).not.toContain('DROP');
    expect(rows.columns).toContainEqual({ alias: 'a0', key: hostile });
  });

  test('refuses grouping by JSON or arrays', () => {
    // The fix names plain fields: capabilities/get declares no grouping limit to point at.
    expect(() => DIALECTS[0]!.aggregate(plants, { ...agg, groupBy: [f('tags')] }, { countTotal: false })).toThrow(
      /not supported.*Name a field of a plain type/,
    );
  });
});

const distinct: DistinctSpec = {
  filter: cmp('active', 'eq', true),
  field: f('title'),
  order: 'desc',
  offset: 0,
  limit: 10,
  after: { value: 'm' },
};

describe('compileDistinct', () => {
  for (const dialect of DIALECTS) {
    test(`${dialect.name}: scalar column, DESC, cursor`, () => {
      const { values, total } = dialect.distinct(plants, distinct, { countTotal: true });
      expect(values).toEqual({
        sql:
          'SELECT DISTINCT `v` FROM (SELECT `title` AS `v` FROM `plants` WHERE COALESCE(`active` = @p0, FALSE))' +
          ' WHERE ((`v` IS NOT NULL) AND (`v` IS NULL OR `v` < @p1)) ORDER BY `v` DESC LIMIT @p2',
        params: { p0: true, p1: 'm', p2: 10 },
        types: { p0: { type: 'BOOL' }, p1: { type: 'STRING' }, p2: { type: 'INT64' } },
        columns: [{ alias: 'v', key: 'title' }],
      });
      expect(total?.sql).toBe(
        'SELECT COUNT(DISTINCT `v`) AS `n` FROM (SELECT `title` AS `v` FROM `plants` WHERE COALESCE(`active` = @p0, FALSE))',
      );
    });

    test(`${dialect.name}: array column unwound after filtering, DATE values compared as text`, () => {
      const tags = dialect.distinct(
        plants,
        { ...distinct, field: f('tags'), order: 'asc', after: undefined, offset: 5 },
        {
          countTotal: false,
        },
      );
      expect(tags.values.sql).toBe(
        'SELECT DISTINCT `v` FROM (SELECT `tags` AS `a` FROM `plants` WHERE COALESCE(`active` = @p0, FALSE)) CROSS JOIN UNNEST(`a`) AS `v`' +
          ' WHERE (`v` IS NOT NULL) ORDER BY `v` ASC LIMIT @p1 OFFSET @p2',
      );
      const born = dialect.distinct(
        plants,
        { ...distinct, field: f('born'), order: 'asc', after: { value: '2024-01-01' } },
        {
          countTotal: false,
        },
      );
      expect(born.values.sql).toContain('COALESCE(CAST(`v` AS STRING) > @p1, FALSE)');
    });
  }

  test('TIMESTAMP values: compared and sorted at the millisecond, answered as UNIX_MILLIS on Spanner only', () => {
    const spec: DistinctSpec = { ...distinct, field: f('planted'), after: { value: new Date(0) } };
    const from =
      ' FROM (SELECT TIMESTAMP_MILLIS(UNIX_MILLIS(`planted`)) AS `v` FROM `plants` WHERE COALESCE(`active` = @p0, FALSE))' +
      ' WHERE ((`v` IS NOT NULL) AND (`v` IS NULL OR `v` < @p1)) ORDER BY `v` DESC LIMIT @p2';
    const expected = {
      spanner: {
        sql: `SELECT DISTINCT UNIX_MILLIS(\`v\`) AS \`v\`${from}`,
        columns: [{ alias: 'v', key: 'planted', millis: true }],
      },
      bigquery: { sql: `SELECT DISTINCT \`v\`${from}`, columns: [{ alias: 'v', key: 'planted' }] },
    };
    for (const dialect of DIALECTS) {
      const { values, total } = dialect.distinct(plants, spec, { countTotal: true });
      expect({ sql: values.sql, columns: values.columns }, dialect.name).toEqual(expected[dialect.name]);
      expect(values.types.p1).toEqual({ type: 'TIMESTAMP' });
      expect(total?.sql).toBe(
        'SELECT COUNT(DISTINCT `v`) AS `n` FROM (SELECT TIMESTAMP_MILLIS(UNIX_MILLIS(`planted`)) AS `v` FROM `plants` WHERE COALESCE(`active` = @p0, FALSE))',
      );
    }
  });

  test('a field without a column has no values', () => {
    const { values, total } = DIALECTS[0]!.distinct(
      plants,
      { ...distinct, field: f('nothing') },
      {
        countTotal: true,
      },
    );
    expect(values.sql).toContain('WHERE FALSE');
    expect(total?.sql).toContain('WHERE FALSE');
  });

  test('refuses JSON values', () => {
    expect(() => DIALECTS[0]!.distinct(plants, { ...distinct, field: f('care.sun') }, { countTotal: false })).toThrow(
      /not supported.*Name a field of a plain type/,
    );
  });
});
