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
 * The text the SQL engines run (googlesql passes it to REGEXP_CONTAINS; RE2 is linear). The
 * in-memory evaluator runs `urlizedMatcher` instead, which answers the same without a regex.
 */
export function urlizedPattern(words: readonly string[]): string {
  const body = words.map((w) => escapeRegExpLiteral(foldCase(w))).join('[- ]');
  return URLIZED_ANCHORED ? `^${URLIZED_EDGE}(?:${body})${URLIZED_EDGE}$` : body;
}

/** Work done by one `urlizedMatcher` call, for tests that bound it (test/query/urlized.test.ts). */
export interface UrlizedSteps {
  steps: number;
}

/** A `[- ]` position of the `$urlized` body, among the words' code points (which are >= 0). */
const SEPARATOR = -1;
const HYPHEN = 0x2d;
const SPACE = 0x20;
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
/** isWordChar's answers beyond ASCII, bounded (a value may hold many distinct code points). */
const wordChars = new Map<number, boolean>();

/** `[\p{L}\p{N}]` on one code point (what URLIZED_EDGE excludes); ASCII without a regex. */
function isWordChar(cp: number): boolean {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a);
  let known = wordChars.get(cp);
  if (known === undefined) {
    known = WORD_CHAR.test(String.fromCodePoint(cp));
    if (wordChars.size >= 4096) wordChars.clear();
    wordChars.set(cp, known);
  }
  return known;
}

/** Code points, as RegExp with the `u` flag reads them (a lone surrogate is one of its own). */
function codePoints(text: string): Int32Array {
  const out = new Int32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const d = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (d >= 0xdc00 && d <= 0xdfff) {
      out[n++] = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
      i++;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

/** One element of the body against one code point of the value. */
function elementMatches(element: number, cp: number): boolean {
  return element === SEPARATOR ? cp === HYPHEN || cp === SPACE : element === cp;
}

/** Marks in `hit` each start in `text` where `word` occurs (Knuth–Morris–Pratt: linear, no backtracking). */
function markOccurrences(text: Int32Array, word: Int32Array, hit: Uint8Array, probe?: UrlizedSteps): void {
  hit.fill(0);
  const m = word.length;
  if (m === 0) {
    hit.fill(1);
    return;
  }
  const fail = new Int32Array(m);
  for (let i = 1, k = 0; i < m; i++) {
    while (k > 0 && word[i] !== word[k]) k = fail[k - 1] as number;
    if (word[i] === word[k]) k++;
    fail[i] = k;
  }
  let steps = 0;
  for (let i = 0, k = 0; i < text.length; i++) {
    while (k > 0 && text[i] !== word[k]) {
      k = fail[k - 1] as number;
      steps++;
    }
    if (text[i] === word[k]) k++;
    steps++;
    if (k === m) {
      hit[i - m + 1] = 1;
      k = fail[k - 1] as number;
    }
  }
  if (probe) probe.steps += steps + m;
}

/**
 * `$urlized` (§1.6) as a function of the folded value, answering exactly what
 * `new RegExp(urlizedPattern(words), 'u')` answers, in time linear in the value.
 * The regex is not: its leading and trailing `[^\p{L}\p{N}]*` overlap a body that
 * begins or ends with what is not a letter or a digit (a word like "-", the `[- ]`
 * between words), and V8 backtracks through every split, quadratic in the value
 * (100,000 "-" and an "x" against ["-"] blocked the event loop for seconds).
 *
 * The body (words joined by `[- ]`) has a fixed length, so a match is the value
 * split as edge + body + edge, the edges holding no letter or digit:
 * - a body holding a letter or a digit can start only where that first letter or
 *   digit lines up with the value's first one: one place to compare, then the rest
 *   must hold no letter or digit;
 * - a body holding none matches a value holding none that contains it somewhere:
 *   each word is found with KMP and the separators checked, once per word.
 */
export function urlizedMatcher(words: readonly string[]): (folded: string, probe?: UrlizedSteps) => boolean {
  const parts = words.map((w) => codePoints(foldCase(w)));
  const elements: number[] = [];
  const offsets: number[] = [];
  parts.forEach((part, i) => {
    if (i > 0) elements.push(SEPARATOR);
    offsets.push(elements.length);
    elements.push(...part);
  });
  const body = Int32Array.from(elements);
  const m = body.length;
  const first = body.findIndex((e) => e !== SEPARATOR && isWordChar(e));

  if (first >= 0) {
    return (folded, probe) => {
      const v = codePoints(folded);
      const n = v.length;
      let lead = 0;
      while (lead < n && !isWordChar(v[lead] as number)) lead++;
      const p = lead - first;
      let i = 0;
      if (lead < n && p >= 0 && p + m <= n) {
        while (i < m && elementMatches(body[i] as number, v[p + i] as number)) i++;
      }
      let rest = i === m ? p + m : n;
      while (rest < n && !isWordChar(v[rest] as number)) rest++;
      if (probe) probe.steps += 2 * n + i + 1;
      return i === m && rest === n;
    };
  }

  // Each distinct word once, with every offset it has in the body.
  const distinct = new Map<string, { word: Int32Array; offsets: number[] }>();
  parts.forEach((word, i) => {
    const key = word.join(',');
    const entry = distinct.get(key) ?? { word, offsets: [] };
    entry.offsets.push(offsets[i] as number);
    distinct.set(key, entry);
  });
  return (folded, probe) => {
    const v = codePoints(folded);
    const n = v.length;
    if (probe) probe.steps += 2 * n + 1;
    if (m > n || v.some(isWordChar)) return false;
    // The starts still possible, compacted as words rule them out.
    let starts = new Int32Array(n - m + 1).map((_, p) => p);
    const hit = new Uint8Array(n + 1);
    for (const { word, offsets: at } of distinct.values()) {
      markOccurrences(v, word, hit, probe);
      let kept = 0;
      for (let j = 0; j < starts.length; j++) {
        const p = starts[j] as number;
        let ok = true;
        for (let a = 0; ok && a < at.length; a++) {
          const o = p + (at[a] as number);
          ok = hit[o] === 1 && (o === p || elementMatches(SEPARATOR, v[o - 1] as number));
        }
        if (ok) starts[kept++] = p;
      }
      if (probe) probe.steps += starts.length * at.length;
      if (kept === 0) return false;
      starts = starts.subarray(0, kept);
    }
    return true;
  };
}
