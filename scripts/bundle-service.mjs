#!/usr/bin/env node
// Bundles one service's compiled entry point (dist/main.js, from tsc) with every
// production dependency into `bundle/`: main.mjs plus the chunks its lazy imports
// load. Node then reads a handful of files at start instead of resolving a module
// graph of ~1,500 files, which is most of a cold start (packages/bench/RESULTS.md).
// The image, the deploy-folder test and the bench all run this folder.
//
//   node ../../scripts/bundle-service.mjs        (from services/<name>; its `build` script)
//
// The Google clients read a few files next to their code at run time (.proto and
// .json files located through __dirname: google-gax's common protos, the Spanner
// client's longrunning protos, grpc-js's channelz). Each such module's __dirname is
// pointed into bundle/assets/<package>/<same relative folder>, and those packages'
// .proto/.json files are copied there, so the bundle needs no node_modules.
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { rolldown } from 'rolldown';
import { clientProtos } from './prune-protos.mjs';

const serviceDir = process.cwd();
const outDir = join(serviceDir, 'bundle');

/** `/…/node_modules/@scope/name/lib/x.js` → { root: '/…/node_modules/@scope/name', name: '@scope/name' }. */
function packageOf(file) {
  const at = file.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) return undefined;
  const rest = file.slice(at + '/node_modules/'.length).split(sep);
  const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  return name ? { root: file.slice(0, at + '/node_modules/'.length) + name, name } : undefined;
}

const assetPackages = new Map();

/** A file or folder inside node_modules → its path under assets/ (and its package's data is copied there). */
function assetPath(file) {
  const pkg = packageOf(file);
  if (!pkg) throw new Error(`bundle: ${file} is not inside node_modules`);
  assetPackages.set(pkg.name, pkg.root);
  return join(pkg.name, relative(pkg.root, file)).split(sep).join('/');
}

/** Gives each node_modules module that uses __dirname/__filename its own, pointing into assets/. */
const assetPaths = {
  name: 'asset-paths',
  transform(code, id) {
    if (!/\b__(dirname|filename)\b|require\.resolve\(/.test(code)) return null;
    const pkg = packageOf(id);
    if (!pkg) return null;
    // `require.resolve('pkg')` used to find a package's folder (the Spanner client finds google-gax's protos so).
    const resolved = code.replace(/\brequire\.resolve\((['"])([^'"]+)\1\)/g, (_, _q, spec) => {
      const target = createRequire(id).resolve(spec);
      return `__bundleAsset(${JSON.stringify(assetPath(target))})`;
    });
    const dir = assetPath(dirname(id));
    // `var` so a CommonJS module wrapped in a function keeps it local to that function.
    const header = `var __dirname = __bundleAsset(${JSON.stringify(dir)}), __filename = __bundleAsset(${JSON.stringify(assetPath(id))});\n`;
    return { code: header + resolved, map: null };
  },
};

/**
 * Work a dependency does at start for paths this service never takes, deferred to first use.
 * Each edit must apply exactly once, so a client upgrade that changes the code fails the build
 * here instead of silently keeping the cost.
 */
const DEFERRALS = [
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
    // The Spanner client's built-in metrics exporter loads @google-cloud/monitoring (its gapic
    // client and protos, ~80–120 ms of module evaluation at every start) when the client module
    // is imported; the exporter is only built when built-in metrics are on, which the service
    // turns off by default (services/spanner/src/client.ts). Loaded on first use instead.
    file: '/@google-cloud/spanner/build/src/metrics/spanner-metrics-exporter.js',
    find: 'const monitoring_1 = require("@google-cloud/monitoring");',
    replace:
      'let monitoringModule;\nconst monitoring_1 = { get MetricServiceClient() { return (monitoringModule ??= require("@google-cloud/monitoring")).MetricServiceClient; } };',
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
const applied = new Map();

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

const deferrals = {
  name: 'deferrals',
  transform(code, id) {
    const edits = DEFERRALS.filter((d) => id.split(sep).join('/').endsWith(d.file));
    if (edits.length === 0) return null;
    let out = code;
    for (const edit of edits) {
      const count = out.split(edit.find).length - 1;
      if (count !== 1)
        throw new Error(`bundle: expected the code to defer once in ${edit.file}, found it ${count} times`);
      out = out.replace(edit.find, () => (typeof edit.replace === 'function' ? edit.replace(id) : edit.replace));
      applied.set(edit.file, (applied.get(edit.file) ?? 0) + 1);
    }
    return { code: out, map: null };
  },
};

const started = performance.now();
rmSync(outDir, { recursive: true, force: true });
const bundle = await rolldown({
  input: join(serviceDir, 'dist', 'main.js'),
  platform: 'node',
  logLevel: 'warn',
  plugins: [deferrals, assetPaths],
});
const { output } = await bundle.write({
  dir: outDir,
  format: 'esm',
  entryFileNames: 'main.mjs',
  chunkFileNames: '[name]-[hash].mjs',
  // Minified (names kept: errors and a few libraries read constructor names): V8 keeps every
  // file's source text in memory for lazy compilation, so its size is resident memory.
  minify: true,
  keepNames: true,
  // One non-Latin-1 character makes V8 hold a whole file's source as two bytes per character:
  // escaped, the Spanner client's 3.9 MB chunk stays 3.9 MB in memory instead of 7.7.
  charset: 'ascii',
  // CommonJS dependencies call require(); ESM has none, so each chunk gets one, and the asset locator.
  banner: [
    "import { createRequire as __bundleRequire } from 'node:module';",
    'const require = __bundleRequire(import.meta.url);',
    "const __bundleAsset = (path) => import.meta.dirname + '/assets/' + path;",
  ].join('\n'),
});
await bundle.close();

/** Copies the run-time data files (.proto, .json) of a package, not its code or nested node_modules. */
function copyData(from, to) {
  for (const entry of readdirSync(from)) {
    if (entry === 'node_modules') continue;
    const source = join(from, entry);
    if (statSync(source).isDirectory()) copyData(source, join(to, entry));
    else if (/\.(proto|json)$/.test(entry)) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, join(to, entry));
    }
  }
}
for (const [name, root] of assetPackages) copyData(root, join(outDir, 'assets', name));

// The image's build runs this once to bake Node's compile cache (NODE_COMPILE_CACHE) for every
// file of the bundle, without starting the service (main.mjs is a few lines of its own).
writeFileSync(
  join(outDir, 'warm-cache.mjs'),
  [
    '// Written by scripts/bundle-service.mjs: loads every file of the bundle, so NODE_COMPILE_CACHE holds them all.',
    "import { readdirSync } from 'node:fs';",
    'for (const file of readdirSync(import.meta.dirname).sort()) {',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of the generated warm-up script, not a template here
    "  if (file.endsWith('.mjs') && file !== 'main.mjs' && file !== 'warm-cache.mjs') await import(`./${file}`);",
    '}',
    '',
  ].join('\n'),
);

const bytes = output.reduce((sum, o) => sum + (o.type === 'chunk' ? o.code.length : 0), 0);
process.stdout.write(
  `bundle: ${output.length} files, ${(bytes / 1e6).toFixed(1)} MB of code, assets of ${[...assetPackages.keys()].join(', ') || 'none'}, ${applied.size} deferral(s) (${Math.round(performance.now() - started)} ms)\n`,
);
