'use strict';
// The bundle's module loader: copied into every service's bundle/ by scripts/bundle-service.mjs
// and started by the bundle's main.mjs. Why a loader of our own (packages/bench/RESULTS.md,
// "Twenty-second round"): Node's compile cache (NODE_COMPILE_CACHE) is written when a file is
// compiled, so it holds each file's top level but none of the functions V8 compiles lazily on
// their first call, and a cold start compiled those from source every time. V8 can also write
// a file's code cache after it has run (`vm.Script#createCachedData`), holding every function
// compiled so far: the image's build runs the service once (warm-cache.mjs: a start and the
// first calls, without a database) and writes that cache, and every start then deserialises
// the functions its first answer calls instead of compiling them.
//
// The bundle's chunks are CommonJS files that require each other by relative path ("./x.cjs")
// and Node's built-in modules by name; nothing else is left to resolve (the bundle has no
// node_modules). Chunks are loaded here, each compiled once through vm.Script with its cache;
// anything else goes to Node's own require.
const { createRequire } = require('node:module');
const { mkdirSync, readdirSync, readFileSync, writeFileSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');
const vm = require('node:vm');

// Node's CommonJS wrapper, its first line apart so the file's own line numbers are kept (lineOffset).
const HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const TAIL = '\n})';

/**
 * Where the code cache of this bundle build lives: under NODE_COMPILE_CACHE (the folder the image
 * bakes, services/<name>/Dockerfile), in a folder named for the build, since V8 checks only a
 * cached file's length against the source it is given, not its content. None when Node's compile
 * cache is off (NODE_COMPILE_CACHE unset, or NODE_DISABLE_COMPILE_CACHE set): every file is then
 * compiled from source.
 */
function cacheFolder(buildId, env = process.env) {
  const root = env.NODE_COMPILE_CACHE;
  if (!root || env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  return join(resolve(root), `bundle-${buildId}`);
}

/**
 * Every chunk of the bundle in `dir`, as absolute paths: its `.cjs` files and those of `separate/`
 * (bundle-edits.mjs SEPARATE_MODULES), each folder in name order, the loader itself left out.
 * The one list of them: the warm-up loads and checks these, and the build hashes them.
 */
function bundleChunks(dir) {
  const chunks = [];
  for (const folder of [dir, join(dir, 'separate')]) {
    let names = [];
    try {
      names = readdirSync(folder);
    } catch {
      // no separate/ folder in this bundle
    }
    for (const name of names.sort())
      if (name.endsWith('.cjs') && name !== 'loader.cjs') chunks.push(join(folder, name));
  }
  return chunks;
}

/** The name of a chunk's cache file in the cache folder: its path in the bundle, `/` as `__`. */
function cacheFileName(dir, file) {
  return `${relative(dir, file).split(sep).join('__')}.v8`;
}

/** A loader of the chunks under `dir` (an absolute path), with the code cache of build `buildId`. */
function createLoader(dir, buildId, env = process.env) {
  const cacheDir = cacheFolder(buildId, env);
  const modules = new Map();
  const scripts = new Map();
  const counts = { cached: 0, rejected: 0, compiled: 0 };

  const cacheFileOf = (file) => cacheDir && join(cacheDir, cacheFileName(dir, file));
  const isChunk = (file) => file.endsWith('.cjs') && file.startsWith(dir + sep);

  function load(file) {
    const known = modules.get(file);
    if (known) return known.exports;
    const module = { id: file, filename: file, exports: {}, loaded: false };
    // Before running it, as Node does, so a cycle between chunks gets the exports made so far.
    modules.set(file, module);
    const source = readFileSync(file, 'utf8');
    const cacheFile = cacheFileOf(file);
    let cachedData;
    if (cacheFile) {
      try {
        cachedData = readFileSync(cacheFile);
      } catch {
        // not baked (a chunk loaded after the warm-up, or no warm-up): compiled from source
      }
    }
    const script = new vm.Script(HEAD + source + TAIL, {
      filename: file,
      lineOffset: -1,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
    // V8 refuses a cache made by another V8 version or with other flags (NODE_OPTIONS): the file
    // is then compiled from source, as without a cache.
    if (cachedData === undefined) counts.compiled++;
    else if (script.cachedDataRejected) counts.rejected++;
    else counts.cached++;
    scripts.set(file, script);
    try {
      const wrapper = script.runInThisContext();
      wrapper.call(module.exports, module.exports, requireFrom(file), module, file, dirname(file));
    } catch (error) {
      // As Node does: a chunk that threw is not kept half-made; the next require runs it again.
      modules.delete(file);
      throw error;
    }
    module.loaded = true;
    return module.exports;
  }

  function requireFrom(file) {
    let nodeRequire;
    const fallback = () => {
      nodeRequire ??= createRequire(file);
      return nodeRequire;
    };
    const require = (id) => {
      const target =
        id.startsWith('./') || id.startsWith('../') || id.startsWith('/') ? resolve(dirname(file), id) : '';
      return isChunk(target) ? load(target) : fallback()(id);
    };
    require.resolve = (id, options) => fallback().resolve(id, options);
    return require;
  }

  /** Every chunk of the bundle (lazy paths and separate/ included), loaded if not yet. */
  function loadAll() {
    for (const file of bundleChunks(dir)) load(file);
  }

  /** Writes each loaded chunk's code cache as V8 has it now, with every function compiled so far. */
  function writeCache() {
    if (!cacheDir) throw new Error('no code cache folder: set NODE_COMPILE_CACHE');
    mkdirSync(cacheDir, { recursive: true });
    let bytes = 0;
    for (const [file, script] of scripts) {
      const data = script.createCachedData();
      writeFileSync(cacheFileOf(file), data);
      bytes += data.length;
    }
    return { files: scripts.size, bytes, cacheDir };
  }

  return { load, loadAll, writeCache, counts };
}

/**
 * Starts the service: its composition root (the bundled start.ts) through the loader. Under the
 * build's warm-up (BUNDLE_WARM_UP=1, spawned by warm-cache.mjs with an IPC channel), it waits
 * for the warm-up's word that the first calls were answered, then loads the chunks no call
 * loaded, writes the cache and exits.
 */
function run({ dir, buildId, entry, entryUrl }) {
  const { env } = process;
  const loader = createLoader(dir, buildId, env);
  // For the tests (infra/test/bundle-loader.test.ts): how each chunk was compiled, at exit.
  if (env.BUNDLE_CODE_CACHE_REPORT) {
    process.on('exit', () => process.stderr.write(`bundle code cache: ${JSON.stringify(loader.counts)}\n`));
  }
  if (env.BUNDLE_WARM_UP === '1' && typeof process.send === 'function') {
    process.on('message', (message) => {
      if (message !== 'write-code-cache') return;
      loader.loadAll();
      const written = loader.writeCache();
      process.send({ written }, () => process.exit(0));
    });
  }
  return loader.load(join(dir, entry)).start(entryUrl);
}

module.exports = { run, createLoader, cacheFolder, bundleChunks, cacheFileName };
