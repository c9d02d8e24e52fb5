/**
 * Pure SQL for what googlesql does not compile: item writes, truncate and the
 * references table. Identifiers via googlesql's one quote function, every
 * value a typed parameter; a bulk call's rows travel as ONE
 * ARRAY<STRUCT<c0, c1, …>> parameter (`FROM UNNEST(@rows)`), so 1,000 items
 * are one statement. Struct fields are named c0… (safe aliases): column
 * names never reach a type descriptor.
 */
import { bigquery, type ColumnInfo, isDecimalType } from '@adaptors/googlesql';
import { REFERENCES_TABLE } from '@adaptors/sql-storage';
import type { WriteColumn } from './collections.ts';
import type { ParameterType } from './params.ts';
import { clientColumnType, type Statement } from './values.ts';

export const q = (name: string): string => bigquery.quote(name);

const ID = q('_id');

/** The rows parameter's STRUCT type, one field per written column. */
export function rowsType(columns: readonly WriteColumn[]): ParameterType {
  const struct: Record<string, ParameterType> = {};
  columns.forEach((c, i) => {
    struct[`c${i}`] = clientColumnType(c.column.type);
  });
  return [struct];
}

function source(columns: readonly WriteColumn[], table?: string): string {
  const fields = columns.map((c, i) => `${q('r')}.${q(`c${i}`)} AS ${q(c.column.name)}`);
  const id = columns.findIndex((c) => c.column.name === '_id');
  const only =
    table !== undefined && id >= 0
      ? ` WHERE ${heldOnce(table, `${q('r')}.${q(`c${id}`)}`, `IN (SELECT ${q('o')}.${q(`c${id}`)} FROM UNNEST(@rows) AS ${q('o')})`)}`
      : '';
  return `(SELECT ${fields.join(', ')} FROM UNNEST(@rows) AS ${q('r')}${only})`;
}

/**
 * `id` is not an `_id` that several rows of `table` hold (those among `among`). BigQuery has no
 * unique keys, so an owner's table may repeat an `_id`: a write by `_id` (update, save, remove)
 * leaves such an id alone instead of changing every row that has it — decided by the statement
 * itself, so a duplicate made after the writer read the rows is skipped too (writes.ts).
 */
function heldOnce(table: string, id: string, among: string): string {
  const d = q('d');
  return `${id} NOT IN (SELECT ${d}.${ID} FROM ${q(table)} AS ${d} WHERE ${d}.${ID} ${among} GROUP BY ${d}.${ID} HAVING COUNT(*) > 1)`;
}

/**
 * `WHEN NOT MATCHED THEN INSERT` of the columns, except those in `leftOut` (indexes into
 * `columns`): BigQuery writes a column's default value only when the INSERT leaves it out
 * ("Specify default column values"). A defaulted column whose default can be written in the
 * statement (`insertedDefault`) is always listed, its value `IFNULL(S.c, <default>)`, so rows
 * with and without a value for it share one statement; only a column whose default cannot is
 * left out (writes.ts `byLeftOut` groups a call's rows by those columns: one group, one
 * statement, whenever every default can be written).
 */
function insertClause(columns: readonly WriteColumn[], leftOut: ReadonlySet<number>): string {
  const listed = columns.filter((_, i) => !leftOut.has(i));
  const names = listed.map((c) => q(c.column.name));
  const values = listed.map((c, i) => {
    const value = `${q('S')}.${names[i]}`;
    const fill = c.defaulted ? insertedDefault(c) : undefined;
    return fill === undefined ? value : `IFNULL(${value}, ${fill})`;
  });
  return ` WHEN NOT MATCHED THEN INSERT (${names.join(', ')}) VALUES (${values.join(', ')})`;
}

/** Default texts a NUMERIC or BIGNUMERIC column takes exactly as IFNULL's second operand (`insertedDefault`). */
const INTEGER_LITERAL = /^\s*[+-]?\d{1,18}\s*$/;
const NUMERIC_LITERAL = /^\s*(?:NUMERIC|DECIMAL)\s*(?:'[^'\\\r\n]*'|"[^"\\\r\n]*")\s*$/i;
const BIGNUMERIC_LITERAL = /^\s*(?:BIG)?(?:NUMERIC|DECIMAL)\s*(?:'[^'\\\r\n]*'|"[^"\\\r\n]*")\s*$/i;

