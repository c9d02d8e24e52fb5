// The engine hooks (src/hooks.ts): every engine-specific piece of SQL text comes from one hook,
// so an engine that spells them differently is a subclass overriding only those (docs/design.md
// "Adding a SQL engine"). A made-up engine overrides every hook; the SQL must use its spellings only.
import type { QuerySpec } from '@adaptors/core';
import { expect, test } from 'vitest';
import { GoogleSqlCompiler, type ScalarColumnType } from '../src/index.ts';
import { cmp, f, plants } from './fixtures.ts';

class Other extends GoogleSqlCompiler {
  override readonly name = 'other';
  override quote(name: string): string {
    return `"${name}"`;
  }
  override placeholder(name: string): string {
    return `:${name}`;
  }
  override inArray(value: string, array: string): string {
    return `${value} = ANY(${array})`;
  }
  override jsonQuery(json: string, path: readonly string[]): string {
    return `${json} #> '{${path.join(',')}}'`;
  }
  override regexpContains(value: string, pattern: string): string {
    return `${value} ~ ${pattern}`;
  }
  override typeName(type: ScalarColumnType): string {
    return type === 'STRING' ? 'TEXT' : type === 'FLOAT64' ? 'DOUBLE PRECISION' : type;
  }
  override timestampMillis(value: string): string {
    return `EPOCH_MS(${value})`;
  }
}

const spec = (filter: QuerySpec['filter']): QuerySpec => ({
  filter,
  sort: [],
  projection: ['_id'],
  offset: 0,
  limit: 5,
  after: undefined,
});

test('each hook is the only source of its piece of SQL', () => {
  const other = new Other();
  const q = other.select(
    plants,
    spec({
      kind: 'and',
      filters: [
        { kind: 'in', field: f('title'), values: ['a', 'b'] },
        { kind: 'matches', field: f('title'), parts: [{ type: 'literal', value: 'x' }], ignoreCase: false },
        cmp('care.sun', 'eq', true),
      ],
    }),
  );
  expect(q.sql).toContain('SELECT "_id" AS "c0" FROM "plants"');
  expect(q.sql).toContain('"title" = ANY(:p0)');
  expect(q.sql).toMatch(/"title" ~ :p1/);
  expect(q.sql).toContain(`"care" #> '{sun}'`);
  expect(q.sql).toContain('LIMIT :p3');
  expect(q.sql).not.toMatch(/[`@]|UNNEST\(:|REGEXP_CONTAINS|JSON_QUERY\(/);
  const agg = other.aggregate(
    plants,
    {
      filter: { kind: 'true' },
      groupBy: [],
      operations: [{ op: 'sum', field: f('title'), name: 's' }],
      having: { kind: 'true' },
      sort: [],
      offset: 0,
      limit: 5,
    },
    { countTotal: false },
  );
  expect(agg.rows.sql).toContain('MAX(CAST(NULL AS DOUBLE PRECISION))');
  const dates = other.select(plants, { ...spec(cmp('planted', 'gt', new Date(0))), projection: ['planted'] });
  expect(dates.sql).toContain('EPOCH_MS("planted") AS "c1"');
  expect(dates.sql).toContain('"planted" >= :p0');
  expect(dates.columns).toContainEqual({ alias: 'c1', key: 'planted', millis: true });
});
