/**
 * BigQuery types ↔ DuckDB types. Table schemas are kept in BigQuery's REST
 * form (`TableFieldSchema`); the API reports standard-SQL names in their
 * legacy spelling (INT64 → INTEGER, FLOAT64 → FLOAT, BOOL → BOOLEAN,
 * STRUCT → RECORD), so names are normalised on the way in.
 */
import type { DuckDBType } from '@duckdb/node-api';
import { DuckDBTypeId } from '@duckdb/node-api';
import { invalid, invalidQuery } from './errors.ts';

export type FieldMode = 'NULLABLE' | 'REQUIRED' | 'REPEATED';

export type LegacyType =
  | 'STRING'
  | 'BYTES'
  | 'INTEGER'
  | 'FLOAT'
  | 'NUMERIC'
  | 'BIGNUMERIC'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'DATE'
  | 'TIME'
  | 'DATETIME'
  | 'JSON'
  | 'RECORD';

export interface FieldSchema {
  readonly name: string;
  readonly type: LegacyType;
  readonly mode: FieldMode;
  readonly description?: string;
  /** GoogleSQL expression BigQuery writes when an insert leaves the column out (applied as a DuckDB DEFAULT: catalog.ts). */
  readonly defaultValueExpression?: string;
  readonly fields?: readonly FieldSchema[];
}

const LEGACY_OF: Readonly<Record<string, LegacyType>> = {
  STRING: 'STRING',
  BYTES: 'BYTES',
  INTEGER: 'INTEGER',
  INT64: 'INTEGER',
  INT: 'INTEGER',
  SMALLINT: 'INTEGER',
  BIGINT: 'INTEGER',
  TINYINT: 'INTEGER',
  BYTEINT: 'INTEGER',
  FLOAT: 'FLOAT',
  FLOAT64: 'FLOAT',
  NUMERIC: 'NUMERIC',
  DECIMAL: 'NUMERIC',
  BIGNUMERIC: 'BIGNUMERIC',
  BIGDECIMAL: 'BIGNUMERIC',
  BOOLEAN: 'BOOLEAN',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  TIME: 'TIME',
  DATETIME: 'DATETIME',
  JSON: 'JSON',
  RECORD: 'RECORD',
  STRUCT: 'RECORD',
};

/** BigQuery type name (standard or legacy) → legacy name; undefined when not supported here. */
export function legacyType(name: string): LegacyType | undefined {
  return LEGACY_OF[name.toUpperCase()];
}

/**
 * DuckDB storage for each BigQuery type. TIMESTAMP is an instant with
 * microsecond precision: TIMESTAMPTZ (the session runs in UTC). DATETIME is
 * civil time: plain TIMESTAMP. NUMERIC is DECIMAL(38, 9), exactly BigQuery's
 * NUMERIC precision and scale. BIGNUMERIC is a BIGNUM holding the value × 10^38
 * (bignumeric.ts: DuckDB's DECIMAL stops at 38 digits).
 */
export const DUCK_OF: Readonly<Record<Exclude<LegacyType, 'RECORD'>, string>> = {
  STRING: 'VARCHAR',
  BYTES: 'BLOB',
  INTEGER: 'BIGINT',
  FLOAT: 'DOUBLE',
  NUMERIC: 'DECIMAL(38, 9)',
  BIGNUMERIC: 'BIGNUM',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMPTZ',
  DATE: 'DATE',
  TIME: 'TIME',
  DATETIME: 'TIMESTAMP',
  JSON: 'JSON',
};

