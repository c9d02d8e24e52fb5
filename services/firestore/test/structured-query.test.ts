/**
 * The compiled RunQueryRequest (src/structured-query.ts) is the one the client sends
 * for the same query: each case builds the client's Query the way the executor does
 * (pushedQuery, select, orderBy, startAfter, offset, limit) and compares it with the
 * client's own serialisation of it (`toProto`, internal to the client, used here only
 * as the oracle). No I/O: neither side sends anything.
 */
import { FieldPath, Firestore, type Query } from '@google-cloud/firestore';
import { describe, expect, it } from 'vitest';
import { pushedQuery } from '../src/client-query.ts';
import type { PushedField, PushedFilter, PushedOrder, PushedScalar } from '../src/planner.ts';
import {
  cursorAfter,
  cursorOrder,
  encodeValue,
  keysetCursor,
  type QueryTarget,
  type ReadShape,
  runQueryRequest,
  withStoredIntegers,
} from '../src/structured-query.ts';
import { FIRESTORE_CLIENT_SETTINGS } from '../src/values.ts';

const db = new Firestore({ projectId: 'demo-project', databaseId: 'named-db', ...FIRESTORE_CLIENT_SETTINGS });
const target: QueryTarget = { projectId: 'demo-project', databaseId: 'named-db', collectionId: 'plants' };

const path = (...segments: string[]) => ({ kind: 'path' as const, segments });
const id = { kind: 'id' as const };
const where = (field: PushedField, op: string, value: unknown): PushedFilter =>
  ({ kind: 'where', field, op, value }) as PushedFilter;

interface Case {
  readonly name: string;
  readonly filters?: readonly PushedFilter[];
  readonly select?: readonly (readonly string[])[];
  readonly order?: readonly PushedOrder[];
  readonly keyset?: readonly PushedScalar[];
  readonly offset?: number;
  readonly limit?: number;
}

/** The client's Query for a case, built as paged-reads.ts builds it (pagedRead). */
function clientQuery(c: Case): Query {
  let query: Query = pushedQuery(db.collection(target.collectionId), { pushed: c.filters ?? [] } as never);
  if (c.select) query = query.select(...c.select.map((segments) => new FieldPath(...segments)));
  for (const o of c.order ?? [])
    query = query.orderBy(
      o.field.kind === 'id' ? FieldPath.documentId() : new FieldPath(...o.field.segments),
      o.direction,
    );
  if (c.keyset) query = query.startAfter(...c.keyset);
  if (c.offset !== undefined) query = query.offset(c.offset);
  if (c.limit !== undefined) query = query.limit(c.limit);
  return query;
}

function compiled(c: Case) {
  const shape: ReadShape = {
    filters: c.filters ?? [],
    select: c.select,
    order: c.order,
    startAfter: c.keyset && c.order ? keysetCursor(target, c.order, c.keyset) : undefined,
    offset: c.offset,
    limit: c.limit,
  };
  return runQueryRequest(target, shape);
}

/** Plain data for comparison: the client leaves unset members as undefined. */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

const date = new Date('1969-07-20T20:17:40.123Z');
const CASES: Case[] = [
  { name: 'a whole collection' },
  {
    name: 'projection, order by id, limit',
    select: [['title'], ['_createdDate']],
    order: [{ field: id, direction: 'asc' }],
    limit: 50,
  },
  { name: 'only names', select: [], limit: 1 },
  { name: 'quoted field paths', select: [['with space'], ['$wix', 'lc', 'ti`t\\le'], ['9lives']] },
  ...(['==', '!=', '<', '<=', '>', '>='] as const).flatMap((op) =>
    (
      [
        ['text', 'Basil'],
        ['integer', 42],
        ['negative zero', -0],
        ['double', 2.5],
        ['unsafe integer as number', 2 ** 60],
        ['bigint', 2n ** 62n],
        ['boolean', true],
        ['date', date],
      ] as const
    ).map(([kind, value]) => ({ name: `${op} ${kind}`, filters: [where(path('f'), op, value)] })),
  ),
  { name: '== null', filters: [where(path('f'), '==', null)] },
  { name: '!= null', filters: [where(path('f'), '!=', null)] },
  { name: '== NaN', filters: [where(path('f'), '==', Number.NaN)] },
  { name: '!= NaN', filters: [where(path('f'), '!=', Number.NaN)] },
  { name: 'in with null and dates', filters: [where(path('f'), 'in', ['a', null, 3, date])] },
  { name: 'array-contains', filters: [where(path('tags'), 'array-contains', 'herb')] },
  { name: 'array-contains-any', filters: [where(path('tags'), 'array-contains-any', ['herb', 7])] },
  { name: 'nested field', filters: [where(path('$wix', 'lc', 'title'), '>=', 'bas')] },
  { name: 'id equality', filters: [where(id, '==', 'doc-1')] },
  { name: 'id range', filters: [where(id, '>', 'doc-1'), where(id, '<=', 'doc-9')] },
  { name: 'id in', filters: [where(id, 'in', ['a', 'b'])] },
  { name: 'text equal to an integer beyond 2^53', filters: [where(path('n'), '==', '12345678901234567890')] },
  { name: 'in with such a text', filters: [where(path('n'), 'in', ['x', '-9223372036854775808'])] },
  {
    name: 'and, or, nested',
    filters: [
      where(path('a'), '==', 1),
      {
        kind: 'or',
        filters: [
          where(path('b'), '==', 'x'),
          { kind: 'and', filters: [where(path('c'), '>', 2), where(path('c'), '<', 9)] },
        ],
      },
    ],
  },
  { name: 'a composite of one', filters: [{ kind: 'and', filters: [where(path('a'), '==', 1)] }] },
  {
    name: 'bytes and a reference answered as a text (planner storedAsText)',
    filters: [
      {
        kind: 'or',
        filters: [
          where(path('v'), '==', { kind: 'bytes', base64: 'AP9oaQ==' }),
          where(path('v'), 'array-contains', { kind: 'reference', path: 'other/x' }),
        ],
      },
    ],
  },
  {
    name: 'order, keyset, offset, limit',
    filters: [where(path('h'), '>', 10)],
    order: [
      { field: path('h'), direction: 'desc' },
      { field: id, direction: 'desc' },
    ],
    keyset: [42, 'plant-7'],
    offset: 3,
    limit: 20,
  },
  {
    name: 'keyset of a date, null and text',
    order: [
      { field: path('d'), direction: 'asc' },
      { field: path('n'), direction: 'asc' },
      { field: path('t'), direction: 'asc' },
      { field: id, direction: 'asc' },
    ],
    keyset: [date, null, 'b', 'x'],
  },
];

