/**
 * The planner is pure: each residual kind, what is pushed down, when sort and
 * paging are pushed (planner.ts rules).
 */
import { type FieldType, type Filter, fieldRef, type Sort, type Value } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import { describeFilter } from '../src/filter-text.ts';
import { planFilter, planQuery, storedAsText } from '../src/planner.ts';

const TYPES: Record<string, FieldType> = {
  _id: 'TEXT',
  title: 'TEXT',
  count: 'NUMBER',
  at: 'DATETIME',
  tags: 'ARRAY_STRING',
  obj: 'OBJECT',
  any: 'ANY',
};
const ref = (key: string) => fieldRef(key, TYPES[key.split('.')[0] ?? key]);
const eq = (key: string, value: Value): Filter => ({ kind: 'compare', field: ref(key), op: 'eq', value });
const cmp = (key: string, op: 'gt' | 'lt' | 'ne' | 'gte', value: Value): Filter => ({
  kind: 'compare',
  field: ref(key),
  op,
  value,
});
const and = (...filters: Filter[]): Filter => ({ kind: 'and', filters });
const or = (...filters: Filter[]): Filter => ({ kind: 'or', filters });
const trusted = { trustedTypes: true };
const sortBy = (...keys: [string, 'asc' | 'desc'][]): Sort[] => [
  ...keys.map(([key, order]) => ({ field: ref(key), order })),
  ...(keys.some(([k]) => k === '_id') ? [] : [{ field: ref('_id'), order: 'asc' as const }]),
];

describe('pushed down exactly', () => {
  test('equality on a trusted scalar field is ==', () => {
    const plan = planFilter(eq('title', 'Alpha'), trusted);
    expect(plan.pushed).toEqual([
      { kind: 'where', field: { kind: 'path', segments: ['title'] }, op: '==', value: 'Alpha' },
    ]);
    expect(plan.residual).toEqual({ kind: 'true' });
  });

  test('equality on an array field is array-contains', () => {
    expect(planFilter(eq('tags', 'red'), trusted).pushed[0]).toMatchObject({ op: 'array-contains', value: 'red' });
  });

  test('equality on an untyped value is == OR array-contains (an array may hold it)', () => {
    for (const plan of [planFilter(eq('any', 7), trusted), planFilter(eq('obj.city', 'Paris'), trusted)]) {
      expect(plan.pushed[0]).toMatchObject({ kind: 'or', filters: [{ op: '==' }, { op: 'array-contains' }] });
      expect(plan.residual.kind).toBe('true');
    }
  });

  test('equality on an untyped text also looks for the bytes and the reference answered as that text', () => {
    const bytes = { kind: 'bytes', base64: 'AP9oaQ==' };
    const reference = { kind: 'reference', path: 'other/x' };
    const plan = planFilter(eq('any', 'AP9oaQ=='), { trustedTypes: false });
    expect(plan.pushed[0]).toMatchObject({
      kind: 'or',
      filters: [
        { op: '==', value: 'AP9oaQ==' },
        { op: 'array-contains', value: 'AP9oaQ==' },
        { op: '==', value: bytes },
        { op: 'array-contains', value: bytes },
      ],
    });
    expect(storedAsText('other/x')).toEqual([reference]);
    expect(storedAsText('a/b/c/d')).toEqual([{ kind: 'reference', path: 'a/b/c/d' }]);
    // Not the text bytes or a reference are answered as: no other value is looked for.
    for (const text of ['a/b/c', 'a//b/c', '__x__/y', 'AP9oaQ', 'Basil', 'a b='])
      expect(storedAsText(text)).toEqual([]);
    // A trusted TEXT field holds strings (the codec enforces it): plain ==.
    expect(planFilter(eq('title', 'AP9oaQ=='), trusted).pushed[0]).toMatchObject({ op: '==', value: 'AP9oaQ==' });
  });

  test('_id uses the document id', () => {
    const plan = planFilter({ kind: 'in', field: ref('_id'), values: ['a', 'b'] }, trusted);
    expect(plan.pushed).toEqual([{ kind: 'where', field: { kind: 'id' }, op: 'in', value: ['a', 'b'] }]);
  });

  test('a range on a trusted scalar field, dates included', () => {
    const at = new Date('2024-01-01T00:00:00Z');
    const plan = planFilter(and(cmp('count', 'gt', 0), cmp('at', 'lt', at)), trusted);
    expect(plan.pushed).toHaveLength(1); // one inequality field per query
    expect(plan.inequalityKey).toBe('count');
    expect(describeFilter(plan.residual)).toBe('at $lt "2024-01-01T00:00:00.000Z"');
  });

  test('$exists: true is != null', () => {
    expect(planFilter({ kind: 'exists', field: ref('obj.city'), exists: true }, trusted).pushed[0]).toMatchObject({
      op: '!=',
      value: null,
    });
  });

  test('$or of equalities', () => {
    const plan = planFilter(or(eq('count', 0), eq('title', 'Alpha')), trusted);
    expect(plan.pushed[0]).toMatchObject({ kind: 'or' });
    expect(plan.residual.kind).toBe('true');
  });

  test('$or: [] reads nothing', () => {
    expect(planFilter(or(), trusted).empty).toBe(true);
  });
});

