/**
 * String-matching decisions in one place: case folding for the
 * case-insensitive operators and the regular expressions behind `$matches`
 * and `$urlized` (docs/semantics.md §1.3, §1.6, §1.7). Storage compilers
 * should reuse `matchesPattern` / `urlizedPattern` so every engine runs the
 * same pattern text.
 */
import type { MatchesPart } from './ast.ts';

/** The Greek final sigma (U+03C2) and the sigma it folds to (U+03C3): foldCase. */
export const FINAL_SIGMA = '\u03c2';
export const SIGMA = '\u03c3';

/**
 * Case folding for $contains/$startsWith/$endsWith, `$matches` with
 * ignoreCase and `$urlized`: full Unicode lower-casing, the same as Spanner's
 * and BigQuery's LOWER() (docs/semantics.md §1.3: case-insensitive), with one
 * step more: the Greek final sigma `ς` becomes `σ`. Lower-casing turns a capital
 * `Σ` into `ς` at the end of a word and `σ` elsewhere (JavaScript does; engines
 * differ), so `ΣΊΣ` would not be a prefix of `ΣΊΣΥΦΟΣ`; Unicode case folding maps
 * both to `σ`, and so does this. googlesql applies the same step in SQL
 * (`FINAL_SIGMA`), only where the folded operand holds a `σ`.
 */
export function foldCase(text: string): string {
  return text.toLowerCase().replaceAll(FINAL_SIGMA, SIGMA);
}

/** Escapes regex syntax characters in literal text (§1.7: "c++" must not become a quantifier). */
export function escapeRegExpLiteral(text: string): string {
  // `-` is not special outside a class, and `\-` is invalid there with the `u` flag.
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** Escapes characters that are special inside a character class: `\ ] [ ^ -`. */
export function escapeCharClass(chars: string): string {
  return chars.replace(/[\\\]^[-]/g, '\\$&');
}

/**
 * `$matches` anchoring: the whole value must match (§1.7; Wix's reference adaptor
 * adopted the same anchors in November 2025). Kept as a constant so the decision is visible.
 */
export const MATCHES_ANCHORED = true;

/**
 * Decision (unconfirmed; §1.6): `$urlized` also matches the WHOLE value. The
 * reference uses an unanchored RLIKE, but a dynamic-page lookup wants the one
 * item whose title is the slug, not every title that contains it — the same
 * reasoning that anchored `$matches` upstream. What is not a letter or a digit
 * before the first word and after the last is allowed, though: a slug leaves
 * it out ("Apple Pie!" and "«Apple Pie»" are the page apple-pie), and anchoring
 * without that answered such pages 404.
 */
export const URLIZED_ANCHORED = true;

/** Around an anchored `$urlized`: anything but letters and digits (RE2 and JavaScript `u` read it alike). */
const URLIZED_EDGE = '[^\\p{L}\\p{N}]*';

function anchor(body: string, anchored: boolean): string {
  return anchored ? `^(?:${body})$` : body;
}

/**
 * Pattern source of a `$matches` spec (for RegExp with the `u` flag, RE2 and
 * Spanner/BigQuery REGEXP_CONTAINS). With `ignoreCase` the parts are folded
 * here and the value must be folded by the caller (§1.7: "compare lower-cased
 * value with lower-cased pattern").
 */
export function matchesPattern(parts: readonly MatchesPart[], ignoreCase: boolean): string {
  const body = parts
    .map((part) => {
      const text = ignoreCase ? foldCase(part.value) : part.value;
      return part.type === 'literal' ? escapeRegExpLiteral(text) : `[${escapeCharClass(text)}]`;
    })
    .join('');
  return anchor(body, MATCHES_ANCHORED);
}

/**
 * Pattern source of `$urlized`: folded words joined by `[- ]`, matched against the folded value
 * (§1.6), the whole value but for what is not a letter or a digit at its ends (URLIZED_ANCHORED).
 * The one text every engine runs (googlesql passes it to REGEXP_CONTAINS).
 */
export function urlizedPattern(words: readonly string[]): string {
  const body = words.map((w) => escapeRegExpLiteral(foldCase(w))).join('[- ]');
  return URLIZED_ANCHORED ? `^${URLIZED_EDGE}(?:${body})${URLIZED_EDGE}$` : body;
}
