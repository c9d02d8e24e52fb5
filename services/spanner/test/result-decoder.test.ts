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

/** Column names with their type codes (element types nested), as single-use.ts and cells.ts read them. */
function columns(fields: readonly { name?: string; type?: unknown }[] | undefined) {
  const type = (t: unknown): unknown => {
    const { code, arrayElementType } = (t ?? {}) as { code?: unknown; arrayElementType?: unknown };
    return { code, element: arrayElementType ? type(arrayElementType) : null };
  };
  return (fields ?? []).map((f) => [f.name, type(f.type)]);
}

/** gax's decoding of an answer, each cell as the value its member holds (`kind` names the member). */
function throughGax(bytes: Buffer) {
  const answer = executeSql.responseDeserialize(bytes) as {
    metadata?: { rowType?: { fields?: { name?: string; type?: unknown }[] } };
    rows?: { values?: GaxCell[] }[];
  };
  const cell = (c: GaxCell): unknown => {
    if (c.kind === 'listValue') return (c.listValue?.values ?? []).map(cell);
    return c.kind === 'nullValue' || c.kind === undefined ? null : c[c.kind as keyof GaxCell];
  };
  return {
    fields: columns(answer.metadata?.rowType?.fields),
    rows: (answer.rows ?? []).map((r) => (r.values ?? []).map(cell)),
  };
}
interface GaxCell {
  kind?: string;
  stringValue?: string;
  numberValue?: number;
  boolValue?: boolean;
  listValue?: { values?: GaxCell[] };
}

function decoder() {
  const decode = resultSetDecoder(internals._gaxModule.protobuf, internals._protos);
  if (!decode) throw new Error('no decoder from the client protos');
  return (bytes: Uint8Array) => {
    const result = decode(bytes);
    return { fields: columns(result.fields), rows: result.rows };
  };
}

test("an answer reads the same as through gax's own decoding", () => {
  const bytes = executeSql.responseSerialize(ANSWER);
  const ours = decoder()(bytes);
  expect(ours).toEqual(throughGax(bytes));
  // Not vacuous: every column, both rows, the codes as names, each cell the value it holds.
  expect(ours.fields).toHaveLength(CODES.length + 2);
  expect(ours.fields[1]).toEqual(['int64', { code: 'INT64', element: null }]);
  expect(ours.fields.at(-1)).toEqual([
    'nested',
    { code: 'ARRAY', element: { code: 'ARRAY', element: { code: 'INT64', element: null } } },
  ]);
  expect(ours.rows[0]?.slice(0, 4)).toEqual([true, '9007199254740993', 1.5, 'NaN']);
  expect(ours.rows[0]?.slice(11)).toEqual([['a', null], []]);
  expect(ours.rows[1]?.slice(0, 4)).toEqual([false, null, 0, null]);
});

test('long and non-ASCII strings, many rows, negative and tiny numbers, and bytes not in a Buffer', () => {
  const long = `${'é'.repeat(200)}🌿${'x'.repeat(20_000)}`;
  const rows = Array.from({ length: 300 }, (_, i) => ({
    values: [{ stringValue: `${i}-${long}` }, { numberValue: -i / 3 }, { numberValue: 5e-324 }],
  }));
  const answer = {
    metadata: {
      rowType: {
        fields: [
          { name: 's', type: { code: 'STRING' } },
          { name: 'f', type: { code: 'FLOAT64' } },
          { name: 'g', type: { code: 'FLOAT64' } },
        ],
      },
    },
    rows,
  };
  const bytes = executeSql.responseSerialize(answer);
  const copy = new Uint8Array(bytes.length + 3).subarray(3);
  copy.set(bytes);
  const ours = decoder()(copy);
  expect(ours).toEqual(throughGax(bytes));
  expect(ours.rows).toHaveLength(300);
  expect(ours.rows[299]).toEqual([`299-${long}`, -299 / 3, 5e-324]);
});

test('an answer cut short is an error, not a shorter result', () => {
  const bytes = executeSql.responseSerialize(ANSWER);
  const decode = decoder();
  // Cut inside the rows (the last field but the stats): every cut is inside some field.
  for (const cut of [bytes.length - 1, Math.floor(bytes.length / 2), 3]) {
    expect(() => decode(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(RangeError);
  }
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

test('fields it does not read, in a row and in a cell, are skipped by their wire type; a struct_value reads as null', () => {
  // Hand-made bytes (protobuf encoding: tag = field << 3 | wire type), with the well-known numbers
  // of ResultSet.rows (2), ListValue.values (1) and Value's string_value (3) and struct_value (5).
  const tag = (field: number, wire: number) => [(field << 3) | wire];
  const delimited = (field: number, body: number[]) => [...tag(field, 2), body.length, ...body];
  const unknownVarint = [...tag(9, 0), 150, 1]; // 150 takes two bytes
  const unknownFixed64 = [...tag(10, 1), ...Array(8).fill(1)];
  const unknownFixed32 = [...tag(11, 5), ...Array(4).fill(2)];
  const unknownGroup = [...tag(12, 3), ...tag(1, 0), 7, ...tag(12, 4)];
  const stringValue = delimited(3, [0x6f, 0x6b]); // "ok"
  const cell = [...unknownVarint, ...unknownFixed64, ...unknownFixed32, ...unknownGroup, ...stringValue];
  const row = [...delimited(1, cell), ...tag(7, 0), 1, ...delimited(1, delimited(5, []))];
  const bytes = Uint8Array.from([...delimited(2, row), ...tag(15, 0), 0]);
  expect(decoder()(bytes).rows).toEqual([['ok', null]]);
});