describe('residual kinds (evaluated on streamed documents)', () => {
  const residualOf = (filter: Filter, options = trusted) => {
    const plan = planFilter(filter, options);
    expect(plan.pushed).toEqual([]);
    expect(plan.residual).toEqual(filter);
    return plan;
  };
  test.each<[string, Filter]>([
    ['$eq null (also matches missing fields)', eq('title', null)],
    ['$ne (matches missing and null)', cmp('title', 'ne', 'Alpha')],
    ['$exists: false', { kind: 'exists', field: ref('title'), exists: false }],
    ['case-insensitive $contains', { kind: 'string', field: ref('title'), op: 'contains', value: 'al' }],
    ['case-insensitive $startsWith', { kind: 'string', field: ref('title'), op: 'startsWith', value: 'al' }],
    ['$matches', { kind: 'matches', field: ref('title'), ignoreCase: true, parts: [{ type: 'literal', value: 'a' }] }],
    ['$urlized', { kind: 'urlized', field: ref('title'), words: ['a', 'b'] }],
    ['$not', { kind: 'not', filter: eq('title', 'Alpha') }],
    ['a range on an array field (some element)', cmp('tags', 'gt', 'a')],
    ['a range on a nested path', cmp('obj.n', 'gte', 2)],
    ['an instant on an untyped field ({"$date"} objects are instants too)', eq('any', new Date(0))],
    ['an object operand', eq('obj', { city: 'Paris' })],
    [
      '$hasSome with more than 30 values',
      { kind: 'in', field: ref('count'), values: Array.from({ length: 31 }, (_, i) => i) },
    ],
    [
      '$or with a residual branch',
      or(eq('count', 1), { kind: 'string', field: ref('title'), op: 'contains', value: 'x' }),
    ],
  ])('%s', (_name, filter) => {
    residualOf(filter);
  });

  test('ranges on collections with inferred (untrusted) types', () => {
    residualOf(cmp('count', 'gt', 0), { trustedTypes: false });
  });

  test('$hasAll pushes one array-contains and keeps the conjunct', () => {
    const filter: Filter = { kind: 'hasAll', field: ref('tags'), values: ['red', 'green'] };
    const plan = planFilter(filter, trusted);
    expect(plan.pushed[0]).toMatchObject({ op: 'array-contains', value: 'red' });
    expect(plan.residual).toEqual(filter);
  });

  test('only one array-contains per query', () => {
    const plan = planFilter(and(eq('tags', 'red'), eq('any', 'x')), trusted);
    expect(plan.pushed).toHaveLength(1);
    expect(plan.residualNotes).toEqual(['any $eq "x"']);
  });
});

