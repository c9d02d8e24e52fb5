/**
 * The type-mapping document of a Spanner or BigQuery service (its TYPES.md),
 * rendered from the code that decides it: the Wix type of every column type
 * (the service's inference, exact-numbers.ts for integers and decimals), the
 * column each Wix type gets, and the operators and sortability the service
 * declares (its `fieldCapabilities`). A test in each service fails when the
 * committed file differs, so the document cannot drift from the code.
 */
import {
  FIELD_TYPES,
  type Field,
  type FieldCapabilities,
  type FieldType,
  markdownTable,
  SYSTEM_FIELDS,
} from '@adaptors/core';
import { type ColumnType, decimalRange, isDecimalType, type ScalarColumnType } from '@adaptors/googlesql';

/** How a value of each column type is answered to Wix and which item values a write accepts (values.ts of each service). */
const VALUES: Readonly<Record<ScalarColumnType, { readonly read: string; readonly write: string }>> = {
  STRING: { read: 'string', write: 'string' },
  FLOAT64: { read: 'number, exactly (a JSON number is a double)', write: 'number' },
  INT64: {
    read: 'string: the exact decimal text ("9007199254740993")',
    write: `string: ${decimalRange('INT64')}, written as digits`,
  },
  NUMERIC: {
    read: 'string: the exact decimal text, no trailing zeros ("1.5")',
    write: `string: ${decimalRange('NUMERIC')}, written as digits`,
  },
  BIGNUMERIC: {
    read: 'string: the exact decimal text, no trailing zeros (76 digits fit)',
    write: `string: ${decimalRange('BIGNUMERIC')}, written as digits`,
  },
  BOOL: { read: 'boolean', write: 'boolean' },
  TIMESTAMP: {
    read: 'date (whole milliseconds; finer digits are dropped, and filters, sorts and groups compare at the millisecond)',
    write: 'date',
  },
  DATE: { read: 'string "YYYY-MM-DD"', write: 'string "YYYY-MM-DD"' },
  TIME: {
    read: 'string "HH:mm:ss.sss" (whole milliseconds; finer digits are dropped, and filters, sorts and groups compare that text, which sorts in time order; a filter operand "10:30" or "10:30:00" is that time)',
    write: 'string "HH:mm", "HH:mm:ss" or "HH:mm:ss.sss", stored as that time (answered as "HH:mm:ss.sss")',
  },
  JSON: { read: 'JSON value (a top-level {"$date": iso} object is a date)', write: 'any JSON value' },
  BYTES: { read: 'string: base64', write: 'string: base64' },
};

export interface TypeTableOptions {
  /** Engine name for headings: "Spanner", "BigQuery". */
  readonly engine: string;
  /** The command that regenerates the file (said in its header). */
  readonly regenerate: string;
  /** Every column type the engine has, as the engine spells it, with googlesql's type; undefined = not exposed. */
  readonly columns: readonly {
    readonly label: string;
    readonly type: ColumnType | undefined;
    readonly note?: string;
  }[];
  /** The service's Wix type of a column it did not create. */
  readonly fieldTypeOf: (type: ColumnType) => FieldType;
  /** The column a new field of this Wix type gets, as the engine spells it; undefined = no column. */
  readonly columnFor: (fieldType: FieldType) => string | undefined;
  /** The service's declared capabilities (what Wix is told and the core enforces). */
  readonly fieldCapabilities: (field: Pick<Field, 'key' | 'type'>) => FieldCapabilities;
  /** Operators on dotted paths into JSON fields (ParseContext.nestedQueryOperators). */
  readonly nestedOperators: readonly string[];
  /** Engine facts appended after the tables (one paragraph each). */
  readonly notes?: readonly string[];
}

function operators(caps: FieldCapabilities): string {
  return caps.queryOperators.length > 0 ? caps.queryOperators.join(' ') : 'none';
}

function valuesOf(type: ColumnType): { read: string; write: string } {
  if (typeof type === 'object') {
    if (isDecimalType(type.array)) {
      // Same rule as a scalar (exact-numbers.ts): every element is its exact decimal text, whatever its size.
      return {
        read: 'array of strings: each element\'s exact decimal text ("9007199254740993")',
        write: `array of numbers or decimal strings, each ${decimalRange(type.array)}`,
      };
    }
    const element = VALUES[type.array];
    return { read: `array of ${element.read}`, write: `array of ${element.write}` };
  }
  return VALUES[type];
}

export function renderTypeTable(options: TypeTableOptions): string {
  const caps = (type: FieldType) => options.fieldCapabilities({ key: 'field', type });
  const existing = options.columns.map(({ label, type, note }) => {
    if (type === undefined)
      return [label, 'not listed', '—', '—', '—', note ?? 'the column is left out of the collection'];
    const fieldType = options.fieldTypeOf(type);
    const declared = caps(fieldType);
    const values = valuesOf(type);
    return [
      label,
      fieldType,
      values.read,
      operators(declared),
      declared.sortable ? 'yes' : 'no',
      `${values.write}${note ? `; ${note}` : ''}`,
    ];
  });
  const created = FIELD_TYPES.map((fieldType) => {
    const declared = caps(fieldType);
    return [
      fieldType,
      options.columnFor(fieldType) ?? 'no column',
      operators(declared),
      declared.sortable ? 'yes' : 'no',
    ];
  });
  const system = SYSTEM_FIELDS.map((f) => f.key).join(', ');
  return [
    `# ${options.engine} ⇄ Wix types`,
    '',
    `<!-- Generated from the code by \`${options.regenerate}\`; a test fails when this file differs. Do not edit by hand. -->`,
    '',
    '## Columns of existing tables',
    '',
    `How a column of a table the adaptor did not create (no stored Wix type) is shown to Wix, how its values are answered, which query operators and sorts Wix may use on it (the core refuses any other with a 400), and which values a write accepts: any other value fails only its item, with a VALIDATION_ERROR naming the field. A table is writable only with the columns ${system} (Wix's read-write rule).`,
    '',
    markdownTable(
      [
        'Column',
        'Wix field type',
        'Answered as',
        'Operators',
        'Sortable',
        'A write accepts (anything else fails its item)',
      ],
      existing,
    ),
    '',
    'Integers and decimals are never rounded: an INT64, NUMERIC or BIGNUMERIC column can hold values no double (a JSON number) holds, such as 2^53+1, 38-digit decimals or 76-digit BIGNUMERICs, so it is a TEXT field carrying the exact decimal text, and an ARRAY of them answers each element as its exact decimal text (a string, whatever its size, so an array never mixes numbers and strings). Equality and ranges still compare numbers on the column (`$eq: "9007199254740993"` uses the column and its indexes; `$gt: "100"` is numeric, and an operand the column cannot hold is refused), and sorting is numeric; $contains, $startsWith and $endsWith read the decimal text; distinct values come in text order. A column listed in the NUMBER_COLUMNS setting (`table.column`, for columns whose values all fit a double), or whose stored Wix type is NUMBER (collections adopted earlier), is a NUMBER field instead: a value is answered as a number only when a double holds it exactly, any other is an error naming the field, and a write the column cannot hold exactly fails its item — never rounded.',
    '',
    '## Columns the adaptor creates',
    '',
    markdownTable(['Wix field type', 'Column', 'Operators', 'Sortable'], created),
    '',
    `Nested paths into JSON fields (\`info.carrier\`) take ${options.nestedOperators.join(' ')} with string, number, boolean and null operands; date, object and array operands there are refused with a 400.`,
    ...(options.notes ?? []).flatMap((note) => ['', note]),
    '',
  ].join('\n');
}
