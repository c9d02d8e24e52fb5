// The edits scripts/bundle-service.mjs makes to dependencies' code while bundling a service:
// each a find/replace that must apply exactly once, so a dependency upgrade that changes the
// code fails the build instead of silently dropping the edit.
import { createRequire } from 'node:module';
import { clientProtos } from './prune-protos.mjs';

/**
 * Work a dependency does at start for paths this service never takes, deferred to first use.
 * Each edit must apply exactly once, so a client upgrade that changes the code fails the build
 * here instead of silently keeping the cost.
 */
export const DEFERRALS = [
  {
    // `new Spanner()` parses google/longrunning/operations.proto from text (~100–170 ms of a cold
    // start, docs/engines.md §5) for its legacy Operations service, which only long-running admin
    // calls through common-grpc's GrpcOperation use; the data plane never does. Loaded on first access.
    file: '/@google-cloud/spanner/build/src/common-grpc/service.js',
    find: `            const services = this.loadProtoFile(protoConfig.path, config);
            const serviceKey = ['google', protoConfig.service, name]
                .filter(x => x)
                .join('.');
            const service = services[serviceKey];
            this.protos[name] = service;
            if (protoConfig.baseUrl) {
                service.baseUrl = protoConfig.baseUrl;
            }`,
    replace: `            let service;
            Object.defineProperty(this.protos, name, { enumerable: true, configurable: true, get: () => {
                if (service === undefined) {
                    const services = this.loadProtoFile(protoConfig.path, config);
                    const serviceKey = ['google', protoConfig.service, name].filter(x => x).join('.');
                    service = services[serviceKey];
                    if (protoConfig.baseUrl) service.baseUrl = protoConfig.baseUrl;
                }
                return service;
            } });`,
  },
  // @grpc/proto-loader (the Google clients' gapic path: `loadProtoJSON` at every client
  // construction) gives every message and enum definition its DescriptorProto (`type`) and every
  // .proto file of the root encoded as FileDescriptorProto bytes (`fileDescriptorProtos`): ~120 ms
  // of a Spanner cold start (toDescriptor and encode over the whole root, docs/engines.md §5) and
  // memory kept for the process's life, for gRPC server reflection, which no client path reads.
  // Computed on first access instead (the same values).
  {
    file: '/@grpc/proto-loader/build/src/index.js',
    find: `function createMessageDefinition(message, options, fileDescriptors) {
    const messageDescriptor = message.toDescriptor('proto3');
    return {
        format: 'Protocol Buffer 3 DescriptorProto',
        type: messageDescriptor.$type.toObject(messageDescriptor, descriptorOptions),
        fileDescriptorProtos: fileDescriptors,`,
    replace: `function createMessageDefinition(message, options, fileDescriptors) {
    let type;
    return {
        format: 'Protocol Buffer 3 DescriptorProto',
        get type() {
            if (type === undefined) {
                const messageDescriptor = message.toDescriptor('proto3');
                type = messageDescriptor.$type.toObject(messageDescriptor, descriptorOptions);
            }
            return type;
        },
        get fileDescriptorProtos() { return fileDescriptors(); },`,
  },
  {
    file: '/@grpc/proto-loader/build/src/index.js',
    find: `function createEnumDefinition(enumType, fileDescriptors) {
    const enumDescriptor = enumType.toDescriptor('proto3');
    return {
        format: 'Protocol Buffer 3 EnumDescriptorProto',
        type: enumDescriptor.$type.toObject(enumDescriptor, descriptorOptions),
        fileDescriptorProtos: fileDescriptors,`,
    replace: `function createEnumDefinition(enumType, fileDescriptors) {
    let type;
    return {
        format: 'Protocol Buffer 3 EnumDescriptorProto',
        get type() {
            if (type === undefined) {
                const enumDescriptor = enumType.toDescriptor('proto3');
                type = enumDescriptor.$type.toObject(enumDescriptor, descriptorOptions);
            }
            return type;
        },
        get fileDescriptorProtos() { return fileDescriptors(); },`,
  },
  {
    file: '/@grpc/proto-loader/build/src/index.js',
    find: `    const descriptorList = root.toDescriptor('proto3').file;
    const bufferList = descriptorList.map(value => Buffer.from(descriptor.FileDescriptorProto.encode(value).finish()));`,
    replace: `    let buffers;
    const bufferList = () => buffers !== null && buffers !== void 0 ? buffers : (buffers = root.toDescriptor('proto3').file.map(value => Buffer.from(descriptor.FileDescriptorProto.encode(value).finish())));`,
  },
  {
    // Fastify checks a plugin's declared Fastify version range with semver, which it loads with
    // the framework (semver builds its regular expressions at load); no plugin the services
    // register declares one. Loaded on first use instead.
    ...lazyRequire('/fastify/lib/plugin-utils.js', "const semver = require('semver')"),
  },
  {
    // Fastify loads node:http2 with itself, for the HTTP/2 servers the services never create
    // (their server is HTTP/1.1 behind Cloud Run's front end). Built-in modules are compiled from
    // Node's own code cache, but http2's evaluation was still ~8 ms of a BigQuery cold start (the
    // gRPC clients of the other services load it anyway). Loaded on first use instead.
    ...lazyRequire('/fastify/lib/server.js', "const http2 = require('node:http2')"),
  },
  {
    // The same for node:https, which Fastify uses only for `https` servers (the services serve
    // HTTP behind Cloud Run's TLS): with it, tls and its secure context were evaluated at every
    // start (~4 ms in isolation). A client that calls over HTTPS loads them itself when it does.
    ...lazyRequire('/fastify/lib/server.js', "const https = require('node:https')"),
  },
  // Fastify's plugin checks and its router (find-my-way) check their arguments with node:assert
  // while the routes are registered, i.e. at every start; loading node:assert evaluates its
  // AssertionError machinery (diffs, colours: ~3.5 ms in isolation) for checks that pass. Each
  // file calls it only as `assert(value, message)`: a check that passes now loads nothing, and
  // one that fails is handed to node:assert as it was, which throws what it threw.
  ...[
    '/fastify/lib/plugin-utils.js',
    '/find-my-way/index.js',
    '/find-my-way/lib/constrainer.js',
    '/find-my-way/lib/strategies/accept-host.js',
    '/find-my-way/lib/strategies/accept-version.js',
  ].map((file) => lazyAssert(file)),
  // Code Fastify requires only inside functions the services never call: its default schema
  // compilers (ajv and fast-json-stringify, with fast-uri and their formats; app.ts replaces
  // both factories) and `inject` (light-my-request, tests of the core's app only). Evaluated on
  // first use already, their text (~0.3 MB minified, in the chunk every service loads at start)
  // was still read, decoded and kept in memory at every start; each is bundled into a file of
  // its own.
  separateCall('/fastify/lib/schema-controller.js', "require('@fastify/ajv-compiler')"),
  separateCall('/fastify/lib/schema-controller.js', "require('@fastify/fast-json-stringify-compiler')"),
  separateCall('/fastify/fastify.js', "require('light-my-request')"),
  {
    // @google-cloud/common (BigQuery's HTTP layer) loads html-entities at start to decode an
    // HTML error body, which only a failed call has. Loaded on first use instead.
    ...lazyRequire('/@google-cloud/common/build/src/util.js', 'const htmlEntities = require("html-entities");'),
  },
  {
    // The Spanner client's built-in metrics exporter loads @google-cloud/monitoring (its gapic
    // client and protos, ~80–120 ms of module evaluation at every start) when the client module
    // is imported; the exporter is only built when built-in metrics are on, which the service
    // turns off by default (services/spanner/src/client.ts). Loaded on first use instead.
    ...lazyRequire(
      '/@google-cloud/spanner/build/src/metrics/spanner-metrics-exporter.js',
      'const monitoring_1 = require("@google-cloud/monitoring");',
    ),
  },
  // Generated protobufjs code (a class per message of a whole API, 0.6–1.4 MB each) that
  // google-gax and the Firestore client load with themselves: the IAM, Locations and long-running
  // Operations messages (gax's exports, and its LRO poller's requests), and every Firestore
  // message (the API package's `protos` export, and the client's serializer's `Value`, which only
  // field-mask and bundle encoding use). The clients encode and decode through the protobufjs
  // root built from JSON (`loadProtoJSON`), not through these classes, so no data-plane call
  // reads them; evaluated, they were ~60 ms of a Firestore cold start, and their text, read and
  // compiled at every start, ~40 ms more (packages/bench/RESULTS.md). Each is bundled into a file
  // of its own (bundle/separate/, scripts/bundle-service.mjs) and loaded on first access.
  ...['iam_service', 'locations', 'operations'].flatMap((proto) => [
    separateRequire('/google-gax/build/src/index.js', gaxProtosLine(proto)),
    separateRequire('/google-gax/build/src/fallback.js', gaxProtosLine(proto)),
  ]),
  separateRequire(
    '/google-gax/build/src/longRunningCalls/longrunning.js',
    'const operationProtos = __importStar(require("../../protos/operations"));',
  ),
  separateRequire('/@google-cloud/firestore-api/build/src/index.js', 'const protos = require("../protos/protos");'),
  {
    file: '/@google-cloud/firestore/build/src/serializer.js',
    find: `const firestore_v1_proto_api_1 = require("../protos/firestore_v1_proto_api");
var Value = firestore_v1_proto_api_1.google.firestore.v1.Value;`,
    replace: (id) => {
      const load = separateLoad(id, '../protos/firestore_v1_proto_api');
      // Its static methods (fromObject) run with the class as `this`, as before.
      return `let ValueClass;
const valueClass = () => (ValueClass ??= ${load}.google.firestore.v1.Value);
var Value = new Proxy({}, { get: (_, name) => { const member = valueClass()[name]; return typeof member === 'function' ? member.bind(valueClass()) : member; } });`;
    },
  },
  {
    // The client's own lazy load of the same module (bundle encoding), pointed at the separate file.
    file: '/@google-cloud/firestore/build/src/bundle.js',
    find: "const message = require('../protos/firestore_v1_proto_api')",
    replace: (id) => `const message = ${separateLoad(id, '../protos/firestore_v1_proto_api')}`,
  },
  // The data-plane gapic clients (SpannerClient, built on a `new Spanner()`'s first database use;
  // FirestoreClient, on a Firestore's first call) load their package's whole protos.json: the data
  // plane, the admin APIs (and Spanner's executor proxy) and descriptor.proto. Spanner's service
  // needs ~110 of ~360 definitions, Firestore's a third of its file; building that protobufjs root
  // was the largest single cost of a Spanner cold start (~200 ms, docs/engines.md §5). Each gets
  // the part its service needs (scripts/prune-protos.mjs); the admin clients, and the data-plane
  // client's decoding of error details, keep the whole file.
  dataPlaneProtos('/@google-cloud/spanner-api/build/src/v1/spanner_client.js', 'google.spanner.v1.Spanner'),
  dataPlaneProtos('/@google-cloud/firestore-api/build/src/v1/firestore_client.js', 'google.firestore.v1.Firestore'),
];
/**
 * Exact fast paths for work a dependency repeats on every call: the same results, by a cheaper
 * route, each checked against the original by infra/test/bundle-edits.test.ts.
 */
