import { FIELD_TYPES } from '@adaptors/core';
import { expect, test } from 'vitest';
import { bigquery, type ColumnType, defaultColumnType, spanner } from '../src/index.ts';

test('mapping: Wix type → default column type', () => {
  const table = Object.fromEntries(FIELD_TYPES.map((t) => [t, defaultColumnType(t)]));
  expect(table).toEqual({
    TEXT: 'STRING',
    NUMBER: 'FLOAT64',
    DATE: 'STRING',
    DATETIME: 'TIMESTAMP',
    IMAGE: 'STRING',
    BOOLEAN: 'BOOL',
    DOCUMENT: 'STRING',
    URL: 'STRING',
    RICH_TEXT: 'STRING',
    VIDEO: 'STRING',
    ANY: 'JSON',
    ARRAY_STRING: { array: 'STRING' },
    ARRAY_DOCUMENT: 'JSON',
    AUDIO: 'STRING',
    TIME: 'STRING',
    LANGUAGE: 'STRING',
    RICH_CONTENT: 'JSON',
    MEDIA_GALLERY: 'JSON',
    ADDRESS: 'JSON',
    REFERENCE: 'STRING',
    MULTI_REFERENCE: undefined,
    OBJECT: 'JSON',
    ARRAY: 'JSON',
  });
});

test.each([spanner, bigquery])('$name: capabilities declare only exact operators', (dialect) => {
  const caps = (type: ColumnType) => dialect.capabilities({ name: 'c', type });
  const text = [
    'EQ',
    'NE',
    'HAS_SOME',
    'HAS_ALL',
    'EXISTS',
    'LT',
    'LTE',
    'GT',
    'GTE',
    'CONTAINS',
    'STARTS_WITH',
    'ENDS_WITH',
    'URLIZED',
  ];
  const ordered = ['EQ', 'NE', 'HAS_SOME', 'HAS_ALL', 'EXISTS', 'LT', 'LTE', 'GT', 'GTE'];
  expect(caps('STRING')).toEqual({ sortable: true, queryOperators: text });
  expect(caps('DATE')).toEqual({ sortable: true, queryOperators: text });
  for (const t of ['FLOAT64', 'INT64', 'NUMERIC', 'BOOL', 'TIMESTAMP'] as const) {
    expect(caps(t)).toEqual({ sortable: true, queryOperators: ordered });
  }
  expect(caps({ array: 'STRING' })).toEqual({ sortable: false, queryOperators: text });
  expect(caps({ array: 'FLOAT64' })).toEqual({ sortable: false, queryOperators: ordered });
  expect(caps('JSON')).toEqual({ sortable: false, queryOperators: ['EXISTS'] });
  expect(caps('BYTES')).toEqual({ sortable: false, queryOperators: ['EXISTS'] });
  expect(caps({ array: 'JSON' })).toEqual({ sortable: false, queryOperators: ['EXISTS'] });
  expect(dialect.nestedPathOperators()).toEqual(text);
});
