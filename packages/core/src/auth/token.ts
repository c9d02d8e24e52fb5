/**
 * The cheap, pre-signature steps of docs/protocol.md §2.3: get the compact JWT
 * out of the raw body (§2.1) and read its header to pick candidate keys.
 * Nothing here trusts the header beyond choosing which keys to try.
 */

import { errors, type SpiError } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
/** A JWS header is a few dozen bytes; refuse to JSON-parse anything large before the signature is checked. */
const MAX_HEADER_SEGMENT = 2048;

export const NOT_A_TOKEN =
  'the request body is not a signed token (expected a JWT: three base64url segments joined by dots)';

/**
 * §2.1: the raw body is the token whatever the Content-Type. Trim it, and
 * unquote it if a client sent it as a JSON string literal.
 */
export function extractToken(body: string | Buffer): string {
  let text = (typeof body === 'string' ? body : body.toString('utf8')).trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    try {
      const unquoted: unknown = JSON.parse(text);
      if (typeof unquoted === 'string') text = unquoted.trim();
    } catch {
      // not a JSON string literal: fall through to the shape check
    }
  }
  if (text === '' || !COMPACT_JWS.test(text)) throw errors.unauthorized(NOT_A_TOKEN);
  return text;
}

/** Returns the header's `alg`, or throws a 401 that names the problem. */
export function headerAlgorithm(token: string): string {
  const segment = token.slice(0, token.indexOf('.'));
  if (segment.length > MAX_HEADER_SEGMENT) throw malformedHeader();
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw malformedHeader();
  }
  if (!isPlainObject(header) || typeof header.alg !== 'string' || header.alg === '') throw malformedHeader();
  return header.alg;
}

function malformedHeader(): SpiError {
  return errors.unauthorized(
    'the token header is not a JSON object with an "alg" field; the body is not a Wix-signed token',
  );
}

/**
 * Renders a token-supplied string (alg, iss, aud) for a message: short and
 * restricted to harmless characters, so a crafted value cannot inject text
 * into logs or smuggle data back.
 */
export function shown(value: unknown): string {
  if (typeof value !== 'string')
    return value === undefined ? '(none)' : `(a ${Array.isArray(value) ? 'list' : typeof value})`;
  const cleaned = value.replace(/[^\w.:@/+-]/g, '?');
  return `"${cleaned.length > 64 ? `${cleaned.slice(0, 63)}…` : cleaned}"`;
}
