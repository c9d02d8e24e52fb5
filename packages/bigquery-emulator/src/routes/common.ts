/** Request helpers shared by the route modules. */
import { badRequest } from '../errors.ts';

export type Params = Record<string, string>;
export type Query = Record<string, string | string[] | undefined>;
export type Body = Record<string, unknown>;

export function bodyOf(raw: unknown): Body {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('Request body must be a JSON object');
  return raw as Body;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function queryValue(q: Query, name: string): string | undefined {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
}

export function intParam(q: Query, name: string): number | undefined {
  const v = queryValue(q, name);
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw badRequest(`Invalid ${name}: ${v}`);
  return n;
}

export function boolParam(q: Query, name: string): boolean | undefined {
  const v = queryValue(q, name);
  if (v === undefined) return undefined;
  return v === 'true' || v === '1';
}

export function labelsOf(v: unknown): Record<string, string> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Path parameters of a route (always present when the route matched). */
export function pathIds(p: Params): { projectId: string; datasetId: string; tableId: string } {
  return { projectId: p.projectId ?? '', datasetId: p.datasetId ?? '', tableId: p.tableId ?? '' };
}
