/**
 * Conjuncts the storage format lets Firestore answer (format.ts;
 * README.md "Storage format"), for fields the collection's marker lists as
 * complete. Pure, like the planner it extends.
 *
 * - `$eq: null` (scalar) and `$exists: false`: every document holds the field,
 *   null when empty, so `== null` finds exactly the missing-or-null class
 *   (packages/core/SEMANTICS.md rule 19).
 * - `$startsWith` (case-insensitive): a range on the folded shadow — exact,
 *   because the shadow is the evaluator's folded value (cut only past
 *   SHADOW_BYTES, longer than any operand pushed).
 * - `$matches` with literal parts only: `==` on the shadow (ignoreCase) or on
 *   the field; with a literal start, that start as a shadow range, the rest
 *   evaluated.
 * - `$contains` / `$endsWith` (and prefixes too long for the shadow): one
 *   trigram of the folded operand, `tri.<field>.<trigram> == true OR
 *   long.<field> == true` — a superset; the evaluator checks every candidate.
 */
import { type FieldRef, type Filter, foldCase } from '@adaptors/core';
import { FORMAT_KEY, hasShadow, hasTokens, prefixUpperBound, SHADOW_EXACT_BYTES, trigramsOf } from './format.ts';
import { kindOf, type PlanOptions, type PushedField, type PushedFilter, type Translation, where } from './planner.ts';

function formattedScalar(ref: FieldRef, options: PlanOptions): boolean {
  return options.formatted?.has(ref.field) === true && ref.path.length === 0 && kindOf(ref, options) === 'scalar';
}

type Path = Extract<PushedField, { kind: 'path' }>;

function shadowPath(part: 'lc' | 'tri' | 'long', ref: FieldRef, ...rest: string[]): Path {
  return { kind: 'path', segments: [FORMAT_KEY, part, ref.field, ...rest] };
}

function whereAt(field: Path, op: '==' | '>=' | '<', value: string | boolean): PushedFilter {
  return { kind: 'where', field, op, value };
}

/** Operands the shadow answers exactly: well-formed text no cut shadow can equal. */
function exactShadowOperand(folded: string): boolean {
  return folded.isWellFormed() && Buffer.byteLength(folded, 'utf8') <= SHADOW_EXACT_BYTES;
}

function prefixRange(ref: FieldRef, folded: string, exact: boolean): Translation | undefined {
  if (folded.length === 0 || !exactShadowOperand(folded)) return undefined;
  const path = shadowPath('lc', ref);
  const upper = prefixUpperBound(folded);
  const lower = whereAt(path, '>=', folded);
  return {
    filter: upper === undefined ? lower : { kind: 'and', filters: [lower, whereAt(path, '<', upper)] },
    exact,
    inequalityKey: `${FORMAT_KEY}.lc.${ref.field}`,
    arrayContains: 0,
    disjunctions: 1,
  };
}

/** Characters common in text: a trigram with fewer of them is likely rarer (a better narrowing). */
const COMMON = new Set([...' etaoinsrhldcu0123456789']);

function rarestTrigram(folded: string): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const t of trigramsOf(folded)) {
    const score = [...t].filter((c) => COMMON.has(c)).length;
    if (score < bestScore) {
      best = t;
      bestScore = score;
    }
  }
  return best;
}

function trigramNarrowing(ref: FieldRef, folded: string): Translation | undefined {
  if (!folded.isWellFormed()) return undefined;
  const trigram = rarestTrigram(folded);
  if (trigram === undefined) return undefined;
  return {
    filter: {
      kind: 'or',
      filters: [whereAt(shadowPath('tri', ref, trigram), '==', true), whereAt(shadowPath('long', ref), '==', true)],
    },
    exact: false,
    arrayContains: 0,
    disjunctions: 2,
    valueKeyed: true,
  };
}

export function formatConjunct(filter: Filter, options: PlanOptions): Translation | undefined {
  switch (filter.kind) {
    case 'compare':
      if (filter.op !== 'eq' || filter.value !== null || !formattedScalar(filter.field, options)) return undefined;
      return { filter: where(filter.field, '==', null), exact: true, arrayContains: 0, disjunctions: 1 };
    case 'exists': {
      const kind = kindOf(filter.field, options);
      if (filter.exists || filter.field.path.length > 0 || !options.formatted?.has(filter.field.field)) {
        return undefined;
      }
      // `[]` and `""` are present (docs/semantics.md §1.3 $exists): only the stored null is missing.
      if (kind !== 'scalar' && kind !== 'array') return undefined;
      return { filter: where(filter.field, '==', null), exact: true, arrayContains: 0, disjunctions: 1 };
    }
    case 'string': {
      if (!formattedScalar(filter.field, options) || !hasShadow(filter.field.type)) return undefined;
      const folded = foldCase(filter.value);
      if (filter.op === 'startsWith') {
        const range = prefixRange(filter.field, folded, true);
        if (range) return range;
      }
      return hasTokens(filter.field.field, filter.field.type) ? trigramNarrowing(filter.field, folded) : undefined;
    }
    case 'matches': {
      if (!formattedScalar(filter.field, options) || !hasShadow(filter.field.type)) return undefined;
      const literal: string[] = [];
      for (const part of filter.parts) {
        if (part.type !== 'literal') break;
        literal.push(filter.ignoreCase ? foldCase(part.value) : part.value);
      }
      const text = literal.join('');
      const whole = literal.length === filter.parts.length;
      if (whole && !filter.ignoreCase) {
        // Anchored whole-value match of a string (patterns.ts MATCHES_ANCHORED): plain equality.
        return text.isWellFormed()
          ? { filter: where(filter.field, '==', text), exact: true, arrayContains: 0, disjunctions: 1 }
          : undefined;
      }
      if (whole) {
        if (!exactShadowOperand(text)) return undefined;
        return {
          filter: whereAt(shadowPath('lc', filter.field), '==', text),
          exact: true,
          arrayContains: 0,
          disjunctions: 1,
        };
      }
      return filter.ignoreCase ? prefixRange(filter.field, text, false) : undefined;
    }
    default:
      return undefined;
  }
}
