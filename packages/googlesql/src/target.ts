/**
 * What a FieldRef denotes in SQL, given the caller's physical schema. The
 * evaluator reads `valueAt(item, ref)`; each target kind says how SQL reads
 * the same value (docs/semantics.md §1.5 nested paths, §1.9 arrays).
 */
import { errors, FINAL_SIGMA, type FieldRef, SIGMA } from '@adaptors/core';
import { type DecimalColumnType, isDecimalType } from './exact-numbers.ts';
import type { SqlHooks } from './hooks.ts';
import type { ValueKind } from './params.ts';
import { timeOfDaySql } from './time-of-day.ts';
import type { ColumnInfo, ColumnType, ScalarColumnType, TableInfo } from './types.ts';

export type Target =
  /** No column holds this field: the value is always missing. */
  | { readonly kind: 'missing' }
  /**
   * A typed scalar column. `expr` compares with params of `value` kind; `order` sorts the same way;
   * `lowered` is a column holding LOWER(expr) (ColumnInfo.lowered).
   * `decimal`: an INT64/NUMERIC column answered as exact decimal text (exact-numbers.ts): `expr` is
   * that text (for the text operators); equality, ranges and `order` use the column itself.
   */
  | {
      readonly kind: 'scalar';
      readonly value: ValueKind;
      readonly expr: string;
      readonly order: string;
      readonly lowered?: string;
      readonly decimal?: { readonly expr: string; readonly type: DecimalColumnType };
      /**
       * A TIMESTAMP column itself, while `expr` and `order` are its value at the millisecond
       * (millisecondOf): date filters compare ranges of this column, so its indexes still serve.
       */
      readonly instant?: string;
      /** A TIME column: compared through its "HH:mm:ss.sss" text, so text operands are put in that form (filter.ts `timeOperand`). */
      readonly timeOfDay?: true;
    }
  /** A typed ARRAY column; `element(e)` turns an element alias into a comparable expression. */
  | {
      readonly kind: 'array';
      readonly value: ValueKind;
      readonly expr: string;
      readonly element: (e: string) => string;
      /** ARRAY<TIME>: elements compared through their "HH:mm:ss.sss" text, as a TIME column. */
      readonly timeOfDay?: true;
    }
  /** A JSON value: a JSON column, or JSON_QUERY into one. */
  | {
      readonly kind: 'json';
      readonly expr: string;
      readonly nested: boolean;
      /** Top-level JSON column declared to hold arrays of this kind (ColumnInfo.elements). */
      readonly elements?: Exclude<ValueKind, 'date'>;
    }
  /** A column this compiler can only test for presence (BYTES, ARRAY<JSON>, ARRAY<BYTES>). */
  | { readonly kind: 'opaque'; readonly expr: string; readonly column: ColumnInfo };

/** Value kind of a scalar column type; undefined for JSON and BYTES. */
export function scalarKind(type: ScalarColumnType): ValueKind | undefined {
  switch (type) {
    case 'STRING':
    case 'DATE': // DATE columns hold "YYYY-MM-DD" strings for Wix (§1.4), compared as strings.
    case 'TIME': // TIME columns hold "HH:mm:ss.sss" strings for Wix (§1.4, time-of-day.ts), compared as strings.
      return 'string';
    case 'FLOAT64':
    case 'INT64':
    case 'NUMERIC':
    case 'BIGNUMERIC':
      return 'number';
    case 'BOOL':
      return 'boolean';
    case 'TIMESTAMP':
      return 'date';
    default:
      return undefined;
  }
}

/**
 * The comparable form of a scalar column value. DATE is compared through its
 * canonical text (`YYYY-MM-DD`, zero-padded, so text order = date order) with
 * STRING params: Wix DATE values are strings (§1.4). INT64/NUMERIC under a
 * NUMBER field compare with FLOAT64 params (GoogleSQL coerces to FLOAT64); the
 * services answer such a value only when a double holds it exactly
 * (exact-numbers.ts); under any other field they are decimal text (`decimal`).
 */
// TODO(semantics): assumed, to be confirmed by the executors: on BigQuery a REPEATED column
// is never NULL (stored as []), so the executor must present a missing array as [] too.
export function comparable(expr: string, type: ScalarColumnType): string {
  if (type === 'DATE') return `CAST(${expr} AS STRING)`;
  if (type === 'TIME') return timeOfDaySql(expr);
  return type === 'TIMESTAMP' ? millisecondOf(expr) : expr;
}

/**
 * A TIMESTAMP at the millisecond, rounded down: the value the services answer (Wix dates carry
 * milliseconds; Spanner reads UNIX_MILLIS, BigQuery floors its microseconds). A table written by
 * other programs holds microseconds (commit timestamps always do): compared, sorted, grouped and
 * paged on the column itself, a filter built from an answered value would miss its row, and a
 * cursor positioned on it would find the same row after itself again. So every comparison uses
 * this (date filters as ranges of the column: filter.ts `instantRange`).
 */
export function millisecondOf(expr: string): string {
  return `TIMESTAMP_MILLIS(UNIX_MILLIS(${expr}))`;
}

export function isArrayType(type: ColumnType): type is { readonly array: ScalarColumnType } {
  return typeof type === 'object';
}

/** A column qualified or not: `\`t\`.\`c\`` or `\`c\``. */
export function columnSql(column: ColumnInfo, sql: SqlHooks, qualifier?: string): string {
  const name = sql.quote(column.name);
  return qualifier ? `${qualifier}.${name}` : name;
}

/**
 * A column as a query answers it: decimal text is read as the engine's exact
 * text (exact-numbers.ts), a TIMESTAMP as the engine reads instants
 * (SqlHooks.timestampMillis; `millis` then marks the output column).
 */
