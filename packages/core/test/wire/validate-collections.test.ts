import { describe, expect, it } from 'vitest';
import { FIELD_TYPES } from '../../src/model.ts';
import { normalizeCollectionInput, validateRequest } from '../../src/wire/validate.ts';
import { expectViolation } from './helpers.ts';

const suppliers = {
  id: 'suppliers',
  displayName: 'Suppliers',
  fields: [
    { key: '_id', type: 'TEXT' },
    { key: '_createdDate', type: 'DATETIME' },
    { key: '_updatedDate', type: 'DATETIME' },
    { key: '_owner', type: 'TEXT' },
    { key: 'name', displayName: 'Name', type: 'TEXT' },
    { key: 'rating', displayName: 'Rating', type: 'NUMBER' },
    { key: 'website', displayName: 'Website', type: 'URL' },
  ],
};

describe('collections/get (§5.1)', () => {
  it('accepts {}, an empty list, ids and null', () => {
    validateRequest('collections/get', {});
    validateRequest('collections/get', { collectionIds: [] });
    validateRequest('collections/get', { collectionIds: ['plants', 'suppliers'] });
    validateRequest('collections/get', { collectionIds: null });
  });
  it('refuses a non-array and non-string ids', () => {
    expectViolation(() => validateRequest('collections/get', { collectionIds: 'plants' }), 'collectionIds');
    expectViolation(() => validateRequest('collections/get', { collectionIds: ['a', 2] }), 'collectionIds[1]');
  });
});

describe('collections/create (§5.2)', () => {
  it('accepts a minimal and the full example body', () => {
    validateRequest('collections/create', { collection: { id: 'bare' } });
    const request = validateRequest('collections/create', { collection: suppliers });
    expect(request.collection.fields).toHaveLength(7);
  });

  it('accepts every field type, options flat and wrapped, and ignores capabilities/pagingMode', () => {
    validateRequest('collections/create', {
      collection: {
        id: 'all',
        fields: FIELD_TYPES.map((type, index) => ({ key: `f${index}`, type })),
        capabilities: { dataOperations: ['QUERY'] },
        pagingMode: 'SIDEWAYS',
        permissions: { read: 'ANYONE', insert: 'ADMIN', update: null },
      },
    });
    validateRequest('collections/create', {
      collection: {
        id: 'plants',
        fields: [
          {
            key: 'supplier',
            type: 'REFERENCE',
            typeOptions: { singleReferenceOptions: { referencedCollectionId: 's' } },
          },
          { key: 'companions', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: 'plants' } },
          { key: 'care', type: 'OBJECT', objectOptions: { fields: [{ key: 'sun', type: 'TEXT', capabilities: {} }] } },
          { key: 'list', type: 'ARRAY', arrayOptions: { elementType: 'NUMBER' } },
        ],
      },
    });
  });

  it('refuses an unknown field type, naming the path and listing the valid ones', () => {
    const violation = expectViolation(
      () =>
        validateRequest('collections/create', {
          collection: {
            id: 'x',
            fields: [
              { key: 'a', type: 'TEXT' },
              { key: 'b', type: 'PAGE_LINK' },
            ],
          },
        }),
      'collection.fields[1].type',
    );
    expect(violation.rejectedValue).toBe('PAGE_LINK');
    expect(violation.message).toBe(`expected one of ${FIELD_TYPES.join(', ')}`);
  });

  it('refuses bad types inside nested and wrapped options', () => {
    expectViolation(
      () =>
        validateRequest('collections/create', {
          collection: {
            id: 'x',
            fields: [{ key: 'care', type: 'OBJECT', objectOptions: { fields: [{ key: 'sun', type: 'SUNNY' }] } }],
          },
        }),
      'collection.fields[0].objectOptions.fields[0].type',
    );
    expectViolation(
      () =>
        validateRequest('collections/create', {
          collection: {
            id: 'x',
            fields: [{ key: 'l', type: 'ARRAY', typeOptions: { arrayOptions: { elementType: 'X' } } }],
          },
        }),
      'collection.fields[0].typeOptions.arrayOptions.elementType',
    );
  });

  it('refuses $-prefixed, dotted and empty keys, duplicates, and a missing/over-long id', () => {
    const dollar = expectViolation(
      () => validateRequest('collections/create', { collection: { id: 'x', fields: [{ key: '$a', type: 'TEXT' }] } }),
      'collection.fields[0].key',
    );
    expect(dollar.message).toContain('"$"');
    expectViolation(
      () => validateRequest('collections/create', { collection: { id: 'x', fields: [{ key: 'a.b', type: 'TEXT' }] } }),
      'collection.fields[0].key',
    );
    expectViolation(
      () => validateRequest('collections/create', { collection: { id: 'x', fields: [{ key: '', type: 'TEXT' }] } }),
      'collection.fields[0].key',
    );
    expectViolation(
      () =>
        validateRequest('collections/create', {
          collection: { id: 'x', fields: [{ key: '__proto__', type: 'TEXT' }] },
        }),
      'collection.fields[0].key',
    );
    // Liberal otherwise: keys outside the recommended pattern are fine.
    validateRequest('collections/create', {
      collection: {
        id: 'x',
        fields: [
          { key: 'Größe (cm)', type: 'NUMBER' },
          { key: '1st', type: 'TEXT' },
        ],
      },
    });
    const duplicate = expectViolation(
      () =>
        validateRequest('collections/create', {
          collection: {
            id: 'x',
            fields: [
              { key: 'a', type: 'TEXT' },
              { key: 'b', type: 'TEXT' },
              { key: 'a', type: 'NUMBER' },
            ],
          },
        }),
      'collection.fields[2].key',
    );
    expect(duplicate.message).toContain('fields[0]');
    expectViolation(() => validateRequest('collections/create', { collection: { fields: [] } }), 'collection.id');
    expectViolation(
      () => validateRequest('collections/create', { collection: { id: 'x'.repeat(257) } }),
      'collection.id',
    );
    expectViolation(() => validateRequest('collections/create', {}), 'collection');
    expectViolation(
      () => validateRequest('collections/create', { collection: { id: 'x', fields: [{ key: 'a' }] } }),
      'collection.fields[0].type',
    );
    expectViolation(
      () => validateRequest('collections/create', { collection: { id: 'x', permissions: { read: 'EVERYONE' } } }),
      'collection.permissions.read',
    );
  });
});

