/**
 * params.ts encodes query parameters as @google-cloud/bigquery's `valueToQueryParameter_` does
 * (what its `query()` sends), without loading the client. Checked against the client itself for
 * every kind of value the adaptor sends, given to the client in the wrapped forms it needs
 * (`BigQuery.timestamp/date/time`: a plain `Date` in an array, or a plain DATE/TIME text, it
 * sends as NULL).
 */
import { BigQuery } from '@google-cloud/bigquery';
import { describe, expect, test } from 'vitest';
import { type ParameterType, queryParameter } from '../src/params.ts';

/** The value as the client needs it to send what it means. */
function forClient(type: ParameterType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (Array.isArray(type)) return (value as unknown[]).map((v) => forClient(type[0] as ParameterType, v));
  if (typeof type === 'object') {
    const fields = value as Record<string, unknown>;
    return Object.fromEntries(Object.keys(fields).map((k) => [k, forClient(type[k] as ParameterType, fields[k])]));
  }
  if (value instanceof Date) return BigQuery.timestamp(value);
  if (type === 'DATE') return BigQuery.date(value as string);
  if (type === 'TIME') return BigQuery.time(value as string);
  return value;
}

function clientEncoding(name: string, type: ParameterType, value: unknown) {
  const parameter = BigQuery.valueToQueryParameter_(
    forClient(type, value),
    type as Parameters<typeof BigQuery.valueToQueryParameter_>[1],
  );
  // What the REST body carries (undefined members are left out of the JSON).
  return JSON.parse(JSON.stringify({ name, ...parameter }));
}

const at = new Date(Date.UTC(2024, 1, 29, 13, 45, 7, 123));
const before1970 = new Date(-86_400_001);

const cases: [string, ParameterType, unknown][] = [
  ['text', 'STRING', 'plain'],
  ['empty text', 'STRING', ''],
  ['null text', 'STRING', null],
  ['double', 'FLOAT64', 2.5],
  ['zero', 'FLOAT64', 0],
  ['negative zero', 'FLOAT64', -0],
  ['integer', 'INT64', 42],
  ['integer as text', 'INT64', '9007199254740993'],
  ['boolean false', 'BOOL', false],
  ['instant', 'TIMESTAMP', at],
  ['instant before 1970', 'TIMESTAMP', before1970],
  ['null instant', 'TIMESTAMP', null],
  ['date', 'DATE', '2024-02-29'],
  ['time', 'TIME', '10:30:00.000'],
  ['json text', 'JSON', '{"a":[1,true,null]}'],
  ['numeric text', 'NUMERIC', '123.456789012'],
  ['bignumeric text', 'BIGNUMERIC', '0.1'],
  ['bytes (base64)', 'BYTES', 'AAEC'],
  ['text array', ['STRING'], ['a', '', 'c']],
  ['empty array', ['STRING'], []],
  ['instant array', ['TIMESTAMP'], [at, before1970]],
  ['date array', ['DATE'], ['2024-01-01', '1969-12-31']],
  ['double array', ['FLOAT64'], [1, 0, -2.5]],
  ['boolean array', ['BOOL'], [true, false]],
  [
    'rows (array of structs, with arrays and nulls inside)',
    [{ c0: 'STRING', c1: 'TIMESTAMP', c2: ['STRING'], c3: 'FLOAT64', c4: 'DATE', c5: 'JSON' }],
    [
      { c0: 'a', c1: at, c2: ['x', 'y'], c3: 1.5, c4: '2024-02-29', c5: '{"k":1}' },
      { c0: null, c1: null, c2: [], c3: null, c4: null, c5: null },
    ],
  ],
  ['pairs', [{ a: 'STRING', b: 'STRING' }], [{ a: 'r1', b: 't1' }]],
];

describe('query parameters (params.ts) as the official client encodes them', () => {
  test.each(cases)('%s', (_label, type, value) => {
    // Compared as the JSON text the REST body carries.
    expect(JSON.parse(JSON.stringify(queryParameter('p', type, value)))).toEqual(clientEncoding('p', type, value));
  });

  test('an instant is sent as its ISO text with milliseconds', () => {
    expect(queryParameter('t', 'TIMESTAMP', at).parameterValue).toEqual({ value: '2024-02-29T13:45:07.123Z' });
  });

  test('a parameter without a declared type is refused, not guessed', () => {
    expect(() => queryParameter('x', undefined, 'v')).toThrow(/declares no type for its parameter @x/);
  });
});