/**
 * The column's default as the value an INSERT writes when the row has none (`insertClause`), or
 * undefined when the column must be left out of the INSERT instead (BigQuery then writes the
 * default itself).
 *
 * The text is the column's `defaultValueExpression` as BigQuery reports it in tables.get
 * (catalog.ts `physicalTable`): schema the table's owner defined in BigQuery, which BigQuery
 * accepted as a default value (literals and a few functions such as CURRENT_TIMESTAMP() or
 * GENERATE_UUID(): no column, no subquery, no parameter). No request carries it: Wix neither reads
 * nor sets it (collections/update sends it back unchanged, schema.ts), so embedding it in the
 * statement runs nothing the owner did not write into the table already, and it is evaluated
 * where BigQuery evaluates a default, at the row's insert (GENERATE_UUID() once per row,
 * CURRENT_TIMESTAMP() once per statement). It is wrapped in parentheses, so it stays one operand,
 * with a newline before the closing one, so a trailing `--` or `#` comment ends there.
 *
 * IFNULL needs one type for both operands, and BigQuery accepts as a default any expression the
 * column's type takes by assignment: DATE, TIME and TIMESTAMP columns CAST it (a string literal
 * such as '2020-01-01' is parsed as the assignment parses it); a NUMERIC or BIGNUMERIC column
 * takes only an integer literal or a literal of its own type here (a FLOAT64 literal such as 0.1
 * or a BIGNUMERIC one would give IFNULL another type, or a CAST another rounding); the other
 * scalar types take only their own type (and FLOAT64 from any number, as IFNULL's result type).
 * A REPEATED column is left out: its missing array is written as [], never NULL (values.ts
 * `columnValue`), so IFNULL would never see it missing.
 */
export function insertedDefault(c: WriteColumn): string | undefined {
  const text = c.defaultExpression;
  const type = c.column.type;
  if (text === undefined || text.trim() === '' || typeof type === 'object') return undefined;
  const expression = `(${text}\n)`;
  switch (type) {
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
      return `CAST(${expression} AS ${type})`;
    case 'NUMERIC':
      return INTEGER_LITERAL.test(text) || NUMERIC_LITERAL.test(text) ? expression : undefined;
    case 'BIGNUMERIC':
      return INTEGER_LITERAL.test(text) || BIGNUMERIC_LITERAL.test(text) ? expression : undefined;
    default:
      return expression;
  }
}

/**
 * Insert the rows whose `_id` is not in the table yet (BigQuery has no unique
 * keys). The check and the insert are one statement, so only a write that
 * commits while this statement runs can slip past it (writes.ts). `leftOut`:
 * columns left out, whose default the rows take (`insertClause`).
 */
export function insertMissing(
  table: string,
  columns: readonly WriteColumn[],
  rows: unknown[],
  leftOut: ReadonlySet<number> = new Set(),
): Statement {
  return {
    sql:
      `MERGE ${q(table)} AS ${q('T')} USING ${source(columns)} AS ${q('S')} ON ${q('T')}.${ID} = ${q('S')}.${ID}` +
      insertClause(columns, leftOut),
    params: { rows },
    types: { rows: rowsType(columns) },
  };
}

/**
 * Full replacement of existing rows (`keep` columns untouched, e.g. `_createdDate`); with
 * `upsert`, insert the others as `insertMissing` does (a missing value takes the column's
 * default: `insertClause`). A row whose `_id` several rows hold is neither (`heldOnce`). A REQUIRED
 * column with a default keeps its stored value when the row has none: BigQuery refuses NULL
 * there, and the default is only for new rows (a nullable one is cleared, as full replacement
 * clears any field the item leaves out).
 */
