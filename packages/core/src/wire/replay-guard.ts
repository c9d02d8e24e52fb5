/**
 * Decision (docs/protocol.md §14): unknown keys in a request are ignored, except that the two
 * calls which destroy a whole collection's data — `items/truncate` and `collections/delete`,
 * whose request is only `{ collectionId }` — refuse a request carrying a key that belongs to
 * another endpoint's request (`query`, `filter`, `items`, …). Wix's token binds the request body,
 * not the path (docs/protocol.md §2), so a signed read that leaked (a proxy, a log) could be
 * replayed on these paths within its lifetime; every other endpoint needs keys a read does not
 * carry. A key no endpoint knows is still ignored, so a field Wix adds later breaks nothing.
 */
import { errors } from '../errors.ts';
import { type EndpointName, REQUEST_SCHEMAS } from './endpoints.ts';

const GUARDED: ReadonlySet<EndpointName> = new Set(['items/truncate', 'collections/delete']);

function keysOf(endpoint: EndpointName): ReadonlySet<string> {
  const properties = (REQUEST_SCHEMAS[endpoint] as { properties?: Record<string, unknown> }).properties ?? {};
  return new Set(Object.keys(properties));
}

/** Every top-level key of some endpoint's request (computed once). */
let known: ReadonlySet<string> | undefined;
function knownKeys(): ReadonlySet<string> {
  known ??= new Set(Object.keys(REQUEST_SCHEMAS).flatMap((e) => [...keysOf(e as EndpointName)]));
  return known;
}

/** Throws when a guarded endpoint's request carries another endpoint's key. */
export function checkNotReplayed(endpoint: EndpointName, body: Readonly<Record<string, unknown>>): void {
  if (!GUARDED.has(endpoint)) return;
  const own = keysOf(endpoint);
  const foreign = Object.keys(body).filter((key) => !own.has(key) && knownKeys().has(key));
  if (foreign.length === 0) return;
  throw errors.badRequest(
    `A ${endpoint} request carries only collectionId; this one also has ${foreign.map((k) => `'${k}'`).join(', ')}, which belong to other calls. It is refused, as a token signed for another call must not ${endpoint === 'items/truncate' ? 'empty a collection' : 'delete a collection'}. Send { "collectionId": … } alone.`,
  );
}
