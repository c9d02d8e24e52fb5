/**
 * ExecuteSql answers decoded by protobufjs alone, without gax's `toObject` copy.
 * gax loads the gapic clients' protos with `defaults: true, enums: String, oneofs: true`
 * and hands each answer through `toObject`, which copies every cell of every row into a
 * second object: in a `--cpu-prof` of the bench's 50-item query that copy was 4.4% of the
 * Spanner service's CPU, twice the decoding itself (packages/bench/RESULTS.md, run of 20:48
 * UTC, 5 December). The Firestore service reads its RunQuery answers the same way
 * (services/firestore/src/response-decoder.ts).
 *
 * The wire layout is the client's own: each field's number and kind are read, by name, from
 * the descriptors of the protos the client's gapic SpannerClient loaded (`_protos`, grpc's
 * package object: a message's `type` is its DescriptorProto), so a field the client's schema
 * renumbers is decoded as the client would. Only what single-use.ts reads is described: the
 * column names and types of `metadata.rowType` and the rows' cells; every other field of the
 * answer (stats, the transaction, a precommit token) is skipped as unknown by protobufjs. Type
 * codes come back as their names, as gax gives them, from the client's TypeCode enum.
 */
import type { CellType, ProtoCell } from './cells.ts';

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

/** An answer as single-use.ts reads it: gax's shape, type codes as names. */
export interface DecodedResultSet {
  readonly metadata: { readonly rowType: { readonly fields: readonly { name: string; type: CellType }[] } };
  readonly rows: readonly { readonly values: readonly ProtoCell[] }[];
}

/** protobuf scalar kinds (DescriptorProto `type`) → protobufjs type names; an enum is read as its number. */
const SCALAR: Readonly<Record<string, string>> = {
  TYPE_STRING: 'string',
  TYPE_DOUBLE: 'double',
  TYPE_BOOL: 'bool',
  TYPE_ENUM: 'int32',
};

/** Where each message used is in the client's protos, and the fields read of it (name → our message, or a scalar). */
const MESSAGES = {
  ResultSet: {
    at: ['google', 'spanner', 'v1', 'ResultSet'],
    fields: { metadata: 'ResultSetMetadata', rows: 'ListValue' },
  },
  ResultSetMetadata: { at: ['google', 'spanner', 'v1', 'ResultSetMetadata'], fields: { rowType: 'StructType' } },
  StructType: { at: ['google', 'spanner', 'v1', 'StructType'], fields: { fields: 'StructField' } },
  StructField: { at: ['google', 'spanner', 'v1', 'StructType', 'Field'], fields: { name: '', type: 'SpannerType' } },
  SpannerType: { at: ['google', 'spanner', 'v1', 'Type'], fields: { code: '', arrayElementType: 'SpannerType' } },
  ListValue: { at: ['google', 'protobuf', 'ListValue'], fields: { values: 'Value' } },
  Value: {
    at: ['google', 'protobuf', 'Value'],
    fields: { nullValue: '', numberValue: '', stringValue: '', boolValue: '', listValue: 'ListValue' },
  },
} as const satisfies Record<string, { at: readonly string[]; fields: Record<string, string> }>;

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
): ((bytes: Uint8Array) => DecodedResultSet) | undefined {
  const nested: Record<string, unknown> = {};
  for (const [name, { at, fields }] of Object.entries(MESSAGES)) {
    const declared = descriptorAt(protos, at)?.type?.field ?? [];
    const described: Record<string, { id: number; type: string; rule?: 'repeated' }> = {};
    for (const [field, message] of Object.entries(fields) as [string, string][]) {
      const found = declared.find((f) => f.name === field);
      const type = message || SCALAR[found?.type ?? ''];
      if (!found?.number || !type || (message !== '') !== (found.type === 'TYPE_MESSAGE')) return undefined;
      described[field] = { id: found.number, type, ...(found.label === 'LABEL_REPEATED' ? { rule: 'repeated' } : {}) };
    }
    nested[name] = {
      fields: described,
      // Which member a Value holds: protobufjs gives decoded messages a `kind` getter for it, as gax's `oneofs` does.
      ...(name === 'Value' ? { oneofs: { kind: { oneof: Object.keys(fields) } } } : {}),
    };
  }
  const codes = new Map<number, string>();
  for (const { name, number } of descriptorAt(protos, ['google', 'spanner', 'v1', 'TypeCode'])?.type?.value ?? []) {
    if (name !== undefined && number !== undefined) codes.set(number, name);
  }
  if (codes.size === 0) return undefined;
  const type = protobuf.Root.fromJSON({ nested }).lookupType('ResultSet');
  const typeOf = (decoded: RawType | undefined): CellType => ({
    code: codes.get(decoded?.code ?? 0) ?? 'TYPE_CODE_UNSPECIFIED',
    arrayElementType: decoded?.arrayElementType ? typeOf(decoded.arrayElementType) : null,
  });
  return (bytes) => {
    const decoded = type.decode(bytes) as RawResultSet;
    return {
      metadata: {
        rowType: {
          fields: (decoded.metadata?.rowType?.fields ?? []).map((f) => ({ name: f.name ?? '', type: typeOf(f.type) })),
        },
      },
      rows: decoded.rows ?? [],
    };
  };
}

interface RawType {
  readonly code?: number;
  readonly arrayElementType?: RawType | null;
}

interface RawResultSet {
  readonly metadata?: { readonly rowType?: { readonly fields?: readonly { name?: string; type?: RawType }[] } } | null;
  readonly rows?: readonly { readonly values: readonly ProtoCell[] }[];
}
