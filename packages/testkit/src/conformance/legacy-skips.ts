/**
 * Conformance cases the legacy External Database Collections protocol cannot
 * express, each with its reason (see ../legacy-client.ts and
 * packages/core/src/legacy/README.md). Everything not listed here runs through
 * the legacy client; what the legacy surface adds (schema objects, v1 filters,
 * the secret, roles) is tested in test/legacy-*.test.ts.
 */
import type { ConformanceSkip } from './skips.ts';

const ERROR_SHAPE =
  'legacy errors are an HTTP status and {message}: no errorCode, data or violations to compare (the status is checked in test/legacy-routes.test.ts)';
const PER_ITEM = 'legacy writes answer the item(s) or one HTTP error: a mixed batch has no per-item results to compare';
const SCHEMA =
  'collection management with v3 types, options and display names, capabilities, indexes and references have no legacy form; the legacy schema endpoints are tested in test/legacy-routes.test.ts';

export const LEGACY_SKIPS: readonly ConformanceSkip[] = [
  { test: /^queries > distinct values/, reason: 'the legacy protocol has no distinct-values endpoint' },
  {
    test: /^queries > aggregation \(§6\.1\) > (groups with every operation|paging over groups|no grouping and no operation)/,
    reason: 'legacy /data/aggregate takes no sort or paging',
  },
  { test: /^queries > cursor paging/, reason: 'legacy /data/find pages with skip/limit only, no cursors' },
  { test: /^writes > insert: generated _id/, reason: PER_ITEM },
  { test: /^writes > insert: one bad item/, reason: PER_ITEM },
  { test: /^writes > update: full replacement/, reason: PER_ITEM },
  { test: /^writes > insert with overwriteExisting/, reason: 'legacy inserts have no overwriteExisting (upsert) flag' },
  { test: /^writes > remove: removed items answered/, reason: PER_ITEM },
  { test: /^writes > parallel updates of one item/, reason: PER_ITEM },
  {
    test: /^writes > an item near the 500 KB limit/,
    reason: 'a refused single item is an HTTP error in legacy, not the per-item VALIDATION_ERROR result compared here',
  },
  { test: /^writes > error paths > /, reason: ERROR_SHAPE },
  { test: /^schema > /, reason: SCHEMA },
  {
    test: /^access > /,
    reason:
      'includeReferencedItems, query-referenced, reference changes, cursors and v3 field types have no legacy form; legacy calls go through the same adaptor.call and its policy (test/legacy-routes.test.ts)',
  },
  {
    test: /^limits > /,
    reason:
      "the limits are the core's, the same for both protocols, but these cases check v3 error codes, violation paths and per-item results; legacy errors are a status and a message only",
  },
];