describe('collections/update (§5.3)', () => {
  it('accepts the example (capabilities and pagingMode sent but ignored)', () => {
    validateRequest('collections/update', {
      collection: {
        id: 'suppliers',
        fields: [
          { key: '_id', type: 'TEXT' },
          { key: 'rating', displayName: 'Rating', type: 'TEXT' },
          { key: 'country', displayName: 'Country', type: 'TEXT' },
        ],
        capabilities: { dataOperations: ['QUERY'] },
        pagingMode: 'CURSOR',
      },
    });
  });
  it('requires the complete field list and a valid field type', () => {
    expectViolation(
      () => validateRequest('collections/update', { collection: { id: 'suppliers' } }),
      'collection.fields',
    );
    expectViolation(
      () => validateRequest('collections/update', { collection: { id: 's', fields: [{ key: 'a', type: 'text' }] } }),
      'collection.fields[0].type',
    );
  });
});

describe('collections/delete (§5.4)', () => {
  it('accepts the example, refuses a missing id', () => {
    validateRequest('collections/delete', { collectionId: 'suppliers' });
    expectViolation(() => validateRequest('collections/delete', {}), 'collectionId');
  });
});

describe('normalizeCollectionInput', () => {
  it('moves typeOptions to flat keys, drops capabilities and pagingMode, keeps metadata', () => {
    const request = validateRequest('collections/create', {
      collection: {
        id: 'plants',
        displayName: 'Plants',
        capabilities: { dataOperations: ['QUERY'] },
        pagingMode: 'CURSOR',
        permissions: { read: 'ANYONE', insert: 'SITE_MEMBER', update: null },
        fields: [
          {
            key: 'name',
            type: 'TEXT',
            displayName: 'Name',
            description: 'Shown to visitors',
            encrypted: true,
            capabilities: { sortable: true, queryOperators: ['EQ'] },
          },
          {
            key: 'supplier',
            type: 'REFERENCE',
            typeOptions: { singleReferenceOptions: { referencedCollectionId: 'suppliers' }, includeSupported: true },
          },
          {
            key: 'companions',
            type: 'MULTI_REFERENCE',
            multiReferenceOptions: { referencedCollectionId: 'plants', referencedCollectionFieldKey: 'companionOf' },
            typeOptions: { multiReferenceOptions: { referencedCollectionId: 'ignored' } },
          },
          {
            key: 'care',
            type: 'OBJECT',
            typeOptions: {
              objectOptions: {
                fields: [{ key: 'when', type: 'REFERENCE', singleReferenceOptions: { referencedCollectionId: 'x' } }],
              },
            },
          },
          { key: 'heights', type: 'ARRAY', arrayOptions: { elementType: 'NUMBER' } },
          { key: 'loose', type: 'ARRAY', arrayOptions: {} },
          // Options that do not belong to the type are dropped.
          { key: 'stray', type: 'TEXT', singleReferenceOptions: { referencedCollectionId: 'x' } },
        ],
      },
    });
    expect(normalizeCollectionInput(request.collection)).toEqual({
      id: 'plants',
      displayName: 'Plants',
      permissions: { read: 'ANYONE', insert: 'SITE_MEMBER' },
      fields: [
        { key: 'name', type: 'TEXT', displayName: 'Name', description: 'Shown to visitors', encrypted: true },
        { key: 'supplier', type: 'REFERENCE', singleReferenceOptions: { referencedCollectionId: 'suppliers' } },
        {
          key: 'companions',
          type: 'MULTI_REFERENCE',
          multiReferenceOptions: { referencedCollectionId: 'plants', referencedCollectionFieldKey: 'companionOf' },
        },
        {
          key: 'care',
          type: 'OBJECT',
          objectOptions: {
            fields: [{ key: 'when', type: 'REFERENCE', singleReferenceOptions: { referencedCollectionId: 'x' } }],
          },
        },
        { key: 'heights', type: 'ARRAY', arrayOptions: { elementType: 'NUMBER' } },
        { key: 'loose', type: 'ARRAY' },
        { key: 'stray', type: 'TEXT' },
      ],
    });
  });

  it('gives a create without fields an empty field list', () => {
    const request = validateRequest('collections/create', { collection: { id: 'bare' } });
    expect(normalizeCollectionInput(request.collection)).toEqual({ id: 'bare', fields: [] });
  });
});

