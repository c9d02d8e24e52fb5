/**
 * Query parameters (jobs.query / jobs.insert `queryParameters`): BigQuery's
 * `{ name?, parameterType: { type, arrayType?, structTypes? }, parameterValue:
 * { value?, arrayValues?, structValues? } }` → values bound to DuckDB prepared
 * statement parameters. Values are bound as text (or lists/structs of text)
 * and converted by a CAST to the declared type in the SQL, so a value never
 * becomes SQL text and DuckDB's own parsers check it.
 */

import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { LIST, listValue, STRUCT, structValue, VARCHAR } from '@duckdb/node-api';
import { parseBigNumeric } from './bignumeric.ts';
import type { BoundParam } from './engine.ts';
import { invalidQuery, unsupported } from './errors.ts';
import { DUCK_OF, type LegacyType, legacyType, quoteDuck } from './schema.ts';

export type ParamType =
  | { readonly kind: 'scalar'; readonly type: Exclude<LegacyType, 'RECORD'> }
  | { readonly kind: 'array'; readonly element: ParamType }
  | { readonly kind: 'struct'; readonly fields: readonly { readonly name: string; readonly type: ParamType }[] };

/** A parameter as the query sees it: `@name` (named) or the n-th `?` (positional). */
export interface QueryParam {
  readonly name: string | undefined;
  readonly type: ParamType;
  /** Text form (strings, lists, records of strings); null for NULL. */
  readonly value: TextValue;
}

type TextValue = string | null | readonly TextValue[] | { readonly [k: string]: TextValue };

const TYPE_NAME: Readonly<Record<Exclude<LegacyType, 'RECORD'>, string>> = {
  STRING: 'STRING',
  BYTES: 'BYTES',
  INTEGER: 'INT64',
  FLOAT: 'FLOAT64',
  NUMERIC: 'NUMERIC',
  BIGNUMERIC: 'BIGNUMERIC',
  BOOLEAN: 'BOOL',
  TIMESTAMP: 'TIMESTAMP',
  DATE: 'DATE',
  TIME: 'TIME',
  DATETIME: 'DATETIME',
  JSON: 'JSON',
};

export function describeParamType(t: ParamType): string {
  switch (t.kind) {
    case 'scalar':
      return TYPE_NAME[t.type];
    case 'array':
      return `ARRAY<${describeParamType(t.element)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map((f) => `${f.name} ${describeParamType(f.type)}`).join(', ')}>`;
  }
}

function parseType(raw: unknown, where: string): ParamType {
  const o = (raw ?? {}) as { type?: unknown; arrayType?: unknown; structTypes?: unknown };
  const name = typeof o.type === 'string' ? o.type.toUpperCase() : '';
  if (name === 'ARRAY') {
    const element = parseType(o.arrayType, where);
    if (element.kind === 'array') throw invalidQuery(`Parameter ${where}: arrays of arrays are not supported`);
    return { kind: 'array', element };
  }
  if (name === 'STRUCT' || name === 'RECORD') {
    const list = Array.isArray(o.structTypes) ? o.structTypes : [];
    return {
      kind: 'struct',
      fields: list.map((f: { name?: unknown; type?: unknown }, i) => ({
        name: typeof f.name === 'string' ? f.name : `_field_${i + 1}`,
        type: parseType(f.type, where),
      })),
    };
  }
  const legacy = legacyType(name);
  if (!legacy || legacy === 'RECORD') throw unsupported(`query parameter type ${name || '(none)'} (${where})`);
  return { kind: 'scalar', type: legacy };
}

const INT64 = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|NaN|Infinity|inf|nan)$/i;
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const TIME = /^\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,6})?)?$/;
const DATETIME = /^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,6})?)?)?$/;
const TIMESTAMP =
  /^(\d{4}-\d{1,2}-\d{1,2})(?:[ T](\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d{1,6})?)?))?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** A TIMESTAMP parameter in a form DuckDB's TIMESTAMPTZ cast reads as the same instant (no zone = UTC). */
function timestampText(text: string): string | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return undefined;
  const zone = m[3] === undefined || /^(Z|UTC)$/i.test(m[3]) ? '+00' : m[3];
  return `${m[1]} ${m[2] ?? '00:00:00'}${zone}`;
}

