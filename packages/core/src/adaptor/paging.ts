/**
 * Offset and cursor paging shared by query, aggregate, distinct and
 * query-referenced (docs/protocol.md §3.3–§3.4). Cursors are signed (query/cursor.ts)
 * and carry everything a follow-up call needs, because Wix sends only the
 * cursor on the next page.
 */

import { errors, SpiError } from '../errors.ts';
import type { Value } from '../query/ast.ts';
import { encodeValue } from '../wire/codec.ts';
import { isDateLiteral, parseDateLiteral } from '../wire/dates.ts';

export type Page =
  | { readonly mode: 'offset'; readonly offset: number; readonly limit: number }
  | { readonly mode: 'cursor'; readonly limit: number; readonly cursor: string | undefined };

export interface PagingMetadata {
  count: number;
  offset?: number;
  total?: number;
  cursors?: { next: string | null; prev: string | null };
}

/** Metadata for an offset page: `total` only when it was asked for (§3.4). */
export function offsetMetadata(count: number, offset: number, total: number | undefined): PagingMetadata {
  return total === undefined ? { count, offset } : { count, offset, total };
}

/** Metadata for a cursor page: `next` is null on the last page; backwards paging is not offered. */
export function cursorMetadata(count: number, next: string | undefined): PagingMetadata {
  return { count, cursors: { next: next ?? null, prev: null } };
}

/** Keyset values travel inside the JSON cursor: instants as `{"$date"}`. */
export function valuesToCursor(values: readonly Value[]): unknown[] {
  return values.map((value) => encodeValue(value));
}

export function valuesFromCursor(values: readonly unknown[]): Value[] {
  return values.map(fromCursorValue);
}

function fromCursorValue(value: unknown): Value {
  if (isDateLiteral(value)) return parseDateLiteral(value) ?? null;
  if (Array.isArray(value)) return value.map(fromCursorValue);
  return value as Value;
}

/** Cursor mode fetches one extra row to learn whether a next page exists. */
export function fetchLimit(page: Page): number {
  return page.mode === 'cursor' ? page.limit + 1 : page.limit;
}

/**
 * Trims a page fetched with `fetchLimit` and builds its metadata; in cursor
 * mode `nextCursor` is asked for the cursor after the last row kept.
 */
export function completePage<T>(
  fetched: readonly T[],
  page: Page,
  total: number | undefined,
  nextCursor: (last: T, kept: number) => string,
): { rows: readonly T[]; pagingMetadata: PagingMetadata } {
  if (page.mode === 'offset') {
    return { rows: fetched, pagingMetadata: offsetMetadata(fetched.length, page.offset, total) };
  }
  const hasNext = fetched.length > page.limit;
  const rows = hasNext ? fetched.slice(0, page.limit) : fetched;
  const last = rows[rows.length - 1];
  const next = hasNext && last !== undefined ? nextCursor(last, rows.length) : undefined;
  return { rows, pagingMetadata: cursorMetadata(rows.length, next) };
}

/**
 * Parses what a follow-up page's cursor carries (the first page's filter, sort …). A request
 * the collection accepted when the cursor was made but refuses now (a field removed or retyped
 * since) is the cursor's fault, not the follow-up's: the caller is told to start again.
 */
export function fromCursor<T>(page: Page, parse: () => T): T {
  if (page.mode !== 'cursor' || !page.cursor) return parse();
  try {
    return parse();
  } catch (error) {
    if (error instanceof SpiError && error.code === 'VALIDATION_ERROR') {
      throw errors.badRequest(
        `Invalid cursor: the collection's fields changed since its first page (${error.message}). Start again from the first page.`,
      );
    }
    throw error;
  }
}