describe('sort and paging', () => {
  test('_id ascending is pushed; _id descending alone is not (Firestore refuses descending key scans)', () => {
    expect(planQuery({ filter: { kind: 'true' }, sort: sortBy(['_id', 'asc']) }, trusted).order).toEqual([
      { field: { kind: 'id' }, direction: 'asc' },
    ]);
    const desc = planQuery({ filter: cmp('_id', 'gt', 'b'), sort: sortBy(['_id', 'desc']) }, trusted);
    expect(desc.order).toBeUndefined();
    expect(desc.sortNote).toBe('sort by _id desc');
  });

  test('a field sort is pushed when a pushed filter guarantees the field', () => {
    const plan = planQuery({ filter: cmp('count', 'gte', 990), sort: sortBy(['count', 'desc']) }, trusted);
    expect(plan.order).toEqual([
      { field: { kind: 'path', segments: ['count'] }, direction: 'desc' },
      { field: { kind: 'id' }, direction: 'asc' },
    ]);
  });

  test('the sort field wins the one inequality', () => {
    const plan = planQuery(
      { filter: and(cmp('at', 'gt', new Date(0)), cmp('count', 'gt', 0)), sort: sortBy(['count', 'asc']) },
      trusted,
    );
    expect(plan.inequalityKey).toBe('count');
    expect(plan.order).toBeDefined();
  });

  test('not pushed when documents may lack the field (orderBy would drop them)', () => {
    const plan = planQuery({ filter: { kind: 'true' }, sort: sortBy(['count', 'asc']) }, trusted);
    expect(plan.order).toBeUndefined();
    expect(plan.sortNote).toBe('sort by count asc, _id asc');
  });

  test('not pushed with an inequality on another field', () => {
    expect(planQuery({ filter: cmp('count', 'gt', 0), sort: sortBy(['_id', 'asc']) }, trusted).order).toBeUndefined();
  });

  test('not pushed on untrusted types', () => {
    expect(
      planQuery({ filter: cmp('count', 'gt', 0), sort: sortBy(['count', 'asc']) }, { trustedTypes: false }).order,
    ).toBeUndefined();
  });
});

describe('decimal text ranges on TEXT fields (integers answered as text, integers.ts)', () => {
  const path = { kind: 'path', segments: ['title'] };
  test('also ask for stored integers by number, with a whole bound; the evaluator narrows', () => {
    const cases: [Filter, string, bigint][] = [
      [cmp('title', 'gt', '9007199254740993'), '>=', 9007199254740993n],
      [cmp('title', 'gte', '-1.5'), '>=', -2n],
      [cmp('title', 'lt', '1.5'), '<=', 2n],
      [cmp('title', 'lt', '-1.5'), '<=', -1n],
    ];
    for (const [filter, op, bound] of cases) {
      const plan = planFilter(filter, trusted);
      const text = (filter as { op: string; value: string }).value;
      expect(plan.pushed).toEqual([
        {
          kind: 'or',
          filters: [
            {
              kind: 'where',
              field: path,
              op: { gt: '>', gte: '>=', lt: '<' }[(filter as { op: 'gt' }).op],
              value: text,
            },
            { kind: 'where', field: path, op, value: bound },
          ],
        },
      ]);
      expect(plan.residual).toEqual(filter);
    }
  });

  test('other text operands stay string ranges; a bound beyond int64 is evaluated in memory', () => {
    expect(planFilter(cmp('title', 'gt', 'Alpha'), trusted).pushed[0]).toMatchObject({ op: '>', value: 'Alpha' });
    expect(planFilter(cmp('title', 'gt', '2024-01-01'), trusted).pushed[0]).toMatchObject({ op: '>' });
    expect(planFilter(cmp('title', 'gt', '99999999999999999999'), trusted).pushed).toEqual([]);
  });
});

