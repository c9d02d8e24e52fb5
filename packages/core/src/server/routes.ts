/**
 * Routing on the path *suffix* (docs/protocol.md §1.1): Wix's SDK dispatches on the
 * ending of the URL, so `/garden/v3/items/query` behind a load-balancer prefix
 * works the same as `/v3/items/query`.
 */
import { ENDPOINTS, type EndpointName } from '../wire/validate.ts';

const BY_PATH = new Map<string, EndpointName>(ENDPOINTS.map((name) => [`/v3/${name}`, name]));

export function endpointForPath(url: string): EndpointName | undefined {
  const query = url.indexOf('?');
  let path = query === -1 ? url : url.slice(0, query);
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const at = path.lastIndexOf('/v3/');
  return at === -1 ? undefined : BY_PATH.get(path.slice(at));
}
