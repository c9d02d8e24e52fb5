import { describe, expect, test } from 'vitest';
import {
  allowedOperations,
  columnToField,
  LEGACY_FIELD_TYPES,
  legacyTypeOf,
  toLegacySchema,
} from '../../src/legacy/schema.ts';
import { FIELD_TYPES } from '../../src/model.ts';

describe('legacy field types', () => {
  test('every v3 type has one of the seven legacy types', () => {
    for (const type of FIELD_TYPES) expect(LEGACY_FIELD_TYPES).toContain(legacyTypeOf(type));
  });

  test.each([
    [{ name: 'n', type: 'number', subtype: 'int' }, 'NUMBER'],
    [{ name: 'd', type: 'datetime', subtype: 'date' }, 'DATE'],
    [{ name: 't', type: 'datetime', subtype: 'time' }, 'TIME'],
    [{ name: 'x', type: 'datetime' }, 'DATETIME'],
    [{ name: 'l', type: 'object', subtype: 'ARRAY_STRING' }, 'ARRAY_STRING'],
    [{ name: 'r', type: 'text', subtype: 'RICH_TEXT' }, 'RICH_TEXT'],
    [{ name: 'u', type: 'url' }, 'URL'],
    [{ name: 'i', type: 'image' }, 'IMAGE'],
  ])('column %j → %s', (column, type) => {
    expect(columnToField(column)).toEqual({ key: column.name, type });
  });

  test.each([
    [{ name: 'x', type: 'varchar' }],
    [{ type: 'text' }],
    [{ name: 'x', type: 'number', subtype: 'ARRAY_STRING' }],
    // No legacy call reads or writes a multi-reference (legacy/README.md decisions).
    [{ name: 'x', type: 'object', subtype: 'MULTI_REFERENCE' }],
    ['text'],
  ])('column %j → 400', (column) => {
    expect(() => columnToField(column)).toThrow(expect.objectContaining({ status: 400 }));
  });
});

test('allowedOperations follow the v3 dataOperations', () => {
  expect(allowedOperations(['QUERY', 'COUNT', 'AGGREGATE'])).toEqual(['get', 'find', 'count', 'aggregate']);
  expect(allowedOperations(['QUERY', 'COUNT', 'INSERT', 'UPDATE', 'REMOVE', 'TRUNCATE'])).toEqual([
    'get',
    'find',
    'count',
    'insert',
    'bulkInsert',
    'update',
    'bulkUpdate',
    'remove',
    'bulkRemove',
    'truncate',
  ]);
});

test('a MULTI_REFERENCE field is left out of the legacy schema: the protocol cannot read, write or filter it', () => {
  const schema = toLegacySchema(
    {
      id: 'plants',
      fields: [
        { key: '_id', type: 'TEXT' },
        { key: 'tags', type: 'ARRAY_STRING' },
        { key: 'companions', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: 'plants' } },
      ],
    },
    false,
  );
  expect(Object.keys(schema.fields)).toEqual(['_id', 'tags']);
});

test('a table without _id is not offered get: /data/get fetches by _id', () => {
  expect(allowedOperations(['QUERY', 'COUNT', 'AGGREGATE'], false)).toEqual(['find', 'count', 'aggregate']);
  const schema = toLegacySchema(
    {
      id: 'ro_noid',
      fields: [{ key: 'name', type: 'TEXT' }],
      capabilities: { dataOperations: ['QUERY', 'COUNT', 'AGGREGATE'] },
    },
    false,
  );
  expect(schema.allowedOperations).toEqual(['find', 'count', 'aggregate']);
});
