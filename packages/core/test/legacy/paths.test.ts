import { expect, test } from 'vitest';
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