export function replaceRows(
  table: string,
  columns: readonly WriteColumn[],
  rows: unknown[],
  options: { readonly keep: readonly string[]; readonly upsert: boolean; readonly leftOut?: ReadonlySet<number> },
): Statement {
  const set = columns
    .filter((c) => c.column.name !== '_id' && !options.keep.includes(c.column.name))
    .map((c) => {
      const name = q(c.column.name);
      const value = `${q('S')}.${name}`;
      return `${name} = ${c.defaulted === 'REQUIRED' ? `IFNULL(${value}, ${q('T')}.${name})` : value}`;
    });
  const matched = set.length > 0 ? ` WHEN MATCHED THEN UPDATE SET ${set.join(', ')}` : '';
  const insert = options.upsert ? insertClause(columns, options.leftOut ?? new Set()) : '';
  return {
    sql: `MERGE ${q(table)} AS ${q('T')} USING ${source(columns, table)} AS ${q('S')} ON ${q('T')}.${ID} = ${q('S')}.${ID}${matched}${insert}`,
    params: { rows },
    types: { rows: rowsType(columns) },
  };
}

/**
 * Rows by `_id` (`columns` as c0…), for per-item answers: an INT64/NUMERIC/BIGNUMERIC column that
 * holds a Wix TEXT field answers its exact decimal text, as a query projects it (googlesql
 * target.ts `projected`).
 */
export function selectByIds(
  table: string,
  columns: readonly (string | ColumnInfo)[],
  ids: readonly string[],
): Statement {
  const select = columns
    .map((c, i) => {
      const name = q(typeof c === 'string' ? c : c.name);
      const value = typeof c !== 'string' && c.decimalText && isDecimalType(c.type) ? `CAST(${name} AS STRING)` : name;
      return `${value} AS ${q(`c${i}`)}`;
    })
    .join(', ');
  return {
    sql: `SELECT ${select} FROM ${q(table)} WHERE ${ID} IN UNNEST(@ids)`,
    params: { ids: [...ids] },
    types: { ids: ['STRING'] },
  };
}

/** Rows by `_id`, except an `_id` several rows hold (`heldOnce`). */
export function deleteByIds(table: string, ids: readonly string[]): Statement {
  return {
    sql: `DELETE FROM ${q(table)} WHERE ${ID} IN UNNEST(@ids) AND ${heldOnce(table, ID, 'IN UNNEST(@ids)')}`,
    params: { ids: [...ids] },
    types: { ids: ['STRING'] },
  };
}

/** Every row, whatever the count: TRUNCATE TABLE is one metadata operation (no bytes billed, no DML row limit). */
export function truncateTable(table: string): Statement {
  return { sql: `TRUNCATE TABLE ${q(table)}`, params: {}, types: {} };
}

/**
 * Up to three `_id` values that are NULL or held by several rows (`id`, rows `n`): one query
 * before collections/update makes an owner's table writable (schema.ts).
 */
export function badIds(table: string): Statement {
  return {
    sql:
      `SELECT ${ID} AS ${q('id')}, COUNT(*) AS ${q('n')} FROM ${q(table)} GROUP BY ${ID} ` +
      `HAVING COUNT(*) > 1 OR ${ID} IS NULL ORDER BY ${q('n')} DESC LIMIT 3`,
    params: {},
    types: {},
  };
}

/** Does the column hold a value in some row (schema changes that would lose data are refused)? */
export function anyValue(table: string, column: string): Statement {
  return {
    sql: `SELECT 1 AS ${q('x')} FROM ${q(table)} WHERE ${q(column)} IS NOT NULL LIMIT 1`,
    params: {},
    types: {},
  };
}

/**
 * Values of an INT64 or NUMERIC column that may not be exactly a double: up to `limit` distinct
 * ones, as their exact decimal text, for the caller to check one by one (schema.ts, before a
 * collections/update makes the column NUMBER: googlesql exact-numbers.ts `doubleOfDecimal`).
 * Every value left out is one: an integer up to 2^53, a NUMERIC below 2^22 (its 9 fractional
 * digits are then finer than a double's step, so its text is the double's shortest text), or
 * one of at most 15 significant digits (every such decimal is the shortest text of its double).
 * What remains are the rare values of 16+ digits and the whole numbers past 2^53.
 */