export const FAST_PATHS = [
  {
    // long.js (protobufjs's int64 type, through @grpc/proto-loader) prints a Long by emulated
    // 64-bit division, allocating several Longs per six digits. gax decodes with `longs: String`,
    // so every int64 of a response goes through it: each document's createTime and updateTime
    // seconds, every Timestamp and integer value. On Firestore's 50-document query that is about
    // an eighth of what the process allocates (packages/bench/RESULTS.md). A value within
    // ±2^53 is exact as a double, and a double's decimal text is its exact digits.
    file: '/long/umd/index.js',
    find: `      if (radix < 2 || 36 < radix) throw RangeError("radix");
      if (this.isZero()) return "0";`,
    replace: `      if (radix < 2 || 36 < radix) throw RangeError("radix");
      if (radix === 10 && (this.unsigned ? this.high >>> 0 < 0x200000 : this.high >= -0x200000 && this.high < 0x200000))
        return String(this.toNumber());
      if (this.isZero()) return "0";`,
  },
  {
    // @google-cloud/common (BigQuery's HTTP layer) answers every call through handleResp, which
    // merges the response and its parsed body with a deep `extend`: a copy of every row of the
    // answer, made for one call and thrown away, ~8% of the BigQuery service's CPU per 50-item
    // query (a --cpu-prof of the bench, packages/bench/RESULTS.md). The three parts merged have
    // distinct keys (`err`; `resp` and maybe `err`; `body` and maybe `err`), and the response and
    // body were made for this call only, so a shallow merge gives the callback the same values.
    // `extend` skips undefined members; so does this (`err` is never undefined).
    file: '/@google-cloud/common/build/src/util.js',
    find: `        const parsedResp = extend(true, { err: err || null }, resp && util.parseHttpRespMessage(resp), body && util.parseHttpRespBody(body));`,
    replace: `        const parsedResp = Object.assign({ err: err || null }, resp && util.parseHttpRespMessage(resp), body && util.parseHttpRespBody(body));`,
  },
];
/**
 * The edit that turns `find`, a module's top-level `const <binding> = require(<module>)`, into
 * a binding that requires the module on its first property access: the same members, the
 * module's evaluation left out of the start when no call path reads them.
 */
