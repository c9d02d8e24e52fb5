// The references table's statements (src/references.ts), table-tested per engine, and the per-pair answers.
import { errors, type Field } from '@adaptors/core';
import { bigquery, GoogleSqlCompiler, spanner } from '@adaptors/googlesql';
import { describe, expect, test } from 'vitest';
import { insertAnswers, type PairsQuery, referencesStatements, removeAnswers } from '../src/index.ts';

const query: PairsQuery = {
  collectionId: 'plants',
  fieldKey: 'pots',
  referringItemIds: ['a'],
  referencedItemIds: [],
  order: 'desc',
  offset: 5,
  limit: 10,
};

const R = '`wix_adaptor_references`';
const EXPECTED = {
  deleteOfItems:
    'DELETE FROM ' +
    R +
    ' WHERE (`collection_id` = @p0 AND `referring_id` IN UNNEST(@p1)) OR (`referenced_collection_id` = @p0 AND `referenced_id` IN UNNEST(@p1))',
  deleteOfCollection: `DELETE FROM ${R} WHERE \`collection_id\` = @p0 OR \`referenced_collection_id\` = @p0`,
  deleteOfField: `DELETE FROM ${R} WHERE \`collection_id\` = @p0 AND \`field_key\` = @p1`,
  selectPairs:
    'SELECT `referring_id` AS `a`, `referenced_id` AS `b` FROM ' +
    R +
    ' WHERE `collection_id` = @p0 AND `field_key` = @p1 AND `referring_id` IN UNNEST(@p2)' +
    ' ORDER BY `created_at` DESC, `seq` DESC, `referring_id` DESC, `referenced_id` DESC LIMIT @p3 OFFSET @p4',
  countPairs:
    'SELECT COUNT(*) AS `n` FROM ' +
    R +
    ' WHERE `collection_id` = @p0 AND `field_key` = @p1 AND `referring_id` IN UNNEST(@p2)',
};

describe.each([spanner, bigquery])('$name: references statements', (engine) => {
  const dml = referencesStatements(engine);
  test('SQL, every value a typed parameter', () => {
    const ofItems = dml.deleteOfItems('plants', ['x', 'y']);
    expect(ofItems.sql).toBe(EXPECTED.deleteOfItems);
    expect(ofItems.params).toEqual({ p0: 'plants', p1: ['x', 'y'] });
    expect(ofItems.types).toEqual({ p0: { type: 'STRING' }, p1: { type: 'STRING', array: true } });
    expect(dml.deleteOfCollection('plants').sql).toBe(EXPECTED.deleteOfCollection);
    expect(dml.deleteOfField('plants', 'pots').params).toEqual({ p0: 'plants', p1: 'pots' });
    expect(dml.deleteOfField('plants', 'pots').sql).toBe(EXPECTED.deleteOfField);
    const page = dml.selectPairs(query);
    expect(page.sql).toBe(EXPECTED.selectPairs);
    expect(page.params).toEqual({ p0: 'plants', p1: 'pots', p2: ['a'], p3: 10, p4: 5 });
    expect(page.types.p3).toEqual({ type: 'INT64' });
    expect(dml.countPairs(query).sql).toBe(EXPECTED.countPairs);
  });
});

test('an engine with other hooks gets its own spelling', () => {
  class Other extends GoogleSqlCompiler {
    override quote(name: string): string {
      return `"${name}"`;
    }
    override placeholder(name: string): string {
      return `:${name}`;
    }
    override inArray(value: string, array: string): string {
      return `${value} = ANY(${array})`;
    }
  }
  expect(referencesStatements(new Other()).countPairs(query).sql).toBe(
    'SELECT COUNT(*) AS "n" FROM "wix_adaptor_references" WHERE "collection_id" = :p0 AND "field_key" = :p1 AND "referring_id" = ANY(:p2)',
  );
});

const field: Field = {
  key: 'pots',
  type: 'MULTI_REFERENCE',
  multiReferenceOptions: { referencedCollectionId: 'pots' },
} as Field;
const pair = (a: string, b: string) => ({ referringItemId: a, referencedItemId: b });

test('insert answers: missing ends, existing pairs and repeats in one call, in call order', () => {
  const { results, fresh } = insertAnswers(
    'plants',
    field,
    [pair('p1', 'x1'), pair('gone', 'x1'), pair('p1', 'gone'), pair('p1', 'x2'), pair('p1', 'x1'), pair('p2', 'x1')],
    {
      referring: new Set(['p1', 'p2']),
      referenced: new Set(['x1', 'x2']),
      existing: new Set([JSON.stringify(['p1', 'x2'])]),
    },
  );
  expect(results).toEqual([
    { reference: pair('p1', 'x1') },
    { error: errors.itemNotFound('plants', 'gone') },
    { error: errors.itemNotFound('pots', 'gone') },
    { error: errors.referenceAlreadyExists('pots', 'p1', 'x2') },
    { error: errors.referenceAlreadyExists('pots', 'p1', 'x1') },
    { reference: pair('p2', 'x1') },
  ]);
  expect(fresh).toEqual([pair('p1', 'x1'), pair('p2', 'x1')]);
});

test('remove answers: a pair is removed once, a missing one is not found', () => {
  const { results, removed } = removeAnswers(
    field,
    [pair('p1', 'x1'), pair('p1', 'x1'), pair('p9', 'x9')],
    new Set([JSON.stringify(['p1', 'x1'])]),
  );
  expect(results).toEqual([
    { reference: pair('p1', 'x1') },
    { error: errors.referenceNotFound('pots', 'p1', 'x1') },
    { error: errors.referenceNotFound('pots', 'p9', 'x9') },
  ]);
  expect(removed).toEqual([pair('p1', 'x1')]);
});
