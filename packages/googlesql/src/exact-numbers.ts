/**
 * Numbers without loss: THE rule for integer and decimal columns of Spanner
 * and BigQuery (each service's TYPES.md is generated from it).
 *
 * Wix numbers are JSON doubles. A FLOAT64 column holds exactly the doubles, so
 * it is a Wix NUMBER (the adaptor creates FLOAT64 for NUMBER fields, mapping.ts).
 * An INT64, NUMERIC or BIGNUMERIC (BigQuery) column can hold values no double
 * can (2^53+1, 123456789012345678901234.123456789): reading them as numbers would round
 * silently. Such a column is therefore a Wix TEXT field carrying the value's
 * exact decimal text, as the engine prints it (`CAST(x AS STRING)`: no
 * exponent, no leading zeros, no trailing fractional zeros). Filters and sorts
 * on it still run on the column's own type: `$eq: "9007199254740993"` is an
 * INT64 comparison (index-friendly), ranges and ORDER BY are numeric; the text
 * operators ($contains, $startsWith …) work on the decimal text.
 *
 * A field whose stored metadata says NUMBER over such a column (tables adopted
 * before this rule), or a column the site owner lists in NUMBER_COLUMNS
 * (`NumberColumns`), is NUMBER; a value that is not exactly a double is then
 * refused (read: an error naming the field; write: the item fails), never rounded.
 *
 * An ARRAY of such a type (a Wix ARRAY field; only presence is queried) answers
 * every element as its exact decimal text, by the same rule: a string per
 * element, whatever its size, so an array never mixes numbers and strings.
 */

import type { FieldType } from '@adaptors/core';
import { errors, list, setting } from '@adaptors/core';
import type { ColumnInfo, ColumnType, ScalarColumnType } from './types.ts';

/** Column types whose values are exact decimals a double cannot always hold. */
export type DecimalColumnType = 'INT64' | 'NUMERIC' | 'BIGNUMERIC';

export function isDecimalType(type: ColumnType | undefined): type is DecimalColumnType {
  return type === 'INT64' || type === 'NUMERIC' || type === 'BIGNUMERIC';
}

/** Digits each decimal type holds: INT64 is ±(2^63−1); NUMERIC is 29 integer and 9 fractional digits. */
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);
const NUMERIC_INTEGER_DIGITS = 29;
const NUMERIC_SCALE = 9;
/** BIGNUMERIC (BigQuery): 38 fractional digits, from -2^255 to 2^255−1 units of 10^-38. */
const BIGNUMERIC_SCALE = 38;
const BIGNUMERIC_MAX_UNITS = 2n ** 255n - 1n;
const BIGNUMERIC_MIN_UNITS = -(2n ** 255n);

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/**
 * A decimal string in the engine's canonical form (what `CAST(x AS STRING)`
 * prints and the adaptor answers); undefined when `text` is not a plain
 * decimal (`1e3`, `0x10`, ` 5`, `.5` are not).
 */
export function canonicalDecimal(text: string): string | undefined {
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const integer = (m[2] as string).replace(/^0+(?=\d)/, '');
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  const body = fraction ? `${integer}.${fraction}` : integer;
  return m[1] === '-' && body !== '0' ? `-${body}` : body;
}

/** The canonical text of `text` when a column of `type` holds it exactly; undefined otherwise. */
export function exactDecimal(text: string, type: DecimalColumnType): string | undefined {
  const canonical = canonicalDecimal(text);
  if (canonical === undefined) return undefined;
  const [integer = '', fraction = ''] = canonical.replace(/^-/, '').split('.');
  if (type === 'INT64') {
    if (fraction) return undefined;
    const n = BigInt(canonical);
    return n >= INT64_MIN && n <= INT64_MAX ? canonical : undefined;
  }
  if (type === 'BIGNUMERIC') {
    if (fraction.length > BIGNUMERIC_SCALE) return undefined;
    const units = BigInt(`${canonical.startsWith('-') ? '-' : ''}${integer}${fraction.padEnd(BIGNUMERIC_SCALE, '0')}`);
    return units >= BIGNUMERIC_MIN_UNITS && units <= BIGNUMERIC_MAX_UNITS ? canonical : undefined;
  }
  return integer.length <= NUMERIC_INTEGER_DIGITS && fraction.length <= NUMERIC_SCALE ? canonical : undefined;
}

/** What a column of `type` holds, for messages. */
export function decimalRange(type: DecimalColumnType): string {
  if (type === 'BIGNUMERIC') {
    return `a decimal number with at most ${BIGNUMERIC_SCALE} digits after the point, from -578960446186580977117854925043439539266.34992332820282019728792003956564819968 to 578960446186580977117854925043439539266.34992332820282019728792003956564819967`;
  }
  return type === 'INT64'
    ? 'a whole number from -9223372036854775808 to 9223372036854775807'
    : `a decimal number with at most ${NUMERIC_INTEGER_DIGITS} digits before the point and ${NUMERIC_SCALE} after it`;
}

/**
 * An item value → the exact decimal text to store in a `type` column, or a
 * VALIDATION_ERROR naming the field: a TEXT field takes a decimal string, a
 * NUMBER field (legacy metadata) a double whose text (`doubleText`) the
 * column holds (0.1 is stored as 0.1 and reads back as the same double; 1e-10 does
 * not fit NUMERIC's 9 fractional digits and is refused, not rounded to 0).
 */
