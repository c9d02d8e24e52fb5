/**
 * The id a call is logged and answered under (`x-request-id`): Wix's `metadata.requestId`
 * (docs/protocol.md §2.2), else a caller's `x-request-id` header, else a new UUID. Only an id of
 * up to 128 letters, digits and `_ . : -` is taken (Wix's look like `1796453727.156.7896115916`):
 * anything else would break the response header (a non-Latin-1 character made Node refuse it
 * with a 500; a megabyte long id made an answer no client could read) or the log line.
 */
import { randomUUID } from 'node:crypto';

const SAFE_ID = /^[\w.:-]{1,128}$/;

/** `value` when it is a usable request id, else undefined. */
export function safeRequestId(value: unknown): string | undefined {
  return typeof value === 'string' && SAFE_ID.test(value) ? value : undefined;
}

/** The first usable id of `candidates` (metadata first, then the header), or a new one. */
export function pickRequestId(...candidates: unknown[]): string {
  for (const candidate of candidates) {
    const id = safeRequestId(candidate);
    if (id !== undefined) return id;
  }
  return randomUUID();
}
