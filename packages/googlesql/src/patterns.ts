/**
 * Regular expressions for `$matches` (docs/semantics.md §1.7), built exactly
 * like the evaluator builds them (core query/patterns.ts; test/patterns.test.ts
 * checks both give the same text; `$urlized` uses the core's own function):
 * escaped literals, anyOf as a character class, anchored `^(?:…)$`, and with
 * case folding the pattern folded here (the core's foldCase) while SQL folds the value
 * (target.ts foldedOf).
 *
 * The text runs on RE2 (REGEXP_CONTAINS in both dialects). It uses only
 * syntax RE2 and JavaScript read alike: `\` before punctuation is the literal
 * character in both; `(?:…)`, `^`, `$` (end of text, no multiline) and
 * character classes with `\\ \] \[ \^ \-` escapes.
 */
import { foldCase as fold, type MatchesPart } from '@adaptors/core';

export function escapeRegExpLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

export function escapeCharClass(chars: string): string {
  return chars.replace(/[\\\]^[-]/g, '\\$&');
}

function anchor(body: string): string {
  return `^(?:${body})$`;
}

/** Undefined when the pattern can match nothing (an empty anyOf class, which RE2 would misparse). */
export function matchesPattern(parts: readonly MatchesPart[], ignoreCase: boolean): string | undefined {
  let body = '';
  for (const part of parts) {
    const text = ignoreCase ? fold(part.value) : part.value;
    if (part.type === 'literal') body += escapeRegExpLiteral(text);
    else if (text === '') return undefined;
    else body += `[${escapeCharClass(text)}]`;
  }
  return anchor(body);
}
