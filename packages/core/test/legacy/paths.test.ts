import { expect, test } from 'vitest';
import { errors } from '../../src/errors.ts';
import { legacyMessage } from '../../src/legacy/paths.ts';
import { readWriteRule } from '../../src/read-write-rule.ts';

test.each([
  [
    'Invalid request: query.filter.count: $gt needs a number',
    '/data/find',
    'Invalid request: filter.count: $gt needs a number',
  ],
  ['Invalid request: query.paging.limit: must be <= 1000', '/data/find', 'Invalid request: limit: must be <= 1000'],
  [
    'Invalid request: items[0].heightCm: expected a number',
    '/data/insert',
    'Invalid request: item.heightCm: expected a number',
  ],
  [
    'Invalid request: items[0].heightCm: expected a number',
    '/data/insert/bulk',
    'Invalid request: items[0].heightCm: expected a number',
  ],
  [
    'Invalid request: finalFilter.n: unknown field',
    '/data/aggregate',
    'Invalid request: postFilteringStep.n: unknown field',
  ],
  ['myquery.filter stays', '/data/find', 'myquery.filter stays'],
])('%s (%s)', (message, path, expected) => {
  expect(legacyMessage(message, path)).toBe(expected);
});

// The catalogue's advice in legacy words (legacy/paths.ts PHRASES): a legacy caller has no
// items/update, collection id or capabilities/get.
test.each([
  [errors.itemAlreadyExists('plants', 'rose'), '/data/insert', 'Use /data/update to change it'],
  [errors.collectionNotFound('nope'), '/data/find', 'Check the collectionName'],
  [errors.collectionAlreadyExists('plants'), '/schemas/create', '/schemas/column/add and /schemas/column/remove'],
  [errors.unsupported('$matches', 'no index'), '/data/find', "/schemas/list gives each field's queryOperators"],
])('%s → legacy names', (error, path, expected) => {
  const text = legacyMessage(error.message, path);
  expect(text).toContain(expected);
  expect(text).not.toMatch(/items\/|collections\/|capabilities\/|collection id/);
});

// Messages from outside the catalogue (read-write-rule.ts, adaptor/collections.ts,
// query/parse-filter.ts), as their sources word them.
const readOnly = readWriteRule(new Map([['_id', 'TEXT']]), undefined, {
  _id: 'STRING',
  _createdDate: 'TIMESTAMP',
  _updatedDate: 'TIMESTAMP',
  _owner: 'STRING',
}).reason;

test.each([
  [
    `INSERT is not allowed: collection 'ro' is ${readOnly}.`,
    '/data/insert',
    ["/data/insert is not allowed: collection 'ro'", 'or add any column with /schemas/column/add, which adds them too'],
  ],
  [
    "REMOVE is not allowed: collection 'c' does not support REMOVE in this database; use the operations its dataOperations (collections/get) list.",
    '/data/remove/bulk',
    [
      '/data/remove/bulk is not allowed',
      'does not support /data/remove/bulk in this database',
      'allowedOperations (/schemas/list)',
    ],
  ],
  [
    "Invalid request: query.filter.companions: 'companions' is a MULTI_REFERENCE field and cannot be filtered; items/query-referenced with referencedItemIds finds the items that reference given ids.",
    '/data/count',
    ['filter.companions', 'the legacy protocol has no multi-reference fields'],
  ],
])('%s (%s) → legacy names', (message, path, expected) => {
  const text = legacyMessage(message, path);
  for (const part of expected) expect(text).toContain(part);
  expect(text).not.toMatch(/items\/|collections\/|dataOperations|INSERT|REMOVE/);
});
