import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../src/wire/validate.ts';
import { expectViolation, spiErrorOf, violationsOf } from './helpers.ts';

describe('capabilities/get (§6) and provision (§8)', () => {
  it('accept {} and anything extra', () => {
    expect(validateRequest('capabilities/get', {})).toEqual({});
    validateRequest('capabilities/get', { futureOption: true });
    validateRequest('provision', {});
  });
  it('refuse a non-object body with BAD_REQUEST', () => {
    spiErrorOf(() => validateRequest('capabilities/get', 'x'), 'BAD_REQUEST');
    spiErrorOf(() => validateRequest('provision', [1]), 'BAD_REQUEST');
  });
});

describe('indexes (§7)', () => {
  const index = {
    name: 'by_family_height',
    fields: [
      { path: 'family', order: 'ASC' },
      { path: 'heightCm', order: 'DESC' },
    ],
    unique: false,
    caseInsensitive: false,
  };

  it('accept the examples', () => {
    validateRequest('indexes/list', { collectionId: 'plants' });
    validateRequest('indexes/create', { collectionId: 'plants', index });
    validateRequest('indexes/create', { collectionId: 'plants', index: { name: 'n', fields: [{ path: 'care.sun' }] } });
    validateRequest('indexes/remove', { collectionId: 'plants', indexName: 'by_family_height' });
  });

  it('accept dataCollectionId, the spelling of an e2e test of the Wix reference adaptor', () => {
    const request = validateRequest('indexes/remove', { dataCollectionId: 'plants', indexName: 'i' });
    expect(request.collectionId).toBe('plants');
  });

  it('refuse bad bodies', () => {
    expectViolation(() => validateRequest('indexes/list', {}), 'collectionId');
    expectViolation(() => validateRequest('indexes/create', { collectionId: 'plants' }), 'index');
    expectViolation(
      () => validateRequest('indexes/create', { collectionId: 'plants', index: { ...index, fields: [] } }),
      'index.fields',
    );
    expectViolation(
      () =>
        validateRequest('indexes/create', {
          collectionId: 'plants',
          index: { ...index, fields: [{ path: 'a', order: 'UP' }] },
        }),
      'index.fields[0].order',
    );
    expectViolation(
      () => validateRequest('indexes/create', { collectionId: 'plants', index: { ...index, name: 'n'.repeat(129) } }),
      'index.name',
    );
    expectViolation(() => validateRequest('indexes/remove', { collectionId: 'plants' }), 'indexName');
  });
});

describe('violations', () => {
  it('are capped at 100', () => {
    const error = spiErrorOf(
      () => validateRequest('items/remove', { collectionId: 'p', itemIds: Array.from({ length: 300 }, (_, i) => i) }),
      'VALIDATION_ERROR',
    );
    expect(violationsOf(error)).toHaveLength(100);
    expect(error.message).toContain('itemIds[0]');
  });
});