export function valuesBeyondDouble(table: string, column: string, type: 'INT64' | 'NUMERIC', limit: number): Statement {
  const c = q(column);
  const whole = `(ABS(${c}) <= 9007199254740992 AND ${c} = TRUNC(${c}))`;
  const exact =
    type === 'INT64'
      ? `ABS(${c}) <= 9007199254740992`
      : [
          whole,
          `ABS(${c}) < 4194304`,
          ...[
            [100000000, 7],
            [10000000000, 5],
            [1000000000000, 3],
            [100000000000000, 1],
          ].map(([below, places]) => `(ABS(${c}) < ${below} AND ${c} = ROUND(${c}, ${places}))`),
        ].join(' OR ');
  return {
    sql:
      `SELECT DISTINCT CAST(${c} AS STRING) AS ${q('v')} FROM ${q(table)} ` +
      `WHERE ${c} IS NOT NULL AND NOT (${exact}) LIMIT ${limit}`,
    params: {},
    types: {},
  };
}

export function dropColumns(table: string, columns: readonly string[]): string {
  return `ALTER TABLE ${q(table)} ${columns.map((c) => `DROP COLUMN ${q(c)}`).join(', ')}`;
}

// ── references table (one row per MULTI_REFERENCE pair) ──────────────────────

const R = q(REFERENCES_TABLE);
const C = q('collection_id');
const F = q('field_key');
const FROM = q('referring_id');
const TO = q('referenced_id');

export const REFERENCES_SCHEMA = [
  { name: 'collection_id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'field_key', type: 'STRING', mode: 'REQUIRED' },
  { name: 'referring_id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'referenced_id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'referenced_collection_id', type: 'STRING', mode: 'REQUIRED' },
  { name: 'created_at', type: 'TIMESTAMP', mode: 'REQUIRED' },
  { name: 'seq', type: 'INT64', mode: 'REQUIRED' },
] as const;

export interface PairRow {
  readonly referringItemId: string;
  readonly referencedItemId: string;
}

/** Pairs of one field, restricted to these ends (a superset of the asked pairs; the caller filters exactly). */
export function selectPairsAmong(collectionId: string, fieldKey: string, pairs: readonly PairRow[]): Statement {
  return {
    sql:
      `SELECT ${FROM} AS ${q('a')}, ${TO} AS ${q('b')} FROM ${R} WHERE ${C} = @c AND ${F} = @f ` +
      `AND ${FROM} IN UNNEST(@from) AND ${TO} IN UNNEST(@to)`,
    params: {
      c: collectionId,
      f: fieldKey,
      from: [...new Set(pairs.map((p) => p.referringItemId))],
      to: [...new Set(pairs.map((p) => p.referencedItemId))],
    },
    types: { c: 'STRING', f: 'STRING', from: ['STRING'], to: ['STRING'] },
  };
}

/** New pairs; created_at is the statement's time and seq the position in the call (creation order, §4.9). */
export function insertPairs(
  collectionId: string,
  fieldKey: string,
  targetId: string,
  pairs: readonly PairRow[],
): Statement {
  return {
    sql:
      `INSERT INTO ${R} (${C}, ${F}, ${FROM}, ${TO}, ${q('referenced_collection_id')}, ${q('created_at')}, ${q('seq')}) ` +
      `SELECT @c, @f, ${q('p')}.${q('a')}, ${q('p')}.${q('b')}, @t, CURRENT_TIMESTAMP(), ${q('i')} ` +
      `FROM UNNEST(@pairs) AS ${q('p')} WITH OFFSET AS ${q('i')}`,
    params: {
      c: collectionId,
      f: fieldKey,
      t: targetId,
      pairs: pairs.map((p) => ({ a: p.referringItemId, b: p.referencedItemId })),
    },
    types: { c: 'STRING', f: 'STRING', t: 'STRING', pairs: [{ a: 'STRING', b: 'STRING' }] },
  };
}

export function deletePairs(collectionId: string, fieldKey: string, pairs: readonly PairRow[]): Statement {
  return {
    sql:
      `DELETE FROM ${R} WHERE ${C} = @c AND ${F} = @f AND EXISTS(SELECT 1 FROM UNNEST(@pairs) AS ${q('p')} ` +
      `WHERE ${q('p')}.${q('a')} = ${FROM} AND ${q('p')}.${q('b')} = ${TO})`,
    params: {
      c: collectionId,
      f: fieldKey,
      pairs: pairs.map((p) => ({ a: p.referringItemId, b: p.referencedItemId })),
    },
    types: { c: 'STRING', f: 'STRING', pairs: [{ a: 'STRING', b: 'STRING' }] },
  };
}
