/**
 * DuckDB macros that carry GoogleSQL semantics the translator cannot get from
 * a DuckDB built-in of the same name. Each one cites the GoogleSQL behaviour
 * it reproduces. Macros are inlined by DuckDB's binder, so `typeof(x)`
 * dispatch costs nothing at run time and lets one macro follow BigQuery's
 * per-type rules (a CASE branch not taken is never evaluated).
 */

const NUMBER_JSON = `('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')`;

export const MACROS: readonly string[] = [
  // `/` is always FLOAT64 division and division by zero is an error
  // ("division by zero: 1 / 0"); DuckDB returns Infinity/NaN.
  // A BIGNUMERIC (a BIGNUM × 10^38, bignumeric.ts) becomes its FLOAT64 value, not the scaled integer's.
  `CREATE MACRO bq_to_double(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN bq_bignumeric_double(CAST(x AS VARCHAR)) ELSE CAST(x AS DOUBLE) END`,
  `CREATE MACRO bq_div(a, b) AS CASE WHEN b = 0 THEN error('division by zero: ' || CAST(a AS VARCHAR) || ' / ' || CAST(b AS VARCHAR)) ELSE bq_to_double(a) / bq_to_double(b) END`,
  `CREATE MACRO bq_safe_divide(a, b) AS CASE WHEN b = 0 THEN NULL ELSE bq_to_double(a) / bq_to_double(b) END`,
  `CREATE MACRO bq_ieee_divide(a, b) AS bq_to_double(a) / bq_to_double(b)`,
  // DIV rounds toward zero; DuckDB's // floors. a - a % b is an exact multiple of b (% truncates, like MOD).
  `CREATE MACRO bq_intdiv(a, b) AS CASE WHEN b = 0 THEN error('division by zero: ' || CAST(a AS VARCHAR) || ' / ' || CAST(b AS VARCHAR)) ELSE (a - a % b) // b END`,
  `CREATE MACRO bq_mod(a, b) AS CASE WHEN b = 0 THEN error('division by zero: ' || CAST(a AS VARCHAR) || ' / ' || CAST(b AS VARCHAR)) ELSE a % b END`,
  // arr[OFFSET(i)] is an error out of bounds; SAFE_OFFSET gives NULL; a NULL array gives NULL.
  `CREATE MACRO bq_offset(arr, i) AS CASE WHEN i < 0 OR i >= len(arr) THEN error('Array index ' || CAST(i AS VARCHAR) || ' is out of bounds (overflow)') ELSE arr[i + 1] END`,
  `CREATE MACRO bq_safe_offset(arr, i) AS CASE WHEN i < 0 OR i >= len(arr) THEN NULL ELSE arr[i + 1] END`,
  // JSON_TYPE names: object, array, string, number, boolean, null (SQL NULL for SQL NULL).
  `CREATE MACRO bq_json_type(j) AS CASE json_type(j) WHEN 'OBJECT' THEN 'object' WHEN 'ARRAY' THEN 'array' WHEN 'VARCHAR' THEN 'string' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'NULL' THEN 'null' WHEN 'BIGINT' THEN 'number' WHEN 'UBIGINT' THEN 'number' WHEN 'DOUBLE' THEN 'number' WHEN 'HUGEINT' THEN 'number' END`,
  // JSON_VALUE: the scalar as STRING; NULL for objects, arrays and JSON null (DuckDB's json_value would return JSON-quoted text).
  `CREATE MACRO bq_json_value(j, p) AS CASE WHEN json_type(json_extract(j, p)) IN ('VARCHAR', 'BOOLEAN', 'BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT') THEN json_extract_string(j, p) END`,
  // JSON_QUERY_ARRAY: the elements as ARRAY<JSON>; NULL when the value is not an array.
  `CREATE MACRO bq_json_query_array(j, p) AS CASE WHEN json_type(json_extract(j, p)) = 'ARRAY' THEN json_extract(json_extract(j, p), '$[*]') END`,
  `CREATE MACRO bq_json_value_array(j, p) AS CASE WHEN json_type(json_extract(j, p)) = 'ARRAY' AND len(list_filter(json_extract(json_extract(j, p), '$[*]'), e -> json_type(e) IN ('OBJECT', 'ARRAY'))) = 0 THEN list_transform(json_extract(json_extract(j, p), '$[*]'), e -> CASE WHEN json_type(e) = 'NULL' THEN NULL ELSE json_extract_string(e, '$') END) END`,
  // LAX_* converters never fail (GoogleSQL JSON functions "LAX_BOOL", "LAX_FLOAT64", "LAX_INT64", "LAX_STRING").
  `CREATE MACRO bq_lax_float64(j) AS CASE WHEN json_type(j) IN ${NUMBER_JSON} THEN CAST(json_extract_string(j, '$') AS DOUBLE) WHEN json_type(j) = 'VARCHAR' THEN TRY_CAST(trim(json_extract_string(j, '$')) AS DOUBLE) END`,
  `CREATE MACRO bq_lax_int64(j) AS CASE WHEN json_type(j) IN ('BIGINT', 'UBIGINT') THEN TRY_CAST(json_extract_string(j, '$') AS BIGINT) WHEN json_type(j) IN ('DOUBLE', 'HUGEINT') THEN TRY_CAST(round(CAST(json_extract_string(j, '$') AS DOUBLE)) AS BIGINT) WHEN json_type(j) = 'VARCHAR' THEN TRY_CAST(round(TRY_CAST(trim(json_extract_string(j, '$')) AS DOUBLE)) AS BIGINT) WHEN json_type(j) = 'BOOLEAN' THEN CASE WHEN json_extract_string(j, '$') = 'true' THEN 1 ELSE 0 END END`,
  `CREATE MACRO bq_lax_bool(j) AS CASE WHEN json_type(j) = 'BOOLEAN' THEN json_extract_string(j, '$') = 'true' WHEN json_type(j) = 'VARCHAR' THEN CASE lower(json_extract_string(j, '$')) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END WHEN json_type(j) IN ${NUMBER_JSON} THEN CAST(json_extract_string(j, '$') AS DOUBLE) <> 0 END`,
  `CREATE MACRO bq_lax_string(j) AS CASE WHEN json_type(j) IN ('VARCHAR', 'BOOLEAN', 'BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') THEN json_extract_string(j, '$') END`,
  // Strict converters (BOOL(json), FLOAT64(json), INT64(json), STRING(json)) raise on another JSON type.
  `CREATE MACRO bq_json_bool(j) AS CASE WHEN j IS NULL THEN NULL WHEN json_type(j) = 'BOOLEAN' THEN json_extract_string(j, '$') = 'true' ELSE error('The provided JSON input is not a boolean') END`,
  `CREATE MACRO bq_json_float64(j) AS CASE WHEN j IS NULL THEN NULL WHEN json_type(j) IN ${NUMBER_JSON} THEN CAST(json_extract_string(j, '$') AS DOUBLE) ELSE error('The provided JSON input is not a number') END`,
  `CREATE MACRO bq_json_int64(j) AS CASE WHEN j IS NULL THEN NULL WHEN json_type(j) IN ('BIGINT', 'UBIGINT') THEN CAST(json_extract_string(j, '$') AS BIGINT) WHEN json_type(j) = 'DOUBLE' AND CAST(json_extract_string(j, '$') AS DOUBLE) = trunc(CAST(json_extract_string(j, '$') AS DOUBLE)) THEN CAST(CAST(json_extract_string(j, '$') AS DOUBLE) AS BIGINT) ELSE error('The provided JSON input is not an integer') END`,
  `CREATE MACRO bq_json_string(j) AS CASE WHEN j IS NULL THEN NULL WHEN json_type(j) = 'VARCHAR' THEN json_extract_string(j, '$') ELSE error('The provided JSON input is not a string') END`,
  // CAST(x AS INT64): strings must be integer literals (DuckDB would round '1.5'); floats round half away from zero.
  `CREATE MACRO bq_cast_int64(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN bq_bignumeric_int64(CAST(x AS VARCHAR)) WHEN typeof(x) = 'VARCHAR' AND NOT regexp_full_match(trim(CAST(x AS VARCHAR)), '[+-]?([0-9]+|0[xX][0-9a-fA-F]+)') THEN error('Bad int64 value: ' || CAST(x AS VARCHAR)) WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN CAST(round(CAST(x AS DOUBLE)) AS BIGINT) ELSE CAST(x AS BIGINT) END`,
  `CREATE MACRO bq_safe_cast_int64(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN bq_bignumeric_int64_safe(CAST(x AS VARCHAR)) WHEN typeof(x) = 'VARCHAR' AND NOT regexp_full_match(trim(CAST(x AS VARCHAR)), '[+-]?([0-9]+|0[xX][0-9a-fA-F]+)') THEN NULL WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN TRY_CAST(round(CAST(x AS DOUBLE)) AS BIGINT) ELSE TRY_CAST(x AS BIGINT) END`,
  // CAST(x AS BOOL): only 'true'/'false' (any case) are booleans; DuckDB also takes 't', 'yes', '1'.
  `CREATE MACRO bq_cast_bool(x) AS CASE WHEN typeof(x) = 'VARCHAR' THEN CASE lower(trim(CAST(x AS VARCHAR))) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE ELSE error('Bad bool value: ' || CAST(x AS VARCHAR)) END ELSE CAST(x AS BOOLEAN) END`,
  `CREATE MACRO bq_safe_cast_bool(x) AS CASE WHEN typeof(x) = 'VARCHAR' THEN CASE lower(trim(CAST(x AS VARCHAR))) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END ELSE TRY_CAST(x AS BOOLEAN) END`,
  // TIME and DATETIME text: BigQuery prints the fraction of a second in groups of three digits (none, 3 or 6:
  // '01:02:03', '01:02:03.120', '01:02:03.123450'); DuckDB trims its trailing zeros ('01:02:03.12').
  `CREATE MACRO bq_civil_text(s) AS CASE WHEN NOT contains(s, '.') THEN s ELSE rpad(s, CAST(strpos(s, '.') + CASE WHEN length(s) - strpos(s, '.') <= 3 THEN 3 ELSE 6 END AS INTEGER), '0') END`,
  // CAST(x AS STRING): NUMERIC prints without trailing zeros ('1.5', not '1.500000000'); BYTES decode as UTF-8;
  // TIME and DATETIME as bq_civil_text (DATETIME with a space, as CAST prints it; the REST cell has a T: encode.ts).
  // FLOAT64 text follows BigQuery's own shortest-digits format, which is not reproduced: refused, not guessed.
  `CREATE MACRO bq_cast_string(x) AS CASE WHEN typeof(x) IN ('TIME', 'TIMESTAMP') THEN bq_civil_text(CAST(x AS VARCHAR)) WHEN typeof(x) = 'BIGNUM' THEN bq_bignumeric_text(CAST(x AS VARCHAR)) WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN error('Unsupported by the BigQuery emulator: CAST(FLOAT64 AS STRING)') WHEN typeof(x) LIKE 'DECIMAL%' AND contains(CAST(x AS VARCHAR), '.') THEN rtrim(rtrim(CAST(x AS VARCHAR), '0'), '.') WHEN typeof(x) = 'BLOB' THEN decode(CAST(x AS BLOB)) ELSE CAST(x AS VARCHAR) END`,
  `CREATE MACRO bq_safe_cast_string(x) AS CASE WHEN typeof(x) IN ('TIME', 'TIMESTAMP') THEN bq_civil_text(CAST(x AS VARCHAR)) WHEN typeof(x) = 'BIGNUM' THEN bq_bignumeric_text(CAST(x AS VARCHAR)) WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN error('Unsupported by the BigQuery emulator: SAFE_CAST(FLOAT64 AS STRING)') WHEN typeof(x) LIKE 'DECIMAL%' AND contains(CAST(x AS VARCHAR), '.') THEN rtrim(rtrim(CAST(x AS VARCHAR), '0'), '.') WHEN typeof(x) = 'BLOB' THEN TRY_CAST(decode(CAST(x AS BLOB)) AS VARCHAR) ELSE TRY_CAST(x AS VARCHAR) END`,
  // BIGNUMERIC casts (bignumeric.ts, bignumeric-functions.ts): text and NUMERIC convert exactly, FLOAT64 by its
  // exact binary value; to INT64/NUMERIC round half away from zero; out of range is an error (SAFE_CAST: NULL).
  // A BIGNUM reaches the JS functions as its text, so no branch binds a cast DuckDB lacks.
  `CREATE MACRO bq_cast_bignumeric(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN CAST(CAST(x AS VARCHAR) AS BIGNUM) WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN bq_bignumeric_of_double(CAST(x AS DOUBLE)) ELSE bq_bignumeric_parse(CAST(x AS VARCHAR)) END`,
  `CREATE MACRO bq_safe_cast_bignumeric(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN CAST(CAST(x AS VARCHAR) AS BIGNUM) WHEN typeof(x) IN ('DOUBLE', 'FLOAT') THEN bq_bignumeric_of_double_safe(CAST(x AS DOUBLE)) ELSE bq_bignumeric_parse_safe(CAST(x AS VARCHAR)) END`,
  `CREATE MACRO bq_cast_float64(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN bq_bignumeric_double(CAST(x AS VARCHAR)) ELSE CAST(x AS DOUBLE) END`,
  `CREATE MACRO bq_safe_cast_float64(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN bq_bignumeric_double_safe(CAST(x AS VARCHAR)) ELSE TRY_CAST(x AS DOUBLE) END`,
  `CREATE MACRO bq_cast_numeric(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN CAST(bq_bignumeric_numeric(CAST(x AS VARCHAR)) AS DECIMAL(38, 9)) ELSE CAST(x AS DECIMAL(38, 9)) END`,
  `CREATE MACRO bq_safe_cast_numeric(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN CAST(bq_bignumeric_numeric_safe(CAST(x AS VARCHAR)) AS DECIMAL(38, 9)) ELSE TRY_CAST(x AS DECIMAL(38, 9)) END`,
  // A comparison with a number literal: GoogleSQL coerces the literal to BIGNUMERIC when the other side is one
  // (the scaled BIGNUM would otherwise meet the unscaled literal). Other operands compare as they are.
  ...['eq:=', 'ne:<>', 'lt:<', 'le:<=', 'gt:>', 'ge:>='].map((pair) => {
    const [name, op] = pair.split(':');
    // The BIGNUM branch reads `a` through VARCHAR so it also binds when `a` is a DECIMAL (DuckDB has no DECIMAL–BIGNUM comparison).
    return `CREATE MACRO bq_cmp_${name}(a, lit) AS CASE WHEN typeof(a) = 'BIGNUM' THEN CAST(CAST(a AS VARCHAR) AS BIGNUM) ${op} bq_cast_bignumeric(lit) ELSE a ${op} lit END`;
  }),
  // BIGNUMERIC × BIGNUMERIC would multiply the scales: refused. AVG(x) OVER / AVG(DISTINCT x) of a BIGNUMERIC too.
  `CREATE MACRO bq_mul(a, b) AS CASE WHEN typeof(a) = 'BIGNUM' OR typeof(b) = 'BIGNUM' THEN error('Unsupported by the BigQuery emulator: BIGNUMERIC multiplication') ELSE a * b END`,
  `CREATE MACRO bq_avg_arg(x) AS CASE WHEN typeof(x) = 'BIGNUM' THEN error('Unsupported by the BigQuery emulator: AVG(DISTINCT BIGNUMERIC) and AVG(BIGNUMERIC) OVER (…)') ELSE x END`,
  // AVG: a BIGNUMERIC average is a BIGNUMERIC (exact, rounded to 38 places); DuckDB picks the overload by type.
  `CREATE MACRO bq_avg(x BIGNUM) AS bq_bignumeric_avg(CAST(sum(x) AS VARCHAR), count(x)), (x BIGINT) AS avg(x), (x DOUBLE) AS avg(x), (x DECIMAL(38, 9)) AS avg(x), (x HUGEINT) AS avg(x), (x INTEGER) AS avg(x), (x) AS avg(x)`,
  // SUBSTR: position 0 is 1, a negative position counts from the end and stops at the start; a negative length is an error.
  `CREATE MACRO bq_substr(s, p) AS substring(s, CASE WHEN p = 0 THEN 1 WHEN p < 0 THEN greatest(length(s) + p + 1, 1) ELSE p END), (s, p, l) AS CASE WHEN l < 0 THEN error('Third argument in SUBSTR() cannot be negative') ELSE substring(s, CASE WHEN p = 0 THEN 1 WHEN p < 0 THEN greatest(length(s) + p + 1, 1) ELSE p END, l) END`,
  // ARRAY_CONCAT is NULL when any input is NULL; DuckDB's list_concat skips NULL lists.
  `CREATE MACRO bq_array_concat(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE list_concat(a, b) END`,
  // TIMESTAMP_DIFF counts whole units, truncated toward zero (DuckDB's date_diff counts boundaries).
  `CREATE MACRO bq_ts_diff(a, b, unit_us) AS bq_intdiv(epoch_us(a) - epoch_us(b), unit_us)`,
];
