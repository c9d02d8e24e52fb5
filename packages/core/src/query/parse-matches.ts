/**
 * Operands of `$matches` (docs/semantics.md §1.7) and `$urlized` (§1.6).
 */
import { errors } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';
import { LIMITS } from '../wire/limits.ts';
import type { MatchesPart } from './ast.ts';

const SPEC_EXAMPLE =
  '{"ignoreCase": true, "spec": [{"type": "literal", "value": "summer"}, {"type": "anyOf", "value": " -"}]}';

/**
 * `{ ignoreCase?: boolean, spec: [{type: "literal"|"anyOf", value: string}, …] }`.
 * Refused: a missing or empty spec, another part type (§1.7 "any other type →
 * 400"), a non-string value, and an empty anyOf (an empty character class
 * matches nothing and is invalid in RE2).
 */
export function parseMatchesOperand(
  raw: unknown,
  at: string,
): { readonly ignoreCase: boolean; readonly parts: readonly MatchesPart[] } {
  if (!isPlainObject(raw)) throw errors.violation(at, raw, `$matches needs an object like ${SPEC_EXAMPLE}.`);
  const ignoreCase = raw.ignoreCase ?? false;
  if (typeof ignoreCase !== 'boolean') {
    throw errors.violation(`${at}.ignoreCase`, ignoreCase, '$matches.ignoreCase must be true or false.');
  }
  const spec = raw.spec;
  if (!Array.isArray(spec) || spec.length === 0) {
    throw errors.violation(`${at}.spec`, spec, `$matches.spec must be a non-empty array, e.g. ${SPEC_EXAMPLE}.`);
  }
  const parts = spec.map((part: unknown, i): MatchesPart => {
    const partAt = `${at}.spec[${i}]`;
    if (!isPlainObject(part))
      throw errors.violation(partAt, part, 'Each $matches part must be {"type": …, "value": …}.');
    const { type, value } = part;
    if (type !== 'literal' && type !== 'anyOf') {
      throw errors.violation(`${partAt}.type`, type, `A $matches part type must be "literal" or "anyOf".`);
    }
    if (typeof value !== 'string')
      throw errors.violation(`${partAt}.value`, value, 'A $matches part value must be a string.');
    if (type === 'anyOf' && value === '') {
      throw errors.violation(`${partAt}.value`, value, 'An anyOf part needs at least one character.');
    }
    return Object.freeze({ type, value });
  });
  const length = parts.reduce((sum, part) => sum + part.value.length, 0);
  if (length > LIMITS.matchesLength) {
    throw errors.violation(
      `${at}.spec`,
      `${length} characters`,
      `A $matches spec may hold at most ${LIMITS.matchesLength} characters in all; this one has ${length}. Match a shorter pattern, or use $eq / $startsWith for long literal text.`,
    );
  }
  return { ignoreCase, parts: Object.freeze(parts) };
}

/** `$urlized`: a non-empty array of non-empty word strings. */
export function parseUrlizedOperand(raw: unknown, at: string): readonly string[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw errors.violation(at, raw, '$urlized needs a non-empty array of words, e.g. ["summer", "salad"].');
  }
  if (raw.length > LIMITS.urlizedWords) {
    throw errors.violation(
      at,
      `${raw.length} words`,
      `$urlized takes at most ${LIMITS.urlizedWords} words; this one has ${raw.length}. A slug holds the words of a page title.`,
    );
  }
  let length = 0;
  raw.forEach((word: unknown, i) => {
    if (typeof word !== 'string' || word === '') {
      throw errors.violation(`${at}[${i}]`, word, 'Each $urlized word must be a non-empty string.');
    }
    length += word.length;
  });
  if (length > LIMITS.urlizedLength) {
    throw errors.violation(
      at,
      `${length} characters`,
      `$urlized words may hold at most ${LIMITS.urlizedLength} characters in all; these have ${length}.`,
    );
  }
  return Object.freeze([...(raw as string[])]);
}