export function projected(column: ColumnInfo, sql: SqlHooks): { readonly expr: string; readonly millis?: true } {
  const name = columnSql(column, sql);
  if (column.decimalText && isDecimalType(column.type)) return { expr: `CAST(${name} AS ${sql.typeName('STRING')})` };
  if (column.type === 'TIME') return { expr: timeOfDaySql(name) };
  return column.type === 'TIMESTAMP' ? returnedTimestamp(name, sql) : { expr: name };
}

/** A TIMESTAMP value the query answers: itself, or its epoch milliseconds marked `millis` (SqlHooks.timestampMillis). */
export function returnedTimestamp(value: string, sql: SqlHooks): { readonly expr: string; readonly millis?: true } {
  const millis = sql.timestampMillis(value);
  return millis === undefined ? { expr: value } : { expr: millis, millis: true };
}

export function columnOf(table: TableInfo, ref: FieldRef): ColumnInfo | undefined {
  return table.columns.get(ref.field);
}

export function resolveTarget(table: TableInfo, ref: FieldRef, sql: SqlHooks): Target {
  const column = columnOf(table, ref);
  if (!column) return { kind: 'missing' };
  const expr = columnSql(column, sql);
  const type = column.type;
  if (ref.path.length > 0) {
    if (type !== 'JSON') {
      throw errors.violation(
        ref.key,
        ref.key,
        `'${ref.field}' is stored as ${describeType(type)}, which has no nested fields like '${ref.key}'.`,
      );
    }
    return { kind: 'json', expr: jsonQuery(sql, expr, ref), nested: true };
  }
  if (isArrayType(type)) {
    const kind = scalarKind(type.array);
    if (!kind) return { kind: 'opaque', expr, column };
    const elementType = type.array;
    const element = (e: string) => comparable(e, elementType);
    return elementType === 'TIME'
      ? { kind: 'array', value: kind, expr, element, timeOfDay: true }
      : { kind: 'array', value: kind, expr, element };
  }
  if (type === 'JSON') {
    const elements = jsonElementKind(column);
    return elements ? { kind: 'json', expr, nested: false, elements } : { kind: 'json', expr, nested: false };
  }
  if (column.decimalText && isDecimalType(type)) {
    return {
      kind: 'scalar',
      value: 'string',
      expr: `CAST(${expr} AS ${sql.typeName('STRING')})`,
      order: expr,
      decimal: { expr, type },
    };
  }
  const kind = scalarKind(type);
  if (!kind) return { kind: 'opaque', expr, column };
  if (type === 'TIMESTAMP') {
    if (column.millisecond) return { kind: 'scalar', value: kind, expr, order: expr };
    const ms = millisecondOf(expr);
    return { kind: 'scalar', value: kind, expr: ms, order: ms, instant: expr };
  }
  // A TIME sorts on the text it compares (its millisecond, fixed width): a cursor's value then
  // positions the page exactly, as TIMESTAMP's millisecondOf does.
  if (type === 'TIME') {
    return { kind: 'scalar', value: kind, expr: timeOfDaySql(expr), order: timeOfDaySql(expr), timeOfDay: true };
  }
  const scalar = { kind: 'scalar' as const, value: kind, expr: comparable(expr, type), order: expr };
  return type === 'STRING' && column.lowered !== undefined ? { ...scalar, lowered: sql.quote(column.lowered) } : scalar;
}

/** LOWER(v); for the target's own value, the column that already holds it when there is one. */
export function lowerOf(target: Target, v: string): string {
  return target.kind === 'scalar' && target.lowered !== undefined && v === target.expr ? target.lowered : `LOWER(${v})`;
}

/**
 * The value of `v` case-folded as the core folds it (core query/patterns.ts `foldCase`): LOWER,
 * then, when the operand folded holds a `σ` (`sigma`), the Greek final sigma `ς` turned into `σ`
 * too. Engines that lower a word-final `Σ` to `ς` (Unicode's final-sigma rule) would otherwise
 * not find `ΣΊΣ` at the start of `ΣΊΣΥΦΟΣ`. Only then: an operand or pattern without `σ`
 * matches a lowered text exactly where it matches the folded one (the step changes no other
 * character and no length), and LOWER alone lets a lowered column's index serve the test.
 */
export function foldedOf(target: Target, v: string, sigma: boolean): string {
  return sigma ? foldSigma(lowerOf(target, v)) : lowerOf(target, v);
}

/** The final-sigma step of foldedOf on an already lowered expression (constants, no user text). */
export function foldSigma(lowered: string): string {
  return `REPLACE(${lowered}, '${FINAL_SIGMA}', '${SIGMA}')`;
}

/**
 * Kind of the elements of a JSON column declared as an array of scalars;
 * undefined when not declared, or declared with elements JSON cannot type
 * exactly (TIMESTAMP, DATE, BYTES … have no JSON type of their own).
 */
export function jsonElementKind(column: ColumnInfo): Exclude<ValueKind, 'date'> | undefined {
  if (column.type !== 'JSON' || !column.elements) return undefined;
  if (column.elements === 'DATE') return undefined;
  const kind = scalarKind(column.elements);
  return kind === 'date' ? undefined : kind;
}

function jsonQuery(sql: SqlHooks, expr: string, ref: FieldRef): string {
  try {
    return sql.jsonQuery(expr, ref.path);
  } catch (e) {
    throw errors.violation(ref.key, ref.key, (e as Error).message);
  }
}

export function describeType(type: ColumnType): string {
  return isArrayType(type) ? `ARRAY<${type.array}>` : type;
}
