/**
 * ExecuteSql answers decoded straight into cells, without gax's `toObject` copy and without
 * a message object per cell. gax loads the gapic clients' protos with `defaults: true, enums:
 * String, oneofs: true` and hands each answer through `toObject`, which copies every cell of
 * every row into a second object: in a `--cpu-prof` of the bench's 50-item query that copy was
 * 4.4% of the Spanner service's CPU, twice the decoding itself (packages/bench/RESULTS.md, run
 * of 20:48 UTC, 5 December). protobufjs alone still made a `Value` object (with a `kind` getter
 * asked on every read) per cell and a `ListValue` per row, ~5.5% of the CPU, and the garbage
 * of both: the rows are now read here, each `google.protobuf.Value` becoming the JS value it
 * holds (`Cell`: null, a number, a string, a boolean or an array of cells), which is all
 * cells.ts needs to tell them apart. The column names and types (`metadata`, small) are still
 * decoded by protobufjs. The Firestore service reads its RunQuery answers with protobufjs
 * (services/firestore/src/response-decoder.ts).
 *
 * The wire layout is the client's own: each field's number and kind are read, by name, from
 * the descriptors of the protos the client's gapic SpannerClient loaded (`_protos`, grpc's
 * package object: a message's `type` is its DescriptorProto), so a field the client's schema
 * renumbers is decoded as the client would. Only what single-use.ts reads is described: the
 * column names and types of `metadata.rowType` and the rows' cells; every other field of the
 * answer (stats, the transaction, a precommit token) is skipped by its wire type, as protobufjs
 * skips unknown fields. Type codes come back as their names, as gax gives them, from the
 * client's TypeCode enum.
 */
import type { CellType } from './cells.ts';

/**
 * One cell of a result: what its `google.protobuf.Value` holds — null (`null_value`, or no
 * member set), a number (`number_value`), a string (`string_value`: Spanner's text of
 * INT64, NUMERIC, TIMESTAMP, DATE, BYTES, JSON, and of NaN/±Infinity), a boolean, or an array
 * of cells (`list_value`: ARRAY and STRUCT). Spanner sends no `struct_value` in results; one
 * would read as null.
 */
export type Cell = null | number | string | boolean | readonly Cell[];

/** A result as single-use.ts hands it on: column names and types, rows of cells. */
export interface ProtoResult {
  readonly fields: readonly { readonly name: string; readonly type: CellType }[];
  readonly rows: readonly (readonly Cell[])[];
}

/** A message's descriptor as grpc's package object holds it (proto-loader: DescriptorProto, enums as names). */
interface MessageDescriptor {
  readonly type?: {
    readonly field?: readonly {
      readonly name?: string;
      readonly number?: number;
      readonly label?: string;
      readonly type?: string;
    }[];
    readonly value?: readonly { readonly name?: string; readonly number?: number }[];
  };
  readonly [nested: string]: unknown;
}

/** The members of protobufjs used here (google-gax's `protobuf` export). */
export interface Protobuf {
  Root: {
    fromJSON(json: unknown): { lookupType(name: string): { decode(bytes: Uint8Array): unknown } };
  };
}

/** protobuf scalar kinds (DescriptorProto `type`) → protobufjs type names; an enum is read as its number. */
const SCALAR: Readonly<Record<string, string>> = {
  TYPE_STRING: 'string',
  TYPE_ENUM: 'int32',
};

/** The messages of `metadata` protobufjs decodes, where each is in the client's protos, and the fields read of it. */
const METADATA = {
  ResultSetMetadata: { at: ['google', 'spanner', 'v1', 'ResultSetMetadata'], fields: { rowType: 'StructType' } },
  StructType: { at: ['google', 'spanner', 'v1', 'StructType'], fields: { fields: 'StructField' } },
  StructField: { at: ['google', 'spanner', 'v1', 'StructType', 'Field'], fields: { name: '', type: 'SpannerType' } },
  SpannerType: { at: ['google', 'spanner', 'v1', 'Type'], fields: { code: '', arrayElementType: 'SpannerType' } },
} as const satisfies Record<string, { at: readonly string[]; fields: Record<string, string> }>;

/** The fields RowReader reads by their tags: the message, the field, the kind it must have. */
const WIRE_FIELDS = {
  metadata: [['google', 'spanner', 'v1', 'ResultSet'], 'metadata', 'TYPE_MESSAGE'],
  rows: [['google', 'spanner', 'v1', 'ResultSet'], 'rows', 'TYPE_MESSAGE'],
  values: [['google', 'protobuf', 'ListValue'], 'values', 'TYPE_MESSAGE'],
  nullValue: [['google', 'protobuf', 'Value'], 'nullValue', 'TYPE_ENUM'],
  numberValue: [['google', 'protobuf', 'Value'], 'numberValue', 'TYPE_DOUBLE'],
  stringValue: [['google', 'protobuf', 'Value'], 'stringValue', 'TYPE_STRING'],
  boolValue: [['google', 'protobuf', 'Value'], 'boolValue', 'TYPE_BOOL'],
  listValue: [['google', 'protobuf', 'Value'], 'listValue', 'TYPE_MESSAGE'],
} as const satisfies Record<string, readonly [readonly string[], string, string]>;