describe('the field limit counts the system fields (docs/semantics.md §10)', () => {
  const userFields = (count: number) => Array.from({ length: count }, (_, i) => ({ key: `f${i}`, type: 'TEXT' }));
  const normalize = (fields: unknown[], route: 'collections/create' | 'collections/update' = 'collections/create') =>
    normalizeCollectionInput(validateRequest(route, { collection: { id: 'wide', fields } }).collection);

  it('refuses user fields that, with the system fields added, pass 1000', () => {
    for (const route of ['collections/create', 'collections/update'] as const) {
      const violation = expectViolation(() => normalize(userFields(997), route), 'collection.fields');
      expect(violation.message).toContain('at most 1000 fields');
      expect(violation.message).toContain('1001');
    }
  });

  it('accepts 1000 with the system fields, whether the request lists them or not', () => {
    expect(normalize(userFields(996)).fields).toHaveLength(996);
    const system = [
      { key: '_id', type: 'TEXT' },
      { key: '_createdDate', type: 'DATETIME' },
      { key: '_updatedDate', type: 'DATETIME' },
      { key: '_owner', type: 'TEXT' },
    ];
    expect(normalize([...system, ...userFields(996)]).fields).toHaveLength(1000);
    // Two listed, two added by the adaptor: 998 + 2 listed = 1000 entries, 1002 fields.
    expectViolation(() => normalize([...system.slice(0, 2), ...userFields(998)]), 'collection.fields');
  });
});
