/** Adapts a request's `paging` / `cursorPaging` pair to a Page (docs/protocol.md §3.3). */
import { resolvePaging } from '../wire/validate.ts';
import type { Page } from './paging.ts';

export interface PageInput {
  readonly paging?: unknown;
  readonly cursorPaging?: unknown;
}

export function resolvePage(input: PageInput): Page {
  const resolved = resolvePaging(input as Parameters<typeof resolvePaging>[0]);
  return resolved.mode === 'offset'
    ? { mode: 'offset', offset: resolved.offset, limit: resolved.limit }
    : { mode: 'cursor', limit: resolved.limit, cursor: resolved.cursor ?? undefined };
}
