/**
 * Offset and cursor paging shared by query, aggregate, distinct and
 * query-referenced (docs/protocol.md §3.3–§3.4). Cursors are signed (query/cursor.ts)
 * and carry everything a follow-up call needs, because Wix sends only the
 * cursor on the next page.
 */

import { errors, SpiError, type Violation } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';
import type { Value } from '../query/ast.ts';
import { type CursorPayload, decodeCursor } from '../query/cursor.ts';
import { encodeValue } from '../wire/codec.ts';
import { isDateLiteral, parseDateLiteral } from '../wire/dates.ts';
import { checkJson, LIMITS, type WalkOptions } from '../wire/limits.ts';

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

/**
 * A cursor's content is checked as fully as a request is, whatever its signature says: the MAC
 * key may be weak (CURSOR_SECRET unset: server/start.ts), and a cursor of another version may
 * carry another shape. Every refusal is this one 400, which tells the caller how to go on.
 */
export function invalidCursor(): SpiError {
  return errors.badRequest(
    'Invalid cursor: its content is not what this version of the adaptor issues (it was made by another version, or altered); start from the first page (send the request again without a cursor)',
  );
}

type CursorState = Readonly<Record<string, unknown>>;

/**
 * The state one level below a request's body (state = the request's own filter, sort … one level
 * down), walked as the request was (wire/validate.ts checkStringsAndDepth): well-formed strings and
 * keys, no deeper than a request may nest. Not the item-value rules: a filter operand may hold a
 * `"__proto__"` key, so a cursor issued for such a request must be accepted back. Keyset values
 * are item values and are checked as such (`valuesFromCursor`).
 */
const STATE_WALK: WalkOptions = { maxDepth: LIMITS.requestDepth + 1, depthMessage: 'too deep' };
/** Keyset values (an array one level below the state) as item values: finite numbers, no `__proto__` key. */
const KEYSET_WALK: WalkOptions = { maxDepth: LIMITS.requestDepth, depthMessage: 'too deep', itemValue: true };

/**
 * Verifies and opens a cursor (query/cursor.ts) and checks its state before any field is used:
 * a plain object with every one of `keys`, no other than those and `optional`, checked as the
 * request it was made from was (`STATE_WALK`). Each operation then checks the type of each field
 * (the `cursor…` helpers below) and parses its filter, sort … as it parses a request's.
 */
export function openCursor(
  token: string,
  secret: string,
  expected: { op: CursorPayload['op']; collectionId: string },
  keys: readonly string[],
  optional: readonly string[] = [],
): CursorState {
  const state: unknown = decodeCursor(token, secret, expected).state;
  if (!isPlainObject(state)) throw invalidCursor();
  const known = (key: string) => keys.includes(key) || optional.includes(key);
  if (!Object.keys(state).every(known) || !keys.every((key) => Object.hasOwn(state, key))) throw invalidCursor();
  const problems: Violation[] = [];
  checkJson(state, 'cursor', STATE_WALK, problems, 1);
  if (problems.length > 0) throw invalidCursor();
  return state;
}

/** Items or pairs before the next page: an integer the offset of a request may be (wire/limits.ts maxOffset). */
export function cursorOffset(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > LIMITS.maxOffset) {
    throw invalidCursor();
  }
  return value;
}

export function cursorString(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalidCursor();
  return value;
}

/** A list of strings no longer than a request's list may be (LIMITS.listValues). */
export function cursorStrings(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > LIMITS.listValues || !value.every((v) => typeof v === 'string')) {
    throw invalidCursor();
  }
  return value;
}

/** A part of the first request kept as sent (a filter, a sort, an aggregation): null or of its JSON kind. */
export function cursorPart(value: unknown, kind: 'object' | 'array'): unknown {
  if (value === null) return null;
  if (kind === 'object' ? isPlainObject(value) : Array.isArray(value)) return value;
  throw invalidCursor();
}

/**
 * Keyset values back from the cursor (`valuesToCursor`): exactly `length` of them (one per sort
 * key, ending with the tie-breaker), item values (`KEYSET_WALK`), instants as valid `{"$date"}` literals.
 */
export function valuesFromCursor(values: unknown, length: number): Value[] {
  if (!Array.isArray(values) || values.length !== length) throw invalidCursor();
  const problems: Violation[] = [];
  checkJson(values, 'cursor', KEYSET_WALK, problems, 1);
  if (problems.length > 0) throw invalidCursor();
  return values.map(fromCursorValue);
}

function fromCursorValue(value: unknown): Value {
  if (isDateLiteral(value)) {
    const date = parseDateLiteral(value);
    if (!date) throw invalidCursor();
    return date;
  }
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