describe('storage format (plan-format.ts)', () => {
  const formatted = { trustedTypes: true, formatted: new Set(['title', 'count', 'at', 'tags']) };
  const str = (key: string, op: 'contains' | 'startsWith' | 'endsWith', value: string): Filter => ({
    kind: 'string',
    field: ref(key),
    op,
    value,
  });
  const lc = { kind: 'path', segments: ['$wix', 'lc', 'title'] };

  test('a sort on a field every document holds is pushed, several fields too; not without the format', () => {
    const spec = { filter: { kind: 'true' } as Filter, sort: sortBy(['count', 'desc']) };
    expect(planQuery(spec, trusted).order).toBeUndefined();
    expect(planQuery(spec, formatted).order).toEqual([
      { field: { kind: 'path', segments: ['count'] }, direction: 'desc' },
      { field: { kind: 'id' }, direction: 'asc' },
    ]);
    expect(planQuery({ ...spec, sort: sortBy(['title', 'asc'], ['at', 'desc']) }, formatted).order).toHaveLength(3);
  });

  test('$eq null and $exists false are == null, exactly', () => {
    for (const filter of [eq('count', null), { kind: 'exists', field: ref('tags'), exists: false } as Filter]) {
      const plan = planFilter(filter, formatted);
      expect(plan.residual).toEqual({ kind: 'true' });
      expect(plan.pushed).toEqual([expect.objectContaining({ op: '==', value: null })]);
    }
    expect(planFilter(eq('count', null), trusted).pushed).toEqual([]);
  });

  test('$startsWith is an exact range on the folded shadow', () => {
    const plan = planFilter(str('title', 'startsWith', 'AbÇ'), formatted);
    expect(plan.residual).toEqual({ kind: 'true' });
    expect(plan.pushed).toEqual([
      {
        kind: 'and',
        filters: [
          { kind: 'where', field: lc, op: '>=', value: 'abç' },
          { kind: 'where', field: lc, op: '<', value: 'abè' },
        ],
      },
    ]);
  });

  test('a literal $matches ignoring case is == on the shadow', () => {
    const filter: Filter = {
      kind: 'matches',
      field: ref('title'),
      ignoreCase: true,
      parts: [{ type: 'literal', value: 'Red ROSE' }],
    };
    const plan = planFilter(filter, formatted);
    expect(plan.pushed).toEqual([{ kind: 'where', field: lc, op: '==', value: 'red rose' }]);
    expect(plan.residual).toEqual({ kind: 'true' });
  });

  test('$contains narrows by one trigram (or a text too long to list), the evaluator checks the rest', () => {
    const plan = planFilter(str('title', 'contains', 'Rosé'), formatted);
    expect(plan.residual).toEqual(str('title', 'contains', 'Rosé'));
    const [pushed] = plan.pushed;
    expect(pushed?.kind).toBe('or');
    expect(JSON.stringify(pushed)).toContain('"long","title"');
    // Two characters have no trigram: nothing is pushed.
    expect(planFilter(str('title', 'contains', 'ro'), formatted).pushed).toEqual([]);
    // The owner id has no trigrams (format.ts hasTokens): evaluated on the documents.
    const owner = fieldRef('_owner', 'TEXT');
    const byOwner = planFilter(
      { kind: 'string', field: owner, op: 'contains', value: 'a266' },
      {
        ...formatted,
        formatted: new Set([...formatted.formatted, '_owner']),
      },
    );
    expect(byOwner.pushed).toEqual([]);
    // Never with an order on another field (one composite index per trigram).
    expect(
      planQuery({ filter: str('title', 'contains', 'rose'), sort: sortBy(['count', 'asc']) }, formatted).order,
    ).toBeUndefined();
  });
});

describe("Firestore's query limits", () => {
  test('one != per query: a second $exists: true (or $ne) stays residual, evaluated on the documents', () => {
    const exists: Filter = { kind: 'exists', field: ref('count'), exists: true };
    const plan = planFilter(and(exists, exists, cmp('count', 'ne', 3)), trusted);
    const notEquals = JSON.stringify(plan.pushed).match(/"op":"!="/g) ?? [];
    expect(notEquals).toHaveLength(1);
    expect(plan.residual).toEqual(and(exists, cmp('count', 'ne', 3)));
  });
});
