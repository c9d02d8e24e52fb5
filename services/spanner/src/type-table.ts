/**
 * TYPES.md of this service, rendered from the code that decides it
 * (googlesql `renderTypeTable`; test/types-doc.test.ts keeps the file equal).
 */
import { defaultColumnType, fieldTypeOfColumn, spanner } from '@adaptors/googlesql';
import { renderTypeTable } from '@adaptors/sql-storage';
import { fieldCapabilities } from './capabilities.ts';
import { ddlType, parseSpannerType, SPANNER_COLUMN_TYPES } from './types.ts';

export function spannerTypeTable(): string {
  return renderTypeTable({
    engine: 'Spanner',
    regenerate: 'UPDATE_TYPES_DOCS=1 pnpm exec vitest run test/types-doc.test.ts (in services/spanner)',
    columns: SPANNER_COLUMN_TYPES.map((label) => ({ label: `\`${label}\``, type: parseSpannerType(label) })),
    fieldTypeOf: fieldTypeOfColumn,
    columnFor: (fieldType) => {
      const type = defaultColumnType(fieldType);
      return type === undefined ? undefined : `\`${ddlType(type)}\``;
    },
    fieldCapabilities,
    nestedOperators: spanner.nestedPathOperators(),
    notes: [
      'Generated columns (`AS (…) STORED`) are read like any column of their type and never written: a value an item carries for one is ignored (Wix sends back every field it read), and the answer of a write carries the value Spanner computed.',
      'Columns with a DEFAULT (and identity columns): an inserted item without a value for one (absent or null) leaves it out of the insert, so Spanner fills in its default (a save of a new item too); an update, or a save of an existing item, is a full replacement and clears it, except a NOT NULL one, which keeps its stored value. The answer of a write carries the values stored.',
      'MULTI_REFERENCE pairs live in the table `wix_adaptor_references` (README.md "Tables the adaptor keeps"). `$matches` is supported wherever CONTAINS is.',
    ],
  });
}
