import { describe, expect, it } from 'vitest';
import { validateRequest } from '../../src/wire/validate.ts';
import { expectViolation, spiErrorOf } from './helpers.ts';

const ID = 'c41f8a27-6b3d-4e90-a2c5-9d7e1b0f4a36';
const OTHER = '5a9d3e70-81c2-4f0b-b6e4-7c2d1f0a9e38';

describe('items/insert and items/update (§4.5, §4.6)', () => {
  const thyme = {
    _id: ID,
    _owner: '9e2b4f70-3c1a-4d85-b6e9-2a0c7d5f1e83',
    commonName: 'Thyme',
    heightCm: 25,
    plantedOn: '2026-04-12',
    lastWatered: { $date: '2026-06-03T07:15:00.000Z' },
    tags: ['herb', 'culinary'],
    care: { sun: 'full', waterEveryDays: 4 },
  };

  for (const endpoint of ['items/insert', 'items/update'] as const) {
    it(`${endpoint}: accepts one and many items; item contents are not checked here`, () => {
      validateRequest(endpoint, { collectionId: 'plants', items: [{}] });
      validateRequest(endpoint, { collectionId: 'plants', items: [thyme, { commonName: 'Lavender' }] });
      // A bad value is a per-item problem for the codec, not a failed batch.
      validateRequest(endpoint, { collectionId: 'plants', items: [{ heightCm: 'tall', $x: 1 }] });
    });

    it(`${endpoint}: refuses missing, empty, oversized and non-object items`, () => {
      expectViolation(() => validateRequest(endpoint, { collectionId: 'plants' }), 'items');
      // At least one item (docs/protocol.md §12.3).
      const empty = expectViolation(() => validateRequest(endpoint, { collectionId: 'plants', items: [] }), 'items');
      expect(empty.message).toBe('must contain at least 1 entry');
      const many = Array.from({ length: 1001 }, (_, index) => ({ _id: `id-${index}` }));
      const over = expectViolation(() => validateRequest(endpoint, { collectionId: 'plants', items: many }), 'items');
      expect(over.message).toBe('must contain at most 1000 entries');
      validateRequest(endpoint, { collectionId: 'plants', items: many.slice(0, 1000) });
      expectViolation(
        () => validateRequest(endpoint, { collectionId: 'plants', items: [{}, {}, {}, 'x'] }),
        'items[3]',
      );
      expectViolation(() => validateRequest(endpoint, { collectionId: 'plants', items: [null] }), 'items[0]');
      expectViolation(() => validateRequest(endpoint, { collectionId: 'plants', items: {} }), 'items');
    });
  }

  it('accepts the legacy overwriteExisting flag on insert', () => {
    const request = validateRequest('items/insert', {
      collectionId: 'plants',
      items: [thyme],
      overwriteExisting: true,
    });
    expect(request.overwriteExisting).toBe(true);
  });
});

describe('items/remove and items/truncate (§4.7, §4.8)', () => {
  it('accepts valid bodies', () => {
    validateRequest('items/remove', { collectionId: 'plants', itemIds: [ID, OTHER] });
    validateRequest('items/truncate', { collectionId: 'plants' });
  });
  it('refuses an empty id list, non-string ids and a missing collectionId', () => {
    expectViolation(() => validateRequest('items/remove', { collectionId: 'plants', itemIds: [] }), 'itemIds');
    expectViolation(() => validateRequest('items/remove', { collectionId: 'plants', itemIds: [ID, 3] }), 'itemIds[1]');
    expectViolation(
      () => validateRequest('items/remove', { collectionId: 'plants', itemIds: Array(1001).fill(ID) }),
      'itemIds',
    );
    expectViolation(() => validateRequest('items/truncate', {}), 'collectionId');
  });

  it("refuses a truncate or collection delete carrying another call's keys (a replayed signed read)", () => {
    for (const endpoint of ['items/truncate', 'collections/delete'] as const) {
      for (const extra of [{ query: { filter: {} } }, { filter: {}, consistentRead: false }, { itemIds: [ID] }]) {
        const error = spiErrorOf(() => validateRequest(endpoint, { collectionId: 'plants', ...extra }), 'BAD_REQUEST');
        expect(error.code).toBe('BAD_REQUEST');
        expect(error.message).toContain(`A ${endpoint} request carries only collectionId`);
        expect(error.message).toContain(`'${Object.keys(extra)[0]}'`);
      }
      // A key no endpoint knows is still ignored (docs/protocol.md §14).
      expect(() => validateRequest(endpoint, { collectionId: 'plants', addedByWixLater: true })).not.toThrow();
    }
    // Other endpoints keep ignoring keys of other calls.
    expect(() => validateRequest('items/count', { collectionId: 'plants', query: {} })).not.toThrow();
  });
});