describe("the compiled RunQueryRequest is the client's", () => {
  it.each(CASES.map((c) => [c.name, c]))('%s', (_name, c) => {
    const oracle = (clientQuery(c) as unknown as { toProto(): unknown }).toProto();
    expect(plain(compiled(c))).toEqual(plain(oracle));
  });
});

describe('values', () => {
  it('encodes instants before 1970 with floored seconds and non-negative nanos', () => {
    expect(encodeValue(new Date(-1))).toEqual({ timestampValue: { seconds: -1, nanos: 999_000_000 } });
  });

  it('looks for the stored integer beside a text equal to one beyond 2^53', () => {
    expect(withStoredIntegers('==', '9007199254740993')).toEqual(['in', ['9007199254740993', 9007199254740993n]]);
    expect(withStoredIntegers('==', '42')).toEqual(['==', '42']);
  });

  it('refuses a document id Firestore cannot address', () => {
    expect(() => keysetCursor(target, [{ field: id, direction: 'asc' }], ['a/b'])).toThrow(/without '\/'/);
  });
});

describe('page cursors', () => {
  const h = { field: path('h'), direction: 'asc' as const };
  const byId = { field: id, direction: 'asc' as const };

  it("page in the read's order, or in Firestore's implicit one: inequality fields by path, then the id", () => {
    expect(cursorOrder([where(path('h'), '>', 1)], [h, byId])).toEqual([h, byId]);
    expect(cursorOrder([])).toEqual([byId]);
    expect(cursorOrder([where(path('t'), '==', 'x'), where(id, '>', 'a')])).toEqual([byId]);
    expect(
      cursorOrder([
        where(path('m', 'x'), '!=', null),
        { kind: 'or', filters: [where(path('b'), '<', 3), where(path('b'), '>=', 9)] },
        where(path('a'), '<=', 2),
      ]),
    ).toEqual([
      { field: path('a'), direction: 'asc' },
      { field: path('b'), direction: 'asc' },
      { field: path('m', 'x'), direction: 'asc' },
      byId,
    ]);
  });

  it("start after a read document's own values of the ordered fields, and its name", () => {
    const name = 'projects/p/databases/(default)/documents/plants/a';
    const fields = {
      h: { integerValue: '5' },
      m: { mapValue: { fields: { x: { stringValue: 'q' } } } },
    };
    // Only the member each value holds (a decoded message's other members are prototype defaults).
    expect(cursorAfter({ name, fields }, [h, { field: path('m', 'x'), direction: 'asc' }, byId])).toStrictEqual([
      { integerValue: '5' },
      { stringValue: 'q' },
      { referenceValue: name },
    ]);
    expect(cursorAfter({ name, fields }, [{ field: path('m'), direction: 'asc' }])).toStrictEqual([
      { mapValue: { fields: { x: { stringValue: 'q' } } } },
    ]);
    expect(cursorAfter({ name, fields }, [{ field: path('missing'), direction: 'asc' }, byId])).toBeUndefined();
    expect(cursorAfter({ name, fields }, [{ field: path('h', 'deeper'), direction: 'asc' }, byId])).toBeUndefined();
  });
});