function lazyRequire(file, find) {
  const { binding, star, module } = parseRequire(find);
  const load = `require(${JSON.stringify(module)})`;
  return { file, find, replace: lazyBinding(binding, star ? `__importStar(${load})` : load) };
}

/** `const assert = require('node:assert')` of a file that only calls `assert(value, message)`: node:assert loaded on the first failing check. */
function lazyAssert(file) {
  return {
    file,
    find: "const assert = require('node:assert')",
    replace: "const assert = (value, message) => { if (!value) require('node:assert')(value, message) }",
  };
}

/** `const <binding>`: an object whose members are those of what `load` evaluates to, evaluated on first access. */
function lazyBinding(binding, load) {
  return `let ${binding}Module;\nconst ${binding} = new Proxy({}, { get: (_, name) => (${binding}Module ??= ${load})[name] });`;
}

/** `const <binding> = require(<module>);`, or TypeScript's `__importStar(require(<module>))` of a namespace import. */
function parseRequire(find) {
  const match = /^const ([\w$]+) = (__importStar\()?require\((['"])([^'"]+)\3\)\)?;?$/.exec(find);
  if (!match) throw new Error(`bundle: not a top-level require: ${find}`);
  const [, binding, star, , module] = match;
  return { binding, star: Boolean(star), module };
}

/** google-gax's `const <Name>Protos = __importStar(require("../protos/<proto>"));` line of one generated module. */
function gaxProtosLine(proto) {
  const binding = { iam_service: 'IamProtos', locations: 'LocationProtos', operations: 'operationsProtos' }[proto];
  return `const ${binding} = __importStar(require("../protos/${proto}"));`;
}

/**
 * Modules bundled apart from the service's chunks, each into bundle/separate/<name>.cjs with
 * what it requires (scripts/bundle-service.mjs builds them after the service): name → the
 * module's file. Filled while the service is bundled, by the edits that load them.
 */
export const SEPARATE_MODULES = new Map();

/**
 * The expression that loads `specifier` (as `from`, a dependency's file, requires it) from its
 * separate file at run time: `require` of a path computed at run time, which the bundler
 * leaves as it is, so the module's text is not in any chunk the service loads at start.
 */
function separateLoad(from, specifier) {
  const file = createRequire(from).resolve(specifier);
  const base = file
    .slice(file.lastIndexOf('/node_modules/') + '/node_modules/'.length)
    .replace(/^@/, '')
    .replace(/\.js$/, '')
    .replace(/[^\w.-]+/g, '_');
  // Two installed versions of one package give the same base name: numbered apart.
  let name = base;
  for (let n = 2; SEPARATE_MODULES.has(name) && SEPARATE_MODULES.get(name) !== file; n++) name = `${base}-${n}`;
  SEPARATE_MODULES.set(name, file);
  return `require(__bundleSeparate(${JSON.stringify(name)}))`;
}

/**
 * The edit that turns a top-level `const <binding> = require(<module>)` into a binding that
 * loads the module from its separate file (separateLoad) on its first property access.
 */
function separateRequire(file, find) {
  const { binding, star, module } = parseRequire(find);
  return {
    file,
    find,
    replace: (id) => {
      const load = separateLoad(id, module);
      return lazyBinding(binding, star ? `__importStar(${load})` : load);
    },
  };
}

/** The edit that points `find`, one `require(<module>)` call inside a function, at the module's separate file. */
function separateCall(file, find) {
  const match = /^require\((['"])([^'"]+)\1\)$/.exec(find);
  if (!match) throw new Error(`bundle: not a require call: ${find}`);
  return { file, find, replace: (id) => separateLoad(id, match[2]) };
}

/**
 * The edit that gives a gapic client (`file`) the part of its package's protos.json that
 * `service` needs, as JSON text for JSON.parse (V8 parses that faster than an object
 * literal). infra/test/prune-protos.test.ts checks the parts against the whole files.
 */
function dataPlaneProtos(file, service) {
  return {
    file,
    find: 'this._protos = this._gaxGrpc.loadProtoJSON(jsonProtos);',
    replace: (id) => {
      const { pruned } = clientProtos(id, service);
      return `this._protos = this._gaxGrpc.loadProtoJSON(JSON.parse(${JSON.stringify(JSON.stringify(pruned))}));`;
    },
  };
}