describe('items/query-referenced (§4.9)', () => {
  it('accepts minimal and full bodies', () => {
    validateRequest('items/query-referenced', { collectionId: 'plants', referringFieldKey: 'companions' });
    validateRequest('items/query-referenced', {
      collectionId: 'plants',
      referringFieldKey: 'companions',
      referringItemIds: [ID],
      referencedItemIds: [],
      order: 'ASC',
      fieldsToReturn: ['commonName'],
      includeReferencedItems: true,
      paging: { limit: 20, offset: 0 },
      consistentRead: false,
      returnTotalCount: true,
    });
  });
  it('refuses an empty field key, too many ids, both paging kinds', () => {
    // Left out, it is the cursor's (a follow-up page); the handler refuses it without one (memory-service.test.ts).
    expect(() => validateRequest('items/query-referenced', { collectionId: 'plants' })).not.toThrow();
    expectViolation(
      () => validateRequest('items/query-referenced', { collectionId: 'plants', referringFieldKey: '' }),
      'referringFieldKey',
    );
    expectViolation(
      () =>
        validateRequest('items/query-referenced', {
          collectionId: 'plants',
          referringFieldKey: 'companions',
          referringItemIds: Array(1001).fill(ID),
        }),
      'referringItemIds',
    );
    expectViolation(
      () =>
        validateRequest('items/query-referenced', {
          collectionId: 'plants',
          referringFieldKey: 'companions',
          includeReferencedItems: 'yes',
        }),
      'includeReferencedItems',
    );
    spiErrorOf(
      () =>
        validateRequest('items/query-referenced', {
          collectionId: 'plants',
          referringFieldKey: 'companions',
          paging: { limit: 1 },
          cursorPaging: { cursor: 'x' },
        }),
      'BAD_REQUEST',
    );
  });
});

describe('items/insert-references and items/remove-references (§4.10, §4.11)', () => {
  for (const endpoint of ['items/insert-references', 'items/remove-references'] as const) {
    it(`${endpoint}: accepts the example, refuses bad pairs`, () => {
      validateRequest(endpoint, {
        collectionId: 'plants',
        referringFieldKey: 'companions',
        references: [
          { referringItemId: ID, referencedItemId: OTHER },
          { referringItemId: ID, referencedItemId: 'b7e0c1d4-2f6a-4c1e-9d35-0a8f6e2c4b11' },
        ],
      });
      expectViolation(
        () => validateRequest(endpoint, { collectionId: 'plants', referringFieldKey: 'companions', references: [] }),
        'references',
      );
      expectViolation(
        () =>
          validateRequest(endpoint, {
            collectionId: 'plants',
            referringFieldKey: 'companions',
            references: [{ referringItemId: ID }],
          }),
        'references[0].referencedItemId',
      );
      expectViolation(
        () =>
          validateRequest(endpoint, {
            collectionId: 'plants',
            references: [{ referringItemId: ID, referencedItemId: OTHER }],
          }),
        'referringFieldKey',
      );
    });
  }
});
