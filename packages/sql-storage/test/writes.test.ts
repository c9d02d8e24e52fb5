// Item-write bookkeeping (src/writes.ts): batching within an engine's limits, per-item answers, split on failure.
import { errors, type Item, type ItemResult, type SpiError } from '@adaptors/core';
import { expect, test } from 'vitest';
import { batches, type Pending, prepareWrites, removalAnswers, updatesFound, writeOrSplit } from '../src/index.ts';

const pending = (id: string, index: number, bytes = 10): Pending => ({
  index,
  id,
  item: { _id: id },
  row: { _id: id },
  bytes,
});

test('batches stay within the byte and item limits, in order, never empty', () => {
  const all = ['a', 'b', 'c', 'd', 'e'].map((id, i) => pending(id, i, 40));
  expect(batches(all, { maxBytes: 100 }).map((b) => b.map((p) => p.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  expect(batches(all, { maxBytes: 1000, maxItems: 3 }).map((b) => b.length)).toEqual([3, 2]);
  // One item larger than the limit still goes, alone.
  expect(batches([pending('big', 0, 500)], { maxBytes: 100 })).toHaveLength(1);
  expect(batches([], { maxBytes: 100 })).toEqual([]);
});

test('prepare: a value a column refuses is that item’s answer; a repeated _id is refused unless allowed', () => {
  const results: ItemResult[] = new Array(3);
  const encode = (item: Item) => {
    if (item.n === 'bad') throw errors.violation('n', 'bad', 'must be a number');
    return { row: { ...item }, bytes: 1 };
  };
  const items: Item[] = [{ _id: 'a' }, { _id: 'b', n: 'bad' }, { _id: 'a' }];
  const refused = prepareWrites('plants', items, results, encode, 'refuse');
  expect(refused.map((p) => p.index)).toEqual([0]);
  expect((results[1] as { error: SpiError }).error.code).toBe('VALIDATION_ERROR');
  expect(results[2]).toEqual({ error: errors.itemAlreadyExists('plants', 'a') });
  expect(prepareWrites('plants', items, new Array(3), encode, 'allow').map((p) => p.index)).toEqual([0, 2]);
});

test('writeOrSplit: an item error splits the batch; a request error is thrown translated', async () => {
  const results: ItemResult[] = new Array(3);
  const written: string[] = [];
  const write = async (batch: readonly Pending[]) => {
    if (batch.some((p) => p.id === 'dup')) throw Object.assign(new Error('unique'), { item: true });
    written.push(...batch.map((p) => p.id));
  };
  const itemError = (error: unknown, id: string) =>
    (error as { item?: boolean }).item ? errors.itemAlreadyExists('plants', id) : undefined;
  await writeOrSplit([pending('a', 0), pending('dup', 1), pending('c', 2)], results, write, itemError, (e) => e);
  expect(written).toEqual(['a', 'c']);
  expect(results[1]).toEqual({ error: errors.itemAlreadyExists('plants', 'dup') });
  const down = errors.unavailable('X');
  await expect(
    writeOrSplit(
      [pending('a', 0)],
      results,
      () => Promise.reject(new Error('down')),
      itemError,
      () => down,
    ),
  ).rejects.toBe(down);
});

test('writeOrSplit: a collection gone meanwhile is the call’s 404, not a per-item answer', async () => {
  const gone = errors.collectionNotFound('plants');
  const results: ItemResult[] = new Array(2);
  await expect(
    writeOrSplit(
      [pending('a', 0), pending('b', 1)],
      results,
      () => Promise.reject(gone),
      (error) => error as SpiError,
      (e) => e,
    ),
  ).rejects.toBe(gone);
  expect(results).toEqual([undefined, undefined]);
});

test('removal and update answers from the rows found', () => {
  const results: ItemResult[] = new Array(3);
  const found = new Map([['a', { _id: 'a', _createdDate: new Date(0) }]]);
  const removed = removalAnswers(
    'plants',
    [
      { index: 0, id: 'a' },
      { index: 1, id: 'a' },
      { index: 2, id: 'z' },
    ],
    found,
    results,
  );
  expect(removed).toEqual(['a']);
  expect(results).toEqual([
    { item: { _id: 'a', _createdDate: new Date(0) } },
    { error: errors.itemNotFound('plants', 'a') },
    { error: errors.itemNotFound('plants', 'z') },
  ]);
  const updateResults: ItemResult[] = new Array(2);
  const updates = updatesFound('plants', [pending('a', 0), pending('z', 1)], found, updateResults);
  expect(updates.map((u) => [u.entry.id, u.createdDate])).toEqual([['a', new Date(0)]]);
  expect(updateResults[1]).toEqual({ error: errors.itemNotFound('plants', 'z') });
});
