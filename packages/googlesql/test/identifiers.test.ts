import { describe, expect, test } from 'vitest';
import { bigquery, jsonPathLiteral, spanner, type TableInfo } from '../src/index.ts';
import { f } from './fixtures.ts';

describe('quote (the engine hook)', () => {
  test.each([spanner, bigquery])('$name: backticks around safe names, reserved words included', (dialect) => {
    expect(dialect.quote('title')).toBe('`title`');
    expect(dialect.quote('_id')).toBe('`_id`');
    expect(dialect.quote('FROM')).toBe('`FROM`');
  });

  test.each(['a`b', 'a\\b', 'a\nb', 'a\u0000', '', '`; DROP TABLE x; --'])('refuses %j in both dialects', (name) => {
    for (const dialect of [spanner, bigquery]) expect(() => dialect.quote(name)).toThrow(/Invalid/);
  });

  test('dialects differ: BigQuery flexible names and qualified tables, Spanner naming rules', () => {
    for (const name of ['first-name', 'a b', 'project.dataset.table', "o'brien", 'x--y', 'a/*b']) {
      expect(bigquery.quote(name)).toBe(`\`${name}\``);
      expect(() => spanner.quote(name)).toThrow(/Spanner naming rules/);
    }
    expect(() => spanner.quote('a'.repeat(129))).toThrow(/128/);
    expect(bigquery.quote('a'.repeat(129))).toHaveLength(131);
  });

  test('a table with a BigQuery-only column name compiles for BigQuery and is refused for Spanner', () => {
    const table: TableInfo = {
      name: 'ds.people',
      columns: new Map([
        ['_id', { name: '_id', type: 'STRING' }],
        ['firstName', { name: 'first-name', type: 'STRING' }],
      ]),
    };
    const spec = {
      filter: { kind: 'true' } as const,
      sort: [{ field: f('_id'), order: 'asc' as const }],
      projection: undefined,
      offset: 0,
      limit: 1,
      after: undefined,
    };
    expect(bigquery.select(table, spec).sql).toBe(
      'SELECT `_id` AS `c0`, `first-name` AS `c1` FROM `ds.people` ORDER BY `_id` ASC LIMIT @p0',
    );
    expect(() => spanner.select(table, spec)).toThrow(/Invalid spanner identifier/);
  });
});

describe('jsonPathLiteral', () => {
  test('plain keys dotted, others double-quoted', () => {
    expect(jsonPathLiteral([])).toBe("'$'");
    expect(jsonPathLiteral(['a', 'b_2'])).toBe("'$.a.b_2'");
    expect(jsonPathLiteral(['full sun', '2x', 'a-b', '$'])).toBe(`'$."full sun"."2x"."a-b"."$"'`);
  });
  test.each(["a'b", 'a"b', 'a\\b', 'a\nb', ''])('refuses %j', (key) => {
    expect(() => jsonPathLiteral([key])).toThrow(/JSON path/);
  });
});
