/** The storage format's pure parts (src/format.ts): shadows, trigrams, the prefix bound, the marker. */
import { foldCase } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import {
  formatMapOf,
  MAX_TRIGRAMS_PER_DOCUMENT,
  parseMarker,
  prefixUpperBound,
  SHADOW_BYTES,
  SHADOW_EXACT_BYTES,
  serializeMarker,
  shadowOf,
  toFormattedData,
  trigramsOf,
} from '../src/format.ts';

describe('shadows', () => {
  test('folded as the evaluator folds, cut at a code point within SHADOW_BYTES', () => {
    expect(shadowOf('ÀbC İ')).toBe('àbc i̇');
    const long = '€'.repeat(400); // 3 bytes each
    const cut = shadowOf(long);
    expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(SHADOW_BYTES);
    expect(Buffer.byteLength(cut, 'utf8')).toBeGreaterThan(SHADOW_EXACT_BYTES);
    expect(long.startsWith(cut)).toBe(true);
  });

  test('cut at the longest code-point prefix that fits, for every UTF-8 width and lone surrogates', () => {
    // The cut as a character-by-character walk measures it (Buffer.byteLength per code point).
    const reference = (text: string): string => {
      let out = '';
      for (const ch of text) {
        if (Buffer.byteLength(out + ch, 'utf8') > SHADOW_BYTES) break;
        out += ch;
      }
      return out;
    };
    const pieces = ['a', 'é', '€', '😀', '\uD800', '\uDFFF', 'Z'];
    for (let seed = 1; seed <= 40; seed++) {
      let text = '';
      for (let i = 0; text.length < 1200; i++) text += pieces[(seed * 7 + i * i * seed) % pieces.length];
      expect(shadowOf(text)).toBe(reference(foldCase(text)));
    }
  });

  test('the prefix bound is the next string past every extension', () => {
    expect(prefixUpperBound('ab')).toBe('ac');
    expect(prefixUpperBound('a\u{10FFFF}')).toBe('b');
    expect(prefixUpperBound('a\uD7FF')).toBe('a\uE000');
    expect(prefixUpperBound('\u{10FFFF}')).toBeUndefined();
  });
});

describe('trigrams', () => {
  test('distinct, by code point', () => {
    expect(trigramsOf('abcab')).toEqual(['abc', 'bca', 'cab']);
    expect(trigramsOf('a😀bc')).toEqual(['a😀b', '😀bc']);
    expect(trigramsOf('ab')).toEqual([]);
  });

  test('a text with more trigrams than a document may list is marked long instead', () => {
    const fields = [
      { key: 'a', type: 'TEXT' as const },
      { key: 'b', type: 'TEXT' as const },
      { key: 'c', type: 'IMAGE' as const },
    ];
    const huge = Array.from({ length: MAX_TRIGRAMS_PER_DOCUMENT + 10 }, (_, i) => i.toString(36)).join('|');
    const map = formatMapOf({ _id: 'x', a: 'Short text', b: huge, c: 'Pic' }, fields);
    expect(map.long).toEqual({ b: true });
    expect(Object.keys((map.tri as Record<string, object>).a ?? {})).toContain('sho');
    // IMAGE has a shadow, no trigrams.
    expect(map.lc).toMatchObject({ a: 'short text', c: 'pic' });
    expect((map.tri as Record<string, unknown>).c).toBeUndefined();
  });
});

test('the system ids are matched whole: no trigrams for _id and _owner, no shadow for _id', () => {
  const fields = [
    { key: '_id', type: 'TEXT' as const },
    { key: '_owner', type: 'TEXT' as const },
    { key: 'title', type: 'TEXT' as const },
  ];
  const map = formatMapOf({ _id: 'Item-1', _owner: '3c90c1aa-8a08-4716-a266-42593480f8f9', title: 'Red rose' }, fields);
  expect(map.lc).toEqual({ _owner: '3c90c1aa-8a08-4716-a266-42593480f8f9', title: 'red rose' });
  expect(Object.keys(map.tri as object)).toEqual(['title']);
});

test('formatted data holds every declared field, null when absent', () => {
  const data = toFormattedData(
    { _id: 'x', a: 'Hi' },
    {
      fields: [
        { key: '_id', type: 'TEXT' },
        { key: 'a', type: 'TEXT' },
        { key: 'n', type: 'NUMBER' },
      ],
    },
  );
  expect(data).toMatchObject({ a: 'Hi', n: null });
  expect(Object.hasOwn(data, '_id')).toBe(false);
});

test('markers of another version are not trusted', () => {
  expect(parseMarker(serializeMarker({ version: 1, complete: ['b', 'a'] }))).toEqual({
    version: 1,
    complete: ['a', 'b'],
  });
  expect(parseMarker('{"version":2,"complete":["a"]}')).toBeUndefined();
  expect(parseMarker('not json')).toBeUndefined();
});
