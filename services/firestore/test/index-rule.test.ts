/**
 * Firestore's documented index rule (src/index-rule.ts) on the
 * examples of Firestore's docs ("Index types", "Manage indexes"), and the
 * planner's pushed plans mapped onto it (src/index-fallback.ts).
 */
import type { FieldRef, Filter } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import { indexesForPlan, withoutCompositeIndex } from '../src/index-fallback.ts';
import { describeIndex, gcloudCommand, indexServes, type QueryShape, requiredIndex } from '../src/index-rule.ts';
import { planQuery } from '../src/planner.ts';

const shape = (s: Partial<QueryShape>): QueryShape => ({ equalities: [], inequalities: [], orderBy: [], ...s });
const eq = (fieldPath: string, contains = false) => ({ fieldPath, contains });
const asc = (fieldPath: string) => ({ fieldPath, direction: 'ASCENDING' as const });
const desc = (fieldPath: string) => ({ fieldPath, direction: 'DESCENDING' as const });
const fields = (s: QueryShape) => {
  const index = requiredIndex(s);
  return index ? describeIndex(index.fields) : undefined;
};

describe('which queries need a composite index', () => {
  test.each([
    ['one equality', shape({ equalities: [eq('state')] }), undefined],
    ['equalities only (index merging)', shape({ equalities: [eq('state'), eq('city')] }), undefined],
    ['one range', shape({ inequalities: ['population'] }), undefined],
    [
      'range and order on the same field',
      shape({ inequalities: ['population'], orderBy: [asc('population')] }),
      undefined,
    ],
    ['descending order on one field', shape({ orderBy: [desc('population')] }), undefined],
    ['order by the id only', shape({ orderBy: [desc('__name__')] }), undefined],
    ['array-contains alone', shape({ equalities: [eq('regions', true)] }), undefined],
    [
      'equality + range on another field',
      shape({ equalities: [eq('state')], inequalities: ['population'] }),
      'state ASC, population ASC',
    ],
    [
      'equality + descending order on another field',
      shape({ equalities: [eq('state')], orderBy: [desc('population')] }),
      'state ASC, population DESC',
    ],
    ['order on two fields', shape({ orderBy: [asc('state'), desc('population')] }), 'state ASC, population DESC'],
    [
      'array-contains + range',
      shape({ equalities: [eq('regions', true)], inequalities: ['population'] }),
      'regions CONTAINS, population ASC',
    ],
    [
      'order on a field against the id direction',
      shape({ orderBy: [desc('population'), asc('__name__')] }),
      'population DESC, __name__ ASC',
    ],
    [
      'an order on an equality field changes nothing',
      shape({ equalities: [eq('a')], orderBy: [desc('a')] }),
      undefined,
    ],
    [
      'equality fields come first, sorted; inequality fields by name after explicit orders',
      shape({ equalities: [eq('z'), eq('b')], inequalities: ['y', 'x'], orderBy: [desc('y')] }),
      'b ASC, z ASC, y DESC, x DESC',
    ],
  ])('%s', (_name, s, want) => {
    expect(fields(s)).toBe(want);
  });
});

describe('which existing index serves a query', () => {
  const required = {
    fields: [...(requiredIndex(shape({ equalities: [eq('a'), eq('b')], orderBy: [desc('c')] }))?.fields ?? [])],
    equalities: 2,
  };
  test.each([
    ['the same fields', ['a ASCENDING', 'b ASCENDING', 'c DESCENDING'], true],
    ['equality fields in another order', ['b ASCENDING', 'a ASCENDING', 'c DESCENDING'], true],
    ['the implicit __name__ spelled out', ['a ASCENDING', 'b ASCENDING', 'c DESCENDING', '__name__ DESCENDING'], true],
    ['another direction', ['a ASCENDING', 'b ASCENDING', 'c ASCENDING'], false],
    [
      '__name__ against the last direction',
      ['a ASCENDING', 'b ASCENDING', 'c DESCENDING', '__name__ ASCENDING'],
      false,
    ],
    ['a field missing', ['a ASCENDING', 'c DESCENDING'], false],
    ['the ordered field moved', ['c DESCENDING', 'a ASCENDING', 'b ASCENDING'], false],
  ])('%s', (_name, existing, want) => {
    const spec = existing.map((f) => {
      const [fieldPath, mode] = f.split(' ') as [string, 'ASCENDING' | 'DESCENDING'];
      return { fieldPath, mode };
    });
    expect(indexServes(spec, required)).toBe(want);
  });
});

test('gcloud commands quote what the shell would split', () => {
  expect(
    gcloudCommand(
      'my plants',
      [
        { fieldPath: 'a', mode: 'ASCENDING' },
        { fieldPath: '`sun light`', mode: 'DESCENDING' },
      ],
      { project: 'p-1', database: 'orders' },
    ),
  ).toBe(
    "gcloud firestore indexes composite create --project=p-1 --database=orders --collection-group='my plants' " +
      "--query-scope=COLLECTION --field-config=field-path=a,order=ascending --field-config='field-path=`sun light`,order=descending'",
  );
});

test('the (default) database is not named (gcloud uses it; the parentheses would need shell quoting)', () => {
  expect(gcloudCommand('c', [{ fieldPath: 'a', mode: 'ASCENDING' }], { database: '(default)' })).not.toContain(
    '--database',
  );
});

describe('pushed plans', () => {
  const ref = (field: string, type: FieldRef['type']): FieldRef => ({ key: field, field, path: [], type });
  const family = ref('family', 'TEXT');
  const height = ref('height', 'NUMBER');
  const id = ref('_id', 'TEXT');
  const filter: Filter = {
    kind: 'and',
    filters: [
      { kind: 'compare', field: family, op: 'eq', value: 'rosa' },
      { kind: 'compare', field: height, op: 'gt', value: 3 },
    ],
  };

  test('the planner pushes one query; the index it needs is named per disjunct', () => {
    const plan = planQuery(
      {
        filter,
        sort: [
          { field: height, order: 'desc' },
          { field: id, order: 'asc' },
        ],
      },
      { trustedTypes: true },
    );
    expect(plan.order).toBeDefined();
    expect(indexesForPlan(plan, plan.order).map((i) => describeIndex(i.fields))).toEqual([
      'family ASC, height DESC, __name__ ASC',
    ]);
  });

  test('the fallback keeps one single-field equality, which needs no composite index', () => {
    const plan = planQuery({ filter, sort: [] }, { trustedTypes: true });
    expect(indexesForPlan(plan, plan.order)).toHaveLength(1);
    const narrowed = withoutCompositeIndex(plan);
    expect(narrowed.pushed).toEqual([
      { kind: 'where', field: { kind: 'path', segments: ['family'] }, op: '==', value: 'rosa' },
    ]);
    expect(indexesForPlan(narrowed, undefined)).toEqual([]);
  });
});
