/** parseSort / parseProjection (docs/protocol.md §3.2, §10.4; docs/semantics.md §2, §4). */
import { describe, expect, test } from 'vitest';
import { parseProjection } from '../../src/query/parse-projection.ts';
import { parseSort } from '../../src/query/parse-sort.ts';
import { ctx, looseCtx, plants, thrown } from './fixtures.ts';

const keys = (raw: unknown, context = ctx) =>
  parseSort(raw, context, 'query.sort').map((s) => `${s.field.key} ${s.order}`);

describe('parseSort', () => {
  test.each<[string, unknown, string[]]>([
    ['absent → _id asc', undefined, ['_id asc']],
    ['null → _id asc', null, ['_id asc']],
    ['empty → _id asc', [], ['_id asc']],
    ['tie-breaker appended', [{ fieldName: 'heightCm', order: 'DESC' }], ['heightCm desc', '_id asc']],
    ['missing order → asc', [{ fieldName: 'commonName' }], ['commonName asc', '_id asc']],
    ['lower-case order accepted', [{ fieldName: 'commonName', order: 'desc' }], ['commonName desc', '_id asc']],
    ['_id present: no tie-breaker', [{ fieldName: '_id', order: 'DESC' }], ['_id desc']],
    [
      'entries after _id are dropped',
      [{ fieldName: 'family' }, { fieldName: '_id' }, { fieldName: 'heightCm' }],
      ['family asc', '_id asc'],
    ],
    [
      'duplicates keep the first',
      [{ fieldName: 'family', order: 'DESC' }, { fieldName: 'family' }],
      ['family desc', '_id asc'],
    ],
    ['nested path with nested ranges', [{ fieldName: 'care.sun' }], ['care.sun asc', '_id asc']],
  ])('%s', (_name, raw, expected) => {
    expect(keys(raw)).toEqual(expected);
  });

  test('a collection keyed by other fields ends every sort with them (StoredCollection.rowKey)', () => {
    const keyed = { ...ctx, rowKey: ['family', 'commonName'] };
    expect(keys(undefined, keyed)).toEqual(['family asc', 'commonName asc']);
    expect(keys([{ fieldName: 'commonName', order: 'DESC' }], keyed)).toEqual(['commonName desc', 'family asc']);
    // _id is no key there: nothing after it is cut.
    expect(keys([{ fieldName: '_id' }, { fieldName: 'heightCm' }], keyed)).toEqual([
      '_id asc',
      'heightCm asc',
      'family asc',
      'commonName asc',
    ]);
  });

  test('a collection with no key ends every sort with each sortable top-level field, arrays and multi-references left out', () => {
    const unkeyed = { ...ctx, rowKey: [] };
    const sortable = plants.fields
      .filter(
        (f) => f.capabilities?.sortable !== false && !['MULTI_REFERENCE', 'ARRAY', 'ARRAY_STRING'].includes(f.type),
      )
      .map((f) => `${f.key} asc`);
    expect(sortable).toContain('heightCm asc');
    expect(sortable).not.toContain('photo asc');
    expect(keys(undefined, unkeyed)).toEqual(sortable);
    expect(keys([{ fieldName: 'heightCm', order: 'DESC' }], unkeyed)).toEqual([
      'heightCm desc',
      ...sortable.filter((k) => k !== 'heightCm asc'),
    ]);
  });

  test('undeclared field in a non-strict collection', () => {
    expect(keys([{ fieldName: 'rank' }], looseCtx)).toEqual(['rank asc', '_id asc']);
  });

  test.each<[string, unknown, string, string]>([
    ['not an array', { fieldName: 'a' }, 'query.sort', 'must be an array'],
    ['entry not an object', ['family'], 'query.sort[0]', 'Each sort entry'],
    ['missing fieldName', [{ order: 'ASC' }], 'query.sort[0].fieldName', 'non-empty string'],
    ['bad order', [{ fieldName: 'family', order: 'UP' }], 'query.sort[0].order', '"ASC" or "DESC"'],
    ['unknown field', [{ fieldName: 'nope' }], 'query.sort[0].fieldName', "no field 'nope'"],
    ['unsortable field', [{ fieldName: 'family' }, { fieldName: 'photo' }], 'query.sort[1].fieldName', 'not sortable'],
    ['MULTI_REFERENCE', [{ fieldName: 'companions' }], 'query.sort[0].fieldName', 'not sortable'],
    ['nested into TEXT', [{ fieldName: 'family.x' }], 'query.sort[0].fieldName', 'only OBJECT'],
    ['$ key', [{ fieldName: '$id' }], 'query.sort[0].fieldName', "cannot start with '$'"],
  ])('refuses %s', (_name, raw, fieldPath, message) => {
    const err = thrown(() => parseSort(raw, ctx, 'query.sort'));
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.fieldPath).toBe(fieldPath);
    expect(err.message).toContain(message);
  });

  test('nested path refused when the storage cannot range-compare nested values', () => {
    const err = thrown(() =>
      parseSort([{ fieldName: 'care.sun' }], { ...ctx, nestedQueryOperators: ['EQ'] }, 'query.sort'),
    );
    expect(err.message).toContain('not sortable');
  });

  test('at most one array field', () => {
    const collection = {
      ...ctx.collection,
      fields: [
        ...ctx.collection.fields,
        { key: 'a1', type: 'ARRAY_STRING' as const, capabilities: { sortable: true, queryOperators: [] } },
        { key: 'a2', type: 'ARRAY_STRING' as const, capabilities: { sortable: true, queryOperators: [] } },
      ],
    };
    const err = thrown(() =>
      parseSort([{ fieldName: 'a1' }, { fieldName: 'a2' }], { ...ctx, collection }, 'query.sort'),
    );
    expect(err.fieldPath).toBe('query.sort[1].fieldName');
    expect(err.message).toContain('more than one array field');
  });
});

describe('parseProjection', () => {
  test.each<[string, unknown, string[] | undefined]>([
    ['absent', undefined, undefined],
    ['null', null, undefined],
    ['empty', [], undefined],
    ['adds _id first', ['commonName', 'heightCm'], ['_id', 'commonName', 'heightCm']],
    ['keeps _id once', ['heightCm', '_id'], ['_id', 'heightCm']],
    ['de-duplicates', ['family', 'family'], ['_id', 'family']],
    ['nested path → top-level field', ['care.sun', 'care.water'], ['_id', 'care']],
  ])('%s', (_name, raw, expected) => {
    expect(parseProjection(raw, ctx, 'query.fields')).toEqual(expected);
  });

  test('unknown field allowed when not strict', () => {
    expect(parseProjection(['rank'], looseCtx, 'query.fields')).toEqual(['_id', 'rank']);
  });

  test.each<[string, unknown, string]>([
    ['unknown field (strict)', ['commonName', 'nope'], 'query.fields[1]'],
    ['not an array', 'commonName', 'query.fields'],
    ['non-string entry', [1], 'query.fields[0]'],
  ])('refuses %s', (_name, raw, fieldPath) => {
    const err = thrown(() => parseProjection(raw, ctx, 'query.fields'));
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.fieldPath).toBe(fieldPath);
  });
});
