/**
 * GoogleSQL functions → DuckDB. Each entry maps a function whose DuckDB
 * namesake has the same meaning, or routes it through a macro (macros.ts)
 * or an expression with GoogleSQL's behaviour. A function not listed is
 * refused by name.
 */
import type { Node } from 'sql-parser-cst';
import { quoteDuck } from '../schema.ts';
import type { Emitter } from './emitter.ts';
import { expr, structSql } from './expr.ts';
import { duckString } from './literals.ts';
import { orderBy, windowSpec } from './query.ts';
import { duckTypeOf } from './types.ts';

type Args = readonly Node[];
type Handler = (e: Emitter, args: Args, n: Node) => string;

function arity(e: Emitter, n: Node, name: string, args: Args, min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw e.error(`No matching signature for function ${name} with ${args.length} argument(s)`, n);
  }
}

/** Same name and meaning in DuckDB (checked against GoogleSQL's definition). */
function same(duck: string, min: number, max = min): Handler {
  return (e, args, n) => {
    arity(e, n, duck.toUpperCase(), args, min, max);
    return `${duck}(${args.map((a) => expr(e, a)).join(', ')})`;
  };
}

function a(e: Emitter, args: Args, i: number): string {
  return expr(e, args[i] as Node);
}

/** A literal string argument (JSON paths, regex patterns where the group count matters). */
function literalText(e: Emitter, node: Node | undefined, what: string, n: Node): string {
  if (node?.type !== 'string_literal') throw e.unsupported(`${what} that is not a string literal`, n);
  return node.value;
}

/** GoogleSQL NULL-in → NULL-out for GREATEST/LEAST and CONCAT (DuckDB skips NULLs). */
function nullIfAnyNull(parts: readonly string[], body: string): string {
  return `(CASE WHEN ${parts.map((p) => `(${p}) IS NULL`).join(' OR ')} THEN NULL ELSE ${body} END)`;
}

/** Capturing groups of a regex literal (RE2 syntax), to pick REGEXP_EXTRACT's group like BigQuery. */
function captureGroups(pattern: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' && pattern[i + 1] !== '?') count++;
    else if (c === '(' && pattern.startsWith('(?P<', i)) count++;
  }
  return count;
}

const JSON_PATH = (e: Emitter, args: Args, i: number, n: Node): string => {
  const p = args[i];
  if (p === undefined) return `'$'`;
  literalText(e, p, 'a JSON path', n);
  return expr(e, p);
};

const DATE_PARTS: Readonly<Record<string, string>> = {
  YEAR: 'year',
  QUARTER: 'quarter',
  MONTH: 'month',
  DAY: 'day',
  DAYOFYEAR: 'dayofyear',
  HOUR: 'hour',
  MINUTE: 'minute',
  SECOND: 'second',
  ISOYEAR: 'isoyear',
  ISOWEEK: 'week',
};

const MICROS_PER: Readonly<Record<string, bigint>> = {
  MICROSECOND: 1n,
  MILLISECOND: 1_000n,
  SECOND: 1_000_000n,
  MINUTE: 60_000_000n,
  HOUR: 3_600_000_000n,
  DAY: 86_400_000_000n,
};

function partName(e: Emitter, node: Node | undefined, n: Node): string {
  if (!node) throw e.error('Missing date part', n);
  if (node.type === 'identifier') return node.name.toUpperCase();
  if (node.type === 'interval_unit') return node.unitKw.name.toUpperCase();
  if (node.type === 'keyword') return node.name.toUpperCase();
  throw e.unsupported(`date part ${e.text(node)}`, n);
}