/** Each read field's tag (field number and wire type, as they lead the field on the wire). */
type Tags = { readonly [K in keyof typeof WIRE_FIELDS]: number };

/** Protobuf wire types (encoding.md): how a field's value is laid out, hence how one not read is skipped. */
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const START_GROUP = 3;
const END_GROUP = 4;
const FIXED32 = 5;

const WIRE_TYPE: Readonly<Record<string, number>> = {
  TYPE_MESSAGE: LENGTH_DELIMITED,
  TYPE_STRING: LENGTH_DELIMITED,
  TYPE_ENUM: VARINT,
  TYPE_BOOL: VARINT,
  TYPE_DOUBLE: FIXED64,
};

/**
 * The descriptor at `path`. A nested message (StructType.Field) is not always a member of its
 * parent's object in grpc's package (proto-loader lists it by its full name, and the parent's
 * definition may replace the object it was put on): it is then found in the parent's
 * DescriptorProto, `nestedType`.
 */
function descriptorAt(protos: unknown, path: readonly string[]): MessageDescriptor | undefined {
  let node: unknown = protos;
  for (const part of path) {
    const parent = node as (MessageDescriptor & { type?: { nestedType?: readonly { name?: string }[] } }) | undefined;
    const nested = parent?.type?.nestedType?.find((message) => message.name === part);
    node = parent?.[part] ?? (nested ? { type: nested } : undefined);
  }
  return node as MessageDescriptor | undefined;
}

/**
 * `ResultSet.decode` over the fields read, built from the client's loaded protos; undefined when
 * they do not hold a field as expected (the caller then keeps gax's own decoding).
 */
export function resultSetDecoder(
  protobuf: Protobuf,
  protos: unknown,
): ((bytes: Uint8Array) => ProtoResult) | undefined {
  const nested: Record<string, unknown> = {};
  for (const [name, { at, fields }] of Object.entries(METADATA)) {
    const declared = descriptorAt(protos, at)?.type?.field ?? [];
    const described: Record<string, { id: number; type: string; rule?: 'repeated' }> = {};
    for (const [field, message] of Object.entries(fields) as [string, string][]) {
      const found = declared.find((f) => f.name === field);
      const type = message || SCALAR[found?.type ?? ''];
      if (!found?.number || !type || (message !== '') !== (found.type === 'TYPE_MESSAGE')) return undefined;
      described[field] = { id: found.number, type, ...(found.label === 'LABEL_REPEATED' ? { rule: 'repeated' } : {}) };
    }
    nested[name] = { fields: described };
  }
  const tags: Partial<Record<keyof Tags, number>> = {};
  for (const [name, [at, field, kind]] of Object.entries(WIRE_FIELDS) as [
    keyof Tags,
    (typeof WIRE_FIELDS)[keyof Tags],
  ][]) {
    const found = descriptorAt(protos, at)?.type?.field?.find((f) => f.name === field);
    const wire = WIRE_TYPE[kind];
    if (!found?.number || found.type !== kind || wire === undefined) return undefined;
    tags[name] = (found.number << 3) | wire;
  }
  const codes = new Map<number, string>();
  for (const { name, number } of descriptorAt(protos, ['google', 'spanner', 'v1', 'TypeCode'])?.type?.value ?? []) {
    if (name !== undefined && number !== undefined) codes.set(number, name);
  }
  if (codes.size === 0) return undefined;
  const metadataType = protobuf.Root.fromJSON({ nested }).lookupType('ResultSetMetadata');
  const typeOf = (decoded: RawType | undefined): CellType => ({
    code: codes.get(decoded?.code ?? 0) ?? 'TYPE_CODE_UNSPECIFIED',
    arrayElementType: decoded?.arrayElementType ? typeOf(decoded.arrayElementType) : null,
  });
  const reader = new RowReader(tags as Tags);
  return (bytes) => {
    const { metadata, rows } = reader.resultSet(bytes);
    const decoded = (metadata ? metadataType.decode(metadata) : {}) as RawMetadata;
    return {
      fields: (decoded.rowType?.fields ?? []).map((f) => ({ name: f.name ?? '', type: typeOf(f.type) })),
      rows,
    };
  };
}

/**
 * The rows of a serialized ResultSet, read field by field (protobuf's encoding: each field a
 * varint tag, field number << 3 | wire type, then its value). Fields it does not read are
 * skipped by their wire type; a message that ends inside a field is an error, as protobufjs's
 * "index out of range".
 */
