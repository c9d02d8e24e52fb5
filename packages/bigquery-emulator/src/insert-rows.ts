/**
 * tabledata.insertAll: each JSON row is checked against the table schema the
 * way the streaming API checks it (unknown fields, missing REQUIRED fields,
 * values of the wrong type, arrays for non-repeated fields…), then written
 * through typed parameters like any query value.
 */
import { parseBigNumeric } from './bignumeric.ts';
import type { BoundParam } from './engine.ts';
import { bindParam, type ParamType, paramSql, type QueryParam } from './params.ts';
import type { FieldSchema } from './schema.ts';

export interface RowError {
  readonly reason: 'invalid' | 'stopped';
  readonly location: string;
  readonly message: string;
}

type Text = string | null | readonly Text[] | { readonly [k: string]: Text };

class RowProblem extends Error {
  readonly location: string;
  constructor(location: string, message: string) {
    super(message);
    this.location = location;
  }
}

export function paramTypeOfField(f: FieldSchema, asElement = false): ParamType {
  if (!asElement && f.mode === 'REPEATED') return { kind: 'array', element: paramTypeOfField(f, true) };
  if (f.type === 'RECORD') {
    return { kind: 'struct', fields: (f.fields ?? []).map((s) => ({ name: s.name, type: paramTypeOfField(s) })) };
  }
  return { kind: 'scalar', type: f.type };
}

const INT = /^[+-]?\d+$/;
const NUM = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function microsText(micros: bigint): string {
  const ms = micros / 1000n;
  const rest = micros % 1000n;
  const iso = new Date(Number(ms)).toISOString().replace('Z', '');
  return `${iso}${(rest < 0n ? -rest : rest).toString().padStart(3, '0')}+00`;
}

function scalar(f: FieldSchema, v: unknown, at: string): string {
  const bad = (what: string): never => {
    throw new RowProblem(
      at,
      `Cannot convert value to ${what} (bad value): ${typeof v === 'string' ? v : JSON.stringify(v)}`,
    );
  };
  switch (f.type) {
    case 'STRING':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      return bad('string');
    case 'INTEGER':
      if (typeof v === 'number' && Number.isInteger(v)) return String(v);
      if (typeof v === 'string' && INT.test(v.trim())) return v.trim();
      return bad('integer');
    case 'FLOAT':
      if (typeof v === 'number') return String(v);
      if (typeof v === 'string' && (NUM.test(v.trim()) || /^(NaN|[+-]?Infinity)$/.test(v.trim()))) return v.trim();
      return bad('floating point');
    case 'NUMERIC':
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      if (typeof v === 'string' && NUM.test(v.trim())) return v.trim();
      return bad('numeric');
    case 'BIGNUMERIC': {
      // Bound as the scaled integer its BIGNUM storage holds (bignumeric.ts).
      const text = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v : '';
      const scaled = parseBigNumeric(text);
      return scaled === undefined ? bad('bignumeric') : scaled.toString();
    }
    case 'BOOLEAN':
      if (typeof v === 'boolean') return String(v);
      if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase();
      return bad('boolean');
    case 'TIMESTAMP':
      // A number is seconds since the epoch (streaming API); a string is a timestamp literal.
      if (typeof v === 'number' && Number.isFinite(v)) return microsText(BigInt(Math.round(v * 1e6)));
      if (typeof v === 'string' && /^\d{4}-\d{1,2}-\d{1,2}/.test(v.trim())) {
        const t = v.trim();
        return /(Z|[+-]\d{2}(:?\d{2})?| UTC)$/i.test(t) ? t.replace(/ UTC$/i, '+00').replace(/Z$/i, '+00') : `${t}+00`;
      }
      return bad('timestamp');
    case 'DATE':
    case 'DATETIME':
    case 'TIME':
      if (typeof v === 'string') return v.trim();
      return bad(f.type.toLowerCase());
    case 'JSON':
      if (typeof v === 'string') {
        try {
          JSON.parse(v);
          return v;
        } catch {
          return bad('JSON');
        }
      }
      return JSON.stringify(v);
    case 'BYTES':
      if (typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) return v;
      return bad('bytes');
    case 'RECORD':
      return bad('record');
  }
}

