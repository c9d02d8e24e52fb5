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

/**
 * Advice in the catalogue's messages (errors.ts) that names v3 calls or fields, and what a
 * legacy caller does instead; test/legacy/paths.test.ts runs each catalogue message through.
 */
const PHRASES: readonly (readonly [string, string])[] = [
  ['Use items/update to change it', 'Use /data/update to change it'],
  ['Check the collection id', 'Check the collectionName'],
  [
    'Choose another id, or change the existing one with collections/update',
    'Choose another collectionName, or change the existing one with /schemas/column/add and /schemas/column/remove',
  ],
  ["(capabilities/get and each field's queryOperators list it)", "(/schemas/list gives each field's queryOperators)"],
  // read-write-rule.ts: a read-only collection's missing system columns. The legacy
  // /schemas/column/add saves the collection's fields the same way, adding them too.
  [
    "or save the collection's fields once in the Wix CMS (collections/update adds them)",
    'or add any column with /schemas/column/add, which adds them too',
  ],
  // adaptor/collections.ts `operationNotAllowed`.
  [
    'use the operations its dataOperations (collections/get) list',
    'use the operations its allowedOperations (/schemas/list) list',
  ],
  // query/parse-filter.ts: legacy schemas leave MULTI_REFERENCE fields out (schema.ts `isLegacyField`).
  [
    'items/query-referenced with referencedItemIds finds the items that reference given ids.',
    'the legacy protocol has no multi-reference fields (/schemas/list leaves them out): filter on the other fields.',
  ],
];

/** The v3 data operations a refusal names (adaptor/collections.ts `operationNotAllowed`). */
const OPERATION = /\b(QUERY|COUNT|INSERT|UPDATE|REMOVE|TRUNCATE|AGGREGATE)(?= is not allowed:| in this database)/g;

export function legacyMessage(message: string, path: string): string {
  let text = renamePaths(message, BULK_PATHS.has(path) ? COMMON : [...SINGLE, ...COMMON]);
  for (const [v3, legacy] of PHRASES) text = text.replaceAll(v3, legacy);
  // "INSERT is not allowed" names the v3 operation the call became: name the call sent.
  return text.replace(OPERATION, path);
}

/** Renames each v3 request path (a whole path or its prefix) in `message`, first match first. */
export function renamePaths(message: string, renames: readonly (readonly [string, string])[]): string {
  let text = message;
  for (const [v3, legacy] of renames) {
    text = text.replace(
      new RegExp(`(^|[\\s'"(])${escapeRegExp(v3)}(?=[.\\[:'"\\s)]|$)`, 'g'),
      (_match, before: string) => `${before}${legacy}`,
    );
  }
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