export function quoteDuck(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** DuckDB type of one value of the field (without REPEATED). */
export function duckScalarType(field: FieldSchema): string {
  if (field.type === 'RECORD') {
    const inner = (field.fields ?? []).map((f) => `${quoteDuck(f.name)} ${duckColumnType(f)}`);
    return `STRUCT(${inner.join(', ')})`;
  }
  return DUCK_OF[field.type];
}

export function duckColumnType(field: FieldSchema): string {
  const t = duckScalarType(field);
  return field.mode === 'REPEATED' ? `${t}[]` : t;
}

const FIELD_NAME = /^[\p{L}\p{N}_][\p{L}\p{M}\p{N}_\- ]{0,299}$/u;

/**
 * Validates a REST schema field list and normalises it (legacy type names,
 * default mode). Column names: BigQuery "flexible column names" allow
 * letters, marks, numbers, underscores, dashes and spaces; names are
 * case-insensitive, so duplicates are compared folded.
 */
export function normaliseFields(raw: unknown, where = 'schema'): FieldSchema[] {
  if (!Array.isArray(raw)) throw invalid(`${where}.fields must be an array`);
  const seen = new Set<string>();
  return raw.map((f, i): FieldSchema => {
    if (typeof f !== 'object' || f === null) throw invalid(`${where}.fields[${i}] must be an object`);
    const o = f as Record<string, unknown>;
    const name = o.name;
    if (typeof name !== 'string' || !FIELD_NAME.test(name)) {
      throw invalid(
        `Invalid field name "${String(name)}". Fields must contain only letters, numbers, and underscores.`,
      );
    }
    const folded = name.toLowerCase();
    if (seen.has(folded)) throw invalid(`Field ${name} already exists in schema`);
    seen.add(folded);
    const typeName = typeof o.type === 'string' ? o.type : 'STRING';
    const type = legacyType(typeName);
    if (!type) throw invalid(`Unsupported by the BigQuery emulator: field type ${typeName} (field ${name})`);
    const modeRaw = typeof o.mode === 'string' ? o.mode.toUpperCase() : 'NULLABLE';
    if (modeRaw !== 'NULLABLE' && modeRaw !== 'REQUIRED' && modeRaw !== 'REPEATED') {
      throw invalid(`Invalid mode ${modeRaw} for field ${name}`);
    }
    const field: FieldSchema = {
      name,
      type,
      mode: modeRaw,
      ...(typeof o.description === 'string' ? { description: o.description } : {}),
      ...(typeof o.defaultValueExpression === 'string' && o.defaultValueExpression.trim() !== ''
        ? { defaultValueExpression: o.defaultValueExpression }
        : {}),
      ...(type === 'RECORD' ? { fields: normaliseFields(o.fields, `${where}.${name}`) } : {}),
    };
    if (type === 'RECORD' && (field.fields ?? []).length === 0) {
      throw invalid(`Field ${name} is type RECORD but has no schema`);
    }
    return field;
  });
}

/** The BigQuery type of a DuckDB result column, as jobs.query reports it. */
export function fieldOfDuckType(name: string, type: DuckDBType): FieldSchema {
  if (type.typeId === DuckDBTypeId.LIST || type.typeId === DuckDBTypeId.ARRAY) {
    const inner = fieldOfDuckType(name, type.valueType);
    if (inner.mode === 'REPEATED') {
      throw invalidQuery(`Cannot return an array of arrays (column ${name}); BigQuery does not support nested arrays`);
    }
    return { ...inner, mode: 'REPEATED' };
  }
  if (type.typeId === DuckDBTypeId.STRUCT) {
    const fields = type.entryNames.map((n, i) => fieldOfDuckType(n, type.entryTypes[i] as DuckDBType));
    return { name, type: 'RECORD', mode: 'NULLABLE', fields };
  }
  return { name, type: scalarLegacy(name, type), mode: 'NULLABLE' };
}

function scalarLegacy(name: string, type: DuckDBType): LegacyType {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return 'BOOLEAN';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
    case DuckDBTypeId.INTEGER_LITERAL:
    // `SELECT NULL` is INT64 in BigQuery.
    case DuckDBTypeId.SQLNULL:
      return 'INTEGER';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return 'FLOAT';
    case DuckDBTypeId.DECIMAL:
      return 'NUMERIC';
    case DuckDBTypeId.BIGNUM:
      return 'BIGNUMERIC';
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.STRING_LITERAL:
      return type.alias === 'JSON' ? 'JSON' : 'STRING';
    case DuckDBTypeId.UUID:
      return 'STRING';
    case DuckDBTypeId.BLOB:
      return 'BYTES';
    case DuckDBTypeId.DATE:
      return 'DATE';
    case DuckDBTypeId.TIME:
      return 'TIME';
    case DuckDBTypeId.TIMESTAMP:
      return 'DATETIME';
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'TIMESTAMP';
    default:
      throw invalidQuery(
        `Unsupported by the BigQuery emulator: result column ${name} of DuckDB type ${type.toString()}`,
      );
  }
}

/** The REST form of a field (mode always present, as BigQuery returns it). */
export function fieldJson(f: FieldSchema): Record<string, unknown> {
  return {
    name: f.name,
    type: f.type,
    mode: f.mode,
    ...(f.description !== undefined ? { description: f.description } : {}),
    ...(f.defaultValueExpression !== undefined ? { defaultValueExpression: f.defaultValueExpression } : {}),
    ...(f.fields ? { fields: f.fields.map(fieldJson) } : {}),
  };
}
