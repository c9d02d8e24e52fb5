/** runQuery, keysets and projection (docs/protocol.md §4.1; docs/semantics.md §2–§4). */
import { describe, expect, test } from 'vitest';
import type { Item, Keyset, QuerySpec, Sort, Value } from '../../src/query/ast.ts';
import { TRUE } from '../../src/query/ast.ts';
import { compareItems, countMatching, isAfter, keysetOf, project, runQuery } from '../../src/query/evaluate.ts';
import { parseSort } from '../../src/query/parse-sort.ts';
import { ctx, d, looseCtx, parse } from './fixtures.ts';

const items: Item[] = [
  { _id: 'i1', family: 'Rosaceae', heightCm: 10, lastWatered: d('2024-01-02T00:00:00Z') },
  { _id: 'i2', family: 'Lamiaceae', heightCm: 10 },
  { _id: 'i3', family: null, heightCm: 30, lastWatered: d('2024-01-01T00:00:00Z') },
  { _id: 'i4', family: 'Lamiaceae', heightCm: 20, lastWatered: d('2024-01-01T00:00:00.000Z') },
  { _id: 'i5', heightCm: 20 },
  { _id: 'i6', family: 'apiaceae', heightCm: 10 },
];

function spec(sortRaw: unknown, extra: Partial<QuerySpec> = {}): QuerySpec {
  return {
    filter: TRUE,
    sort: parseSort(sortRaw, ctx, 'query.sort'),
    projection: undefined,
    offset: 0,
    limit: 50,
    after: undefined,
    ...extra,
  };
}

const ids = (list: readonly Item[]) => list.map((i) => i._id).join(' ');

describe('sorting', () => {
  test.each<[string, unknown, string]>([
    ['default: _id asc', undefined, 'i1 i2 i3 i4 i5 i6'],
    ['null/missing first in ASC, code-point order', [{ fieldName: 'family' }], 'i3 i5 i2 i4 i1 i6'],
    ['null/missing last in DESC', [{ fieldName: 'family', order: 'DESC' }], 'i6 i1 i2 i4 i3 i5'],
    ['ties broken by _id', [{ fieldName: 'heightCm', order: 'DESC' }], 'i3 i4 i5 i1 i2 i6'],
    ['multi-field', [{ fieldName: 'heightCm' }, { fieldName: 'family', order: 'DESC' }], 'i6 i1 i2 i4 i5 i3'],
    ['dates as instants', [{ fieldName: 'lastWatered' }], 'i2 i5 i6 i3 i4 i1'],
  ])('%s', (_name, sortRaw, expected) => {
    expect(ids(runQuery(items, spec(sortRaw)))).toBe(expected);
  });
});

describe('paging and projection', () => {
  test('filter → sort → offset → limit → project', () => {
    const out = runQuery(items, {
      ...spec([{ fieldName: 'heightCm' }]),
      filter: parse({ heightCm: { $lt: 25 } }),
      offset: 1,
      limit: 3,
      projection: ['_id', 'family', 'nope'],
    });
    expect(out).toEqual([
      { _id: 'i2', family: 'Lamiaceae' },
      { _id: 'i6', family: 'apiaceae' },
      { _id: 'i4', family: 'Lamiaceae' },
    ]);
  });

  test('project keeps absent keys absent and leaves the item alone without projection', () => {
    expect(project({ _id: 'x', a: 1 }, ['_id', 'b'])).toEqual({ _id: 'x' });
    const item = { _id: 'x', a: 1 };
    expect(project(item, undefined)).toBe(item);
  });

  test('countMatching', () => {
    expect(countMatching(items, parse({ heightCm: 10 }))).toBe(3);
    expect(countMatching(items, parse({ family: { $ne: 'Lamiaceae' } }))).toBe(4);
  });
});

describe('keysets', () => {
  const sort: Sort[] = parseSort(
    [{ fieldName: 'heightCm' }, { fieldName: 'family', order: 'DESC' }],
    ctx,
    'query.sort',
  );

  test('keysetOf takes every sort key, missing → null', () => {
    expect(keysetOf({ _id: 'i5', heightCm: 20 }, sort)).toEqual({ values: [20, null, 'i5'] });
  });

  test('isAfter is strict and follows each direction', () => {
    const k: Keyset = keysetOf(items[1] as Item, sort); // i2: 10, Lamiaceae, i2
    expect(isAfter(items[1] as Item, sort, k)).toBe(false);
    expect(isAfter(items[0] as Item, sort, k)).toBe(false); // Rosaceae sorts before Lamiaceae in DESC
    expect(isAfter(items[3] as Item, sort, k)).toBe(true); // height 20
    expect(isAfter(items[5] as Item, sort, k)).toBe(false); // 'apiaceae' > 'Lamiaceae' → before in DESC
  });

  test('walking pages with duplicate sort keys yields every item exactly once', () => {
    const many: Item[] = Array.from({ length: 57 }, (_, i): Item => {
      const item: Record<string, Value> = {
        _id: `id${String((i * 37) % 57).padStart(2, '0')}`,
        g: i % 3 === 0 ? null : i % 4,
      };
      // Every fifth item lacks `h` altogether (missing ≠ absent from the order).
      if (i % 5 !== 0) item.h = `v${i % 2}`;
      return item;
    });
    const s = parseSort([{ fieldName: 'g', order: 'DESC' }, { fieldName: 'h' }], looseCtx, 'query.sort');
    const expected = [...many].sort(compareItems(s));
    const seen: Item[] = [];
    let after: Keyset | undefined;
    for (let guard = 0; guard < 100; guard++) {
      const page = runQuery(many, { filter: TRUE, sort: s, projection: undefined, offset: 0, limit: 4, after });
      seen.push(...page);
      if (page.length < 4) break;
      after = keysetOf(page[page.length - 1] as Item, s);
    }
    expect(seen.map((i) => i._id)).toEqual(expected.map((i) => i._id));
    expect(new Set(seen.map((i) => i._id)).size).toBe(57);
  });
});
