/**
 * Instants without a wrong answer, on existing data: a table written by another program holds
 * TIMESTAMPs with microseconds (commit timestamps always do), while the adaptor answers whole
 * milliseconds (Wix dates). Filters, sorts, cursors, distinct values and groups compare at the
 * millisecond (googlesql target.ts `millisecondOf`): a value the adaptor answered finds its row
 * again, and cursor paging sorted by such a column reads every row once instead of looping.
 *
 * A service seeds `SUB_MILLISECOND_ROWS` (`_id`, `ts`) into a collection with the four system
 * columns and a TIMESTAMP column `ts`, written by the engine's own client, then calls
 * `subMillisecondSuite`.
 */
import { expect, test } from 'vitest';
import type { WixClient } from '../client.ts';

export interface SubMillisecondTarget {
  readonly client: WixClient;
  readonly collectionId: string;
}

// a…f a few microseconds apart within one millisecond, g one millisecond later, h without a value.
export const SUB_MILLISECOND_ROWS: readonly (readonly [string, string | null])[] = [
  ['a', '2024-05-01T09:30:00.000100Z'],
  ['b', '2024-05-01T09:30:00.000200Z'],
  ['c', '2024-05-01T09:30:00.000300Z'],
  ['d', '2024-05-01T09:30:00.000400Z'],
  ['e', '2024-05-01T09:30:00.000500Z'],
  ['f', '2024-05-01T09:30:00.000600Z'],
  ['g', '2024-05-01T09:30:00.001999Z'],
  ['h', null],
];
const MS0 = { $date: '2024-05-01T09:30:00.000Z' };
const MS1 = { $date: '2024-05-01T09:30:00.001Z' };

export function subMillisecondSuite(get: () => SubMillisecondTarget): void {
  const client = () => get().client;
  const id = () => get().collectionId;

  async function pages(sort: 'ASC' | 'DESC'): Promise<string[]> {
    const ids: string[] = [];
    let body = (
      await client().query(id(), {
        sort: [{ fieldName: 'ts', order: sort }],
        cursorPaging: { limit: 2 },
        fields: ['_id'],
      })
    ).body;
    for (let page = 0; page < 10; page++) {
      ids.push(...body.items.map((item: { _id: string }) => item._id));
      const next = body.pagingMetadata.cursors.next;
      if (!next) return ids;
      body = (await client().query(id(), { cursorPaging: { limit: 2, cursor: next } })).body;
    }
    throw new Error(`cursor paging did not end: ${ids.join(',')}`);
  }

  test('cursor paging sorted by a microsecond column reads every row once, in both directions', async () => {
    // Ties at the millisecond are broken by _id, as on every other field.
    expect(await pages('ASC')).toEqual(['h', 'a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(await pages('DESC')).toEqual(['g', 'a', 'b', 'c', 'd', 'e', 'f', 'h']);
  });

  test('the value answered finds its rows again; ranges compare at the millisecond', async () => {
    const ids = async (filter: unknown) =>
      (await client().query(id(), { filter, fields: ['_id'] })).body.items.map((item: { _id: string }) => item._id);
    const answered = await client().query(id(), { filter: { _id: 'c' }, fields: ['ts'] });
    expect(answered.body.items).toEqual([{ _id: 'c', ts: MS0 }]);
    expect(await ids({ ts: MS0 })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids({ ts: { $ne: MS0 } })).toEqual(['g', 'h']);
    expect(await ids({ ts: { $lte: MS0 } })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids({ ts: { $gt: MS0 } })).toEqual(['g']);
    expect(await ids({ ts: { $gte: MS1 } })).toEqual(['g']);
    expect(await ids({ ts: { $lt: MS1 } })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids({ ts: { $in: [MS0, { $date: '2020-01-01T00:00:00.000Z' }] } })).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
    ]);
  });

  test('distinct values and groups are whole milliseconds', async () => {
    const distinct = await client().distinct(id(), 'ts', { order: 'ASC' });
    expect(distinct.status, JSON.stringify(distinct.body)).toBe(200);
    expect(distinct.body.distinctValues).toEqual([MS0, MS1]);
    const groups = await client().aggregate(id(), {
      aggregation: { groupingFields: ['ts'], operations: [{ resultFieldName: 'n', itemCount: {} }] },
      sort: [{ fieldName: 'ts', order: 'ASC' }],
    });
    expect(groups.status, JSON.stringify(groups.body)).toBe(200);
    expect(groups.body.items).toEqual([
      { ts: null, n: 1 },
      { ts: MS0, n: 6 },
      { ts: MS1, n: 1 },
    ]);
  });
}
