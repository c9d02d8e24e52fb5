/**
 * How bulk writes are cut into transactions (src/transactions.ts `chunked`): at most 500
 * documents and MAX_COMMIT_BYTES of data each, balanced, a repeated document in a later chunk.
 */
import type { DocumentReference } from '@google-cloud/firestore';
import { describe, expect, test } from 'vitest';
import { approximateBytes, chunked, MAX_COMMIT_BYTES } from '../src/transactions.ts';

const entry = (path: string, bytes = 10) => ({ ref: { path } as DocumentReference, bytes });
const sizes = (chunks: { bytes: number }[][]) => chunks.map((c) => c.reduce((sum, e) => sum + e.bytes, 0));

describe('chunked', () => {
  test('by count alone: balanced chunks of at most 500', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => entry(`c/d${i}`));
    expect(chunked(entries, 499).map((c) => c.length)).toEqual([334, 334, 332]);
  });

  test('by bytes too: 12 documents of 450 KB make chunks under the commit budget', () => {
    const entries = Array.from({ length: 12 }, (_, i) => entry(`c/d${i}`, 450 * 1024));
    const chunks = chunked(entries, 500, (e) => e.bytes);
    expect(chunks.flat()).toHaveLength(12);
    expect(Math.max(...sizes(chunks))).toBeLessThanOrEqual(MAX_COMMIT_BYTES);
    expect(chunks.length).toBe(2);
  });

  test('a document larger than the budget goes alone', () => {
    const chunks = chunked(
      [entry('c/a', 10), entry('c/big', MAX_COMMIT_BYTES + 1), entry('c/b', 10)],
      500,
      (e) => e.bytes,
    );
    expect(chunks.map((c) => c.map((e) => e.ref.path))).toEqual([['c/a', 'c/b'], ['c/big']]);
  });

  test('a repeated document lands in a later chunk than its previous write', () => {
    const chunks = chunked([entry('c/a'), entry('c/a'), entry('c/b')], 500, (e) => e.bytes);
    expect(chunks.map((c) => c.map((e) => e.ref.path))).toEqual([['c/a', 'c/b'], ['c/a']]);
  });
});

describe('approximateBytes', () => {
  test('counts strings in UTF-8 and field names; other values a few bytes', () => {
    expect(approximateBytes('é'.repeat(100))).toBe(201);
    const small = approximateBytes({ a: 1, b: true, c: null, d: new Date(0) });
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(100);
    expect(approximateBytes({ t: 'x'.repeat(1000), list: ['y'.repeat(500)] })).toBeGreaterThan(1500);
  });
});
