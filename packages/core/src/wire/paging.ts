/**
 * Paging resolution (docs/protocol.md §3.3, §10.4; docs/semantics.md §3): which
 * mode, which page. Runs after validateRequest, which has already refused
 * negative numbers and the paging + cursorPaging combination.
 */
import { errors } from '../errors.ts';
import type { CursorPaging, Paging } from './schemas/common.ts';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export type ResolvedPaging =
  | { readonly mode: 'offset'; readonly offset: number; readonly limit: number }
  | { readonly mode: 'cursor'; readonly cursor?: string; readonly limit: number };

/** Clamp to [1, 1000]; absent → 50 (§3.3). A limit of 0 is read as 1: Wix never asks for an empty page. */
export function clampLimit(limit: number | null | undefined): number {
  if (limit === undefined || limit === null || !Number.isFinite(limit)) return DEFAULT_LIMIT;
  return Math.min(MAX_LIMIT, Math.max(1, Math.trunc(limit)));
}

/**
 * `paging` → offset mode; `cursorPaging` → cursor mode (an empty/null cursor
 * means the first page); neither → offset 0, limit 50 (§3.3). Both → 400
 * BAD_REQUEST (defensive: validateRequest already refuses it).
 */
export function resolvePaging(holder: {
  readonly paging?: Paging | null;
  readonly cursorPaging?: CursorPaging | null;
}): ResolvedPaging {
  const { paging, cursorPaging } = holder;
  if (paging && cursorPaging) {
    throw errors.badRequest('paging and cursorPaging were both sent; send one of them');
  }
  if (cursorPaging) {
    const limit = clampLimit(cursorPaging.limit);
    return cursorPaging.cursor ? { mode: 'cursor', cursor: cursorPaging.cursor, limit } : { mode: 'cursor', limit };
  }
  const offset = paging?.offset ?? 0;
  return { mode: 'offset', offset: Math.max(0, Math.trunc(offset)), limit: clampLimit(paging?.limit) };
}