class RowReader {
  private readonly tags: Tags;
  private bytes: Buffer = Buffer.alloc(0);
  private at = 0;

  constructor(tags: Tags) {
    this.tags = tags;
  }

  resultSet(bytes: Uint8Array): { metadata: Uint8Array | undefined; rows: Cell[][] } {
    this.bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = 0;
    const end = this.bytes.length;
    let metadata: Uint8Array | undefined;
    const rows: Cell[][] = [];
    try {
      while (this.at < end) {
        const tag = this.varint();
        if (tag === this.tags.rows) {
          const length = this.length(end);
          rows.push(this.list(this.at + length));
        } else if (tag === this.tags.metadata) {
          const length = this.length(end);
          metadata = this.bytes.subarray(this.at, this.at + length);
          this.at += length;
        } else {
          this.skip(tag, end);
        }
      }
    } finally {
      this.bytes = Buffer.alloc(0);
    }
    return { metadata, rows };
  }

  /** A ListValue ending at `end`: its values. */
  private list(end: number): Cell[] {
    const values: Cell[] = [];
    while (this.at < end) {
      const tag = this.varint();
      if (tag === this.tags.values) {
        const length = this.length(end);
        values.push(this.value(this.at + length));
      } else {
        this.skip(tag, end);
      }
    }
    return values;
  }

  /** A Value ending at `end`: the member it holds (the last one, if several are sent: protobuf's rule for a oneof). */
  private value(end: number): Cell {
    let cell: Cell = null;
    while (this.at < end) {
      const tag = this.varint();
      const tags = this.tags;
      if (tag === tags.stringValue) {
        const length = this.length(end);
        cell = this.bytes.toString('utf8', this.at, this.at + length);
        this.at += length;
      } else if (tag === tags.numberValue) {
        if (this.at + 8 > end) throw outOfRange();
        cell = this.bytes.readDoubleLE(this.at);
        this.at += 8;
      } else if (tag === tags.boolValue) {
        cell = this.varint() !== 0;
      } else if (tag === tags.listValue) {
        const length = this.length(end);
        cell = this.list(this.at + length);
      } else if (tag === tags.nullValue) {
        this.varint();
        cell = null;
      } else {
        // struct_value (never in a result) or a member this client does not know: no value of ours.
        this.skip(tag, end);
        cell = null;
      }
    }
    if (this.at > end) throw outOfRange();
    return cell;
  }

  /** A varint as a number: exact up to 2^53, which covers every tag, length and boolean. */
  private varint(): number {
    const bytes = this.bytes;
    let result = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[this.at++];
      if (byte === undefined) throw outOfRange();
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
    }
  }

  /** A length-delimited field's length, checked against the end of the message it is in. */
  private length(end: number): number {
    const length = this.varint();
    if (this.at + length > end) throw outOfRange();
    return length;
  }

  /** Skips the value of a field not read, by its wire type. */
  private skip(tag: number, end: number): void {
    switch (tag & 7) {
      case VARINT:
        this.varint();
        break;
      case FIXED64:
        this.at += 8;
        break;
      case LENGTH_DELIMITED: {
        // Not `this.at += this.length(end)`: that adds to `at` as it was before the length was read.
        const length = this.length(end);
        this.at += length;
        break;
      }
      case START_GROUP:
        for (let inner = this.varint(); (inner & 7) !== END_GROUP; inner = this.varint()) this.skip(inner, end);
        break;
      case FIXED32:
        this.at += 4;
        break;
      default:
        throw new RangeError(`invalid wire type ${tag & 7} in a ResultSet`);
    }
    if (this.at > end) throw outOfRange();
  }
}

function outOfRange(): RangeError {
  return new RangeError('a ResultSet ended inside a field');
}

interface RawType {
  readonly code?: number;
  readonly arrayElementType?: RawType | null;
}

interface RawMetadata {
  readonly rowType?: { readonly fields?: readonly { name?: string; type?: RawType }[] } | null;
}

/** google.protobuf.Value as gax hands it (`kind` names the member set): where a query took the client's own decoding. */
export interface GaxValue {
  readonly kind?: string;
  readonly stringValue?: string;
  readonly numberValue?: number;
  readonly boolValue?: boolean;
  readonly listValue?: { readonly values?: readonly GaxValue[] } | null;
}

/** A gax-decoded Value → the cell it holds, as RowReader reads one. */
export function cellOf(value: GaxValue | undefined): Cell {
  switch (value?.kind) {
    case 'stringValue':
      return value.stringValue ?? '';
    case 'numberValue':
      return value.numberValue ?? 0;
    case 'boolValue':
      return value.boolValue ?? false;
    case 'listValue':
      return (value.listValue?.values ?? []).map(cellOf);
    default:
      return null;
  }
}
