/**
 * Violations come from the v3 layer and name v3 request paths ("query.filter.count",
 * "items[0]"); a legacy caller sent "filter", "item", "skip". This renames them in
 * the message so it points at what the site owner wrote.
 */

/** v3 path prefix → legacy name, longest first. */
const COMMON: readonly (readonly [string, string])[] = [
  ['query.paging.offset', 'skip'],
  ['query.paging.limit', 'limit'],
  ['query.filter', 'filter'],
  ['query.sort', 'sort'],
  ['query.fields', 'projection'],
  ['initialFilter', 'filter'],
  ['finalFilter', 'postFilteringStep'],
  ['aggregation.groupingFields', 'processingStep._id'],
  ['aggregation.operations', 'processingStep'],
  ['collectionId', 'collectionName'],
];

/** Single-item endpoints send one item as a one-element v3 batch. */
const SINGLE: readonly (readonly [string, string])[] = [
  ['items[0]', 'item'],
  ['itemIds[0]', 'itemId'],
];

const BULK_PATHS = new Set(['/data/insert/bulk', '/data/update/bulk', '/data/remove/bulk']);

export function legacyMessage(message: string, path: string): string {
  const renames = BULK_PATHS.has(path) ? COMMON : [...SINGLE, ...COMMON];
  let text = message;
  for (const [v3, legacy] of renames) {
    text = text.replace(new RegExp(`(^|[\\s'"(])${escapeRegExp(v3)}(?=[.\\[:'"\\s)]|$)`, 'g'), `$1${legacy}`);
  }
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
