/**
 * Two-valued boolean SQL. Every predicate this compiler emits is TRUE or
 * FALSE, never NULL, so that NOT is the exact complement of its operand
 * (docs/semantics.md §1.3 "$not … exact complement"; SQL's NOT of an
 * UNKNOWN stays UNKNOWN). Leaves guarantee it (COALESCE, IS NULL, EXISTS);
 * these combinators preserve it and fold constants.
 *
 * Every non-constant result is "atomic" (parenthesised or a function call),
 * so it can be embedded anywhere without precedence surprises.
 */

export const TRUE = 'TRUE';
export const FALSE = 'FALSE';

export function and(parts: readonly string[]): string {
  const kept: string[] = [];
  for (const p of parts) {
    if (p === FALSE) return FALSE;
    if (p !== TRUE) kept.push(p);
  }
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? (kept[0] as string) : `(${kept.join(' AND ')})`;
}

export function or(parts: readonly string[]): string {
  const kept: string[] = [];
  for (const p of parts) {
    if (p === TRUE) return TRUE;
    if (p !== FALSE) kept.push(p);
  }
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? (kept[0] as string) : `(${kept.join(' OR ')})`;
}

export function not(part: string): string {
  if (part === TRUE) return FALSE;
  if (part === FALSE) return TRUE;
  return `(NOT ${part})`;
}

/** A boolean that may be NULL (a comparison with a NULL operand) made two-valued: NULL → FALSE. */
export function definite(nullable: string): string {
  return `COALESCE(${nullable}, FALSE)`;
}

export function constant(value: boolean): string {
  return value ? TRUE : FALSE;
}
