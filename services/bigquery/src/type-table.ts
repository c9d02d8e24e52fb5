/**
 * TYPES.md of this service, rendered from the code that decides it
 * (googlesql `renderTypeTable`; test/types-doc.test.ts keeps the file equal).
 */
import { bigquery, describeColumnType } from '@adaptors/googlesql';
import { renderTypeTable } from '@adaptors/sql-storage';
import { fieldCapabilities } from './capabilities.ts';
import { BIGQUERY_COLUMN_TYPES, columnForField, inferFieldType, parseSchemaType } from './types.ts';

export function bigqueryTypeTable(): string {
  return renderTypeTable({
    engine: 'BigQuery',
    regenerate: 'UPDATE_TYPES_DOCS=1 pnpm exec vitest run test/types-doc.test.ts (in services/bigquery)',
    columns: BIGQUERY_COLUMN_TYPES.map(({ type, mode }) => ({
      label: mode ? `\`${type}\` REPEATED` : `\`${type}\``,
      type: parseSchemaType(type, mode),
      ...(mode ? { note: 'a missing array is written as [] (BigQuery arrays are never NULL); no null elements' } : {}),
    })),
    fieldTypeOf: (type) => inferFieldType({ type }),
    columnFor: (fieldType) => {
      const shape = columnForField(fieldType);
      if (!shape) return undefined;
      return shape.elements
        ? `\`JSON\` (an array of ${shape.elements} values or NULL)`
        : `\`${describeColumnType(shape.type)}\``;
    },
    fieldCapabilities,
    nestedOperators: bigquery.nestedPathOperators(),
    notes: [
      'ARRAY_STRING is kept in a JSON column: a REPEATED column cannot be NULL in BigQuery (NULL is stored as `[]`), so it could not keep a missing array apart from `[]`, which Wix does (`$exists`, `$eq: null`). MULTI_REFERENCE pairs live in the table `wix_adaptor_references` (README.md "The references table"). `$matches` is supported wherever CONTAINS is.',
    ],
  });
}
