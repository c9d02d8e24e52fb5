// Expected SQL per case, reviewed by hand against docs/semantics.md and core query/match.ts.
// Both dialects compile these identically (README.md "Dialect facts"); identifier rules differ (identifiers.test.ts).
import { both } from './fixtures.ts';

export interface Expected {
  readonly sql: string;
  readonly params: Record<string, unknown>;
  readonly types: Record<string, unknown>;
}

export const EXPECTED: Record<string, { readonly spanner: Expected; readonly bigquery: Expected }> = {
  true: both({ sql: 'TRUE', params: {}, types: {} }),
  false: both({ sql: 'FALSE', params: {}, types: {} }),
  'and [] = true': both({ sql: 'TRUE', params: {}, types: {} }),
  'or [] = false': both({ sql: 'FALSE', params: {}, types: {} }),
  'eq string': both({
    sql: 'COALESCE(`title` = @p0, FALSE)',
    params: { p0: 'Rose' },
    types: { p0: { type: 'STRING' } },
  }),
  'eq null': both({ sql: '(`title` IS NULL)', params: {}, types: {} }),
  'ne string matches null': both({
    sql: '(NOT COALESCE(`title` = @p0, FALSE))',
    params: { p0: 'Rose' },
    types: { p0: { type: 'STRING' } },
  }),
  'ne null = present': both({ sql: '(NOT (`title` IS NULL))', params: {}, types: {} }),
  'eq other type is false': both({ sql: 'FALSE', params: {}, types: {} }),
  'ne other type is true': both({ sql: 'TRUE', params: {}, types: {} }),
  'gt number on INT64': both({
    sql: 'COALESCE(`height` > @p0, FALSE)',
    params: { p0: 10 },
    types: { p0: { type: 'FLOAT64' } },
  }),
  'lte number on NUMERIC': both({
    sql: 'COALESCE(`price` <= @p0, FALSE)',
    params: { p0: 9.99 },
    types: { p0: { type: 'FLOAT64' } },
  }),
  'gte on FLOAT64': both({
    sql: 'COALESCE(`weight` >= @p0, FALSE)',
    params: { p0: 0.5 },
    types: { p0: { type: 'FLOAT64' } },
  }),
  'lt date on TIMESTAMP': both({
    sql: 'COALESCE(`planted` < @p0, FALSE)',
    params: { p0: new Date('2024-05-01T09:30:00.000Z') },
    types: { p0: { type: 'TIMESTAMP' } },
  }),
  // At the millisecond (target.ts millisecondOf), as ranges of the column itself.
  'eq date on TIMESTAMP': both({
    sql: 'COALESCE(`planted` >= @p0 AND `planted` < @p1, FALSE)',
    params: { p0: new Date('2024-05-01T09:30:00.000Z'), p1: new Date('2024-05-01T09:30:00.001Z') },
    types: { p0: { type: 'TIMESTAMP' }, p1: { type: 'TIMESTAMP' } },
  }),
  'gt date on TIMESTAMP': both({
    sql: 'COALESCE(`planted` >= @p0, FALSE)',
    params: { p0: new Date('2024-05-01T09:30:00.001Z') },
    types: { p0: { type: 'TIMESTAMP' } },
  }),
  'lte date on TIMESTAMP': both({
    sql: 'COALESCE(`planted` < @p0, FALSE)',
    params: { p0: new Date('2024-05-01T09:30:00.001Z') },
    types: { p0: { type: 'TIMESTAMP' } },
  }),
  'ne date on TIMESTAMP matches null': both({
    sql: '(NOT COALESCE(`planted` >= @p0 AND `planted` < @p1, FALSE))',
    params: { p0: new Date('2024-05-01T09:30:00.000Z'), p1: new Date('2024-05-01T09:30:00.001Z') },
    types: { p0: { type: 'TIMESTAMP' }, p1: { type: 'TIMESTAMP' } },
  }),
  'gt the last millisecond on TIMESTAMP': both({ sql: 'FALSE', params: {}, types: {} }),
  'in dates on TIMESTAMP, at the millisecond': both({
    sql: 'COALESCE(TIMESTAMP_MILLIS(UNIX_MILLIS(`planted`)) IN UNNEST(@p0), FALSE)',
    params: { p0: [new Date('2024-05-01T09:30:00.000Z'), new Date('2024-05-02T09:30:00.000Z')] },
    types: { p0: { type: 'TIMESTAMP', array: true } },
  }),
  'eq bool': both({ sql: 'COALESCE(`active` = @p0, FALSE)', params: { p0: true }, types: { p0: { type: 'BOOL' } } }),
  'gt string on DATE column': both({
    sql: 'COALESCE(CAST(`born` AS STRING) > @p0, FALSE)',
    params: { p0: '2024-01-31' },
    types: { p0: { type: 'STRING' } },
  }),
  'range null never matches': both({ sql: 'FALSE', params: {}, types: {} }),
  'range other type never matches': both({ sql: 'FALSE', params: {}, types: {} }),
  'array eq some element': both({
    sql: 'EXISTS(SELECT 1 FROM UNNEST(`tags`) AS `e` WHERE `e` = @p0)',
    params: { p0: 'red' },
    types: { p0: { type: 'STRING' } },
  }),
  'array ne no element': both({
    sql: '(NOT EXISTS(SELECT 1 FROM UNNEST(`tags`) AS `e` WHERE `e` = @p0))',
    params: { p0: 'red' },
    types: { p0: { type: 'STRING' } },
  }),
  'array eq null': both({
    sql: '((`tags` IS NULL) OR EXISTS(SELECT 1 FROM UNNEST(`tags`) AS `e` WHERE `e` IS NULL))',
    params: {},
    types: {},
  }),
  'array gt some element': both({
    sql: 'EXISTS(SELECT 1 FROM UNNEST(`scores`) AS `e` WHERE `e` > @p0)',
    params: { p0: 3 },
    types: { p0: { type: 'FLOAT64' } },
  }),
  'array whole equality': both({
    sql: 'COALESCE(ARRAY_LENGTH(`tags`) = ARRAY_LENGTH(@p0) AND NOT EXISTS(SELECT 1 FROM UNNEST(`tags`) AS `e` WITH OFFSET AS `i` WHERE NOT COALESCE(`e` = @p0[SAFE_OFFSET(`i`)], FALSE)), FALSE)',
    params: { p0: ['a', 'b'] },
    types: { p0: { type: 'STRING', array: true } },
  }),
  'array whole empty': both({
    sql: 'COALESCE(ARRAY_LENGTH(`tags`) = ARRAY_LENGTH(@p0) AND NOT EXISTS(SELECT 1 FROM UNNEST(`tags`) AS `e` WITH OFFSET AS `i` WHERE NOT COALESCE(`e` = @p0[SAFE_OFFSET(`i`)], FALSE)), FALSE)',
    params: { p0: [] },
    types: { p0: { type: 'STRING', array: true } },
  }),
  'in scalar': both({
    sql: 'COALESCE(`title` IN UNNEST(@p0), FALSE)',
    params: { p0: ['a', 'b'] },
    types: { p0: { type: 'STRING', array: true } },
  }),
  'in with null': both({
    sql: '(COALESCE(`title` IN UNNEST(@p0), FALSE) OR (`title` IS NULL))',
    params: { p0: ['a', 'b'] },
    types: { p0: { type: 'STRING', array: true } },
  }),
  'in single': both({ sql: 'COALESCE(`height` = @p0, FALSE)', params: { p0: 3 }, types: { p0: { type: 'FLOAT64' } } }),
  'in mixed types': both({
    sql: 'COALESCE(`height` IN UNNEST(@p0), FALSE)',
    params: { p0: [3, 4] },
    types: { p0: { type: 'FLOAT64', array: true } },
  }),
  'hasSome array': both({
    sql: 'EXISTS(SELECT 1 FROM UNNEST(`tags`) AS `e` WHERE `e` IN UNNEST(@p0))',
    params: { p0: ['a', 'b'] },
    types: { p0: { type: 'STRING', array: true } },
  }),
  // One ARRAY parameter whatever the list's length: the distinct listed values some element equals.
  'hasAll array': both({
    sql: '((SELECT COUNT(DISTINCT `v`) FROM UNNEST(`tags`) AS `e`, UNNEST(@p0) AS `v` WHERE `e` = `v`) = ARRAY_LENGTH(@p0))',
    params: { p0: ['a', 'b'] },
    types: { p0: { type: 'STRING', array: true } },
  }),
  'hasAll scalar': both({
    sql: 'COALESCE(`title` = @p0, FALSE)',
    params: { p0: 'a' },
    types: { p0: { type: 'STRING' } },
  }),
  'hasAll scalar, two values': both({ sql: 'FALSE', params: {}, types: {} }),
  'hasAll scalar, one value twice': both({
    sql: 'COALESCE(`height` = @p0, FALSE)',
    params: { p0: 0 },
    types: { p0: { type: 'FLOAT64' } },
  }),
  'hasAll array with null': both({
    sql: '(((`tags` IS NULL) OR EXISTS(SELECT 1 FROM UNNEST(`tags`) AS `e` WHERE `e` IS NULL)) AND ((SELECT COUNT(DISTINCT `v`) FROM UNNEST(`tags`) AS `e`, UNNEST(@p0) AS `v` WHERE `e` = `v`) = ARRAY_LENGTH(@p0)))',
    params: { p0: ['a', 'b'] },
    types: { p0: { type: 'STRING', array: true } },
  }),
  'hasAll json nested': both({
    sql: "((SELECT COUNT(DISTINCT `v`) FROM UNNEST(JSON_QUERY_ARRAY(JSON_QUERY(`care`, '$.sun'))) AS `e`, UNNEST(@p0) AS `v` WHERE CASE WHEN JSON_TYPE(`e`) = 'string' THEN LAX_STRING(`e`) END = `v`) = ARRAY_LENGTH(@p0))",
    params: { p0: ['a', 'b'] },
    types: { p0: { type: 'STRING', array: true } },
  }),
  contains: both({
    sql: 'COALESCE(STRPOS(LOWER(`title`), LOWER(@p0)) > 0, FALSE)',
    params: { p0: '50%_' },
    types: { p0: { type: 'STRING' } },
  }),
  startsWith: both({
    sql: 'COALESCE(STARTS_WITH(LOWER(`title`), LOWER(@p0)), FALSE)',
    params: { p0: 'Ro' },
    types: { p0: { type: 'STRING' } },
  }),
  'startsWith with a sigma': both({
    sql: "COALESCE(STARTS_WITH(REPLACE(LOWER(`title`), 'ς', 'σ'), REPLACE(LOWER(@p0), 'ς', 'σ')), FALSE)",
    params: { p0: 'ΣΊΣ' },
    types: { p0: { type: 'STRING' } },
  }),
  'matches ignoreCase with a sigma': both({
    sql: "COALESCE(REGEXP_CONTAINS(REPLACE(LOWER(`title`), 'ς', 'σ'), @p0), FALSE)",
    params: { p0: '^(?:σίσυφοσ)$' },
    types: { p0: { type: 'STRING' } },
  }),
  'endsWith on array': both({
    sql: 'EXISTS(SELECT 1 FROM UNNEST(`tags`) AS `e` WHERE ENDS_WITH(LOWER(`e`), LOWER(@p0)))',
    params: { p0: 'ed' },
    types: { p0: { type: 'STRING' } },
  }),
  'contains empty': both({ sql: 'COALESCE(`title` IS NOT NULL, FALSE)', params: {}, types: {} }),
  'contains on number is false': both({ sql: 'FALSE', params: {}, types: {} }),
  'exists true': both({ sql: '(`title` IS NOT NULL)', params: {}, types: {} }),
  'exists false': both({ sql: '(NOT (`tags` IS NOT NULL))', params: {}, types: {} }),
  'matches ignoreCase': both({
    sql: 'COALESCE(REGEXP_CONTAINS(LOWER(`title`), @p0), FALSE)',
    params: { p0: '^(?:c\\+\\+[ \\-\\]]soup)$' },
    types: { p0: { type: 'STRING' } },
  }),
  'matches case-sensitive': both({
    sql: 'COALESCE(REGEXP_CONTAINS(`title`, @p0), FALSE)',
    params: { p0: '^(?:A\\.b)$' },
    types: { p0: { type: 'STRING' } },
  }),
  urlized: both({
    sql: 'COALESCE(REGEXP_CONTAINS(LOWER(`title`), @p0), FALSE)',
    params: { p0: '^[^\\p{L}\\p{N}]*(?:summer[- ]salad)[^\\p{L}\\p{N}]*$' },
    types: { p0: { type: 'STRING' } },
  }),
  'not exact complement': both({
    sql: '(NOT COALESCE(`height` > @p0, FALSE))',
    params: { p0: 3 },
    types: { p0: { type: 'FLOAT64' } },
  }),
  'not of not': both({
    sql: '(NOT (NOT COALESCE(`title` = @p0, FALSE)))',
    params: { p0: 'a' },
    types: { p0: { type: 'STRING' } },
  }),
  'or of and': both({
    sql: '((COALESCE(`title` = @p0, FALSE) AND COALESCE(`height` < @p1, FALSE)) OR COALESCE(`active` = @p2, FALSE))',
    params: { p0: 'a', p1: 2, p2: false },
    types: { p0: { type: 'STRING' }, p1: { type: 'FLOAT64' }, p2: { type: 'BOOL' } },
  }),
  'json nested number': both({
    sql: "(COALESCE(CASE WHEN JSON_TYPE(JSON_QUERY(`care`, '$.sun')) = 'number' THEN LAX_FLOAT64(JSON_QUERY(`care`, '$.sun')) END = @p0, FALSE) OR EXISTS(SELECT 1 FROM UNNEST(JSON_QUERY_ARRAY(JSON_QUERY(`care`, '$.sun'))) AS `e` WHERE CASE WHEN JSON_TYPE(`e`) = 'number' THEN LAX_FLOAT64(`e`) END = @p0))",
    params: { p0: 3 },
    types: { p0: { type: 'FLOAT64' } },
  }),
  'json nested string': both({
    sql: "(COALESCE(CASE WHEN JSON_TYPE(JSON_QUERY(`care`, '$.light.level')) = 'string' THEN LAX_STRING(JSON_QUERY(`care`, '$.light.level')) END > @p0, FALSE) OR EXISTS(SELECT 1 FROM UNNEST(JSON_QUERY_ARRAY(JSON_QUERY(`care`, '$.light.level'))) AS `e` WHERE CASE WHEN JSON_TYPE(`e`) = 'string' THEN LAX_STRING(`e`) END > @p0))",
    params: { p0: 'm' },
    types: { p0: { type: 'STRING' } },
  }),
  'json nested quoted key': both({
    sql: "(COALESCE(CASE WHEN JSON_TYPE(JSON_QUERY(`care`, '$.\"full sun\"')) = 'boolean' THEN LAX_BOOL(JSON_QUERY(`care`, '$.\"full sun\"')) END = @p0, FALSE) OR EXISTS(SELECT 1 FROM UNNEST(JSON_QUERY_ARRAY(JSON_QUERY(`care`, '$.\"full sun\"'))) AS `e` WHERE CASE WHEN JSON_TYPE(`e`) = 'boolean' THEN LAX_BOOL(`e`) END = @p0))",
    params: { p0: true },
    types: { p0: { type: 'BOOL' } },
  }),
  'json nested null': both({
    sql: "((JSON_QUERY(`care`, '$.sun') IS NULL OR JSON_TYPE(JSON_QUERY(`care`, '$.sun')) = 'null') OR EXISTS(SELECT 1 FROM UNNEST(JSON_QUERY_ARRAY(JSON_QUERY(`care`, '$.sun'))) AS `e` WHERE JSON_TYPE(`e`) = 'null'))",
    params: {},
    types: {},
  }),
  'json nested exists': both({
    sql: "(JSON_QUERY(`care`, '$.sun') IS NOT NULL AND NOT JSON_TYPE(JSON_QUERY(`care`, '$.sun')) = 'null')",
    params: {},
    types: {},
  }),
  'json nested in': both({
    sql: "((COALESCE(CASE WHEN JSON_TYPE(JSON_QUERY(`care`, '$.sun')) = 'number' THEN LAX_FLOAT64(JSON_QUERY(`care`, '$.sun')) END IN UNNEST(@p0), FALSE) OR EXISTS(SELECT 1 FROM UNNEST(JSON_QUERY_ARRAY(JSON_QUERY(`care`, '$.sun'))) AS `e` WHERE CASE WHEN JSON_TYPE(`e`) = 'number' THEN LAX_FLOAT64(`e`) END IN UNNEST(@p0))) OR (COALESCE(CASE WHEN JSON_TYPE(JSON_QUERY(`care`, '$.sun')) = 'string' THEN LAX_STRING(JSON_QUERY(`care`, '$.sun')) END = @p1, FALSE) OR EXISTS(SELECT 1 FROM UNNEST(JSON_QUERY_ARRAY(JSON_QUERY(`care`, '$.sun'))) AS `e` WHERE CASE WHEN JSON_TYPE(`e`) = 'string' THEN LAX_STRING(`e`) END = @p1)))",
    params: { p0: [1, 2], p1: 'full' },
    types: { p0: { type: 'FLOAT64', array: true }, p1: { type: 'STRING' } },
  }),
  'json nested contains': both({
    sql: "(COALESCE(STRPOS(LOWER(CASE WHEN JSON_TYPE(JSON_QUERY(`care`, '$.note')) = 'string' THEN LAX_STRING(JSON_QUERY(`care`, '$.note')) END), LOWER(@p0)) > 0, FALSE) OR EXISTS(SELECT 1 FROM UNNEST(JSON_QUERY_ARRAY(JSON_QUERY(`care`, '$.note'))) AS `e` WHERE STRPOS(LOWER(CASE WHEN JSON_TYPE(`e`) = 'string' THEN LAX_STRING(`e`) END), LOWER(@p0)) > 0))",
    params: { p0: 'Wet' },
    types: { p0: { type: 'STRING' } },
  }),
  'json top-level exists': both({
    sql: "(NOT (`care` IS NOT NULL AND NOT JSON_TYPE(`care`) = 'null'))",
    params: {},
    types: {},
  }),
  'missing column eq null': both({ sql: 'TRUE', params: {}, types: {} }),
  'missing column ne': both({ sql: 'TRUE', params: {}, types: {} }),
  'missing column range': both({ sql: 'FALSE', params: {}, types: {} }),
  'missing column exists false': both({ sql: 'TRUE', params: {}, types: {} }),
  'bytes exists': both({ sql: '(`photo` IS NOT NULL)', params: {}, types: {} }),
  'bytes eq null': both({ sql: '(`photo` IS NULL)', params: {}, types: {} }),
};
