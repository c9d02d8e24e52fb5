/**
 * Wire `query.fields` → projection (docs/semantics.md §4; docs/protocol.md §10.4).
 */
import { errors } from '../errors.ts';
import { ID_FIELD } from '../model.ts';
import { type ParseContext, resolveField } from './parse-context.ts';

/**
 * `[]` / absent → undefined (all fields). Otherwise the listed top-level keys,
 * de-duplicated, with `_id` first (always returned, §4). A nested path
 * projects its top-level field (decision, §4 "recommend returning the
 * top-level field"). Unknown names → 400 when the collection is strict.
 */
export function parseProjection(raw: unknown, ctx: ParseContext, path: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw errors.violation(path, raw, 'fields must be an array of field names.');
  if (raw.length === 0) return undefined;
  const keys = new Set<string>([ID_FIELD]);
  raw.forEach((name: unknown, i) => {
    const resolved = resolveField(ctx, name, `${path}[${i}]`);
    keys.add(resolved.ref.field);
  });
  return [...keys];
}
