/**
 * `$urlized` in memory (docs/semantics.md §1.6, rule 16) without a backtracking regex:
 * urlizedMatcher answers what the pattern the SQL engines run answers, in time linear
 * in the value (a value of 100,000 "-" and an "x" against ["-"] took seconds with the regex).
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { Item } from '../../src/query/ast.ts';
import { matches } from '../../src/query/evaluate.ts';
import { foldCase, type UrlizedSteps, urlizedMatcher, urlizedPattern } from '../../src/query/patterns.ts';
import { looseCtx, parse } from './fixtures.ts';

const viaRegex = (words: readonly string[], value: string) =>
  new RegExp(urlizedPattern(words), 'u').test(foldCase(value));
const viaMatcher = (words: readonly string[], value: string) => urlizedMatcher(words)(foldCase(value));

describe('urlizedMatcher answers what urlizedPattern answers', () => {
  // Few characters, so edges, separators and words overlap often.
  const unit = fc.constantFrom('-', ' ', 'a', 'B', '1', '!', '«', 'é', 'Σ', 'ς', '_', '\u{1F600}', '\ud800', '²');
  const text = (min: number) => fc.string({ unit, minLength: min, maxLength: 8 });

  test('on values drawn from a few characters', () => {
    fc.assert(
      fc.property(
        fc.array(text(1), { minLength: 1, maxLength: 3 }),
        text(0),
        text(0),
        text(0),
        (words, pre, mid, post) => {
          // Often a value built around the words joined by one separator.
          for (const value of [pre + mid + post, pre + words.join(mid.slice(0, 1) || '-') + post]) {
            expect(viaMatcher(words, value)).toBe(viaRegex(words, value));
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('on any strings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
        fc.string({ unit: 'binary', maxLength: 12 }),
        (words, value) => {
          expect(viaMatcher(words, value)).toBe(viaRegex(words, value));
        },
      ),
      { numRuns: 500 },
    );
  });

  test.each<[string[], string, boolean]>([
    [['-'], '-', true],
    [['-'], '- -', true],
    [['-'], '--x', false],
    [['-', '-'], '-- -', true],
    [['-', '-'], '---', true],
    [['-', '-'], '-_-', false],
    [['apple', 'pie'], '«Apple Pie»', true],
    [['apple', 'pie'], 'The Apple Pie', false],
    [['c++ (plus'], 'c++ (plus)', true],
    [['(a'], 'a', false],
    [['(a'], '((a)', true],
    // Code points as RegExp with the `u` flag reads them: half of a pair is not the pair.
    [['\u{1F600}'], '«\u{1F600}»', true],
    [['\ud83d'], '\u{1F600}', false],
    [['\ud83d'], '-\ud83d-', true],
  ])('%j against %j: %s', (words, value, expected) => {
    expect(viaRegex(words, value)).toBe(expected);
    expect(viaMatcher(words, value)).toBe(expected);
  });
});

describe('urlizedMatcher is linear in the value', () => {
  const n = 100_000;
  const steps = (words: string[], value: string): { steps: number; matched: boolean } => {
    const probe: UrlizedSteps = { steps: 0 };
    const matched = urlizedMatcher(words)(foldCase(value), probe);
    return { steps: probe.steps, matched };
  };

  test.each<[string, string[], string, boolean]>([
    ['the audit: ["-"] against "-"×n + "x"', ['-'], `${'-'.repeat(n)}x`, false],
    ['["-"] against "-"×n', ['-'], '-'.repeat(n), true],
    ['a long punctuation word against "-"×n', ['-'.repeat(5000)], '-'.repeat(n), true],
    ['punctuation words that almost occur', ['--', '--', '-- '], '-'.repeat(n), false],
    ['a word with a letter after a long edge', ['-x'], `${'-'.repeat(n)}x`, true],
    ['a word with a letter, the value longer', ['-x-'], `${'-'.repeat(n)}x${'-'.repeat(n)}`, true],
    ['letters and edges repeated', ['a'], 'a-'.repeat(n / 2), false],
    ['distinct punctuation words', Array.from({ length: 20 }, (_, i) => '-'.repeat(i + 1)), '-'.repeat(n), true],
  ])('%s', (_name, words, value, expected) => {
    const result = steps(words, value);
    expect(result.matched).toBe(expected);
    // A few visits per code point of the value per word, never a multiple of the value's length per position.
    const budget = 8 * (value.length + words.join(' ').length) * (words.length + 1);
    expect(result.steps).toBeLessThanOrEqual(budget);
  });
});

describe('the evaluator runs no regular expression over the value', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  test('$urlized on the audit value', () => {
    const dashes = parse({ title: { $urlized: ['-'] } }, looseCtx);
    const greek = parse({ title: { $urlized: ['Σ', 'é'] } }, looseCtx);
    const item = (title: string): Item => ({ _id: 'x', title });
    // Lengths of what regular expressions read while the filters run; a longer input is not run.
    const read: number[] = [];
    const exec = RegExp.prototype.exec;
    vi.spyOn(RegExp.prototype, 'exec').mockImplementation(function (this: RegExp, input: string) {
      read.push(input.length);
      return input.length > 2 ? null : exec.call(this, input);
    });
    const answers = [
      matches(dashes, item(`${'-'.repeat(100_000)}x`)),
      matches(dashes, item(`«${'-'.repeat(100_000)}»`)),
      matches(greek, item('… σ-É …')),
    ];
    vi.restoreAllMocks();
    // At most one code point (two UTF-16 units): isWordChar (patterns.ts) classifies one at a time.
    expect(Math.max(...read)).toBeLessThanOrEqual(2);
    expect(answers).toEqual([false, true, true]);
  });
});
