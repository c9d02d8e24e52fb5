/**
 * What capabilities.ts declares for MULTI_REFERENCE fields is what the documents say: no
 * storage filters on a field whose pairs are not item values, so nothing is declared, and the
 * documents must not promise `$hasSome`/`$in` (packages/core/SEMANTICS.md rule 24, docs/semantics.md §8).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { describeCollection, evaluatorFieldCapabilities } from '../src/capabilities.ts';
import { parseFilter } from '../src/query/parse-filter.ts';
import type { StorageCapabilities } from '../src/storage.ts';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('MULTI_REFERENCE capabilities and the documents agree', () => {
  test('the evaluator ceiling declares no operator and no sort', () => {
    expect(evaluatorFieldCapabilities('MULTI_REFERENCE')).toEqual({ sortable: false, queryOperators: [] });
  });

  test('SEMANTICS.md rule 24 and docs/semantics.md §8 say it cannot be filtered', () => {
    const rule = read('../SEMANTICS.md')
      .split('\n')
      .find((line) => line.startsWith('| 24 '));
    expect(rule).toContain('cannot be filtered');
    expect(rule).not.toMatch(/\$hasSome|\$in\b|HAS_SOME/);
    const references = read('../../../docs/semantics.md').split('## 8. References')[1]?.split('\n## ')[0] ?? '';
    const bullet = references.split('\n- ').find((b) => b.startsWith('A MULTI_REFERENCE field'));
    expect(bullet).toContain('cannot be filtered');
    expect(bullet).not.toMatch(/\$hasSome|\$in\b/);
  });

  test('a filter on the field, as the adaptor declares it, is a 400 for every operator', () => {
    const caps: StorageCapabilities = {
      engine: 'test',
      supportsCollectionModifications: true,
      supportedFieldTypes: ['MULTI_REFERENCE'],
      indexOptions: {
        supportsIndexes: false,
        maxNumberOfRegularIndexesPerCollection: 0,
        maxNumberOfUniqueIndexesPerCollection: 0,
        maxNumberOfIndexesPerCollection: 0,
      },
      defaultPagingMode: 'OFFSET',
      dataOperations: ['QUERY'],
      fieldCapabilities: (field) => evaluatorFieldCapabilities(field.type),
      nestedQueryOperators: [],
      supportsMatches: false,
    };
    const collection = describeCollection(
      {
        id: 'a',
        fields: [{ key: 'm', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: 'b' } }],
      },
      caps,
    );
    const ctx = { collection, strict: true, nestedQueryOperators: [], supportsMatches: false };
    for (const filter of [{ m: { $hasSome: ['b1'] } }, { m: { $in: ['b1'] } }, { m: 'b1' }, { m: { $exists: true } }]) {
      expect(() => parseFilter(filter, ctx, 'query.filter'), JSON.stringify(filter)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_ERROR' }),
      );
    }
  });
});
