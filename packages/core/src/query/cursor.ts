/**
 * Cursor tokens for cursor paging (docs/protocol.md §3.3; docs/semantics.md §3.2):
 * follow-up requests carry only the cursor, so it holds everything needed to
 * continue. Format `v1.<base64url(JSON payload)>.<base64url(HMAC-SHA256)>`;
 * the MAC covers "v1." + payload, so neither the version nor the state can be
 * changed. The payload is signed, not encrypted: it holds the request's own
 * filter values, which the caller (Wix) already knows.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors, type SpiError } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';
import type { Value } from './ast.ts';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface CursorPayload {
  readonly v: 1;
  readonly op: 'query' | 'aggregate' | 'distinct' | 'referenced';
  readonly collectionId: string;
  readonly state: JsonValue;
}

const VERSION = 'v1';
const OPS: ReadonlySet<string> = new Set(['query', 'aggregate', 'distinct', 'referenced']);

function invalid(reason: string): SpiError {
  return errors.badRequest(`Invalid cursor: ${reason}, start again from the first page`);
}

function mac(body: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${VERSION}.${body}`).digest();
}

export function encodeCursor(payload: Omit<CursorPayload, 'v'>, secret: string): string {
  const full: CursorPayload = { v: 1, op: payload.op, collectionId: payload.collectionId, state: payload.state };
  const body = Buffer.from(JSON.stringify(full), 'utf8').toString('base64url');
  return `${VERSION}.${body}.${mac(body, secret).toString('base64url')}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Verifies and opens a token. Anything wrong — not a string, wrong version,
 * bad base64, bad signature, unreadable JSON, another collection or
 * operation — throws BAD_REQUEST; a wrong payload is never returned.
 */
export function decodeCursor(
  token: string,
  secret: string,
  expected: { op: CursorPayload['op']; collectionId: string },
): CursorPayload {
  if (typeof token !== 'string' || token === '') throw invalid('the cursor is empty');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('the cursor is malformed');
  const [version, body, signature] = parts as [string, string, string];
  if (version !== VERSION) throw invalid(`unsupported cursor version '${version.slice(0, 10)}'`);
  if (!BASE64URL.test(body) || !BASE64URL.test(signature)) throw invalid('the cursor is not base64url');
  const given = Buffer.from(signature, 'base64url');
  const wanted = mac(body, secret);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw invalid('the cursor signature does not match (it was altered, truncated or issued by another deployment)');
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw invalid('the cursor content is unreadable');
  }
  if (
    !isPlainObject(payload) ||
    payload.v !== 1 ||
    typeof payload.op !== 'string' ||
    !OPS.has(payload.op) ||
    typeof payload.collectionId !== 'string' ||
    !('state' in payload)
  ) {
    throw invalid('the cursor content is not a version 1 cursor');
  }
  if (payload.collectionId !== expected.collectionId) throw invalid('the cursor belongs to another collection');
  if (payload.op !== expected.op) throw invalid(`the cursor belongs to another operation (${payload.op})`);
  return payload as unknown as CursorPayload;
}

/**
 * Internal Value → JSON for cursor state (keyset values, distinct `after`):
 * Dates become `{"$date": iso}` and every object is wrapped as `{"$obj": …}`
 * so a stored object that looks like a date literal round-trips unchanged.
 */
export function valueToJson(v: Value): JsonValue {
  if (v instanceof Date) return { $date: v.toISOString() };
  if (Array.isArray(v)) return v.map(valueToJson);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, JsonValue> = {};
    for (const [k, e] of Object.entries(v)) out[k] = valueToJson(e);
    return { $obj: out };
  }
  return v as string | number | boolean | null;
}

/** Inverse of valueToJson; throws BAD_REQUEST on anything valueToJson cannot have produced. */
export function valueFromJson(j: unknown): Value {
  if (j === null || typeof j === 'string' || typeof j === 'boolean') return j;
  if (typeof j === 'number' && Number.isFinite(j)) return j;
  if (Array.isArray(j)) return j.map(valueFromJson);
  if (isPlainObject(j)) {
    const keys = Object.keys(j);
    if (keys.length === 1 && keys[0] === '$date' && typeof j.$date === 'string') {
      const d = new Date(j.$date);
      if (!Number.isNaN(d.getTime())) return d;
    }
    if (keys.length === 1 && keys[0] === '$obj' && isPlainObject(j.$obj)) {
      const out: Record<string, Value> = {};
      for (const [k, e] of Object.entries(j.$obj)) out[k] = valueFromJson(e);
      return out;
    }
  }
  throw invalid('the cursor holds a value it cannot have been issued with');
}
