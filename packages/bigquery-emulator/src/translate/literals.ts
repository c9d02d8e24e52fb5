/**
 * Literals. Text that came from the query itself is re-quoted for DuckDB
 * (standard SQL strings: no backslash escapes, `''` for a quote); values of
 * the request never come here, they are parameters.
 */
import type { Node } from 'sql-parser-cst';
import { parseBigNumeric } from '../bignumeric.ts';
import type { Emitter } from './emitter.ts';

export function duckString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * GoogleSQL integer literals are INT64 and others are FLOAT64; DuckDB types
 * `1` as INTEGER (32-bit overflow) and `1.5` as DECIMAL (exact 0.1 + 0.2).
 */
export function numberLiteral(text: string, negative: boolean, node: Node, e: Emitter): string {
  const isInteger = /^(0[xX][0-9a-fA-F]+|\d+)$/.test(text);
  if (isInteger) {
    const v = negative ? -BigInt(text) : BigInt(text);
    if (v < INT64_MIN || v > INT64_MAX) throw e.error(`Invalid integer literal: ${negative ? '-' : ''}${text}`, node);
    return `CAST(${v} AS BIGINT)`;
  }
  if (!/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw e.error(`Invalid number literal ${text}`, node);
  return `CAST('${negative ? '-' : ''}${text}' AS DOUBLE)`;
}

export function literal(node: Node, e: Emitter): string | undefined {
  switch (node.type) {
    case 'string_literal':
      if (/^[bB]/.test(node.text) || /^[rR][bB]/.test(node.text)) {
        return `encode(${duckString(node.value)})`;
      }
      return duckString(node.value);
    case 'number_literal':
      return numberLiteral(node.text, false, node, e);
    case 'boolean_literal':
      return node.value ? 'TRUE' : 'FALSE';
    case 'null_literal':
      return 'NULL';
    case 'blob_literal':
      return `unhex('${node.value.map((b) => b.toString(16).padStart(2, '0')).join('')}')`;
    case 'date_literal':
      return `CAST(${duckString(node.string.value)} AS DATE)`;
    case 'timestamp_literal':
      // No zone in the text means UTC for GoogleSQL; the DuckDB session runs in UTC.
      return `CAST(${duckString(node.string.value)} AS TIMESTAMPTZ)`;
    case 'datetime_literal':
      return `CAST(${duckString(node.string.value)} AS TIMESTAMP)`;
    case 'time_literal':
      return `CAST(${duckString(node.string.value)} AS TIME)`;
    case 'json_literal':
      return `CAST(${duckString(node.string.value)} AS JSON)`;
    case 'numeric_literal':
      return `CAST(${duckString(node.string.value)} AS DECIMAL(38, 9))`;
    case 'bignumeric_literal': {
      // Stored × 10^38 in a BIGNUM (bignumeric.ts).
      const scaled = parseBigNumeric(node.string.value);
      if (scaled === undefined) throw e.error(`Invalid BIGNUMERIC literal: ${node.string.value}`, node);
      return `CAST('${scaled}' AS BIGNUM)`;
    }
    default:
      return undefined;
  }
}
