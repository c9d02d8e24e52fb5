/** runDistinct (docs/protocol.md §4.4; docs/semantics.md §6.2). */
import { describe, expect, test } from 'vitest';
import type { DistinctSpec, Item, Value } from '../../src/query/ast.ts';
import { fieldRef, TRUE } from '../../src/query/ast.ts';
import { runDistinct } from '../../src/query/evaluate.ts';
import { d, parse } from './fixtures.ts';

const items: Item[] = [
  { _id: '1', tags: ['herb', 'culinary'], family: 'Lamiaceae', when: d('2024-01-01T00:00:00Z'), perennial: true },
  { _id: '2', tags: ['herb', 'pollinator'], family: 'Lamiaceae', when: d('2024-01-01T00:00:00.000Z') },
  { _id: '3', tags: [], family: 'Rosaceae', when: d('2024-02-01T00:00:00Z'), perennial: false },
  { _id: '4', tags: null, family: null },
  { _id: '5', family: 'lamiaceae', tags: ['Herb'] },
  { _id: '6', family: 5, tags: [null, 'x'] },
];

function spec(field: string, extra: Partial<DistinctSpec> = {}): DistinctSpec {
  return {
    filter: TRUE,
    field: fieldRef(field, undefined),
    order: 'asc',
    offset: 0,
    limit: 50,
    after: undefined,
    ...extra,
  };
}

describe('runDistinct', () => {
  test('array values unwound, null excluded, each once, ascending by compareValues', () => {
    expect(runDistinct(items, spec('tags'), true)).toEqual({
      values: ['Herb', 'culinary', 'herb', 'pollinator', 'x'],
      total: 5,
    });
  });

  test('mixed types follow the cross-type order; DESC reverses', () => {
    expect(runDistinct(items, spec('family'), false)).toEqual({ values: [5, 'Lamiaceae', 'Rosaceae', 'lamiaceae'] });
    expect(runDistinct(items, spec('family', { order: 'desc' }), false).values).toEqual([
      'lamiaceae',
      'Rosaceae',
      'Lamiaceae',
      5,
    ]);
  });

  test('dates compared as instants', () => {
    expect(runDistinct(items, spec('when'), true)).toEqual({
      values: [d('2024-01-01T00:00:00Z'), d('2024-02-01T00:00:00Z')],
      total: 2,
    });
  });

  test('false is a value', () => {
    expect(runDistinct(items, spec('perennial'), false).values).toEqual([false, true]);
  });

  test('filter applies first', () => {
    expect(runDistinct(items, spec('tags', { filter: parse({ family: 'Lamiaceae' }) }), true)).toEqual({
      values: ['culinary', 'herb', 'pollinator'],
      total: 3,
    });
  });

  test('offset/limit page the distinct values; total counts all of them', () => {
    expect(runDistinct(items, spec('tags', { offset: 1, limit: 2 }), true)).toEqual({
      values: ['culinary', 'herb'],
      total: 5,
    });
  });

  test('cursor paging with `after` walks every value once, in both orders', () => {
    for (const order of ['asc', 'desc'] as const) {
      const seen: Value[] = [];
      let after: { value: Value } | undefined;
      for (let guard = 0; guard < 10; guard++) {
        const { values } = runDistinct(items, spec('tags', { order, limit: 2, after }), false);
        seen.push(...values);
        if (values.length < 2) break;
        after = { value: values[values.length - 1] as Value };
      }
      expect(seen).toEqual(runDistinct(items, spec('tags', { order }), false).values);
    }
  });
});
