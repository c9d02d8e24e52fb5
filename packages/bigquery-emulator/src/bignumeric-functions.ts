/**
 * DuckDB scalar functions (run in JS with BigInt) for the BIGNUMERIC
 * conversions DuckDB cannot do on a scaled BIGNUM (bignumeric.ts): parsing
 * text and doubles, printing, and the casts to INT64, NUMERIC and FLOAT64.
 * The casts in macros.ts hand a BIGNUM over as its VARCHAR text, so a macro
 * branch never asks DuckDB to bind a cast it does not have (e.g. DATE → BIGNUM).
 * A value that does not convert is an error (`safe` variants: NULL), with
 * BigQuery's wording.
 */
import {
  BIGINT,
  BIGNUM,
  DOUBLE,
  type DuckDBConnection,
  DuckDBScalarFunction,
  type DuckDBType,
  VARCHAR,
} from '@duckdb/node-api';
import { bigNumericOfDouble, bigNumericText, inBigNumericRange, parseBigNumeric, rescale } from './bignumeric.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const NUMERIC_MAX = 10n ** 38n - 1n;

class Refused extends Error {}

type Convert = (input: never) => unknown;

function fn(name: string, parameter: DuckDBType, returns: DuckDBType, convert: Convert, safe: boolean) {
  return DuckDBScalarFunction.create({
    name,
    returnType: returns,
    parameterTypes: [parameter],
    mainFunction: (info, input, output) => {
      const column = input.getColumnVector(0);
      for (let row = 0; row < input.rowCount; row++) {
        const v = column.getItem(row);
        if (v === null) {
          output.setItem(row, null);
          continue;
        }
        try {
          output.setItem(row, convert(v as never) as never);
        } catch (e) {
          if (!(e instanceof Refused)) throw e;
          if (!safe) {
            info.setError(e.message);
            return;
          }
          output.setItem(row, null);
        }
      }
      output.flush();
    },
  });
}

/** The scaled integer of a BIGNUM handed over as text (CAST(bignum AS VARCHAR)). */
function scaledOf(text: string): bigint {
  return BigInt(text);
}

const CONVERSIONS: readonly [string, DuckDBType, DuckDBType, Convert][] = [
  [
    'bq_bignumeric_parse',
    VARCHAR,
    BIGNUM,
    (s: string) => {
      const v = parseBigNumeric(s);
      if (v === undefined) throw new Refused(`Invalid BIGNUMERIC value: ${s}`);
      return v;
    },
  ],
  [
    'bq_bignumeric_of_double',
    DOUBLE,
    BIGNUM,
    (d: number) => {
      const v = bigNumericOfDouble(d);
      if (v === undefined) throw new Refused(`Illegal conversion of non-finite or out-of-range ${d} to BIGNUMERIC`);
      return v;
    },
  ],
  [
    'bq_bignumeric_check',
    VARCHAR,
    BIGNUM,
    (s: string) => {
      const v = scaledOf(s);
      if (!inBigNumericRange(v)) throw new Refused('BIGNUMERIC overflow');
      return v;
    },
  ],
  ['bq_bignumeric_text', VARCHAR, VARCHAR, (s: string) => bigNumericText(scaledOf(s))],
  ['bq_bignumeric_double', VARCHAR, DOUBLE, (s: string) => Number(bigNumericText(scaledOf(s)))],
  [
    'bq_bignumeric_int64',
    VARCHAR,
    BIGINT,
    (s: string) => {
      const v = rescale(scaledOf(s), 0);
      if (v < INT64_MIN || v > INT64_MAX) throw new Refused(`int64 overflow: ${bigNumericText(scaledOf(s))}`);
      return v;
    },
  ],
  [
    // As NUMERIC text (9 places); the macro casts it to DECIMAL(38, 9).
    'bq_bignumeric_numeric',
    VARCHAR,
    VARCHAR,
    (s: string) => {
      const v = rescale(scaledOf(s), 9);
      if (v > NUMERIC_MAX || v < -NUMERIC_MAX) throw new Refused(`numeric overflow: ${bigNumericText(scaledOf(s))}`);
      return bigNumericText(v * 10n ** 29n);
    },
  ],
];

/**
 * AVG(BIGNUMERIC) is a BIGNUMERIC: the exact sum (a scaled BIGNUM, handed over
 * as text) over the count, rounded half away from zero to 38 places.
 */
const average = DuckDBScalarFunction.create({
  name: 'bq_bignumeric_avg',
  returnType: BIGNUM,
  parameterTypes: [VARCHAR, BIGINT],
  mainFunction: (_info, input, output) => {
    const sums = input.getColumnVector(0);
    const counts = input.getColumnVector(1);
    for (let row = 0; row < input.rowCount; row++) {
      const sum = sums.getItem(row) as string | null;
      const count = counts.getItem(row) as bigint | null;
      if (sum === null || count === null || count === 0n) {
        output.setItem(row, null);
        continue;
      }
      const s = scaledOf(sum);
      const abs = s < 0n ? -s : s;
      let q = abs / count;
      if ((abs % count) * 2n >= count) q += 1n;
      output.setItem(row, s < 0n ? -q : q);
    }
    output.flush();
  },
});

export function registerBigNumericFunctions(connection: DuckDBConnection): void {
  for (const [name, parameter, returns, convert] of CONVERSIONS) {
    connection.registerScalarFunction(fn(name, parameter, returns, convert, false));
    connection.registerScalarFunction(fn(`${name}_safe`, parameter, returns, convert, true));
  }
  connection.registerScalarFunction(average);
}
