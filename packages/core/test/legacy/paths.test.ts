import { expect, test } from 'vitest';
import { errors } from '../../src/errors.ts';
import { legacyMessage } from '../../src/legacy/paths.ts';

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
