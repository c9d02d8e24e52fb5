/**
 * RunQuery responses decoded by protobufjs alone, without gax's `toObject`
 * copy. gax loads every gapic client's protos with `defaults: true, longs:
 * String, oneofs: true` and hands each response through `toObject`, which
 * copies every message of every document into a second plain object and
 * prints every int64 as decimal text: about a twelfth of the Firestore
 * service's CPU per 50-document query (a --cpu-prof of the bench,
 * packages/bench/RESULTS.md). The reader (run-query.ts) reads only
 * `response.document`, and proto-documents.ts reads the decoded messages
 * directly: the member a Value holds as an own property (valueMember), int64
 * as Long or number.
 *
 * The types are the client's own: the closure of RunQueryResponse in the
 * protos JSON the gapic client loads (`typeClosure`), so a field the client's
 * schema adds or renumbers is decoded as the client would. Only that closure
 * is built (about twenty types, not the whole API), on the reader's first call.
 * scripts/prune-protos.mjs walks the same descriptors at build time, from a
 * service's methods, to give a bundled client only its data plane; this walk
 * runs in the service, from one message (the build script is outside every
 * package, so the two keep their own copies of the scalar types).
 */

/** A protobufjs JSON descriptor (INamespace / IType / IEnum, as the gapic clients' protos.json). */
export interface JsonNamespace {
  readonly nested?: Readonly<Record<string, JsonDefinition>>;
}

export interface JsonDefinition extends JsonNamespace {
  readonly fields?: Readonly<Record<string, { readonly type: string; readonly keyType?: string }>>;
  readonly [key: string]: unknown;
}

/** protobuf's scalar types: no definition to look up. */
const SCALARS = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

function definitionAt(root: JsonNamespace, path: readonly string[]): JsonDefinition | undefined {
  let node: JsonNamespace | undefined = root;
  for (const part of path) node = node?.nested?.[part];
  return node as JsonDefinition | undefined;
}

/**
 * Resolves a field's type name as protobuf does: from the innermost scope (the
 * message holding the field) outward, the first scope holding the name wins.
 */
function resolveType(root: JsonNamespace, scope: readonly string[], name: string): string[] {
  const parts = name.replace(/^\./, '').split('.');
  if (name.startsWith('.')) return parts;
  for (let depth = scope.length; depth >= 0; depth--) {
    const candidate = [...scope.slice(0, depth), ...parts];
    if (definitionAt(root, candidate)) return candidate;
  }
  throw new Error(`protos: type ${name} not found from ${scope.join('.')}`);
}

/**
 * The part of `root` that `typeName` needs: that message and every type its
 * fields reach, at their own paths, each whole except its nested types (only
 * the reachable ones are kept). Services are left out.
 */
export function typeClosure(root: JsonNamespace, typeName: string): JsonNamespace {
  const kept = new Map<string, readonly string[]>();
  const include = (path: readonly string[]): void => {
    const key = path.join('.');
    if (kept.has(key)) return;
    const definition = definitionAt(root, path);
    if (!definition) throw new Error(`protos: type ${key} not found`);
    kept.set(key, path);
    for (const field of Object.values(definition.fields ?? {})) {
      if (!SCALARS.has(field.type)) include(resolveType(root, path, field.type));
    }
  };
  include(typeName.split('.'));
  // Shorter paths first, so a kept message is placed before the types nested in it; every
  // other name on the way down is a bare namespace.
  type Node = { nested?: Record<string, Node> };
  const out: Node = {};
  for (const path of [...kept.values()].sort((a, b) => a.length - b.length)) {
    let into = out;
    for (const part of path.slice(0, -1)) {
      into.nested ??= {};
      into = into.nested[part] ??= {};
    }
    const { nested: _nested, ...own } = definitionAt(root, path) as JsonDefinition;
    into.nested ??= {};
    into.nested[path[path.length - 1] as string] = own as Node;
  }
  return out as JsonNamespace;
}

/** The protobufjs members used here (google-gax's `protobuf` export). */
export interface Protobuf {
  Root: { fromJSON(json: JsonNamespace): { lookupType(name: string): { decode(bytes: Uint8Array): unknown } } };
}

/** `RunQueryResponse.decode` over the closure of the client's protos JSON. */
export function runQueryResponseDecoder(protobuf: Protobuf, protos: JsonNamespace): (bytes: Uint8Array) => unknown {
  const name = 'google.firestore.v1.RunQueryResponse';
  const type = protobuf.Root.fromJSON(typeClosure(protos, name)).lookupType(name);
  return (bytes) => type.decode(bytes);
}