export function decimalToStore(key: string, type: DecimalColumnType, value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' && Number.isFinite(value)
        ? doubleText(value)
        : undefined;
  const exact = text === undefined ? undefined : exactDecimal(text, type);
  if (exact === undefined) {
    throw errors.violation(key, value as never, `must be ${decimalRange(type)}, written as digits (${type} column)`);
  }
  return exact;
}

/**
 * A decimal text read from a NUMBER field's INT64/NUMERIC column → the
 * double whose shortest text it is (so it answers and round-trips the same);
 * an error naming the field when no double has it (never rounded silently).
 */
export function doubleOfDecimal(key: string, text: string): number {
  const n = Number(text);
  if (Number.isFinite(n) && doubleText(n) === canonicalDecimal(text)) return n;
  throw errors.badRequest(
    `'${key}' holds ${text}, which a Wix number (a double) cannot hold exactly; ` +
      `change the field '${key}' to TEXT (collections/update) to read its exact decimal text.`,
  );
}

/** The text a double is stored as: a whole double's exact integer (2^60 → "1152921504606846976"), else its shortest text. */
function doubleText(n: number): string {
  return Number.isInteger(n) ? BigInt(n).toString() : plainText(n);
}

/** A double's shortest round-trip text, plain (no exponent): 1e21 → "1000000000000000000000", 1e-7 → "0.0000001". */
export function plainText(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s === '-0' ? '0' : s;
  const digits = `${m[2]}${m[3] ?? ''}`;
  const point = 1 + Number(m[4]); // digits before the decimal point
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? `${digits}${'0'.repeat(point - digits.length)}`
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${m[1]}${body}`;
}

/**
 * The NUMBER_COLUMNS setting: `table.column` entries naming INT64/NUMERIC
 * columns the site owner vouches hold only values a double holds exactly, to
 * be shown to Wix as NUMBER instead of exact TEXT. `*` stands for any table or
 * column (`reftab.*`, `*.price`, `*.*`; no table or column name holds a `*`): a
 * dataset written by Wix's reference adaptor keeps every Wix number in a NUMERIC
 * column, and listing each one is no way to move a site (docs/migrating.md §2.3).
 * The rule stays the same for every column matched: a value a double cannot hold
 * is an error naming the field, never rounded.
 */
export class NumberColumns {
  readonly #entries: ReadonlySet<string>;

  constructor(entries: readonly string[] = []) {
    for (const entry of entries) {
      if (!/^[^.]+\.[^.]+$/.test(entry)) {
        throw new Error(
          `'${entry}' is not table.column (NUMBER_COLUMNS lists columns as table.column, comma-separated; * stands for any table or column)`,
        );
      }
    }
    this.#entries = new Set(entries);
  }

  /** The Wix type of a column without a stored field: NUMBER when listed and INT64/NUMERIC, else the default. */
  fieldType(table: string, column: string, type: ColumnType, fallback: (type: ColumnType) => FieldType): FieldType {
    return isDecimalType(type) && this.#lists(table, column) ? 'NUMBER' : fallback(type);
  }

  /** Whether an entry names the column, by name or by `*`. */
  #lists(table: string, column: string): boolean {
    const e = this.#entries;
    return e.has(`${table}.${column}`) || e.has(`${table}.*`) || e.has(`*.${column}`) || e.has('*.*');
  }
}

/** Wix type of a column the adaptor did not create: INT64/NUMERIC are TEXT (see above), FLOAT64 is NUMBER. */
export function decimalFieldType(type: ScalarColumnType): FieldType | undefined {
  if (type === 'FLOAT64') return 'NUMBER';
  return isDecimalType(type) ? 'TEXT' : undefined;
}

/** The compiler's view of a field's column: INT64/NUMERIC under any field type but NUMBER carry exact text. */
export function columnInfo(name: string, type: ColumnType, fieldType: FieldType): ColumnInfo {
  return isDecimalType(type) && fieldType !== 'NUMBER' ? { name, type, decimalText: true } : { name, type };
}

/**
 * The parameter for comparing a decimal column with a text operand: the
 * operand's value typed as the column (so `$eq: "9007199254740993"` is an
 * exact INT64 comparison). `canonical`: only the text the column answers
 * (equality: "007" is no stored value's text, so it equals nothing);
 * otherwise any plain decimal the column holds (ranges). Undefined when none.
 */
export function decimalOperand(
  decimal: { readonly type: DecimalColumnType },
  text: string,
  canonical: boolean,
): string | undefined {
  const exact = exactDecimal(text, decimal.type);
  return exact === undefined || (canonical && exact !== text) ? undefined : exact;
}

/** A range or cursor operand a decimal column cannot compare exactly: 400 with what it takes. */
export function badDecimalOperand(what: string, text: string, type: DecimalColumnType): Error {
  return errors.badRequest(
    `${what} with '${text}' on a field holding ${type} values as text: use ${decimalRange(type)}, written as digits.`,
  );
}

/** The NUMBER_COLUMNS setting of the Spanner and BigQuery services (their DEPLOY.md tables list it). */
export const numberColumnsSetting = setting({
  name: 'NUMBER_COLUMNS',
  description:
    'INT64/NUMERIC/BIGNUMERIC columns to show to Wix as NUMBER instead of their exact decimal TEXT (TYPES.md), as table.column, comma-separated. Only for columns whose values all fit a double exactly: any other value is then answered as an error naming the field, and a write the column cannot hold exactly fails its item — never rounded.',
  parse: (value: string): readonly string[] => {
    const entries = list()(value);
    new NumberColumns(entries); // checks the table.column form
    return entries;
  },
});
