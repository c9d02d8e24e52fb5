/** Pattern text for $matches / $urlized (docs/semantics.md §1.6, §1.7), shared with storage compilers. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { matches } from '../../src/query/evaluate.ts';
import { foldCase, matchesPattern, urlizedPattern } from '../../src/query/patterns.ts';
import { looseCtx, parse } from './fixtures.ts';

describe('pattern text', () => {
  test.each<[string, Parameters<typeof matchesPattern>[0], boolean, string]>([
    ['literal escaped', [{ type: 'literal', value: 'c++ (1.0)?' }], false, '^(?:c\\+\\+ \\(1\\.0\\)\\?)$'],
    ['"-" not escaped outside a class', [{ type: 'literal', value: 'a-b' }], false, '^(?:a-b)$'],
    ['anyOf escapes ] \\ ^ - [', [{ type: 'anyOf', value: ']\\^-[' }], false, '^(?:[\\]\\\\\\^\\-\\[])$'],
    [
      'ignoreCase folds the parts',
      [
        { type: 'literal', value: 'AB' },
        { type: 'anyOf', value: 'XY' },
      ],
      true,
      '^(?:ab[xy])$',
    ],
  ])('%s', (_name, parts, ignoreCase, expected) => {
    expect(matchesPattern(parts, ignoreCase)).toBe(expected);
  });

  test('urlized: folded, escaped words joined by [- ], anchored but for non-letters and non-digits at the ends', () => {
    expect(urlizedPattern(['Summer', 'C++'])).toBe('^[^\\p{L}\\p{N}]*(?:summer[- ]c\\+\\+)[^\\p{L}\\p{N}]*$');
  });

  test('foldCase is full Unicode lower-casing', () => {
    expect(foldCase('ÄÖÜ ΑΒΓ Text')).toBe('äöü αβγ text');
  });
});

describe('escaping properties', () => {
  const match = (spec: unknown, v: string) => matches(parse({ v: { $matches: spec } }, looseCtx), { _id: 'x', v });

  test('a literal-only spec matches exactly its own text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.string({ minLength: 1, maxLength: 2 }),
        (s, extra) => {
          const spec = { ignoreCase: false, spec: [{ type: 'literal', value: s }] };
          expect(match(spec, s)).toBe(true);
          expect(match(spec, s + extra)).toBe(false);
          expect(match(spec, extra + s)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('anyOf matches each of its characters and nothing else', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        (chars, probe) => {
          const spec = { spec: [{ type: 'anyOf', value: chars }] };
          const set = new Set(Array.from(chars));
          for (const c of set) expect(match(spec, c)).toBe(true);
          const p = Array.from(probe)[0] as string;
          expect(match(spec, p)).toBe(set.has(p));
        },
      ),
      { numRuns: 500 },
    );
  });

  test('ignoreCase on ASCII', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'aBc+.*?[]^$-\\ '.split('')), maxLength: 10 }), (s) => {
        const spec = { ignoreCase: true, spec: [{ type: 'literal', value: s.toUpperCase() }] };
        expect(match(spec, s.toLowerCase())).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
