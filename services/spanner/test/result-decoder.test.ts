/**
 * result-decoder.ts against the client's own decoding: a ResultSet serialized by the gapic
 * SpannerClient's ExecuteSql definition is read the same through gax's deserializer (decode,
 * then `toObject`) and through the decoder built from the same client's protos — every column
 * type code, arrays, NULLs, numbers, booleans — and fields it does not read are skipped.
 */
import { v1 } from '@google-cloud/spanner';
import { afterAll, expect, test } from 'vitest';
import { type Protobuf, resultSetDecoder } from '../src/result-decoder.ts';

// Never connected: only its loaded protos and gax module are used.
const gapic = new v1.SpannerClient({ servicePath: '127.0.0.1', port: 9 });
afterAll(() => gapic.close());

const internals = gapic as unknown as {
  _protos: { google: { spanner: { v1: { Spanner: { service: Record<string, Method> } } } } };
  _gaxModule: { protobuf: Protobuf };
};
interface Method {
  responseSerialize(value: unknown): Buffer;
  responseDeserialize(bytes: Buffer): unknown;
}
const executeSql = internals._protos.google.spanner.v1.Spanner.service.ExecuteSql as Method;

const CODES = [
  'BOOL',
  'INT64',
  'FLOAT64',
  'FLOAT32',
  'TIMESTAMP',
  'DATE',
  'STRING',
  'BYTES',
  'NUMERIC',
  'JSON',
  'UUID',
];

const ANSWER = {
  metadata: {
    rowType: {
      fields: [
        ...CODES.map((code) => ({ name: code.toLowerCase(), type: { code } })),
        { name: 'tags', type: { code: 'ARRAY', arrayElementType: { code: 'STRING' } } },
        {
          name: 'nested',
          type: { code: 'ARRAY', arrayElementType: { code: 'ARRAY', arrayElementType: { code: 'INT64' } } },
        },
      ],
    },
    transaction: { id: Buffer.from('tx') },
  },
  rows: [
    {
      values: [
        { boolValue: true },
        { stringValue: '9007199254740993' },
        { numberValue: 1.5 },
        { stringValue: 'NaN' },
        { stringValue: '2024-05-01T10:00:00.123456789Z' },
        { stringValue: '2024-05-01' },
        { stringValue: 'fern' },
        { stringValue: 'AAE=' },
        { stringValue: '12.50' },
        { stringValue: '{"a":1}' },
        { stringValue: '123e4567-e89b-12d3-a456-426614174000' },
        { listValue: { values: [{ stringValue: 'a' }, { nullValue: 'NULL_VALUE' }] } },
        { listValue: { values: [] } },
      ],
    },
    {
      values: [
        { boolValue: false },
        { nullValue: 'NULL_VALUE' },
        { numberValue: 0 },
        ...Array(10).fill({ nullValue: 'NULL_VALUE' }),
      ],
    },
  ],
  stats: { rowCountExact: '2', queryStats: { fields: { elapsed: { stringValue: '1 ms' } } } },
};

/** What single-use.ts and cells.ts read of an answer: column names and type codes, each cell's member and value. */
function read(answer: unknown) {
  const a = answer as {
    metadata?: { rowType?: { fields?: { name?: string; type?: unknown }[] } };
    rows?: { values?: Cell[] }[];
  };
  const type = (t: unknown): unknown => {
    const { code, arrayElementType } = (t ?? {}) as { code?: unknown; arrayElementType?: unknown };
    return { code, element: arrayElementType ? type(arrayElementType) : null };
  };
  const cell = (c: Cell): unknown => {
    if (c.kind === 'listValue') return { listValue: (c.listValue?.values ?? []).map(cell) };
    return c.kind === 'nullValue' ? null : { [c.kind ?? '?']: c[c.kind as keyof Cell] };
  };
  return {
    fields: (a.metadata?.rowType?.fields ?? []).map((f) => [f.name, type(f.type)]),
    rows: (a.rows ?? []).map((r) => (r.values ?? []).map(cell)),
  };
}
interface Cell {
  kind?: string;
  stringValue?: string;
  numberValue?: number;
  boolValue?: boolean;
  listValue?: { values?: Cell[] };
}

test("an answer reads the same as through gax's own decoding", () => {
  const decode = resultSetDecoder(internals._gaxModule.protobuf, internals._protos);
  if (!decode) throw new Error('no decoder from the client protos');
  const bytes = executeSql.responseSerialize(ANSWER);
  const ours = read(decode(bytes));
  expect(ours).toEqual(read(executeSql.responseDeserialize(bytes)));
  // Not vacuous: every column, both rows, the codes as names.
  expect(ours.fields).toHaveLength(CODES.length + 2);
  expect(ours.fields[1]).toEqual(['int64', { code: 'INT64', element: null }]);
  expect(ours.fields.at(-1)).toEqual([
    'nested',
    { code: 'ARRAY', element: { code: 'ARRAY', element: { code: 'INT64', element: null } } },
  ]);
  expect(ours.rows[0]?.[11]).toEqual({ listValue: [{ stringValue: 'a' }, null] });
  expect(ours.rows[1]?.slice(0, 3)).toEqual([{ boolValue: false }, null, { numberValue: 0 }]);
});

test('protos without a field it reads give no decoder (the gapic method stays the path)', () => {
  type Node = { type: { field: { name: string }[] } };
  const real = internals._protos as unknown as {
    google: { spanner: { v1: Record<string, Node> }; protobuf: Record<string, Node> };
  };
  const { ResultSet, ResultSetMetadata, StructType, Type, TypeCode } = real.google.spanner.v1;
  const { ListValue, Value } = real.google.protobuf;
  const protos = (value: Node | undefined) => ({
    google: {
      spanner: { v1: { ResultSet, ResultSetMetadata, StructType, Type, TypeCode } },
      protobuf: { ListValue, Value: value },
    },
  });
  // The same descriptors, put together again: a decoder.
  expect(resultSetDecoder(internals._gaxModule.protobuf, protos(Value))).toBeTypeOf('function');
  const noString = Value && {
    type: { ...Value.type, field: Value.type.field.filter((f) => f.name !== 'stringValue') },
  };
  expect(resultSetDecoder(internals._gaxModule.protobuf, protos(noString))).toBeUndefined();
  expect(resultSetDecoder(internals._gaxModule.protobuf, protos(undefined))).toBeUndefined();
  expect(resultSetDecoder(internals._gaxModule.protobuf, {})).toBeUndefined();
});
