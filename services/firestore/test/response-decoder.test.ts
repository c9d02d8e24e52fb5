/**
 * The reader's RunQuery decoder (src/response-decoder.ts) over the client's own
 * protos JSON: the closure of RunQueryResponse holds every type a response can
 * carry, and a response decoded with it loses nothing (it re-encodes to the same
 * bytes) and names each value's member. Reads through the emulator with it are
 * covered by proto-documents.test.ts and the executor suites.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import gax from 'google-gax';
import { describe, expect, it } from 'vitest';
import { type JsonNamespace, runQueryResponseDecoder, typeClosure } from '../src/response-decoder.ts';
import { cursorAfter } from '../src/structured-query.ts';

const require = createRequire(import.meta.url);
const clientDir = dirname(require.resolve('@google-cloud/firestore/package.json'));
/** The JSON the client's v1 gapic client loads (`loadProtoJSON(jsonProtos)`). */
const protos = createRequire(`${clientDir}/`)('@google-cloud/firestore-api/build/protos/protos.json') as JsonNamespace;

const RESPONSE = 'google.firestore.v1.RunQueryResponse';
const full = gax.protobuf.Root.fromJSON(protos as never).lookupType(RESPONSE);

const response = {
  document: {
    name: 'projects/p/databases/(default)/documents/plants/a',
    fields: {
      text: { stringValue: 'Basil' },
      int: { integerValue: 42 },
      big: { integerValue: '-9223372036854775808' },
      double: { doubleValue: 2.5 },
      yes: { booleanValue: true },
      nothing: { nullValue: 0 },
      when: { timestampValue: { seconds: 1_700_000_000, nanos: 999_600_000 } },
      bytes: { bytesValue: Buffer.from([0, 1, 250]) },
      ref: { referenceValue: 'projects/p/databases/(default)/documents/other/doc' },
      geo: { geoPointValue: { latitude: 1.5, longitude: -2.25 } },
      list: { arrayValue: { values: [{ integerValue: 1 }, { stringValue: 'a' }] } },
      map: { mapValue: { fields: { inner: { booleanValue: false } } } },
    },
    createTime: { seconds: 1, nanos: 2 },
    updateTime: { seconds: 3, nanos: 4 },
  },
  readTime: { seconds: 5, nanos: 6 },
  skippedResults: 7,
};

describe('the closure of RunQueryResponse in the client protos', () => {
  const closure = typeClosure(protos, RESPONSE) as { nested: Record<string, JsonNamespace> };

  it('holds the document types and nothing of the services', () => {
    const root = gax.protobuf.Root.fromJSON(closure as never);
    root.resolveAll(); // every field type it names is in it
    for (const name of [
      'google.firestore.v1.Document',
      'google.firestore.v1.Value',
      'google.firestore.v1.MapValue',
      'google.firestore.v1.ArrayValue',
      'google.protobuf.Timestamp',
      'google.type.LatLng',
    ]) {
      expect(root.lookupType(name).fullName).toBe(`.${name}`);
    }
    expect(root.lookupEnum('google.protobuf.NullValue').values).toEqual({ NULL_VALUE: 0 });
    expect(JSON.stringify(closure)).not.toContain('"methods"');
    expect(() => root.lookupService('google.firestore.v1.Firestore')).toThrow();
  });

  it('resolves a type name from the innermost scope outward, and names one it cannot find', () => {
    const json = {
      nested: {
        a: {
          nested: {
            M: { fields: { n: { type: 'N', id: 1 }, t: { type: 'b.T', id: 2 } }, nested: { N: { fields: {} } } },
            N: { fields: { unused: { type: 'string', id: 1 } } },
            b: { nested: { T: { fields: {} } } },
            Unreachable: { fields: {} },
          },
        },
      },
    };
    expect(typeClosure(json, 'a.M')).toEqual({
      nested: {
        a: {
          nested: {
            M: { fields: json.nested.a.nested.M.fields, nested: { N: { fields: {} } } },
            b: { nested: { T: { fields: {} } } },
          },
        },
      },
    });
    const broken = { nested: { M: { fields: { x: { type: 'Missing', id: 1 } } } } };
    expect(() => typeClosure(broken, 'M')).toThrow('type Missing not found from M');
  });
});

describe('a response decoded over the closure', () => {
  const bytes = full.encode(full.fromObject(response)).finish();
  const decode = runQueryResponseDecoder(gax.protobuf, protos);
  const decoded = decode(bytes) as {
    document: { fields: Record<string, { valueType?: string } & Record<string, unknown>> };
  };

  it('loses nothing: it encodes back to the same bytes', () => {
    const type = gax.protobuf.Root.fromJSON(typeClosure(protos, RESPONSE) as never).lookupType(RESPONSE);
    expect(Buffer.from(type.encode(decoded as never).finish())).toEqual(Buffer.from(bytes));
    expect(full.toObject(full.decode(type.encode(decoded as never).finish()))).toEqual(
      full.toObject(full.decode(bytes)),
    );
  });

  it("names each value's member, int64 exact", () => {
    const { fields } = decoded.document;
    const members = Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value.valueType]));
    expect(members).toEqual(
      Object.fromEntries(Object.entries(response.document.fields).map(([key, value]) => [key, Object.keys(value)[0]])),
    );
    expect(String(fields.big?.integerValue)).toBe('-9223372036854775808');
  });

  it('gives cursors that hold only the member each value holds', () => {
    const cursor = cursorAfter(
      decoded.document as never,
      [
        { field: { kind: 'path', segments: ['map'] }, direction: 'asc' },
        { field: { kind: 'path', segments: ['list'] }, direction: 'asc' },
        { field: { kind: 'path', segments: ['when'] }, direction: 'asc' },
      ] as never,
    );
    const value = gax.protobuf.Root.fromJSON(protos as never).lookupType('google.firestore.v1.Value');
    // The request's own encoding reads every member present on the object: each must be the one set.
    expect(cursor?.map((v) => value.toObject(value.decode(value.encode(value.fromObject(v)).finish())))).toEqual([
      { mapValue: { fields: { inner: { booleanValue: false } } } },
      { arrayValue: { values: [{ integerValue: expect.anything() }, { stringValue: 'a' }] } },
      { timestampValue: { seconds: expect.anything(), nanos: 999_600_000 } },
    ]);
  });
});