function value(f: FieldSchema, v: unknown, at: string, asElement = false): Text {
  if (!asElement && f.mode === 'REPEATED') {
    if (v === null || v === undefined) return [];
    if (!Array.isArray(v)) throw new RowProblem(at, `Non-array value specified for repeated field: ${at}.`);
    return v.map((e) => {
      if (e === null) throw new RowProblem(at, `Array cannot have a null element; error in writing field ${at}`);
      return value(f, e, at, true);
    });
  }
  if (v === null || v === undefined) {
    if (f.mode === 'REQUIRED' && !asElement) throw new RowProblem(at, `Missing required field: ${at}.`);
    return null;
  }
  if (Array.isArray(v) && f.type !== 'JSON') throw new RowProblem(at, `Array specified for non-repeated field: ${at}.`);
  if (f.type === 'RECORD') {
    if (typeof v !== 'object') throw new RowProblem(at, `This field: ${at} is not a record.`);
    return record(f.fields ?? [], v as Record<string, unknown>, `${at}.`, false);
  }
  return scalar(f, v, at);
}

function record(
  fields: readonly FieldSchema[],
  row: Record<string, unknown>,
  prefix: string,
  ignoreUnknown: boolean,
): Text {
  const out: Record<string, Text> = {};
  const known = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
  for (const key of Object.keys(row)) {
    if (!known.has(key.toLowerCase()) && !ignoreUnknown)
      throw new RowProblem(`${prefix}${key}`, `no such field: ${prefix}${key}.`);
  }
  for (const f of fields) {
    const key = Object.keys(row).find((k) => k.toLowerCase() === f.name.toLowerCase());
    // A row without the field takes the column's default (insertSql), as BigQuery's streaming
    // API writes it for a missing field; an explicit null stays NULL.
    if (key === undefined && f.defaultValueExpression !== undefined && prefix === '') continue;
    out[f.name] = value(f, key === undefined ? undefined : row[key], `${prefix}${f.name}`);
  }
  return out;
}

export type CheckedRow = { ok: true; values: Record<string, Text> } | { ok: false; error: RowError };

export function checkRow(schema: readonly FieldSchema[], json: unknown, ignoreUnknown: boolean): CheckedRow {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: { reason: 'invalid', location: '', message: 'Row must be a JSON object' } };
  }
  try {
    return {
      ok: true,
      values: record(schema, json as Record<string, unknown>, '', ignoreUnknown) as Record<string, Text>,
    };
  } catch (e) {
    if (e instanceof RowProblem)
      return { ok: false, error: { reason: 'invalid', location: e.location, message: e.message } };
    throw e;
  }
}

/** One INSERT for the accepted rows, every value a typed parameter. */
export function insertSql(
  physical: string,
  schema: readonly FieldSchema[],
  rows: readonly Record<string, Text>[],
): { sql: string; params: BoundParam[] } {
  const params: BoundParam[] = [];
  const columns = schema.map((f) => `"${f.name.replaceAll('"', '""')}"`).join(', ');
  const tuples = rows.map((row) => {
    const cells = schema.map((f) => {
      if (!(f.name in row)) return 'DEFAULT'; // left out by checkRow: a field with a default
      const name = `v${params.length}`;
      const p: QueryParam = { name, type: paramTypeOfField(f), value: row[f.name] ?? null };
      params.push(bindParam(name, p));
      return paramSql(name, p.type);
    });
    return `(${cells.join(', ')})`;
  });
  return { sql: `INSERT INTO ${physical} (${columns}) VALUES ${tuples.join(', ')}`, params };
}
