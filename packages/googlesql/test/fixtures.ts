import { type FieldRef, type Filter, fieldRef, type Value } from '@adaptors/core';
import { bigquery, type GoogleSqlCompiler, ParamBag, spanner, type TableInfo } from '../src/index.ts';

export const DIALECTS = [spanner, bigquery] as const;

/** One table with every column type the compiler handles. Wix key → column. */
export const plants: TableInfo = {
  name: 'plants',
  columns: new Map([
    ['_id', { name: '_id', type: 'STRING' }],
    ['title', { name: 'title', type: 'STRING' }],
    ['tags', { name: 'tags', type: { array: 'STRING' } }],
    ['scores', { name: 'scores', type: { array: 'FLOAT64' } }],
    ['height', { name: 'height', type: 'INT64' }],
    ['price', { name: 'price', type: 'NUMERIC' }],
    ['weight', { name: 'weight', type: 'FLOAT64' }],
    ['active', { name: 'active', type: 'BOOL' }],
    ['planted', { name: 'planted', type: 'TIMESTAMP' }],
    ['born', { name: 'born', type: 'DATE' }],
    ['care', { name: 'care', type: 'JSON' }],
    ['photo', { name: 'photo', type: 'BYTES' }],
    ['blobs', { name: 'blobs', type: { array: 'BYTES' } }],
  ]),
};

export const f = (key: string): FieldRef => fieldRef(key, undefined);

export const cmp = (key: string, op: 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte', value: Value): Filter => ({
  kind: 'compare',
  field: f(key),
  op,
  value,
});

export function where(table: TableInfo, filter: Filter, dialect: GoogleSqlCompiler) {
  const bag = new ParamBag(dialect);
  const sql = dialect.filter(table, filter, bag);
  return { sql, params: bag.params, types: bag.types };
}

/** The same expectation for both dialects. */
export function both<T>(x: T): { spanner: T; bigquery: T } {
  return { spanner: x, bigquery: x };
}