function scalarText(type: Exclude<LegacyType, 'RECORD'>, raw: unknown, where: string): string | null {
  if (raw === null || raw === undefined) return null;
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : null;
  const bad = (): never => {
    throw invalidQuery(`Invalid ${TYPE_NAME[type]} value for query parameter ${where}: ${JSON.stringify(raw)}`);
  };
  if (text === null) {
    if (type === 'JSON') return JSON.stringify(raw);
    return bad();
  }
  switch (type) {
    case 'INTEGER':
      if (!INT64.test(text.trim())) bad();
      return text.trim();
    case 'FLOAT':
      if (!FLOAT.test(text.trim())) bad();
      return text.trim();
    case 'NUMERIC':
      if (!NUMERIC.test(text.trim())) bad();
      return text.trim();
    case 'BIGNUMERIC': {
      // Bound as the scaled integer text its BIGNUM storage holds (bignumeric.ts).
      const scaled = parseBigNumeric(text);
      return scaled === undefined ? bad() : scaled.toString();
    }
    case 'BOOLEAN': {
      const v = text.trim().toLowerCase();
      if (v !== 'true' && v !== 'false') bad();
      return v;
    }
    case 'TIMESTAMP':
      return timestampText(text) ?? bad();
    case 'DATE':
      if (!DATE.test(text.trim())) bad();
      return text.trim();
    case 'TIME':
      if (!TIME.test(text.trim())) bad();
      return text.trim();
    case 'DATETIME':
      if (!DATETIME.test(text.trim())) bad();
      return text.trim().replace('T', ' ');
    case 'JSON':
      try {
        JSON.parse(text);
      } catch {
        bad();
      }
      return text;
    case 'BYTES':
      if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) bad();
      return text;
    case 'STRING':
      return text;
  }
}

function parseValue(type: ParamType, raw: unknown, where: string): TextValue {
  const o = (raw ?? {}) as { value?: unknown; arrayValues?: unknown; structValues?: unknown };
  switch (type.kind) {
    case 'scalar':
      return scalarText(type.type, o.value, where);
    case 'array': {
      if (raw === null || raw === undefined) return [];
      const items = Array.isArray(o.arrayValues) ? o.arrayValues : [];
      return items.map((item) => parseValue(type.element, item, where));
    }
    case 'struct': {
      const values = (o.structValues ?? null) as Record<string, unknown> | null;
      if (values === null) return null;
      const out: Record<string, TextValue> = {};
      for (const f of type.fields) out[f.name] = parseValue(f.type, values[f.name], where);
      return out;
    }
  }
}

/** Parses `queryParameters` of a request. */
export function parseQueryParameters(raw: unknown, mode: unknown): QueryParam[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalidQuery('queryParameters must be an array');
  const positional = typeof mode === 'string' && mode.toUpperCase() === 'POSITIONAL';
  return raw.map((p: { name?: unknown; parameterType?: unknown; parameterValue?: unknown }, i) => {
    const name = typeof p.name === 'string' && p.name !== '' ? p.name : undefined;
    if (!positional && name === undefined) throw invalidQuery('Named query parameters must have a name');
    const where = name ?? `#${i + 1}`;
    const type = parseType(p.parameterType, where);
    return { name: positional ? undefined : name, type, value: parseValue(type, p.parameterValue, where) };
  });
}

/** The DuckDB type a parameter is converted to by its CAST. */
export function duckTypeOfParam(t: ParamType): string {
  switch (t.kind) {
    case 'scalar':
      return DUCK_OF[t.type];
    case 'array':
      return `${duckTypeOfParam(t.element)}[]`;
    case 'struct':
      return `STRUCT(${t.fields.map((f) => `${quoteDuck(f.name)} ${duckTypeOfParam(f.type)}`).join(', ')})`;
  }
}

/** The text-shaped DuckDB type a parameter is bound with. */
function boundType(t: ParamType): DuckDBType {
  switch (t.kind) {
    case 'scalar':
      return VARCHAR;
    case 'array':
      return LIST(boundType(t.element));
    case 'struct':
      return STRUCT(Object.fromEntries(t.fields.map((f) => [f.name, boundType(f.type)])));
  }
}

function boundValue(t: ParamType, v: TextValue): DuckDBValue {
  if (v === null) return null;
  switch (t.kind) {
    case 'scalar':
      return v as string;
    case 'array':
      return listValue((v as readonly TextValue[]).map((e) => boundValue(t.element, e)));
    case 'struct': {
      const o = v as { readonly [k: string]: TextValue };
      return structValue(Object.fromEntries(t.fields.map((f) => [f.name, boundValue(f.type, o[f.name] ?? null)])));
    }
  }
}

/** SQL that reads the bound parameter `$name` as its declared BigQuery type. */
export function paramSql(duckName: string, t: ParamType): string {
  const ref = `$${duckName}`;
  if (t.kind === 'scalar' && t.type === 'BYTES') return `from_base64(CAST(${ref} AS VARCHAR))`;
  if (t.kind === 'array' && t.element.kind === 'scalar' && t.element.type === 'BYTES') {
    return `list_transform(CAST(${ref} AS VARCHAR[]), x -> from_base64(x))`;
  }
  if (containsBytes(t)) throw unsupported('BYTES inside STRUCT query parameters');
  return `CAST(${ref} AS ${duckTypeOfParam(t)})`;
}

function containsBytes(t: ParamType): boolean {
  if (t.kind === 'scalar') return t.type === 'BYTES';
  if (t.kind === 'array') return containsBytes(t.element);
  return t.fields.some((f) => containsBytes(f.type));
}

export function bindParam(duckName: string, p: QueryParam): BoundParam {
  return { name: duckName, value: boundValue(p.type, p.value), type: boundType(p.type) };
}