/** `INTERVAL n unit` → DuckDB interval of the same length (units up to DAY are exact; MONTH/YEAR calendar). */
function intervalSql(e: Emitter, node: Node, n: Node): string {
  if (node.type !== 'interval_literal' || !node.unit || node.unit.type !== 'interval_unit') {
    throw e.unsupported('this INTERVAL expression', n);
  }
  const unit = node.unit.unitKw.name.toUpperCase();
  const allowed = ['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];
  if (!allowed.includes(unit)) throw e.unsupported(`INTERVAL unit ${unit}`, n);
  const value = expr(e, node.value);
  return `to_${unit === 'MICROSECOND' ? 'microseconds' : unit === 'MILLISECOND' ? 'milliseconds' : `${unit.toLowerCase()}s`}(CAST(${value} AS BIGINT))`;
}

const SCALARS: Readonly<Record<string, Handler>> = {
  // Strings. DuckDB compares and orders VARCHAR by bytes (= code points), like GoogleSQL.
  LOWER: same('lower', 1),
  UPPER: same('upper', 1),
  LENGTH: same('length', 1),
  CHAR_LENGTH: same('length', 1),
  CHARACTER_LENGTH: same('length', 1),
  BYTE_LENGTH: same('strlen', 1),
  STRPOS: same('strpos', 2),
  INSTR: same('instr', 2, 2),
  STARTS_WITH: same('starts_with', 2),
  ENDS_WITH: same('ends_with', 2),
  TRIM: same('trim', 1, 2),
  LTRIM: same('ltrim', 1, 2),
  RTRIM: same('rtrim', 1, 2),
  REPLACE: same('replace', 3),
  REVERSE: same('reverse', 1),
  REPEAT: same('repeat', 2),
  LPAD: same('lpad', 3),
  RPAD: same('rpad', 3),
  LEFT: same('left', 2),
  RIGHT: same('right', 2),
  ASCII: same('ascii', 1),
  TO_BASE64: same('to_base64', 1),
  FROM_BASE64: same('from_base64', 1),
  TO_HEX: (e, args, n) => {
    arity(e, n, 'TO_HEX', args, 1);
    return `lower(hex(${a(e, args, 0)}))`;
  },
  MD5: same('md5', 1),
  SHA256: same('sha256', 1),
  GENERATE_UUID: (e, args, n) => {
    arity(e, n, 'GENERATE_UUID', args, 0);
    return 'CAST(gen_random_uuid() AS VARCHAR)';
  },
  SUBSTR: (e, args, n) => {
    arity(e, n, 'SUBSTR', args, 2, 3);
    return `bq_substr(${args.map((x) => expr(e, x)).join(', ')})`;
  },
  SUBSTRING: (e, args, n) => SCALARS.SUBSTR?.(e, args, n) as string,
  CONCAT: (e, args, n) => {
    if (args.length === 0) throw e.error('No matching signature for function CONCAT with no arguments', n);
    const parts = args.map((x) => expr(e, x));
    return `(${parts.join(' || ')})`;
  },
  SPLIT: (e, args, n) => {
    arity(e, n, 'SPLIT', args, 1, 2);
    return `string_split(${a(e, args, 0)}, ${args[1] ? a(e, args, 1) : "','"})`;
  },
  REGEXP_CONTAINS: (e, args, n) => {
    arity(e, n, 'REGEXP_CONTAINS', args, 2);
    // Both are RE2, unanchored partial match; '.' does not match '\n' in either.
    return `regexp_matches(${a(e, args, 0)}, ${a(e, args, 1)})`;
  },
  REGEXP_EXTRACT: (e, args, n) => {
    arity(e, n, 'REGEXP_EXTRACT', args, 2);
    const groups = captureGroups(literalText(e, args[1], 'a REGEXP_EXTRACT pattern', n));
    if (groups > 1)
      throw e.error(
        'Regular expressions passed into extraction functions must not have more than 1 capturing group',
        n,
      );
    const s = a(e, args, 0);
    const re = a(e, args, 1);
    // NULL when there is no match (DuckDB returns '').
    return `(CASE WHEN regexp_matches(${s}, ${re}) THEN regexp_extract(${s}, ${re}, ${groups}) END)`;
  },
  REGEXP_EXTRACT_ALL: (e, args, n) => {
    arity(e, n, 'REGEXP_EXTRACT_ALL', args, 2);
    const groups = captureGroups(literalText(e, args[1], 'a REGEXP_EXTRACT_ALL pattern', n));
    if (groups > 1)
      throw e.error(
        'Regular expressions passed into extraction functions must not have more than 1 capturing group',
        n,
      );
    return `regexp_extract_all(${a(e, args, 0)}, ${a(e, args, 1)}, ${groups})`;
  },
  REGEXP_REPLACE: (e, args, n) => {
    arity(e, n, 'REGEXP_REPLACE', args, 3);
    // Every match is replaced (DuckDB replaces the first one unless 'g').
    return `regexp_replace(${a(e, args, 0)}, ${a(e, args, 1)}, ${a(e, args, 2)}, 'g')`;
  },
  // Conditionals.
  IF: (e, args, n) => {
    arity(e, n, 'IF', args, 3);
    return `(CASE WHEN ${a(e, args, 0)} THEN ${a(e, args, 1)} ELSE ${a(e, args, 2)} END)`;
  },
  IFNULL: (e, args, n) => {
    arity(e, n, 'IFNULL', args, 2);
    return `COALESCE(${a(e, args, 0)}, ${a(e, args, 1)})`;
  },
  COALESCE: (e, args, n) => {
    if (args.length === 0) throw e.error('COALESCE needs arguments', n);
    return `COALESCE(${args.map((x) => expr(e, x)).join(', ')})`;
  },
  NULLIF: same('nullif', 2),
  GREATEST: (e, args) => {
    const parts = args.map((x) => expr(e, x));
    return nullIfAnyNull(parts, `greatest(${parts.join(', ')})`);
  },
  LEAST: (e, args) => {
    const parts = args.map((x) => expr(e, x));
    return nullIfAnyNull(parts, `least(${parts.join(', ')})`);
  },
  // Math.
  ABS: same('abs', 1),
  SIGN: same('sign', 1),
  // DuckDB's round takes its places as an INTEGER (and a DECIMAL's only so); GoogleSQL's are INT64 (BIGINT here).
  ROUND: (e, args, n) => {
    arity(e, n, 'ROUND', args, 1, 2);
    return args.length === 1 ? `round(${a(e, args, 0)})` : `round(${a(e, args, 0)}, CAST(${a(e, args, 1)} AS INTEGER))`;
  },
  TRUNC: same('trunc', 1),
  CEIL: same('ceil', 1),
  CEILING: same('ceil', 1),
  FLOOR: same('floor', 1),
  SQRT: same('sqrt', 1),
  POW: same('pow', 2),
  POWER: same('pow', 2),
  EXP: same('exp', 1),
  LN: same('ln', 1),
  LOG10: same('log10', 1),
  // LOG(x) is the natural logarithm in GoogleSQL (DuckDB's log is base 10).
  LOG: (e, args, n) => {
    arity(e, n, 'LOG', args, 1, 2);
    return args.length === 1 ? `ln(${a(e, args, 0)})` : `(ln(${a(e, args, 0)}) / ln(${a(e, args, 1)}))`;
  },
  MOD: (e, args, n) => {
    arity(e, n, 'MOD', args, 2);
    return `bq_mod(${a(e, args, 0)}, ${a(e, args, 1)})`;
  },
  DIV: (e, args, n) => {
    arity(e, n, 'DIV', args, 2);
    return `bq_intdiv(${a(e, args, 0)}, ${a(e, args, 1)})`;
  },
  SAFE_DIVIDE: (e, args, n) => {
    arity(e, n, 'SAFE_DIVIDE', args, 2);
    return `bq_safe_divide(${a(e, args, 0)}, ${a(e, args, 1)})`;
  },
  IEEE_DIVIDE: (e, args, n) => {
    arity(e, n, 'IEEE_DIVIDE', args, 2);
    return `bq_ieee_divide(${a(e, args, 0)}, ${a(e, args, 1)})`;
  },
  IS_NAN: same('isnan', 1),
  IS_INF: same('isinf', 1),
  RAND: same('random', 0),
  // Arrays.
  ARRAY_LENGTH: same('len', 1),
  ARRAY_REVERSE: same('list_reverse', 1),
  ARRAY_CONCAT: (e, args, n) => {
    if (args.length === 0) throw e.error('ARRAY_CONCAT needs arguments', n);
    return args.map((x) => expr(e, x)).reduce((acc, x) => `bq_array_concat(${acc}, ${x})`);
  },
  ARRAY_TO_STRING: (e, args, n) => {
    arity(e, n, 'ARRAY_TO_STRING', args, 2, 3);
    const list = a(e, args, 0);
    if (args.length === 3) {
      return `array_to_string(list_transform(${list}, x -> COALESCE(x, ${a(e, args, 2)})), ${a(e, args, 1)})`;
    }
    return `array_to_string(${list}, ${a(e, args, 1)})`;
  },
  GENERATE_ARRAY: (e, args, n) => {
    arity(e, n, 'GENERATE_ARRAY', args, 2, 3);
    return `generate_series(${args.map((x) => expr(e, x)).join(', ')})`;
  },
  // JSON (GoogleSQL JSON functions; DuckDB's json_* differ in typing, see macros.ts).
  JSON_QUERY: (e, args, n) => {
    arity(e, n, 'JSON_QUERY', args, 2);
    return `json_extract(${a(e, args, 0)}, ${JSON_PATH(e, args, 1, n)})`;
  },
  JSON_EXTRACT: (e, args, n) => SCALARS.JSON_QUERY?.(e, args, n) as string,
  JSON_VALUE: (e, args, n) => {
    arity(e, n, 'JSON_VALUE', args, 1, 2);
    return `bq_json_value(${a(e, args, 0)}, ${JSON_PATH(e, args, 1, n)})`;
  },
  JSON_EXTRACT_SCALAR: (e, args, n) => SCALARS.JSON_VALUE?.(e, args, n) as string,
  JSON_QUERY_ARRAY: (e, args, n) => {
    arity(e, n, 'JSON_QUERY_ARRAY', args, 1, 2);
    return `bq_json_query_array(${a(e, args, 0)}, ${JSON_PATH(e, args, 1, n)})`;
  },
  JSON_EXTRACT_ARRAY: (e, args, n) => SCALARS.JSON_QUERY_ARRAY?.(e, args, n) as string,
  JSON_VALUE_ARRAY: (e, args, n) => {
    arity(e, n, 'JSON_VALUE_ARRAY', args, 1, 2);
    return `bq_json_value_array(${a(e, args, 0)}, ${JSON_PATH(e, args, 1, n)})`;
  },
  JSON_EXTRACT_STRING_ARRAY: (e, args, n) => SCALARS.JSON_VALUE_ARRAY?.(e, args, n) as string,
  JSON_TYPE: (e, args, n) => {
    arity(e, n, 'JSON_TYPE', args, 1);
    return `bq_json_type(${a(e, args, 0)})`;
  },
  LAX_FLOAT64: (e, args, n) => {
    arity(e, n, 'LAX_FLOAT64', args, 1);
    return `bq_lax_float64(${a(e, args, 0)})`;
  },
  LAX_INT64: (e, args, n) => {
    arity(e, n, 'LAX_INT64', args, 1);
    return `bq_lax_int64(${a(e, args, 0)})`;
  },
  LAX_BOOL: (e, args, n) => {
    arity(e, n, 'LAX_BOOL', args, 1);
    return `bq_lax_bool(${a(e, args, 0)})`;
  },
  LAX_STRING: (e, args, n) => {
    arity(e, n, 'LAX_STRING', args, 1);
    return `bq_lax_string(${a(e, args, 0)})`;
  },
  BOOL: (e, args, n) => {
    arity(e, n, 'BOOL', args, 1);
    return `bq_json_bool(${a(e, args, 0)})`;
  },
  FLOAT64: (e, args, n) => {
    arity(e, n, 'FLOAT64', args, 1);
    return `bq_json_float64(${a(e, args, 0)})`;
  },
  INT64: (e, args, n) => {
    arity(e, n, 'INT64', args, 1);
    return `bq_json_int64(${a(e, args, 0)})`;
  },
  STRING: (e, args, n) => {
    arity(e, n, 'STRING', args, 1);
    return `bq_json_string(${a(e, args, 0)})`;
  },
  PARSE_JSON: (e, args, n) => {
    arity(e, n, 'PARSE_JSON', args, 1);
    return `CAST(${a(e, args, 0)} AS JSON)`;
  },
  TO_JSON_STRING: (e, args, n) => {
    arity(e, n, 'TO_JSON_STRING', args, 1);
    // Exact for JSON values (minified text); other types follow DuckDB's to_json (README "Known differences").
    return `CAST(to_json(${a(e, args, 0)}) AS VARCHAR)`;
  },
  // Dates and times (UTC session).
  CURRENT_TIMESTAMP: (e, args, n) => {
    arity(e, n, 'CURRENT_TIMESTAMP', args, 0);
    return 'current_timestamp';
  },
  CURRENT_DATE: (e, args, n) => {
    arity(e, n, 'CURRENT_DATE', args, 0);
    return 'current_date';
  },
  CURRENT_DATETIME: (e, args, n) => {
    arity(e, n, 'CURRENT_DATETIME', args, 0);
    return 'CAST(current_timestamp AS TIMESTAMP)';
  },
  UNIX_MICROS: same('epoch_us', 1),
  UNIX_MILLIS: (e, args, n) => {
    arity(e, n, 'UNIX_MILLIS', args, 1);
    // Truncated toward negative infinity, like BigQuery (epoch_ms would too, spelled out for clarity).
    return `(epoch_us(${a(e, args, 0)}) // 1000)`;
  },
  UNIX_SECONDS: (e, args, n) => {
    arity(e, n, 'UNIX_SECONDS', args, 1);
    return `(epoch_us(${a(e, args, 0)}) // 1000000)`;
  },
  UNIX_DATE: (e, args, n) => {
    arity(e, n, 'UNIX_DATE', args, 1);
    return `(${a(e, args, 0)} - DATE '1970-01-01')`;
  },
  TIMESTAMP_MICROS: (e, args, n) => {
    arity(e, n, 'TIMESTAMP_MICROS', args, 1);
    return `CAST(make_timestamp(CAST(${a(e, args, 0)} AS BIGINT)) AS TIMESTAMPTZ)`;
  },
  TIMESTAMP_MILLIS: (e, args, n) => {
    arity(e, n, 'TIMESTAMP_MILLIS', args, 1);
    return `CAST(make_timestamp(CAST(${a(e, args, 0)} AS BIGINT) * 1000) AS TIMESTAMPTZ)`;
  },
  TIMESTAMP_SECONDS: (e, args, n) => {
    arity(e, n, 'TIMESTAMP_SECONDS', args, 1);
    return `CAST(make_timestamp(CAST(${a(e, args, 0)} AS BIGINT) * 1000000) AS TIMESTAMPTZ)`;
  },
  TIMESTAMP: (e, args, n) => {
    arity(e, n, 'TIMESTAMP', args, 1);
    return `CAST(${a(e, args, 0)} AS TIMESTAMPTZ)`;
  },
  DATE: (e, args, n) => {
    arity(e, n, 'DATE', args, 1, 3);
    if (args.length === 3) return `make_date(${args.map((x) => expr(e, x)).join(', ')})`;
    if (args.length === 2) throw e.unsupported('DATE(timestamp, time_zone)', n);
    return `CAST(${a(e, args, 0)} AS DATE)`;
  },
  DATETIME: (e, args, n) => {
    arity(e, n, 'DATETIME', args, 1);
    return `CAST(${a(e, args, 0)} AS TIMESTAMP)`;
  },
  TIMESTAMP_ADD: (e, args, n) => {
    arity(e, n, 'TIMESTAMP_ADD', args, 2);
    return `(${a(e, args, 0)} + ${intervalSql(e, args[1] as Node, n)})`;
  },
  TIMESTAMP_SUB: (e, args, n) => {
    arity(e, n, 'TIMESTAMP_SUB', args, 2);
    return `(${a(e, args, 0)} - ${intervalSql(e, args[1] as Node, n)})`;
  },
  DATE_ADD: (e, args, n) => {
    arity(e, n, 'DATE_ADD', args, 2);
    return `CAST(${a(e, args, 0)} + ${intervalSql(e, args[1] as Node, n)} AS DATE)`;
  },
  DATE_SUB: (e, args, n) => {
    arity(e, n, 'DATE_SUB', args, 2);
    return `CAST(${a(e, args, 0)} - ${intervalSql(e, args[1] as Node, n)} AS DATE)`;
  },
  TIMESTAMP_DIFF: (e, args, n) => {
    arity(e, n, 'TIMESTAMP_DIFF', args, 3);
    const unit = partName(e, args[2], n);
    const per = MICROS_PER[unit];
    if (per === undefined) throw e.unsupported(`TIMESTAMP_DIFF unit ${unit}`, n);
    return `bq_ts_diff(${a(e, args, 0)}, ${a(e, args, 1)}, CAST(${per} AS BIGINT))`;
  },
  DATE_DIFF: (e, args, n) => {
    arity(e, n, 'DATE_DIFF', args, 3);
    const unit = partName(e, args[2], n);
    // DATE_DIFF counts part boundaries, as DuckDB's date_diff does; BigQuery weeks start on Sunday, not supported.
    if (!['DAY', 'MONTH', 'QUARTER', 'YEAR'].includes(unit)) throw e.unsupported(`DATE_DIFF unit ${unit}`, n);
    return `date_diff('${unit.toLowerCase()}', ${a(e, args, 1)}, ${a(e, args, 0)})`;
  },
  TIMESTAMP_TRUNC: (e, args, n) => {
    arity(e, n, 'TIMESTAMP_TRUNC', args, 2);
    const unit = partName(e, args[1], n);
    if (!['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'MONTH', 'QUARTER', 'YEAR'].includes(unit)) {
      throw e.unsupported(`TIMESTAMP_TRUNC unit ${unit}`, n);
    }
    return `date_trunc('${unit.toLowerCase()}', ${a(e, args, 0)})`;
  },
  DATE_TRUNC: (e, args, n) => {
    arity(e, n, 'DATE_TRUNC', args, 2);
    const unit = partName(e, args[1], n);
    if (!['DAY', 'MONTH', 'QUARTER', 'YEAR'].includes(unit)) throw e.unsupported(`DATE_TRUNC unit ${unit}`, n);
    return `CAST(date_trunc('${unit.toLowerCase()}', ${a(e, args, 0)}) AS DATE)`;
  },
};

/** Aggregates whose DuckDB namesakes agree (NULLs skipped; empty input → NULL, COUNT → 0). */
const AGGREGATES: Readonly<Record<string, string>> = {
  COUNT: 'count',
  SUM: 'sum',
  AVG: 'avg',
  MIN: 'min',
  MAX: 'max',
  COUNTIF: 'count_if',
  LOGICAL_AND: 'bool_and',
  LOGICAL_OR: 'bool_or',
  ANY_VALUE: 'any_value',
  ARRAY_AGG: 'array_agg',
  STRING_AGG: 'string_agg',
  STDDEV: 'stddev_samp',
  STDDEV_SAMP: 'stddev_samp',
  STDDEV_POP: 'stddev_pop',
  VARIANCE: 'var_samp',
  VAR_SAMP: 'var_samp',
  VAR_POP: 'var_pop',
  BIT_AND: 'bit_and',
  BIT_OR: 'bit_or',
  BIT_XOR: 'bit_xor',
};

const WINDOW_ONLY = new Set([
  'ROW_NUMBER',
  'RANK',
  'DENSE_RANK',
  'PERCENT_RANK',
  'CUME_DIST',
  'NTILE',
  'LAG',
  'LEAD',
  'FIRST_VALUE',
  'LAST_VALUE',
  'NTH_VALUE',
]);

function functionName(e: Emitter, n: Node & { type: 'func_call' }): string {
  const name = n.name;
  if (name.type === 'identifier') return name.name.toUpperCase();
  throw e.unsupported(`function ${e.text(name)}`, n);
}

export function functionCall(e: Emitter, n: Node): string {
  if (n.type === 'extract_expr') return extractSql(e, n);
  if (n.type === 'typed_expr') return typedSql(e, n);
  if (n.type === 'interval_literal') return intervalSql(e, n, n);
  if (n.type !== 'func_call') throw e.unsupported(n.type, n);
  let name = functionName(e, n);
  let safe = false;
  if (name.startsWith('SAFE.')) {
    safe = true;
    name = name.slice(5);
  }
  if (safe) throw e.unsupported(`SAFE.${name}`, n);
  const fargs = n.args?.expr;
  const args: Node[] = fargs ? [...fargs.args.items] : [];
  const over = n.over ? ` OVER ${windowSpec(e, n.over)}` : '';
  const aggregate = AGGREGATES[name];
  if (aggregate !== undefined || WINDOW_ONLY.has(name)) {
    if (WINDOW_ONLY.has(name) && !n.over)
      throw e.error(`Analytic function ${name} cannot be called without an OVER clause`, n);
    const distinct = fargs?.distinctKw ? 'DISTINCT ' : '';
    const nulls = fargs?.nullHandlingKw?.map((k) => k.name).join(' ');
    if (fargs?.limit) throw e.unsupported(`LIMIT inside ${name}`, n);
    if (fargs?.having) throw e.unsupported(`HAVING MIN/MAX inside ${name}`, n);
    const order = fargs?.orderBy ? ` ${orderBy(e, fargs.orderBy)}` : '';
    if (name === 'STRING_AGG' && args.length === 1)
      args.push({ type: 'string_literal', text: "','", value: ',' } as Node);
    let argSql = args.map((x) => (x.type === 'all_columns' ? '*' : expr(e, x))).join(', ');
    // Plain AVG picks its overload by type (macros.ts bq_avg); DISTINCT, ORDER BY and OVER need the built-in.
    if (name === 'AVG' && !distinct && !order && !over && args.length === 1) return `bq_avg(${argSql})`;
    if (name === 'AVG') argSql = `bq_avg_arg(${argSql})`;
    const filters: string[] = [];
    if (n.filter) throw e.unsupported('FILTER clause', n);
    // ARRAY_AGG(x IGNORE NULLS): nulls dropped before aggregation.
    if (nulls === 'IGNORE NULLS' && args[0]) filters.push(`(${expr(e, args[0])}) IS NOT NULL`);
    const fn = WINDOW_ONLY.has(name) ? name.toLowerCase() : (aggregate as string);
    if (name === 'COUNTIF') {
      return `count(*) FILTER (WHERE ${argSql})${over}`;
    }
    const filter = filters.length > 0 ? ` FILTER (WHERE ${filters.join(' AND ')})` : '';
    return `${fn}(${distinct}${argSql}${order})${filter}${over}`;
  }
  if (n.over) throw e.unsupported(`${name} with OVER`, n);
  if (fargs?.distinctKw || fargs?.orderBy || fargs?.nullHandlingKw) throw e.unsupported(`modifiers on ${name}`, n);
  if (name === 'STRUCT') return structSql(e, args, n);
  if (name === 'ARRAY') throw e.unsupported('ARRAY() without a subquery', n);
  const handler = SCALARS[name];
  if (!handler) throw e.unsupported(`function ${name}`, n);
  for (const x of args) if (x.type === 'named_arg') throw e.unsupported(`named arguments to ${name}`, n);
  return handler(e, args, n);
}

function extractSql(e: Emitter, n: Node & { type: 'extract_expr' }): string {
  const from = n.args.expr;
  if (from.unit.type !== 'interval_unit') throw e.unsupported('EXTRACT(WEEK(<day>))', n);
  const unit = from.unit.unitKw.name.toUpperCase();
  const x = expr(e, from.expr);
  switch (unit) {
    case 'DAYOFWEEK':
    case 'DOW':
      // 1 = Sunday … 7 = Saturday (DuckDB: 0 = Sunday).
      return `(dayofweek(${x}) + 1)`;
    case 'MILLISECOND':
      // Within the second (DuckDB's millisecond includes the seconds).
      return `(millisecond(${x}) % 1000)`;
    case 'MICROSECOND':
      return `(microsecond(${x}) % 1000000)`;
    case 'DATE':
      return `CAST(${x} AS DATE)`;
    default: {
      const part = DATE_PARTS[unit];
      if (!part) throw e.unsupported(`EXTRACT(${unit})`, n);
      return `CAST(extract(${part} FROM ${x}) AS BIGINT)`;
    }
  }
}

function typedSql(e: Emitter, n: Node & { type: 'typed_expr' }): string {
  const { duck, field } = duckTypeOf(n.dataType, e);
  const inner = n.expr;
  if (inner.type === 'array_expr') {
    if (field.mode !== 'REPEATED') throw e.error('Typed array literal needs an ARRAY type', n);
    return `CAST([${inner.expr.items.map((i) => expr(e, i)).join(', ')}] AS ${duck})`;
  }
  if (field.type !== 'RECORD') throw e.error('Typed struct literal needs a STRUCT type', n);
  const fields = field.fields ?? [];
  const items = inner.expr.items;
  if (items.length !== fields.length) throw e.error('STRUCT literal has the wrong number of fields', n);
  const packed = items.map((item, i) => `${quoteDuck(fields[i]?.name ?? '')} := ${expr(e, item)}`).join(', ');
  return `CAST(struct_pack(${packed}) AS ${duck})`;
}

const MACRO_CAST: Readonly<Record<string, readonly [string, string]>> = {
  STRING: ['bq_cast_string', 'bq_safe_cast_string'],
  INTEGER: ['bq_cast_int64', 'bq_safe_cast_int64'],
  BOOLEAN: ['bq_cast_bool', 'bq_safe_cast_bool'],
  FLOAT: ['bq_cast_float64', 'bq_safe_cast_float64'],
  NUMERIC: ['bq_cast_numeric', 'bq_safe_cast_numeric'],
  BIGNUMERIC: ['bq_cast_bignumeric', 'bq_safe_cast_bignumeric'],
};

/** CAST / SAFE_CAST with GoogleSQL's conversion rules where DuckDB's differ (macros.ts). */
export function castSql(e: Emitter, n: Node & { type: 'cast_expr' }): string {
  const arg = n.args.expr;
  if (arg.format) throw e.unsupported('CAST … FORMAT', n);
  const safe = n.castKw.name === 'SAFE_CAST';
  const { duck, field } = duckTypeOf(arg.dataType, e);
  const x = expr(e, arg.expr);
  if (field.mode !== 'REPEATED') {
    const macro = MACRO_CAST[field.type];
    if (macro) return `${macro[safe ? 1 : 0]}(${x})`;
    if (field.type === 'BYTES') return safe ? `TRY_CAST(encode(${x}) AS BLOB)` : `encode(${x})`;
  }
  return `${safe ? 'TRY_CAST' : 'CAST'}(${x} AS ${duck})`;
}

export { duckString };
