// The part of a protobufjs JSON descriptor (a Google client's protos.json) that one gRPC
// service needs: the service, the messages and enums its methods take and return, and
// everything their fields reach. scripts/bundle-service.mjs gives a data-plane client this
// part instead of the package's whole file (which also holds the admin APIs and
// google/protobuf/descriptor.proto), so building its protobufjs root at start does a
// fraction of the work. Only message, enum and service definitions are followed; options
// stay as they are (protobufjs keeps them as plain values, it does not resolve them).
import { createRequire } from 'node:module';

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

/** Every definition by full name (`google.spanner.v1.Session`), with its kind and parent. */
function index(root) {
  const defs = new Map();
  const walk = (node, path, parent) => {
    for (const [name, def] of Object.entries(node.nested ?? {})) {
      const full = path ? `${path}.${name}` : name;
      const kind = def.fields
        ? 'type'
        : def.values
          ? 'enum'
          : def.methods
            ? 'service'
            : def.nested
              ? 'namespace'
              : 'other';
      defs.set(full, { def, kind, parent });
      walk(def, full, full);
    }
  };
  walk(root, '', undefined);
  return defs;
}

/** protobuf name resolution: a relative name is looked up from the innermost scope outwards. */
function resolve(defs, name, scope) {
  if (name.startsWith('.')) return defs.has(name.slice(1)) ? name.slice(1) : undefined;
  const parts = scope ? scope.split('.') : [];
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), name].join('.');
    const found = defs.get(candidate);
    if (found && found.kind !== 'namespace' && found.kind !== 'other') return candidate;
  }
  return undefined;
}

/**
 * A gapic client's protos (`clientFile`: its `build/src/v1/<name>_client.js`, which loads
 * `../../protos/protos.json`): the whole file, the part `service` needs, and the protobufjs
 * module that client loads (the repository root has none of its own).
 */
export function clientProtos(clientFile, service) {
  const require = createRequire(clientFile);
  const protobuf = require(require.resolve('protobufjs', { paths: [require.resolve('google-gax')] }));
  const full = require('../../protos/protos.json');
  return { full, pruned: pruneProtoJson(full, service, protobuf), protobuf };
}

/**
 * The JSON root holding `serviceName` and its closure (`protobuf`: the protobufjs module to
 * check it with). Throws when a reference cannot be
 * resolved or when protobufjs cannot resolve the result, so a client upgrade that changes
 * the file fails the bundle instead of the service at run time.
 */
export function pruneProtoJson(json, serviceName, protobuf) {
  const defs = index(json);
  if (defs.get(serviceName)?.kind !== 'service') throw new Error(`prune: no service ${serviceName}`);
  /** Kept definitions: top-level types of their file (a nested type keeps its outermost message). */
  const kept = new Set();
  const queue = [serviceName];
  const outermost = (full) => {
    let current = full;
    while (defs.get(defs.get(current)?.parent ?? '')?.kind === 'type') current = defs.get(current).parent;
    return current;
  };
  const need = (name, scope) => {
    if (SCALARS.has(name)) return;
    const full = resolve(defs, name, scope);
    if (!full) throw new Error(`prune: cannot resolve ${name} from ${scope}`);
    const top = outermost(full);
    if (!kept.has(top)) queue.push(top);
  };
  while (queue.length > 0) {
    const full = queue.pop();
    if (kept.has(full)) continue;
    kept.add(full);
    const { def, kind } = defs.get(full);
    if (kind === 'service') {
      const scope = full.split('.').slice(0, -1).join('.');
      for (const method of Object.values(def.methods)) {
        need(method.requestType, scope);
        need(method.responseType, scope);
      }
    } else if (kind === 'type') {
      // The message and every message nested in it: their fields' types, from their own scope.
      const visit = (name, message) => {
        for (const field of Object.values(message.fields ?? {})) need(field.type, name);
        for (const [child, nested] of Object.entries(message.nested ?? {})) {
          if (nested.fields) visit(`${name}.${child}`, nested);
        }
      };
      visit(full, def);
    }
  }
  // The kept definitions with the namespaces that hold them (their options and edition kept).
  const out = copyWithoutNested(json);
  for (const full of kept) {
    const parts = full.split('.');
    let into = out;
    let from = json;
    for (const part of parts.slice(0, -1)) {
      from = from.nested[part];
      into.nested ??= {};
      into.nested[part] ??= copyWithoutNested(from);
      into = into.nested[part];
    }
    into.nested ??= {};
    into.nested[parts.at(-1)] = from.nested[parts.at(-1)];
  }
  protobuf.Root.fromJSON(out).resolveAll();
  return out;
}

function copyWithoutNested(node) {
  const { nested: _nested, ...rest } = node;
  return rest;
}
