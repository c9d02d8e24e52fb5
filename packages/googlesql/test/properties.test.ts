/**
 * Property tests (fast-check): (1) any AST built over any generated table
 * compiles for both dialects; (2) literals only travel as parameters; (3) no
 * identifier, result name or JSON key escapes its quoting.
 */
import { type FieldRef, fieldRef } from '@adaptors/core';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bigquery, type ColumnInfo, type GoogleSqlCompiler, spanner, type TableInfo } from '../src/index.ts';
import {
  aggregateNamed,
  flatParams,
  leafArb,
  literalsOf,
  MARK,
  selectWithColumn,
  sortable,
  tableArb,
  textOf,
  world,
} from './arbitraries.ts';
import { where } from './fixtures.ts';

const DIALECTS: readonly GoogleSqlCompiler[] = [spanner, bigquery];

describe('properties', () => {
  test('(1) any generated AST compiles for both dialects (filter, count, select+keyset, aggregate, distinct)', () => {
    fc.assert(
      fc.property(world, fc.boolean(), ({ table, filter }, desc) => {
        const keys = sortable(table).filter((k) => k !== '_id');
        const sort = [
          ...keys
            .slice(0, 2)
            .map((k) => ({ field: fieldRef(k, undefined), order: desc ? ('desc' as const) : ('asc' as const) })),
          { field: fieldRef('_id', 'TEXT'), order: 'asc' as const },
        ];
        const after = { values: sort.map((_, i) => (i % 2 === 0 ? null : `${MARK}b`)) };
        const groupable = keys[0];
        const anyColumn = [...table.columns.keys()].find((k) => {
          const t = table.columns.get(k)?.type;
          return (
            t !== 'JSON' && t !== 'BYTES' && !(typeof t === 'object' && (t.array === 'JSON' || t.array === 'BYTES'))
          );
        });
        for (const dialect of DIALECTS) {
          expect(typeof where(table, filter, dialect).sql).toBe('string');
          dialect.count(table, filter);
          const q = dialect.select(table, { filter, sort, projection: undefined, offset: 3, limit: 7, after });
          expect(Object.keys(q.types).sort()).toEqual(Object.keys(q.params).sort());
          dialect.aggregate(
            table,
            {
              filter,
              groupBy: groupable ? [fieldRef(groupable, undefined)] : [],
              operations: [{ name: 'n', op: 'count', field: undefined }],
              having: { kind: 'compare', field: fieldRef('n', undefined), op: 'gt', value: 1 },
              sort: [{ field: fieldRef('n', undefined), order: 'desc' }],
              offset: 0,
              limit: 5,
            },
            { countTotal: true },
          );
          if (anyColumn) {
            dialect.distinct(
              table,
              {
                filter,
                field: fieldRef(anyColumn, undefined),
                order: desc ? 'desc' : 'asc',
                offset: 0,
                limit: 3,
                after: undefined,
              },
              { countTotal: true },
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test('(2) literals land in params, never in the SQL text', () => {
    fc.assert(
      fc.property(world, ({ table, filter }) => {
        for (const dialect of DIALECTS) {
          const { sql, params, types } = where(table, filter, dialect);
          expect(sql).not.toContain(MARK);
          for (const v of literalsOf(filter)) {
            const text = textOf(v);
            if (text !== undefined) expect(sql).not.toContain(text);
          }
          // Every parameter is explicitly typed.
          expect(Object.keys(types).sort()).toEqual(Object.keys(params).sort());
        }
      }),
      { numRuns: 300 },
    );
    // Per leaf: when a leaf is not folded to a constant, its literals are its parameters.
    fc.assert(
      fc.property(
        tableArb.chain((t) => fc.record({ table: fc.constant(t), leaf: leafArb(t) })),
        ({ table, leaf }) => {
          if (leaf.kind === 'matches' || leaf.kind === 'urlized') return; // the parameter is the built pattern
          const { sql, params } = where(table, leaf, spanner);
          if (sql === 'TRUE' || sql === 'FALSE') return;
          const values = flatParams(params).map((p) => (p instanceof Date ? p.toISOString() : p));
          for (const v of literalsOf(leaf)) {
            if (v === null || textOf(v) === undefined) continue;
            const kindMatches = values.some((p) => p === (v instanceof Date ? v.toISOString() : v));
            // A literal of another type than the column folds away inside an OR/AND; the rest are parameters.
            if (!kindMatches) expect(sql).not.toContain(String(textOf(v)));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  const hostile = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      'a`b',
      '`',
      'x` OR 1=1 --',
      "o'brien",
      'a"b',
      'line\nbreak',
      'c--d',
      'e/*f*/',
      'g\\h',
      'from',
      'tab\tx',
      '',
    ),
  );

  test('(3) identifiers either refused with a clear Error or kept inside their backticks', () => {
    fc.assert(
      fc.property(hostile, (name) => {
        for (const dialect of DIALECTS) {
          let quoted: string;
          try {
            quoted = dialect.quote(name);
          } catch (e) {
            expect(e).toBeInstanceOf(Error);
            expect((e as Error).message).toMatch(/Invalid/);
            continue;
          }
          const inner = quoted.slice(1, -1);
          expect(quoted).toBe(`\`${name}\``);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: asserting that none got through
          expect(inner).not.toMatch(/[`\\\u0000-\u001f\u007f]/);
          // The query's structure does not depend on the name: strip quoted identifiers and compare.
          const strip = (sql: string) => sql.replace(/`[^`]*`/g, '``');
          expect(strip(selectWithColumn(name, dialect))).toBe(strip(selectWithColumn('benign', dialect)));
        }
      }),
      { numRuns: 300 },
    );
  });

  test('(3) result names never reach the SQL; JSON path keys are refused or stay inside the path literal', () => {
    const table: TableInfo = {
      name: 'tbl',
      columns: new Map<string, ColumnInfo>([
        ['_id', { name: '_id', type: 'STRING' }],
        ['care', { name: 'care', type: 'JSON' }],
      ]),
    };
    fc.assert(
      fc.property(hostile, (name) => {
        for (const dialect of DIALECTS) {
          const rows = aggregateNamed(name, dialect);
          expect(rows.sql).toBe(aggregateNamed('benign', dialect).sql);
          expect(rows.columns).toContainEqual({ alias: 'a0', key: name });

          const ref: FieldRef = { key: `care.${name}`, field: 'care', path: [name], type: 'OBJECT' };
          let sql: string;
          try {
            sql = where(table, { kind: 'compare', field: ref, op: 'eq', value: 'v' }, dialect).sql;
          } catch (e) {
            expect((e as Error).message).toMatch(/JSON path/);
            continue;
          }
          // Only the path literal changes with the key.
          const strip = (text: string) => text.replace(/'\$[^']*'/g, "''");
          const benign = where(
            table,
            { kind: 'compare', field: { ...ref, key: 'care.ok', path: ['ok'] }, op: 'eq', value: 'v' },
            dialect,
          ).sql;
          expect(strip(sql)).toBe(strip(benign));
          expect(name).not.toMatch(/['"\\\n]/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
